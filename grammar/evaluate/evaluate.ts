// Evaluates a rule set over a parsed message and answers what Pigeonhole
// does with it: the script grammar/emit/sieve.ts writes for the rule set,
// run the way Pigeonhole runs it (and, with the admin's locked rules, the
// global scripts around it, see grammar/global-scripts.ts).
//
// Order inside one script, as emitted: the locked rules that come first,
// then the blocklist and the built-in spam step, then every other rule. The
// whitelist verdict exempts unlocked rules that read auth results or the
// spam score, the blocklist and the spam step.
//
// Pigeonhole's result, as sieve-test prints it:
// - `fileinto`/`keep` store the message; storing twice into one folder is
//   one store, which keeps the first one's `:copy` (only a `keep` takes a
//   store into INBOX over); likewise redirecting twice to one address.
//   `keep` is a store into INBOX.
// - every action but vacation and a `:copy` cancels the implicit keep.
// - `reject` cannot be combined with a store, a redirect (with `:copy` or
//   not), a vacation or a second reject, nor vacation with a second one: the
//   script fails there, and a failed script delivers to INBOX (implicit keep).
// - `stop` ends the script; scripts in sequence (global before, the user's,
//   global after) go on only while the message is still kept.
// A rule set that reaches a raw block depends on that Sieve: the answer
// says so, with what was decided before it.
import { blockActions } from '../emit/sieve/sender-lists.js';
import { spamFilterActions } from '../emit/sieve/spam-filter.js';
import { SPAM_STATUS_HEADER } from '../emit/sieve/spam-score.js';
import { readsSpamVerdict } from '../emit/sieve/tests.js';
import { BLOCK_ACTIONS, isRawBlock, spamFilterOn, type Action, type BlockAction, type Rule, type RuleItem, type RuleSet } from '../model.js';
import { combined, fromMatches, MessageView, ServerDependent, spamScorePredicate, whitelistPredicate, type ConditionContext, type Predicate } from './conditions.js';
import type { ParsedMessage } from './message.js';

export type DecisionSource = 'user' | 'whitelist' | 'blocklist' | 'default' | 'locked' | 'spam' | 'implicit';

export interface DecidedBy {
  source: DecisionSource;
  /** Index into the rules of the script's rule set (blocklist: into the blocklist). */
  ruleIndex?: number;
  /** The rule's name (blocklist: the entry's pattern). */
  ruleName?: string;
  /** The top-level condition that decided a match ("any" rules). */
  condition?: number;
}

export type EvalActionType = 'fileinto' | 'keep' | 'discard' | 'redirect' | 'reject' | 'vacation' | 'addflag' | 'stop';

export interface EvalAction {
  type: EvalActionType;
  folder?: string;
  address?: string;
  copy?: boolean;
  /** reject: the reason; vacation: the message. */
  reason?: string;
  /** addflag: the flag. */
  flag?: string;
  /** keep: this is the implicit keep. */
  implicit?: boolean;
  decidedBy: DecidedBy;
}

/** One rule (or built-in step) tried, and whether it matched. */
export interface TraceStep {
  source: DecisionSource;
  ruleIndex?: number;
  ruleName?: string;
  matched: boolean;
}

export type Evaluation =
  | {
      kind: 'decided';
      /** Everything that happens to the message, the implicit keep last when in force. */
      actions: EvalAction[];
      implicitKeep: boolean;
      /** A failing script (conflicting actions): the message is kept in INBOX. */
      error?: string;
      trace: TraceStep[];
    }
  | {
      kind: 'raw';
      /** Index into the rules of the rule set whose raw block was reached. */
      ruleIndex: number;
      ruleName?: string;
      /** Which script the raw block is in. */
      script: 'user' | 'before' | 'after';
      /** Set when no raw block but a spamtest/virustest decides: its answer is the server's configuration. */
      serverDependent?: true;
      actionsSoFar: EvalAction[];
      trace: TraceStep[];
    };

export interface EvaluateOptions {
  /** The header holding SpamAssassin's verdict (SieveOptions.spamHeader); default X-Spam-Status. */
  spamHeader?: string;
  /** The admin's locked rules, run as the global scripts around the user's (splitDefaults(defaults).before / .after). */
  before?: RuleSet;
  after?: RuleSet;
  /** The admin's defaults the rule set was merged with (effectiveRuleSet): their rules are reported as `default`. */
  defaults?: RuleSet;
  /** The server's date, YYYY-MM-DD, for vacation date windows; default today's local date. */
  today?: string;
}

