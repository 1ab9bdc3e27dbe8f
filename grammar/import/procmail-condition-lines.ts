// A recipe's `*` lines -> one predicate: ANDed conditions, or procmailsc(5)
// weighted scoring when the lines carry `w^x` weights. `$` lines are
// expanded and re-read, `VAR ??` lines on a variable known at conversion
// time are decided right here, `?` program conditions cannot be converted.
import type { Condition } from '../model.js';
import { parse } from '../generated/procmail.js';
import type { ConditionBody, ProcmailCondition } from '../procmail-ast.js';
import { convertRegex, type Area, type RegexMemo } from './procmail-conditions.js';
import { toJsRegExp } from './procmail-ere.js';
import { expandMacros } from './procmail-macros.js';
import { RegexSyntaxError, parseProcmailRegex } from './procmail-regex.js';
import { ALWAYS, NEVER, and, isNever, not, or, type Pred } from './procmail-predicates.js';
import { expandText, unsetVariables, type Env } from './procmail-vars.js';
import { ownEntry } from '../own.js';

export interface CondLinesResult {
  pred: Pred;
  changes: string[];
  /** A condition tested an X-Spam-* header (spam routing idiom). */
  spamHeader: boolean;
}

const AREAS: Record<string, Area> = {
  H: { head: true, body: false },
  B: { head: false, body: true },
  HB: { head: true, body: true },
  BH: { head: true, body: true },
};

interface Ctx {
  env: Env;
  memo: RegexMemo;
  area: Area;
  caseSensitive: boolean;
  changes: string[];
}

function reread(text: string): ConditionBody | null {
  try {
    return parse(text, { startRule: 'ConditionText' }).body;
  } catch {
    return null;
  }
}

function fail(reason: string): Pred {
  return { ok: false, reason };
}

function bodyPred(body: ConditionBody, ctx: Ctx): Pred {
  switch (body.kind) {
    case 'regex': {
      const r = convertRegex(body.pattern, ctx.area, ctx.caseSensitive, ctx.memo);
      if (!r.ok) return fail(`condition ${JSON.stringify(body.pattern)}: ${r.reason}`);
      ctx.changes.push(...r.changes);
      return { ok: true, c: r.condition };
    }
    case 'not': {
      const inner = bodyPred(body.body, ctx);
      return inner.ok ? { ok: true, c: not(inner.c) } : inner;
    }
    case 'expand': {
      const e = expandText(body.text, ctx.env);
      if ('unknown' in e) return fail(`condition "$ ${body.text}" ${e.unknown}`);
      const again = reread(e.text);
      const result = again ? bodyPred(again, ctx) : fail(`condition "$ ${body.text}" does not read as a condition after expansion`);
      const unset = unsetVariables(body.text, ctx.env);
      if (result.ok || unset.length === 0) return result;
      const names = unset.map((n) => `$${n}`).join(', ');
      return fail(`${result.reason} (${names} ${unset.length > 1 ? 'are' : 'is'} not set in this file, perhaps in an INCLUDERC file that was not supplied)`);
    }
    case 'program':
      return fail(`condition runs the program \`${body.command}\` and tests its exit code; Sieve cannot run programs`);
    case 'size':
      return { ok: true, c: { kind: 'size', comparison: body.comparison === '<' ? 'under' : 'over', bytes: body.bytes } };
    case 'variable': {
      const area = ownEntry(AREAS, body.name);
      if (area) return bodyPred(body.body, { ...ctx, area });
      const v = ctx.env.get(body.name);
      if (v && 'unknown' in v) return fail(`condition tests $${body.name}, but ${v.unknown}`);
      const decided = decide(body.body, v ? v.known : '', ctx);
      return decided === null
        ? fail(`condition on $${body.name} cannot be decided when converting`)
        : { ok: true, c: decided ? ALWAYS : NEVER };
    }
  }
}

