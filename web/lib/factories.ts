// Fresh model values for the editors' "add" and "change type" pickers.
// Changing a condition's type keeps what can be kept (the match), so a user
// who picks the wrong type does not lose what they typed.
import type { Action, Condition, Rule, StringMatch } from '../../grammar/model.js';

function testOf(c: Condition | undefined): StringMatch {
  if (c && 'test' in c) return c.test;
  return { match: 'contains', values: [''] };
}

export function newCondition(kind: Condition['kind'], from?: Condition): Condition {
  const test = testOf(from);
  switch (kind) {
    case 'address':
      return { kind, header: 'from', part: 'all', test };
    case 'envelope':
      return { kind, field: 'from', part: 'all', test };
    case 'header':
      return { kind, names: ['X-Mailer'], test };
    case 'subject':
    case 'list-id':
    case 'body':
      return { kind, test };
    case 'size':
      return { kind, comparison: 'over', bytes: 5 * 1024 * 1024 };
    case 'exists':
      return { kind, names: ['List-Unsubscribe'] };
    case 'auth':
      return { kind, method: 'dmarc', result: 'fail' };
    case 'spam-score':
      return { kind, atLeast: 5 };
    case 'spamtest':
      return { kind, engine: 'spam', relation: 'ge', value: 5 };
    case 'always':
      return { kind };
    case 'not':
      return { kind, condition: from && from.kind !== 'not' ? from : newCondition('address') };
    case 'group':
      return { kind, combine: 'any', conditions: from ? [from] : [newCondition('address')] };
  }
}

export function newAction(kind: Action['kind'], junkFolder = 'Junk'): Action {
  switch (kind) {
    case 'fileinto':
      return { kind, folder: junkFolder };
    case 'redirect':
      return { kind, address: '' };
    case 'reject':
      return { kind, reason: 'This address does not accept this mail.' };
    case 'keyword':
      return { kind, keyword: 'important' };
    case 'vacation':
      return { kind, vacation: { message: 'I am away and will reply when I am back.', days: 7 } };
    case 'discard':
    case 'keep':
    case 'mark-read':
    case 'flag':
    case 'stop':
      return { kind };
  }
}

/**
 * A blank rule: no condition and no action are guessed for the user (a
 * guessed "sender contains ''" matches every message), so the editor asks
 * for both and the rule cannot be saved until they are filled in.
 */
export function newRule(name: string): Rule {
  return { name, enabled: true, combine: 'all', conditions: [], actions: [] };
}

/** A name not yet used in `taken`: "New rule", "New rule 2", ... */
export function uniqueName(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base} ${i}`)) return `${base} ${i}`;
}
