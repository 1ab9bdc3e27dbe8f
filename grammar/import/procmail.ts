// procmailrc -> rule model, with a report that accounts for every recipe.
//
// procmail runs recipes top to bottom; a matching delivering recipe ends
// processing, a non-delivering one (c flag, filters, blocks) lets it go on,
// and falling off the end delivers to $DEFAULT. The rule model is a flat
// list of rules, so nesting blocks are flattened (the block's conditions are
// ANDed into each inner rule), delivering recipes end with `stop`, copies
// use `:copy`, and the A/a/E flags become conditions on the earlier
// recipes' conditions. Pure: INCLUDERC/SWITCHRC files come in `includes`.
import { error, warning, type Diagnostic } from '../diagnostics.js';
import { parse, SyntaxError as PeggySyntaxError } from '../generated/procmail.js';
import { emptyRuleSet, type Action, type RuleItem, type RuleSet } from '../model.js';
import type { Assignment, ProcmailFile, ProcmailItem, Recipe } from '../procmail-ast.js';
import { convertAction } from './procmail-actions.js';
import { conditionLines } from './procmail-condition-lines.js';
import { matchFolder } from './procmail-match.js';
import type { RegexMemo } from './procmail-conditions.js';
import { deliveryFlagChange, parseFlags, type RecipeFlags } from './procmail-flags.js';
import { ALWAYS, andPreds, isNever, known, not, or, ruleConditions, type Pred } from './procmail-predicates.js';
import { buildReport, type ProcmailReport, type RecipeReport } from './procmail-report.js';
import { expandParts, initialEnv, type Env } from './procmail-vars.js';

export type { ProcmailReport, RecipeReport, RecipeStatus } from './procmail-report.js';

export interface ConvertProcmailOptions {
  /** procmail folder path (as written, or MAILDIR-relative) -> IMAP folder name. */
  folderMap?: Record<string, string>;
  /** The server's Sieve capabilities; decides e.g. whether `formail -D` becomes `duplicate`. */
  capabilities?: readonly string[];
  /** Text of rcfiles named by INCLUDERC/SWITCHRC, keyed by the path as written or expanded. */
  includes?: Record<string, string>;
}

export interface ConvertProcmailResult {
  ruleSet: RuleSet;
  report: ProcmailReport;
  diagnostics: Diagnostic[];
}

/** Per nesting level: what the A/a and E flags refer back to. */
interface Level {
  lastUnchained: Pred;
  prev: { ran: Pred; chainRan: Pred; line: number } | null;
}

interface Scope {
  /** Conditions of the enclosing blocks. */
  ctx: Pred;
  /** Inside a block with the c flag: procmail runs it in a clone. */
  clonedAt: number | null;
  file: string | undefined;
}

const MAX_INCLUDE_DEPTH = 8;