// ------------------------------------------------------------------ compile

interface CompiledRule {
  index: number;
  item: RuleItem;
  test: Predicate;
  decider: (m: MessageView) => number | undefined;
  /** The whitelist exempts it. */
  exempt: boolean;
}

interface CompiledBlock {
  action: BlockAction;
  entries: Array<{ index: number; pattern: string; test: Predicate }>;
}

interface CompiledScript {
  rs: RuleSet;
  whitelisted: Predicate | null;
  rules: CompiledRule[];
  builtInsAt: number;
  blocks: CompiledBlock[];
  spam: Predicate | null;
}

const compiled = new WeakMap<RuleSet, Map<string, CompiledScript>>();

function compileScript(rs: RuleSet, spamHeader: string): CompiledScript {
  let byHeader = compiled.get(rs);
  const hit = byHeader?.get(spamHeader);
  if (hit) return hit;
  const ctx: ConditionContext = { settings: rs.settings, spamHeader };
  const hasWhitelist = rs.whitelist.length > 0;
  const rules: CompiledRule[] = [];
  rs.rules.forEach((item, index) => {
    if (!item.enabled) return;
    if (isRawBlock(item)) {
      rules.push({ index, item, test: () => true, decider: () => undefined, exempt: false });
      return;
    }
    const c = combined(item.combine, item.conditions, ctx);
    rules.push({ index, item, ...c, exempt: hasWhitelist && !item.locked && item.conditions.some(readsSpamVerdict) });
  });
  const firstUnlocked = rs.rules.findIndex((r) => isRawBlock(r) || !r.locked);
  const blocks: CompiledBlock[] = [];
  for (const action of BLOCK_ACTIONS) {
    const entries = rs.blocklist
      .map((e, index) => ({ index, pattern: e.pattern, action: e.action }))
      .filter((e) => e.action === action)
      .map((e) => ({ index: e.index, pattern: e.pattern, test: fromMatches([e.pattern]) }));
    if (entries.length > 0) blocks.push({ action, entries });
  }
  const spamOn = spamFilterOn(rs.settings) && Number.isFinite(rs.settings.threshold);
  const script: CompiledScript = {
    rs,
    whitelisted: hasWhitelist ? whitelistPredicate(rs.whitelist, ctx) : null,
    rules,
    builtInsAt: firstUnlocked < 0 ? rs.rules.length : firstUnlocked,
    blocks,
    spam: spamOn ? spamScorePredicate(rs.settings.threshold, ctx) : null,
  };
  if (!byHeader) {
    byHeader = new Map();
    compiled.set(rs, byHeader);
  }
  byHeader.set(spamHeader, script);
  return script;
}

// ------------------------------------------------------------------ result

class ScriptFailure extends Error {}

class RawReached extends Error {
  constructor(
    readonly ruleIndex: number,
    readonly ruleName: string | undefined,
    readonly script: 'user' | 'before' | 'after',
    readonly serverDependent = false,
  ) {
    super('raw block');
  }
}

/** Pigeonhole's result: the actions so far and the implicit keep of the running script. */
class Result {
  readonly actions: EvalAction[] = [];
  readonly trace: TraceStep[] = [];
  implicitKeep = true;
  explicitKeep = false;

  private find(pred: (a: EvalAction) => boolean): EvalAction | undefined {
    return this.actions.find(pred);
  }

  private conflict(message: string): never {
    throw new ScriptFailure(message);
  }

  store(folder: string, copy: boolean, by: DecidedBy): void {
    if (this.find((a) => a.type === 'reject')) this.conflict('reject conflicts with a store');
    const keep = folder === 'INBOX' && !copy;
    const same = this.find((a) => (a.type === 'fileinto' || a.type === 'keep') && a.folder === folder);
    if (same) {
      // A second store into a folder merges into the first, which keeps
      // its `:copy` or not (a `keep` takes the first over, `:copy` and all).
      if (keep) this.explicitKeep = true;
      return;
    }
    if (!copy) this.implicitKeep = false;
    if (keep) this.explicitKeep = true;
    this.actions.push(keep ? { type: 'keep', folder, decidedBy: by } : { type: 'fileinto', folder, ...(copy ? { copy } : {}), decidedBy: by });
  }

