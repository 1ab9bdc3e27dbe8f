// Conditions -> Sieve tests (RFC 5228 §5 and extensions). Each function
// renders one test on one line (a string value with a line break is the
// only exception) and records the extensions it uses in the scope. Values
// are checked by validateRuleSet; here they are only quoted.

import { ANY_ADDRESS_HEADERS, type AddressHeader, type AddressPart, type Combine, type Condition, type StringMatch } from '../../model.js';
import { AUTH_RESULTS_HEADER, authResultRegex } from './auth.js';
import type { Scope } from './scope.js';
import { spamScoreRegex } from './spam-score.js';

/** `spamtest :value "ge" :comparator "i;ascii-numeric" "5"`: the number compared as a number. */
function spamtest(c: Extract<Condition, { kind: 'spamtest' }>, s: Scope): string {
  s.need('relational', 'comparator-i;ascii-numeric', c.engine === 'virus' ? 'virustest' : c.percent ? 'spamtestplus' : 'spamtest');
  const percent = c.percent && c.engine === 'spam' ? ' :percent' : '';
  return `${c.engine}test${percent} :value ${s.str(c.relation)} :comparator "i;ascii-numeric" ${s.str(String(c.value))}`;
}

function needPart(part: AddressPart, s: Scope): void {
  if (part === 'user' || part === 'detail') s.need('subaddress');
}

function matchArgs(m: StringMatch, s: Scope): string {
  if (m.match === 'regex') s.need('regex');
  const comparator = m.caseSensitive ? ' :comparator "i;octet"' : '';
  return `:${m.match}${comparator}`;
}

function addressHeaders(header: AddressHeader): readonly string[] {
  return header === 'any' ? ANY_ADDRESS_HEADERS : [header];
}

/** `header :regex "Authentication-Results" ...` keyed to the trusted authserv-id. */
function authTest(c: Extract<Condition, { kind: 'auth' }>, s: Scope): string {
  s.need('regex');
  const id = s.ctx.settings.trustedAuthservId;
  if (id === undefined || id.trim() === '') {
    s.error('no_trusted_authserv_id', `${c.method} results can only be trusted with a trusted authserv-id in the settings`);
    return 'false';
  }
  return `header :regex ${s.str(AUTH_RESULTS_HEADER)} ${s.str(authResultRegex(id.trim(), c.method, c.result))}`;
}

/** "Score at least `atLeast`" over the site's spam status header (ScriptContext.spamHeader). */
export function spamScoreTest(atLeast: number, s: Scope): string {
  s.need('regex');
  return `header :regex ${s.str(s.ctx.spamHeader)} ${s.str(spamScoreRegex(atLeast))}`;
}

export function renderTest(c: Condition, s: Scope): string {
  switch (c.kind) {
    case 'address':
      needPart(c.part, s);
      return `address :${c.part} ${matchArgs(c.test, s)} ${s.list(addressHeaders(c.header))} ${s.list(c.test.values)}`;
    case 'envelope':
      s.need('envelope');
      needPart(c.part, s);
      return `envelope :${c.part} ${matchArgs(c.test, s)} ${s.str(c.field)} ${s.list(c.test.values)}`;
    case 'header':
      return `header ${matchArgs(c.test, s)} ${s.list(c.names)} ${s.list(c.test.values)}`;
    case 'subject':
      return `header ${matchArgs(c.test, s)} "subject" ${s.list(c.test.values)}`;
    case 'list-id':
      return `header ${matchArgs(c.test, s)} "list-id" ${s.list(c.test.values)}`;
    case 'body':
      s.need('body');
      return `body :text ${matchArgs(c.test, s)} ${s.list(c.test.values)}`;
    case 'size':
      return `size :${c.comparison} ${Number.isSafeInteger(c.bytes) && c.bytes >= 0 ? c.bytes : 0}`;
    case 'exists':
      return `exists ${s.list(c.names)}`;
    case 'auth':
      return authTest(c, s);
    case 'spam-score':
      return Number.isFinite(c.atLeast) ? spamScoreTest(c.atLeast, s) : 'false';
    case 'spamtest':
      return spamtest(c, s);
    case 'always':
      return 'true';
    case 'not':
      return `not ${renderTest(c.condition, s)}`;
    case 'group':
      return renderCombined(c.combine, c.conditions, s);
  }
}

/** Conditions joined as all / any / none; an empty list is `true` except for "any". */
export function renderCombined(combine: Combine, conditions: readonly Condition[], s: Scope): string {
  if (conditions.length === 0) return combine === 'any' ? 'false' : 'true';
  const tests = conditions.map((c) => renderTest(c, s));
  if (combine === 'none') return tests.length === 1 ? `not ${tests[0]}` : `not anyof(${tests.join(', ')})`;
  if (tests.length === 1) return tests[0]!;
  return `${combine === 'all' ? 'allof' : 'anyof'}(${tests.join(', ')})`;
}

/** Whether a condition reads auth results or the spam score (the whitelist exempts those). */
export function readsSpamVerdict(c: Condition): boolean {
  switch (c.kind) {
    case 'auth':
    case 'spam-score':
      return true;
    case 'spamtest':
      return c.engine === 'spam';
    case 'not':
      return readsSpamVerdict(c.condition);
    case 'group':
      return c.conditions.some(readsSpamVerdict);
    default:
      return false;
  }
}
