// What a rule set would do with one stored message, read from the pure
// evaluator (grammar/evaluate) in the words the message list and "apply to
// existing mail" use: the folders it would land in, the other effects, and
// which rule decided. The only place the server calls the evaluator.
import { evaluateRuleSet, parseMessage, type ParsedMessage } from '../../grammar/evaluate/index.js';
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
  /** What decided where the message goes: a user rule, or a step (list, spam filter, implicit keep). */
  decidedBy: { ruleIndex: number; ruleName: string } | { source: string } | null;
  /** A raw Sieve block stands in the way: only the server can tell. */
  undecided: { ruleIndex: number } | null;
}

/** `size` is the whole message's: a size test must not see only the first bytes that were read. */
export function parseStored(m: { raw: string; size: number }): ParsedMessage {
  return parseMessage(m.raw, {}, { size: m.size });
}

const DECIDING = new Set(['fileinto', 'keep', 'discard', 'redirect', 'reject']);

export function verdictOf(rs: RuleSet, msg: ParsedMessage): Verdict {
  const ev = evaluateRuleSet(rs, msg);
  if (ev.kind === 'raw') return { folders: [], kept: false, effects: [], rules: [], decidedBy: null, undecided: { ruleIndex: ev.ruleIndex } };
  const folders: string[] = [];
  let kept = false;
  const effects: string[] = [];
  const rules: number[] = [];
  let decidedBy: Verdict['decidedBy'] = null;
  for (const a of ev.actions) {
    const by = a.decidedBy;
    if (by.source === 'user' && by.ruleIndex !== undefined && !rules.includes(by.ruleIndex)) rules.push(by.ruleIndex);
    if (DECIDING.has(a.type) && decidedBy === null) {
      decidedBy = by.source === 'user' && by.ruleIndex !== undefined ? { ruleIndex: by.ruleIndex, ruleName: by.ruleName ?? '' } : { source: by.source };
    }
    if (a.type === 'keep') kept = true;
    else if (a.type === 'fileinto') folders.push(a.folder ?? 'INBOX');
    else if (a.type === 'addflag') effects.push(`flag:${a.flag ?? ''}`);
    else if (a.type !== 'stop') effects.push(a.type);
  }
  return { folders: [...new Set(folders)], kept, effects: [...new Set(effects)], rules, decidedBy, undecided: null };
}