  redirect(address: string, copy: boolean, by: DecidedBy): void {
    if (this.find((a) => a.type === 'reject')) this.conflict('reject conflicts with a redirect');
    // A second redirect to an address merges into the first, `:copy` or not.
    if (this.find((a) => a.type === 'redirect' && a.address === address)) return;
    if (!copy) this.implicitKeep = false;
    this.actions.push({ type: 'redirect', address, ...(copy ? { copy } : {}), decidedBy: by });
  }

  discard(by: DecidedBy): void {
    this.implicitKeep = false;
    if (!this.find((a) => a.type === 'discard')) this.actions.push({ type: 'discard', decidedBy: by });
  }

  reject(reason: string, by: DecidedBy): void {
    if (this.find((a) => a.type === 'reject')) this.conflict('duplicate reject');
    if (this.find((a) => a.type === 'fileinto' || a.type === 'keep' || a.type === 'redirect' || a.type === 'vacation')) this.conflict('reject conflicts with an earlier action');
    this.implicitKeep = false;
    this.actions.push({ type: 'reject', reason, decidedBy: by });
  }

  vacation(message: string, by: DecidedBy): void {
    if (this.find((a) => a.type === 'vacation')) this.conflict('duplicate vacation');
    if (this.find((a) => a.type === 'reject')) this.conflict('vacation conflicts with reject');
    this.actions.push({ type: 'vacation', reason: message, decidedBy: by });
  }

  note(a: EvalAction): void {
    this.actions.push(a);
  }
}

function inWindow(v: { start?: string; end?: string }, today: string): boolean {
  return (v.start === undefined || today >= v.start) && (v.end === undefined || today <= v.end);
}

/** Runs a rule's actions; true when they end with `stop`. */
function run(actions: readonly Action[], result: Result, by: DecidedBy, today: string): boolean {
  // Flag actions come first in the emitted block (grammar/emit/sieve/actions.ts).
  for (const a of actions) {
    if (a.kind === 'mark-read') result.note({ type: 'addflag', flag: '\\Seen', decidedBy: by });
    else if (a.kind === 'flag') result.note({ type: 'addflag', flag: '\\Flagged', decidedBy: by });
    else if (a.kind === 'keyword') result.note({ type: 'addflag', flag: a.keyword, decidedBy: by });
  }
  for (const a of actions) {
    switch (a.kind) {
      case 'fileinto':
        result.store(a.folder, a.copy === true, by);
        break;
      case 'keep':
        result.store('INBOX', false, by);
        break;
      case 'redirect':
        result.redirect(a.address, a.copy === true, by);
        break;
      case 'reject':
        result.reject(a.reason, by);
        break;
      case 'discard':
        result.discard(by);
        break;
      case 'vacation':
        if (inWindow(a.vacation, today)) result.vacation(a.vacation.message, by);
        break;
      case 'stop':
        result.note({ type: 'stop', decidedBy: by });
        return true;
      default:
        break;
    }
  }
  return false;
}

function ruleSource(item: RuleItem, script: 'user' | 'before' | 'after', defaults: RuleSet | undefined): DecisionSource {
  if (script !== 'user') return 'locked';
  if (defaults?.rules.includes(item)) return 'default';
  return 'user';
}

