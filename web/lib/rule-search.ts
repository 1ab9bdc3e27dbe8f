// Finding a rule in a long list: a rule matches when every word typed is
// found in its name, in a value one of its conditions compares, or in a
// folder or address its actions use (a raw block: its name and its Sieve).
import { isRawBlock, type Action, type Condition, type RuleItem } from '../../grammar/model.js';

/** The indexes of the items the query finds, in list order; every index for a blank query. */
export function findRules(items: readonly RuleItem[], query: string): number[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const found: number[] = [];
  items.forEach((item, i) => {
    if (words.length === 0) return found.push(i);
    const text = searchText(item);
    if (words.every((w) => text.includes(w))) found.push(i);
  });
  return found;
}

function searchText(item: RuleItem): string {
  const parts = isRawBlock(item) ? [item.name ?? '', item.sieve] : [item.name, ...item.conditions.flatMap(conditionText), ...item.actions.flatMap(actionText)];
  return parts.join('\n').toLowerCase();
}

function conditionText(c: Condition): string[] {
  switch (c.kind) {
    case 'header':
      return [...c.names, ...c.test.values];
    case 'exists':
      return c.names;
    case 'not':
      return conditionText(c.condition);
    case 'group':
      return c.conditions.flatMap(conditionText);
    default:
      return 'test' in c ? c.test.values : [];
  }
}

function actionText(a: Action): string[] {
  switch (a.kind) {
    case 'fileinto':
      return [a.folder];
    case 'redirect':
      return [a.address];
    case 'keyword':
      return [a.keyword];
    default:
      return [];
  }
}
