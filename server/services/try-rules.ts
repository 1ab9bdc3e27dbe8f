// "Test on my recent mail": a draft rule set, not yet saved, run over the
// newest messages of chosen folders. Reports per message where it would go
// and which rule decided, per rule how many messages it would touch, and
// the rules that would never fire, telling apart those an earlier `stop`
// (or list, or rule) keeps from ever being reached.
import { hasErrors } from '../../grammar/diagnostics.js';
import { emptyRuleSet, isRawBlock, type Condition, type Rule, type RuleSet } from '../../grammar/model.js';
import { summarize, type MessageSummary } from '../mail/message-summary.js';
import type { AppContext } from './context.js';
import { AppError } from './errors.js';
import { parseStored, verdictOf, withDefaults, type Verdict, type WithDefaults } from './mail-verdict.js';
import { recentMail, type StoredMessage } from './recent-mail.js';
import { ownFindings, type RulesFromInput } from './rules-service.js';

export const DEFAULT_TRY_LIMIT = 200;
export const MAX_TRY_LIMIT = 2000;

export interface TriedMessage extends MessageSummary {
  folder: string;
  ref: string;
  verdict: Verdict;
}

export interface RuleReport {
  index: number;
  name: string;
  /** Messages the rule contributed an action to. */
  matched: number;
  /** Of those, messages it would file into another folder. */
  moved: number;
  /** Messages the rule matches on its own but never gets to in the full set. */
  shadowed: number;
  /** An earlier enabled rule that matches every message and stops: this rule can never run. */
  unreachableAfter: number | null;
}

export interface TryReport {
  messages: TriedMessage[];
  rules: RuleReport[];
}

/** The draft's problems refuse it here as a save would: evaluating a broken rule set would tell nothing. */
export function checkedDraft(ctx: AppContext, own: RulesFromInput): RuleSet {
  const findings = ownFindings(ctx, own);
  if (hasErrors(findings)) throw new AppError(422, 'invalid_rules', 'the rules have errors', { diagnostics: findings });
  return own.ruleSet;
}

const always = (c: Condition) => c.kind === 'always';

/** True for a rule that matches any message whatever it holds. */
function matchesEverything(r: Rule): boolean {
  return r.combine === 'any' ? r.conditions.some(always) : r.conditions.every(always);
}

function unreachableAfter(rs: RuleSet, index: number): number | null {
  for (let i = 0; i < index; i++) {
    const r = rs.rules[i];
    if (r && !isRawBlock(r) && r.enabled && matchesEverything(r) && r.actions.some((a) => a.kind === 'stop')) return i;
  }
  return null;
}

/** The rules' report over evaluated messages; `parsed` are the same messages, for the shadow check. */
export function reportRules(rs: RuleSet, verdicts: readonly Verdict[], parsed: ReadonlyArray<ReturnType<typeof parseStored>>): RuleReport[] {
  return rs.rules.flatMap((r, index): RuleReport[] => {
    if (isRawBlock(r) || !r.enabled) return [];
    const mine = verdicts.filter((v) => v.rules.includes(index));
    const moved = mine.filter((v) => v.decidedBy && 'ruleIndex' in v.decidedBy && v.decidedBy.ruleIndex === index && v.folders.length > 0 && !v.kept);
    let shadowed = 0;
    if (mine.length === 0) {
      // Alone (no lists, no other rules) the rule sees every message first.
      const alone: RuleSet = { ...rs, whitelist: [], blocklist: [], rules: [r] };
      shadowed = parsed.filter((m) => verdictOf(alone, m).rules.includes(0)).length;
    }
    return [{ index, name: r.name, matched: mine.length, moved: moved.length, shadowed, unreachableAfter: unreachableAfter(rs, index) }];
  });
}

/** `asRun`: how the server runs `rs` (with the admin's rules), when not `rs` alone. */
export async function evaluateStored(rs: RuleSet, stored: readonly StoredMessage[], asRun?: WithDefaults): Promise<TryReport> {
  const parsed = stored.map((m) => parseStored(m));
  const verdicts = parsed.map((m) => verdictOf(asRun ?? rs, m));
  const messages = await Promise.all(
    stored.map(async (m, i) => ({ ...(await summarize(m.raw)), folder: m.folder, ref: m.ref, verdict: verdicts[i] as Verdict })),
  );
  return { messages, rules: reportRules(rs, verdicts, parsed) };
}

export async function tryRules(ctx: AppContext, username: string, own: RulesFromInput, folders: readonly string[], limit = DEFAULT_TRY_LIMIT): Promise<TryReport> {
  const rs = checkedDraft(ctx, own);
  const stored = await recentMail(ctx, username, folders, Math.min(limit, MAX_TRY_LIMIT));
  const defaults = ctx.defaults.latest()?.ruleSet ?? emptyRuleSet();
  return evaluateStored(rs, stored, withDefaults(rs, defaults, ctx.users.get(username)?.disabledDefaults ?? [], ctx.config.deploy.spamHeader));
}
