// Instant validation in the browser with the same checks the server runs
// (grammar/validate.ts), attributed to the rule they concern so the list and
// the editor can show them beside it.
import type { DiagnosticCode } from '../../grammar/diagnostics.js';
import { emptyRuleSet, isRawBlock, type RawBlock, type RuleSet } from '../../grammar/model.js';
import { checkPolicy } from '../../grammar/policy.js';
import { validateRuleSet } from '../../grammar/validate.js';
import { rawBlockChecks, type ServerRules } from './raw-block-checks.js';

export interface RuleProblem {
  /** The validator's code, or one of the form's own checks. */
  code: DiagnosticCode | 'name_too_long' | 'empty_reply';
  message: string;
}

/** The longest rule name the server stores (server/routes/schemas.ts). */
export const MAX_RULE_NAME = 200;

/**
 * The form's words for what a blank rule lacks: the validator's own words
 * name the rules language ("when always"), which the form does not show.
 */
const FORM_WORDS: Partial<Record<DiagnosticCode, string>> = {
  empty_group: 'Choose which messages it acts on: add a condition (for all mail, “Every message”).',
  no_actions: 'Choose what happens to those messages: add an action.',
  empty_rule_name: 'Give the rule a name, so you can find it in the list.',
  vacation_dates: 'The last day cannot be before the first day.',
};

/**
 * Problems per rule index (rules without problems are absent): everything
 * the server would refuse the rule for, its capabilities and policy
 * included. A rule without actions is only a warning to the server, but in
 * the editor it is a rule not finished yet, so it holds the save back too.
 */
export function problemsByRule(rs: RuleSet, server: ServerRules): Map<number, RuleProblem[]> {
  const out = new Map<number, RuleProblem[]>();
  const uses = new Map<string, number>();
  for (const item of rs.rules) if (!isRawBlock(item)) uses.set(item.name, (uses.get(item.name) ?? 0) + 1);
  const refusedByPolicy = new Map<number, RuleProblem[]>();
  for (const v of checkPolicy(rs, undefined, server.policy).violations) {
    if (v.index !== undefined) refusedByPolicy.set(v.index, [...(refusedByPolicy.get(v.index) ?? []), { code: 'policy', message: v.message }]);
  }
  rs.rules.forEach((item, i) => {
    if (isRawBlock(item)) {
      const found = rawBlockProblems(item, server);
      if (found.length) out.set(i, found);
      return;
    }
    const found: RuleProblem[] = validateRuleSet({ ...emptyRuleSet(), settings: rs.settings, rules: [item] })
      .filter((d) => d.severity === 'error' || d.code === 'no_actions')
      .map((d) => ({ code: d.code, message: FORM_WORDS[d.code] ?? d.message }));
    found.push(...(refusedByPolicy.get(i) ?? []));
    // An auto-reply without words is valid Sieve, but not a reply anyone meant to send.
    if (item.actions.some((a) => a.kind === 'vacation' && a.vacation.message.trim() === '')) found.push({ code: 'empty_reply', message: 'Write the reply message.' });
    if (item.name.length > MAX_RULE_NAME) found.push({ code: 'name_too_long', message: nameTooLong(item.name.length) });
    // Two rules sharing a name are both shown as needing attention, not only the later one.
    if ((uses.get(item.name) ?? 0) > 1 && item.name.trim() !== '') {
      found.push({ code: 'duplicate_rule_name', message: `Another rule is already called “${item.name}”.` });
    }
    if (found.length) out.set(i, found);
  });
  return out;
}

/**
 * Per server rules, per block: an edit elsewhere leaves the other blocks the
 * same objects, so an imported script's hundreds of blocks are not parsed
 * again on every keystroke.
 */
const rawChecked = new WeakMap<ServerRules, WeakMap<RawBlock, RuleProblem[]>>();

/** A raw block's errors, its policy's included, at the block's own lines. */
function rawBlockProblems(raw: RawBlock, server: ServerRules): RuleProblem[] {
  const cache = rawChecked.get(server) ?? new WeakMap<RawBlock, RuleProblem[]>();
  rawChecked.set(server, cache);
  let found = cache.get(raw);
  if (!found) {
    found = rawBlockChecks(raw, server)
      .filter((d) => d.severity === 'error')
      .map((d) => ({ code: d.code, message: d.start ? `line ${d.start.line}, column ${d.start.column}: ${d.message}` : d.message }));
    cache.set(raw, found);
  }
  return found;
}

export function nameTooLong(length: number): string {
  return `The name is ${length} characters long; names can have at most ${MAX_RULE_NAME}, so the list stays readable.`;
}

/** Problems that do not belong to one rule (settings, sender lists). */
export function generalProblems(rs: RuleSet): string[] {
  return validateRuleSet({ ...rs, rules: [] })
    .filter((d) => d.severity === 'error')
    .map((d) => d.message);
}