function runScript(cs: CompiledScript, m: MessageView, result: Result, script: 'user' | 'before' | 'after', opts: EvaluateOptions, today: string): void {
  let whitelisted: boolean | undefined;
  const isWhitelisted = (): boolean => (whitelisted ??= cs.whitelisted !== null && cs.whitelisted(m));
  const junk = cs.rs.settings.junkFolder;
  /** The blocklist and the spam step; true when one of them stopped the script. */
  const builtIns = (): boolean => {
    for (const block of cs.blocks) {
      if (isWhitelisted()) break;
      const entry = block.entries.find((e) => e.test(m));
      result.trace.push({ source: 'blocklist', matched: entry !== undefined, ...(entry ? { ruleIndex: entry.index, ruleName: entry.pattern } : {}) });
      if (!entry) continue;
      const by: DecidedBy = { source: 'blocklist', ruleIndex: entry.index, ruleName: entry.pattern };
      if (run(blockActions(block.action, junk), result, by, today)) return true;
    }
    if (cs.spam) {
      const hit = !isWhitelisted() && cs.spam(m);
      result.trace.push({ source: 'spam', matched: hit });
      if (hit && run(spamFilterActions(junk), result, { source: 'spam' }, today)) return true;
    }
    return false;
  };
  let builtInsDone = false;
  for (const r of cs.rules) {
    if (!builtInsDone && r.index >= cs.builtInsAt) {
      builtInsDone = true;
      if (builtIns()) return;
    }
    const source = ruleSource(r.item, script, opts.defaults);
    const name = r.item.name;
    if (isRawBlock(r.item)) throw new RawReached(r.index, name, script);
    let hit: boolean;
    try {
      hit = (!r.exempt || !isWhitelisted()) && r.test(m);
    } catch (e) {
      if (e instanceof ServerDependent) throw new RawReached(r.index, name, script, true);
      throw e;
    }
    result.trace.push({ source, ruleIndex: r.index, ...(name !== undefined ? { ruleName: name } : {}), matched: hit });
    if (!hit) continue;
    const condition = r.decider(m);
    const by: DecidedBy = { source, ruleIndex: r.index, ...(name !== undefined ? { ruleName: name } : {}), ...(condition !== undefined ? { condition } : {}) };
    if (run((r.item as Rule).actions, result, by, today)) return;
  }
  if (!builtInsDone) builtIns();
}

function localToday(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function evaluateRuleSet(rs: RuleSet, msg: ParsedMessage, opts: EvaluateOptions = {}): Evaluation {
  const spamHeader = opts.spamHeader ?? SPAM_STATUS_HEADER;
  const today = opts.today ?? localToday();
  const m = new MessageView(msg);
  const result = new Result();
  const scripts: Array<[RuleSet, 'user' | 'before' | 'after']> = [];
  if (opts.before) scripts.push([opts.before, 'before']);
  scripts.push([rs, 'user']);
  if (opts.after) scripts.push([opts.after, 'after']);
  try {
    for (const [set, which] of scripts) {
      result.implicitKeep = true;
      result.explicitKeep = false;
      runScript(compileScript(set, spamHeader), m, result, which, opts, today);
      // The next script runs only while the message is still kept.
      if (!result.implicitKeep && !result.explicitKeep) break;
    }
  } catch (e) {
    if (e instanceof ScriptFailure) {
      return { kind: 'decided', actions: [{ type: 'keep', folder: 'INBOX', implicit: true, decidedBy: { source: 'implicit' } }], implicitKeep: true, error: e.message, trace: result.trace };
    }
    if (e instanceof RawReached) {
      return { kind: 'raw', ruleIndex: e.ruleIndex, ...(e.ruleName !== undefined ? { ruleName: e.ruleName } : {}), script: e.script, ...(e.serverDependent ? { serverDependent: true as const } : {}), actionsSoFar: result.actions, trace: result.trace };
    }
    throw e;
  }
  const actions = [...result.actions];
  if (result.implicitKeep) actions.push({ type: 'keep', folder: 'INBOX', implicit: true, decidedBy: { source: 'implicit' } });
  return { kind: 'decided', actions, implicitKeep: result.implicitKeep, trace: result.trace };
}

/**
 * The answer as a sorted set of tokens: `folder:NAME` (keep is
 * `folder:INBOX`), `discard`, `redirect:ADDRESS`, `reject`, `vacation`;
 * `raw` when a raw block decides.
 */
export function actionSet(e: Evaluation): string[] {
  if (e.kind === 'raw') return ['raw'];
  const tokens = new Set<string>();
  for (const a of e.actions) {
    if (a.type === 'fileinto' || a.type === 'keep') tokens.add(`folder:${a.folder ?? 'INBOX'}`);
    else if (a.type === 'redirect') tokens.add(`redirect:${a.address ?? ''}`);
    else if (a.type === 'discard' || a.type === 'reject' || a.type === 'vacation') tokens.add(a.type);
  }
  return [...tokens].sort();
}
