// Instant validation in the browser with the same checks the server runs
// (grammar/validate.ts), attributed to the rule they concern so the list and
// the editor can show them beside it.
import { PIGEONHOLE_CAPABILITIES } from '../../grammar/capabilities.js';
import { emptyRuleSet, isRawBlock, type RawBlock, type RuleSet } from '../../grammar/model.js';
import { parseRawBlock, rawBlockLabel } from '../../grammar/raw-block.js';
import { validateRuleSet } from '../../grammar/validate.js';

/**
 * Error messages per rule index (rules without problems are absent). A rule
 * without actions is only a warning to the server, but in the editor it is a
 * rule not finished yet, so it holds the save back too.
 */
export function problemsByRule(rs: RuleSet): Map<number, string[]> {
  const out = new Map<number, string[]>();
  rs.rules.forEach((item, i) => {
    if (isRawBlock(item)) {
      const msgs = rawBlockProblems(item, i);
      if (msgs.length) out.set(i, msgs);
      return;
    }
    const msgs = validateRuleSet({ ...emptyRuleSet(), settings: rs.settings, rules: [item] })
      .filter((d) => d.severity === 'error' || d.code === 'no_actions')
      .map((d) => d.message);
    if (msgs.length) out.set(i, msgs);
  });
  return out;
}

/**
 * A raw block's syntax and its requires, read as the server will read them.
 * Which extensions the server offers is checked on save: here the block is
 * assumed to get the ones it asks for.
 */
function rawBlockProblems(raw: RawBlock, index: number): string[] {
  if (!raw.enabled) return [];
  const capabilities = [...PIGEONHOLE_CAPABILITIES, ...raw.requires];
  return parseRawBlock(raw, rawBlockLabel(raw, index), { capabilities })
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => d.message);
}

/** Problems that do not belong to one rule (settings, sender lists). */
export function generalProblems(rs: RuleSet): string[] {
  return validateRuleSet({ ...rs, rules: [] })
    .filter((d) => d.severity === 'error')
    .map((d) => d.message);
}
