// Regular expressions over Authentication-Results (RFC 8601) that trust only
// the header written by our own border MTA.
//
// RFC 8601 §5: the MTA strips A-R headers carrying its own authserv-id and
// adds its own; anything else is attacker-controlled. So every regex is
// anchored on the authserv-id, the first token of the value (optionally
// followed by a version number) before the first `;`. A method=result must
// be a whole token that starts the value or follows whitespace or `;`, and
// never sits inside a `(comment)`, where MTAs copy attacker text.
//
// All regexes are POSIX extended, as Pigeonhole's "regex" extension uses;
// under the default i;ascii-casemap comparator they match case-insensitively,
// as authserv-ids, method names and results are.

import type { AuthMethod, AuthResult } from '../../model.js';
import { escapeRegex } from '../sieve-strings.js';

export const AUTH_RESULTS_HEADER = 'Authentication-Results';

const SP = '[[:space:]]';

/** Text of earlier resinfos: anything, with `(`...`)` comments consumed whole. */
const EARLIER = `(([^(]|\\([^)]*\\))*[[:space:];])?`;

/** Within one resinfo: properties and comments up to a token, never past `;`. */
const SAME_RESINFO = `(([^;(]|\\([^)]*\\))*${SP})?`;

const TOKEN_END = `([[:space:];(]|$)`;

function authservPrefix(authservId: string): string {
  return `^${SP}*${escapeRegex(authservId)}(${SP}+[0-9]+)?${SP}*;`;
}

/** Matches when the trusted A-R header reports `method=result`. */
export function authResultRegex(authservId: string, method: AuthMethod, result: AuthResult): string {
  return `${authservPrefix(authservId)}${EARLIER}${method}${SP}*=${SP}*${result}${TOKEN_END}`;
}

function pass(method: string, property: string): string {
  return `${method}${SP}*=${SP}*pass${SP}${SAME_RESINFO}${property}`;
}

/** The same for every domain: a whitelist writes one such regex per domain. */
const DKIM_OR_DMARC_PASS = `(${pass('dkim', 'header\\.d')}|${pass('dmarc', 'header\\.from')})`;

/**
 * Matches when the trusted A-R header reports a DKIM pass signed by the
 * domain (`dkim=pass ... header.d=DOMAIN`) or a DMARC pass for it
 * (`dmarc=pass ... header.from=DOMAIN`), the property in the same resinfo.
 * `domainRegex` is already a regex: an escaped literal or a translated glob.
 */
export function authPassForDomainRegex(authservId: string, domainRegex: string): string {
  return `${authservPrefix(authservId)}${EARLIER}${DKIM_OR_DMARC_PASS}${SP}*=${SP}*${domainRegex}${TOKEN_END}`;
}

/** A whitelist glob's domain (`*` any run, `?` one character) as a regex. */
export function domainGlobRegex(glob: string): string {
  return glob
    .split(/([*?])/)
    .map((part) => (part === '*' ? '[^[:space:];]*' : part === '?' ? '[^[:space:];]' : escapeRegex(part)))
    .join('');
}
