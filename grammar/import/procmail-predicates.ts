// Conditions under which a recipe runs, as rule-model conditions, plus the
// small algebra (and / or / not with constant folding) needed to express
// procmail's control flow: nesting blocks, the A/a chain and E else-chains.
import type { Condition } from '../model.js';

/** A condition the converter could express, or why it could not. */
export type Pred = { ok: true; c: Condition } | { ok: false; reason: string };

export const ALWAYS: Condition = { kind: 'always' };
export const NEVER: Condition = { kind: 'not', condition: ALWAYS };

export const isAlways = (c: Condition): boolean => c.kind === 'always';
export const isNever = (c: Condition): boolean => c.kind === 'not' && c.condition.kind === 'always';

export function known(c: Condition): Pred {
  return { ok: true, c };
}

/** all-of / any-of with constant folding: `always` and `never` absorb or vanish. */
function fold(conds: Condition[], combine: 'all' | 'any'): Condition {
  const absorbing = combine === 'all' ? isNever : isAlways;
  const neutral = combine === 'all' ? isAlways : isNever;
  const out: Condition[] = [];
  for (const c of conds) {
    if (absorbing(c)) return c;
    if (neutral(c)) continue;
    if (c.kind === 'group' && c.combine === combine) out.push(...c.conditions);
    else out.push(c);
  }
  if (out.length === 0) return combine === 'all' ? ALWAYS : NEVER;
  return out.length === 1 ? out[0]! : { kind: 'group', combine, conditions: out };
}

export function and(...conds: Condition[]): Condition {
  return fold(conds, 'all');
}

export function or(...conds: Condition[]): Condition {
  return fold(conds, 'any');
}

export function not(c: Condition): Condition {
  if (c.kind === 'not') return c.condition;
  return { kind: 'not', condition: c };
}

/** Combines predicates; the first unknown one decides the reason. */
export function andPreds(...preds: Pred[]): Pred {
  const bad = preds.find((p): p is { ok: false; reason: string } => !p.ok);
  if (bad) return bad;
  return known(and(...preds.map((p) => (p as { ok: true; c: Condition }).c)));
}

/** The top-level condition list of a rule for a predicate. */
export function ruleConditions(c: Condition): Condition[] {
  if (isAlways(c)) return [ALWAYS];
  return c.kind === 'group' && c.combine === 'all' ? c.conditions : [c];
}