class Converter {
  readonly rules: RuleItem[] = [];
  readonly entries: RecipeReport[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly env: Env = initialEnv();
  junkFolder: string | null = null;
  headerTests = false;
  private depth = 0;
  private readonly memo: RegexMemo = new Map();
  // Maps, not the option objects: a folder or rcfile named `constructor` or
  // `__proto__` must not find Object's own members.
  private readonly folderMap: ReadonlyMap<string, string>;
  private readonly includes: ReadonlyMap<string, string>;

  constructor(private readonly opts: ConvertProcmailOptions) {
    this.folderMap = new Map(Object.entries(opts.folderMap ?? {}));
    this.includes = new Map(Object.entries(opts.includes ?? {}));
  }

  file(text: string, scope: Scope): void {
    let ast: ProcmailFile;
    try {
      ast = parse(text.replace(/\r\n?/g, '\n'));
    } catch (err) {
      // Only nesting past the grammar's limit stops a parse; the file is then not converted at all.
      if (!(err instanceof PeggySyntaxError)) throw err;
      const { line, column } = err.location.start;
      this.diag(error('syntax', `${err.message}; this file is not converted`, { line, column }), scope);
      return;
    }
    this.items(ast.items, scope, { lastUnchained: known(ALWAYS), prev: null });
  }

  private items(items: readonly ProcmailItem[], scope: Scope, level: Level): void {
    for (const item of items) {
      if (item.kind === 'bad') {
        this.diag(error('syntax', item.message, item.span.start, item.span.end), scope);
      } else if (item.kind === 'assignment') {
        this.assignment(item, scope);
      } else {
        this.recipe(item, scope, level);
      }
    }
  }

  private diag(d: Diagnostic, scope: Scope): void {
    this.diagnostics.push(scope.file ? { ...d, notes: [...(d.notes ?? []), `in ${scope.file}`] } : d);
  }

  private record(entry: RecipeReport, scope: Scope): void {
    this.entries.push(scope.file ? { ...entry, file: scope.file } : entry);
  }

  private assignment(a: Assignment, scope: Scope): void {
    const line = a.span.start.line;
    if (a.value === null) {
      this.env.delete(a.name);
      if (a.name === 'HOST') this.endHere(line, 'unsetting HOST ends processing', scope, true);
      return;
    }
    const v = expandParts(a.value, this.env);
    this.env.set(a.name, 'text' in v ? { known: v.text } : { unknown: `$${a.name} ${v.unknown}` });
    if (a.name === 'HOST') this.endHere(line, 'assigning HOST ends processing', scope, true);
    if (a.name === 'INCLUDERC' || a.name === 'SWITCHRC') this.include(a, 'text' in v ? v.text : null, scope);
  }

  /**
   * SWITCHRC ends the current rcfile and falls off the end of the new one
   * (DEFAULT: keep). Changing HOST ends processing altogether and tells the
   * mail system the message was delivered, so it is dropped - unless
   * EXITCODE asks for a failure (75: try again later), which Sieve cannot.
   */
  private endHere(line: number, why: string, scope: Scope, drop = false): void {
    if (!scope.ctx.ok) {
      this.record({ line, status: 'not-converted', reason: `${why}, inside a block that could not be converted: ${scope.ctx.reason}` }, scope);
      return;
    }
    const exit = this.env.get('EXITCODE');
    const code = exit && 'known' in exit ? exit.known.trim() : '';
    if (drop && code !== '' && code !== '0') {
      this.record({ line, status: 'not-converted', reason: `${why} with EXITCODE=${code}: the mail system is told delivery failed (75: try again later); Sieve cannot do that, so the converted rules go on` }, scope);
      return;
    }
    const name = `procmail line ${line}: end of rcfile`;
    const actions: Action[] = drop ? [{ kind: 'discard' }, { kind: 'stop' }] : [{ kind: 'stop' }];
    this.rules.push({ name, enabled: true, combine: 'all', conditions: ruleConditions(scope.ctx.c), actions });
    const what = drop
      ? 'procmail stops and reports the message as delivered without storing it; the rule discards it'
      : 'the rule stops here so the message is kept';
    this.record({ line, status: 'exact', ruleName: name, reason: `${why}; ${what}` }, scope);
  }

  private include(a: Assignment, path: string | null, scope: Scope): void {
    const line = a.span.start.line;
    const raw = a.value?.map((p) => (p.kind === 'text' ? p.text : p.kind === 'var' ? `$${p.name}` : '`...`')).join('') ?? '';
    const key = [raw, path ?? ''].find((k) => k !== '' && this.includes.has(k));
    if (key === undefined || this.depth >= MAX_INCLUDE_DEPTH) {
      const why = this.depth >= MAX_INCLUDE_DEPTH ? 'includes nest too deeply' : 'that file was not supplied with the procmailrc';
      this.record({ line, status: 'not-converted', reason: `${a.name}=${raw}: ${why}; its recipes are missing from the converted rules` }, scope);
      this.diag(warning('include_missing', `${a.name} names ${raw}, which was not supplied; its recipes are not converted`, a.span.start, a.span.end), scope);
      return;
    }
    this.depth++;
    this.file(this.includes.get(key)!, { ...scope, file: key });
    this.depth--;
    if (a.name === 'SWITCHRC') this.endHere(line, `SWITCHRC=${raw} does not return to this rcfile`, scope);
  }

  private recipe(r: Recipe, scope: Scope, level: Level): void {
    const line = r.span.start.line;
    const flags = parseFlags(r.flags);
    if (flags.unknown.length > 0) {
      this.diag(warning('unknown_flag', `unknown recipe flag(s) ${flags.unknown.join('')} (ignored)`, r.span.start), scope);
    }
    if (r.headerJunk) {
      this.diag(warning('syntax', `unexpected text after the recipe flags: ${r.headerJunk.text}`, r.headerJunk.span.start, r.headerJunk.span.end), scope);
    }
    const conds = conditionLines(r.conditions, { head: flags.head, body: flags.body }, flags.caseSensitive, this.env, this.memo);
    if (conds.pred.ok && r.conditions.some((c) => c.body.kind !== 'size')) this.headerTests = true;
    const { ran, base } = this.ranPredicate(flags, conds.pred, level);
    // An else-chain has run once any member's own conditions held: prev ∨ (¬prev ∧ base) = prev ∨ base.
    const chainRan: Pred = flags.elseIf && level.prev ? orPreds(level.prev.chainRan, base) : ran;
    if (!flags.andPrevious) level.lastUnchained = ran;
    level.prev = { ran, chainRan, line };
    const full = andPreds(scope.ctx, ran);

    if (r.action.kind === 'missing') {
      this.diag(error('missing_action', 'recipe has no action line', r.span.start, r.span.end), scope);
      this.record({ line, status: 'not-converted', reason: 'the recipe has no action line; procmail reports an error for it' }, scope);
      return;
    }
    if (r.action.kind === 'block') {
      if (!r.action.closed) this.diag(error('unclosed_block', "nesting block is never closed with '}'", r.actionSpan.start), scope);
      this.record(
        full.ok
          ? {
              line,
              status: conds.changes.length > 0 ? 'changed' : 'exact',
              reason: ['opens a nesting block; its conditions are part of each rule inside', ...conds.changes].join('; '),
            }
          : { line, status: 'not-converted', reason: `opens a nesting block: ${full.reason}` },
        scope,
      );
      const inner: Scope = {
        ctx: full.ok ? full : { ok: false, reason: `inside the block at line ${line}, whose conditions could not be converted (${full.reason})` },
        clonedAt: flags.copy ? line : scope.clonedAt,
        file: scope.file,
      };
      this.items(r.action.items, inner, { lastUnchained: known(ALWAYS), prev: null });
      return;
    }
    if (r.action.kind === 'pipe' && r.action.capture !== undefined) {
      this.env.set(r.action.capture, { unknown: `is set from the output of a program` });
    }
    if (!full.ok) {
      this.record({ line, status: 'not-converted', reason: `${full.reason}; the converted rules go on as if this recipe did not match` }, scope);
      return;
    }
    const copy = flags.copy || scope.clonedAt !== null;
    if (this.matchRecipe(r, flags, scope, copy, line)) return;
    const act = convertAction(r.action, this.env, { ...flags, copy }, { folderMap: this.folderMap, capabilities: this.opts.capabilities });
    if (act.kind === 'skip') {
      this.record({ line, status: act.status, reason: act.reason }, scope);
      return;
    }
    if (isNever(full.c)) {
      this.record({ line, status: 'exact', reason: 'its conditions can never hold here, so procmail never runs it either; no rule was produced' }, scope);
      return;
    }
    const name = `procmail line ${line}${scope.file ? ` (${scope.file})` : ''}`;
    const changes = [...conds.changes, ...act.changes];
    if (act.kind === 'raw') {
      if (full.c.kind !== 'always') {
        this.record({ line, status: 'not-converted', reason: 'duplicate suppression under conditions; only an unconditional formail -D can become a Sieve duplicate test' }, scope);
        return;
      }
      this.rules.push({ kind: 'raw', name, sieve: act.sieve, requires: act.requires, enabled: true });
      this.record({ line, status: 'changed', ruleName: name, reason: changes.join('; ') }, scope);
      return;
    }
    const delivering = !copy && r.action.kind !== 'pipe';
    const flagChange = r.action.kind === 'pipe' ? null : deliveryFlagChange(flags);
    if (flagChange) changes.push(flagChange);
    if (scope.clonedAt !== null && !flags.copy) {
      changes.push(`runs in the procmail clone started by the c flag at line ${scope.clonedAt}; the rule files a copy and the rules go on (procmail's clone would also run the rest of the file again if it delivered nothing)`);
    }
    if (r.action.kind === 'pipe' && !flags.copy) {
      changes.push('procmail gave the message to the autoreply program and delivered it nowhere else; the converted rules keep it');
    }
    if (act.actions.length === 0) {
      this.record({ line, status: 'exact', reason: 'a copy to /dev/null does nothing; no rule was produced' }, scope);
      return;
    }
    const actions: Action[] = delivering ? [...act.actions, { kind: 'stop' }] : [...act.actions];
    this.rules.push({ name, enabled: true, combine: 'all', conditions: ruleConditions(full.c), actions });
    if (act.spamRouting && conds.spamHeader && this.junkFolder === null) {
      const target = act.actions.find((a) => a.kind === 'fileinto');
      if (target?.kind === 'fileinto') this.junkFolder = target.folder;
    }
    this.record({ line, status: changes.length > 0 ? 'changed' : 'exact', ruleName: name, ...changed(changes) }, scope);
  }

  /** `$MATCH` folder recipes in their plain shape become a raw Sieve block; true when done. */
  private matchRecipe(r: Recipe, flags: RecipeFlags, scope: Scope, copy: boolean, line: number): boolean {
    const cond = r.conditions[0];
    if (r.action.kind !== 'folder' || !/\$\{?MATCH\b/.test(r.action.text) || r.conditions.length !== 1 || !cond) return false;
    if (cond.weight || cond.body.kind !== 'regex' || flags.body || flags.andPrevious || flags.elseIf || flags.onError) return false;
    if (!scope.ctx.ok || scope.ctx.c.kind !== 'always') return false;
    const m = matchFolder(cond.body.pattern, r.action.text, this.env, flags.caseSensitive, copy, this.folderMap);
    if (m === null) return false;
    const name = `procmail line ${line}${scope.file ? ` (${scope.file})` : ''}`;
    this.rules.push({ kind: 'raw', name, sieve: m.sieve, requires: m.requires, enabled: true });
    this.record({ line, status: 'changed', ruleName: name, reason: m.change }, scope);
    return true;
  }

  /** When the recipe runs (`ran`), and the same without its E-flag part (`base`). */
  private ranPredicate(flags: RecipeFlags, matched: Pred, level: Level): { ran: Pred; base: Pred } {
    if (flags.onError) {
      const never: Pred = { ok: false, reason: "the e flag runs this recipe only when the previous recipe's action failed; Sieve actions do not fail that way" };
      return { ran: never, base: never };
    }
    const pre: Pred[] = [];
    if (flags.andPrevious) {
      pre.push(level.lastUnchained);
      if (flags.andPreviousSucceeded && level.prev) pre.push(level.prev.ran);
    }
    const base = andPreds(...pre, matched);
    if (!flags.elseIf || !level.prev) return { ran: base, base };
    const prev = level.prev.chainRan;
    const notPrev: Pred = prev.ok
      ? known(not(prev.c))
      : { ok: false, reason: `the E flag depends on the recipe before it (line ${level.prev.line}), which could not be converted` };
    return { ran: andPreds(notPrev, base), base };
  }
}

function orPreds(a: Pred, b: Pred): Pred {
  if (!a.ok) return a;
  if (!b.ok) return b;
  return known(or(a.c, b.c));
}

function changed(changes: readonly string[]): { reason?: string } {
  return changes.length > 0 ? { reason: [...new Set(changes)].join('; ') } : {};
}

export function convertProcmail(text: string, opts: ConvertProcmailOptions = {}): ConvertProcmailResult {
  const c = new Converter(opts);
  c.file(text, { ctx: known(ALWAYS), clonedAt: null, file: undefined });
  const ruleSet = emptyRuleSet();
  ruleSet.rules = c.rules;
  // The migrated rules do with spam what the procmailrc did; the built-in spam filter would change that.
  ruleSet.settings.spamFilter = false;
  if (c.junkFolder !== null) ruleSet.settings.junkFolder = c.junkFolder;
  return { ruleSet, report: buildReport(c.entries, c.headerTests), diagnostics: c.diagnostics };
}
