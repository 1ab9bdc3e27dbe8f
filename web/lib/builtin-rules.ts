// The out-of-office reply and the forward of all mail are everyday settings
// with screens of their own, stored as ordinary rules of the user's set (so
// the preview, the deploy, text mode and the history treat them like any
// rule): a rule with the reserved name, "every message", and the one
// action. They go first, out-of-office before forwarding, so that no rule
// of the user's stops the message before the reply or the forward.
import type { Action, Rule, RuleItem, Vacation } from '../../grammar/model.js';
import { isRawBlock } from '../../grammar/model.js';

export const OUT_OF_OFFICE = 'Out of office';
export const FORWARDING = 'Forward all mail';

export type BuiltinKind = 'out-of-office' | 'forwarding';

/** Which built-in setting a list item is, or null for the user's own rules. */
export function builtinKind(item: RuleItem): BuiltinKind | null {
  if (isRawBlock(item) || item.conditions.length !== 1 || item.conditions[0]!.kind !== 'always') return null;
  const kinds = item.actions.map((a) => a.kind);
  if (item.name === OUT_OF_OFFICE && kinds.length === 1 && kinds[0] === 'vacation') return 'out-of-office';
  if (item.name === FORWARDING && kinds[0] === 'redirect' && (kinds.length === 1 || (kinds.length === 2 && kinds[1] === 'stop'))) return 'forwarding';
  return null;
}

export function findBuiltin(items: readonly RuleItem[], kind: BuiltinKind): number {
  return items.findIndex((item) => builtinKind(item) === kind);
}

export function outOfOfficeRule(vacation: Vacation, enabled: boolean): Rule {
  return { name: OUT_OF_OFFICE, enabled, combine: 'all', conditions: [{ kind: 'always' }], actions: [{ kind: 'vacation', vacation }] };
}

/**
 * Forwarding without a copy ends with "stop": the mail leaves, and the
 * user's own rules do not file a copy of it anyway.
 */
export function forwardingRule(address: string, keepCopy: boolean, enabled: boolean): Rule {
  const actions: Action[] = keepCopy ? [{ kind: 'redirect', address, copy: true }] : [{ kind: 'redirect', address }, { kind: 'stop' }];
  return { name: FORWARDING, enabled, combine: 'all', conditions: [{ kind: 'always' }], actions };
}

export function vacationOf(rule: Rule): Vacation | null {
  const a = rule.actions[0];
  return a?.kind === 'vacation' ? a.vacation : null;
}

export function forwardOf(rule: Rule): { address: string; keepCopy: boolean } | null {
  const a = rule.actions[0];
  return a?.kind === 'redirect' ? { address: a.address, keepCopy: a.copy === true } : null;
}

/**
 * The set with `rule` in place of the built-in of its kind, or inserted
 * where it belongs: out-of-office first, forwarding after it.
 */
export function putBuiltin(items: readonly RuleItem[], kind: BuiltinKind, rule: Rule): RuleItem[] {
  const at = findBuiltin(items, kind);
  if (at >= 0) return items.map((item, i) => (i === at ? rule : item));
  const position = kind === 'out-of-office' ? 0 : findBuiltin(items, 'out-of-office') + 1;
  return [...items.slice(0, position), rule, ...items.slice(position)];
}
