// Instant validation in the browser with the same checks the server runs
// (grammar/validate.ts), attributed to the rule they concern so the list and
// the editor can show them beside it.
import { emptyRuleSet, isRawBlock, type RuleSet } from '../../grammar/model.js';
import { validateRuleSet } from '../../grammar/validate.js';

/**
 * Error messages per rule index (rules without problems are absent). A rule
 * without actions is only a warning to the server, but in the editor it is a
 * rule not finished yet, so it holds the save back too.
 */
export function problemsByRule(rs: RuleSet): Map<number, string[]> {
  const out = new Map<number, string[]>();
  rs.rules.forEach((item, i) => {
    if (isRawBlock(item)) return;
    const msgs = validateRuleSet({ ...emptyRuleSet(), settings: rs.settings, rules: [item] })
      .filter((d) => d.severity === 'error' || d.code === 'no-actions')
      .map((d) => d.message);
    if (msgs.length) out.set(i, msgs);
  });
  return out;
}

/** Problems that do not belong to one rule (settings, sender lists). */
export function generalProblems(rs: RuleSet): string[] {
  return validateRuleSet({ ...rs, rules: [] })
    .filter((d) => d.severity === 'error')
    .map((d) => d.message);
}
