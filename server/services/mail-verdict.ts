// What a rule set would do with one stored message, read from the pure
// evaluator (grammar/evaluate) in the words the message list and "apply to
// existing mail" use: the folders it would land in, the other effects, and
// which rule decided. The only place the server calls the evaluator.
import { effectiveRuleSet, splitDefaults } from '../../grammar/effective.js';
import { evaluateRuleSet, parseMessage, type EvaluateOptions, type ParsedMessage } from '../../grammar/evaluate/index.js';
import type { RuleSet } from '../../grammar/model.js';

export interface Verdict {
  /** Folders `fileinto` would file the message into. */
  folders: string[];
  /** Kept where delivery puts it (INBOX), by `keep` or the implicit keep. */
  kept: boolean;
  /** Other effects, as words: `discard`, `redirect`, `reject`, `vacation`, `flag:<flag>`. */
  effects: string[];
  /** Every user rule that contributed an action, in order. */
  rules: number[];
  /** What decided where the message goes: a user rule, an admin rule (`default`, `locked`), or a step (list, spam filter, implicit keep). */
  decidedBy: { ruleIndex: number; ruleName: string } | { source: string; ruleName?: string } | null;
  /** A raw Sieve block stands in the way (its user rule index; -1 in the admin's): only the server can tell. */
  undecided: { ruleIndex: number } | null;
}

/** `size` is the whole message's: a size test must not see only the first bytes that were read. */
export function parseStored(m: { raw: string; size: number }): ParsedMessage {
  return parseMessage(m.raw, {}, { size: m.size });
}

const DECIDING = new Set(['fileinto', 'keep', 'discard', 'redirect', 'reject']);

/** A user's rules as the server runs them: inside the admin's defaults and between the locked rules' global scripts. */
export interface WithDefaults {
  ruleSet: RuleSet;
  options: EvaluateOptions;
  /** Where the user's own rules start in `ruleSet` (after the admin's rules placed before them). */
  userOffset: number;
}

export function withDefaults(own: RuleSet, defaults: RuleSet, disabled: readonly string[], spamHeader?: string): WithDefaults {
  const ruleSet = effectiveRuleSet(defaults, own, disabled);
  const { before, after } = splitDefaults(defaults);
  // The admin's rules are the same objects in the merged set; the user's are copies.
  const userOffset = ruleSet.rules.findIndex((r) => !defaults.rules.includes(r));
  return { ruleSet, options: { defaults, before, after, ...(spamHeader ? { spamHeader } : {}) }, userOffset: userOffset < 0 ? ruleSet.rules.length : userOffset };
}

/** `rs` alone (the rules the user picked), or the user's rules with the admin's around them. */
export function verdictOf(rs: RuleSet | WithDefaults, msg: ParsedMessage): Verdict {
  const { ruleSet, options, userOffset } = 'userOffset' in rs ? rs : { ruleSet: rs, options: {}, userOffset: 0 };
  const ev = evaluateRuleSet(ruleSet, msg, options);
  if (ev.kind === 'raw') return { folders: [], kept: false, effects: [], rules: [], decidedBy: null, undecided: { ruleIndex: ev.script === 'user' ? ev.ruleIndex - userOffset : -1 } };
  const folders: string[] = [];
  let kept = false;
  const effects: string[] = [];
  const rules: number[] = [];
  let decidedBy: Verdict['decidedBy'] = null;
  for (const a of ev.actions) {
    const by = a.decidedBy;
    const own = by.source === 'user' && by.ruleIndex !== undefined ? by.ruleIndex - userOffset : null;
    if (own !== null && !rules.includes(own)) rules.push(own);
    if (DECIDING.has(a.type) && decidedBy === null) {
      decidedBy = own !== null ? { ruleIndex: own, ruleName: by.ruleName ?? '' } : { source: by.source, ...(by.ruleName !== undefined ? { ruleName: by.ruleName } : {}) };
    }
    if (a.type === 'keep') kept = true;
    else if (a.type === 'fileinto') folders.push(a.folder ?? 'INBOX');
    else if (a.type === 'addflag') effects.push(`flag:${a.flag ?? ''}`);
    else if (a.type !== 'stop') effects.push(a.type);
  }
  return { folders: [...new Set(folders)], kept, effects: [...new Set(effects)], rules, decidedBy, undecided: null };
}