/** Evaluates a condition against a variable's known value, as procmail would. */
function decide(body: ConditionBody, value: string, ctx: Ctx): boolean | null {
  if (body.kind === 'not') {
    const inner = decide(body.body, value, ctx);
    return inner === null ? null : !inner;
  }
  if (body.kind === 'expand') {
    const e = expandText(body.text, ctx.env);
    const again = 'text' in e ? reread(e.text) : null;
    return again ? decide(again, value, ctx) : null;
  }
  if (body.kind !== 'regex') return null;
  try {
    return toJsRegExp(parseProcmailRegex(expandMacros(body.pattern).pattern), ctx.caseSensitive).test(value);
  } catch (err) {
    if (err instanceof RegexSyntaxError) return null;
    throw err;
  }
}

const MAX_SCORE = 2147483647;
const MAX_WEIGHTED = 8;

/**
 * procmailsc(5): the recipe matches when the total score is positive.
 * Exactly expressible when each weighted line adds a fixed amount (x = 0,
 * a negated line, or a weight that saturates at plus/minus infinity); the
 * satisfying combinations are then enumerated into any-of/all-of groups.
 */
function scored(conds: Array<{ c: Condition; weight?: { w: number; x: number }; negated: boolean; text: string }>): Pred {
  const weighted = conds.filter((k) => k.weight !== undefined);
  const plain = conds.filter((k) => k.weight === undefined).map((k) => k.c);
  for (const k of weighted) {
    const { w, x } = k.weight!;
    if (x !== 0 && !k.negated && Math.abs(w) < MAX_SCORE) {
      return fail(`weighted condition "${k.text}" adds to the score for every match (x=${x}); Sieve cannot count matches`);
    }
  }
  if (weighted.length > MAX_WEIGHTED) return fail(`more than ${MAX_WEIGHTED} weighted conditions`);
  const terms: Condition[] = [];
  let satisfied = 0;
  for (let mask = 0; mask < 1 << weighted.length; mask++) {
    let score = 0;
    let dead = false;
    weighted.forEach((k, i) => {
      if (dead || score >= MAX_SCORE || !(mask & (1 << i))) return;
      score = Math.max(-MAX_SCORE, Math.min(MAX_SCORE, score + k.weight!.w));
      if (score <= -MAX_SCORE) dead = true;
    });
    if (dead || score <= 0) continue;
    satisfied++;
    const term = and(...weighted.map((k, i) => (mask & (1 << i) ? k.c : not(k.c))));
    if (!isNever(term)) terms.push(term);
  }
  return { ok: true, c: and(...plain, simplifyDnf(weighted.map((k) => k.c), satisfied, terms)) };
}

/** Recognises the usual shapes (any one line suffices; all are needed) before falling back to the full list. */
function simplifyDnf(vars: Condition[], satisfied: number, terms: Condition[]): Condition {
  const n = vars.length;
  if (satisfied === 1 << n) return ALWAYS;
  // Every combination but "none of them" scores positive: any line suffices.
  if (satisfied === (1 << n) - 1) return or(...vars);
  return or(...terms);
}

export function conditionLines(
  conds: readonly ProcmailCondition[],
  flagArea: Area,
  caseSensitive: boolean,
  env: Env,
  memo: RegexMemo,
): CondLinesResult {
  const ctx: Ctx = { env, memo, area: flagArea, caseSensitive, changes: [] };
  const spamHeader = conds.some((k) => /X-Spam-(Status|Flag|Level)/i.test(k.text));
  const converted: Array<{ c: Condition; weight?: { w: number; x: number }; negated: boolean; text: string }> = [];
  for (const k of conds) {
    const p = bodyPred(k.body, ctx);
    if (!p.ok) return { pred: p, changes: ctx.changes, spamHeader };
    if (k.weight && k.body.kind === 'size' && k.weight.x !== 0) {
      return { pred: fail(`weighted size condition "${k.text}" scores by message length; Sieve cannot`), changes: ctx.changes, spamHeader };
    }
    // procmailsc(5): a weighted size line adds w * (M/L)^x, i.e. w whatever the size when x = 0.
    const c = k.weight && k.body.kind === 'size' ? ALWAYS : p.c;
    converted.push({ c, ...(k.weight ? { weight: k.weight } : {}), negated: k.body.kind === 'not', text: k.text });
  }
  const anyWeight = converted.some((k) => k.weight !== undefined);
  const pred: Pred = anyWeight ? scored(converted) : { ok: true, c: and(...converted.map((k) => k.c)) };
  return { pred, changes: [...new Set(ctx.changes)], spamHeader };
}
