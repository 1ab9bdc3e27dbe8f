// Reading back what sievewright's own emitter (grammar/emit/sieve.ts) writes
// beyond plain rules: auth-result and spam-score regexes, the whitelist
// verdict, the blocklist, the whitelist exemption of rules, and `${`
// written as `${sw_dollar}{`. Each shape is recognised by regenerating it
// with the emitter's own functions and comparing, so a look-alike written by
// hand is never mistaken for one.
import { AUTH_METHODS, AUTH_RESULTS, type BlocklistEntry, type BlockAction, type Condition, type WhitelistEntry } from '../model.js';
import { AUTH_RESULTS_HEADER, authPassForDomainRegex, authResultRegex, domainGlobRegex } from '../emit/sieve/auth.js';
import { BLOCKLIST_REJECT_REASON, WHITELIST_VARIABLE } from '../emit/sieve/sender-lists.js';
import { spamScoreRegex } from '../emit/sieve/spam-score.js';
import { DOLLAR_VARIABLE } from '../emit/sieve-strings.js';
import { stringValues, type SieveArgument, type SieveCommand, type SieveString, type SieveTest } from '../sieve-ast.js';
import { convertActions } from './sieve-actions.js';
import { ok, refuse, type Outcome } from './sieve-args.js';

export interface OwnShapes {
  /** The trusted authserv-id, once an auth regex revealed it. */
  authservId?: string;
  /** The header spam-score tests read (SieveOptions.spamHeader). */
  readonly spamHeader: string;
}

const AUTHSERV_PREFIX = /^\^\[\[:space:\]\]\*(.*?)\(\[\[:space:\]\]\+\[0-9\]\+\)\?\[\[:space:\]\]\*;/;

/** `header :regex NAME KEY` with exactly that shape: the KEY strings, else null. */
function regexKeys(t: SieveTest, header: string): string[] | null {
  const [tag, name, keys] = t.arguments;
  if (t.name.toLowerCase() !== 'header' || t.arguments.length !== 3 || t.tests.length > 0) return null;
  if (tag?.type !== 'tag' || tag.name.toLowerCase() !== 'regex' || name?.type !== 'string' || name.value !== header) return null;
  return stringValues(keys);
}

function authservIdOf(regex: string): string | null {
  const m = AUTHSERV_PREFIX.exec(regex);
  return m ? m[1]!.replace(/\\(.)/g, '$1') : null;
}

function learnAuthservId(own: OwnShapes, id: string): boolean {
  if (own.authservId !== undefined && own.authservId !== id) return false;
  own.authservId = id;
  return true;
}

/** The emitter's auth-result and spam-score tests. */
export function ownTest(own: OwnShapes): (t: SieveTest) => Outcome<Condition> | null {
  return (t) => {
    const auth = regexKeys(t, AUTH_RESULTS_HEADER);
    if (auth?.length === 1) {
      const id = authservIdOf(auth[0]!);
      for (const method of AUTH_METHODS) {
        for (const result of AUTH_RESULTS) {
          if (id !== null && authResultRegex(id, method, result) === auth[0]) {
            return learnAuthservId(own, id) ? ok({ kind: 'auth', method, result }) : refuse('a second trusted authserv-id');
          }
        }
      }
    }
    const atLeast = spamScoreOf(t, own);
    return atLeast === null ? null : ok({ kind: 'spam-score', atLeast });
  };
}

/** The emitter's "score at least T" test -> T, or null. */
function spamScoreOf(t: SieveTest, own: OwnShapes): number | null {
  const keys = regexKeys(t, own.spamHeader);
  return keys?.length === 1 ? spamThreshold(keys[0]!) : null;
}

function spamThreshold(regex: string): number | null {
  const positive = /score=\((\d+)\\\.\[(\d)-9\]\|/.exec(regex);
  const negative = /score=\(\[0-9\]\+\\\.\[0-9\]\|-(\d+)\\\.\[0-(\d)\]/.exec(regex);
  const m = positive ?? negative;
  if (!m) return null;
  const tenths = (Number(m[1]) * 10 + Number(m[2])) * (positive ? 1 : -1);
  return spamScoreRegex(tenths / 10) === regex ? tenths / 10 : null;
}

/** `string :is "${sw_whitelisted}" "1"`: the remembered whitelist verdict. */
export function isWhitelistedTest(t: SieveTest | undefined): boolean {
  if (t?.name.toLowerCase() !== 'string' || t.arguments.length !== 3) return false;
  const [tag, variable, value] = t.arguments;
  return tag?.type === 'tag' && tag.name.toLowerCase() === 'is' && variable?.type === 'string'
    && variable.value === `\${${WHITELIST_VARIABLE}}` && value?.type === 'string' && value.value === '1';
}

/** `allof(not WHITELISTED, TEST)` -> TEST, the emitter's exemption of a rule. */
export function unwrapExemption(t: SieveTest): SieveTest | null {
  const [not, inner] = t.tests;
  if (t.name.toLowerCase() !== 'allof' || t.tests.length !== 2 || !not || !inner) return null;
  return not.name.toLowerCase() === 'not' && isWhitelistedTest(not.tests[0]) ? inner : null;
}

function fromPatterns(t: SieveTest | undefined): string[] | null {
  if (!t || t.name.toLowerCase() !== 'address' || t.arguments.length !== 4) return null;
  const [all, matches, from, keys] = t.arguments;
  const isTag = (a: SieveArgument | undefined, n: string) => a?.type === 'tag' && a.name.toLowerCase() === n;
  if (!isTag(all, 'all') || !isTag(matches, 'matches') || from?.type !== 'string' || from.value !== 'from') return null;
  // The emitter doubles backslashes so `:matches` reads them literally.
  return stringValues(keys)?.map((k) => k.replace(/\\\\/g, '\\')) ?? null;
}

/** `if WHITELIST { set "sw_whitelisted" "1"; }` -> the whitelist entries. */
export function readWhitelist(cmd: SieveCommand, own: OwnShapes): WhitelistEntry[] | null {
  const set = cmd.block?.[0];
  const test = cmd.tests[0];
  if (cmd.name.toLowerCase() !== 'if' || cmd.block?.length !== 1 || !test || set?.name.toLowerCase() !== 'set') return null;
  const [name, value] = set.arguments;
  if (name?.type !== 'string' || name.value !== WHITELIST_VARIABLE || value?.type !== 'string' || value.value !== '1') return null;
  const parts = test.name.toLowerCase() === 'anyof' && test.testList ? test.tests : [test];
  const entries: WhitelistEntry[] = [];
  for (const part of parts) {
    const plain = fromPatterns(part);
    if (plain) {
      entries.push(...plain.map((pattern) => ({ pattern, authenticated: false })));
      continue;
    }
    const authenticated = readAuthenticated(part, own);
    if (!authenticated) return null;
    entries.push(...authenticated);
  }
  return entries;
}

function readAuthenticated(t: SieveTest, own: OwnShapes): WhitelistEntry[] | null {
  const [address, header] = t.tests;
  const patterns = fromPatterns(address);
  const regexes = header ? regexKeys(header, AUTH_RESULTS_HEADER) : null;
  if (t.name.toLowerCase() !== 'allof' || t.tests.length !== 2 || !patterns || !regexes?.[0]) return null;
  const id = authservIdOf(regexes[0]);
  const domain = patterns[0]!.slice(patterns[0]!.lastIndexOf('@') + 1).toLowerCase();
  if (id === null || !learnAuthservId(own, id)) return null;
  if (regexes.length !== 1 || regexes[0] !== authPassForDomainRegex(id, domainGlobRegex(domain))) return null;
  return patterns.map((pattern) => ({ pattern, authenticated: true }));
}

/** One `if` of the emitter's blocklist -> its entries, or null. */
export function readBlocklist(cmd: SieveCommand, junkFolders: Set<string>): BlocklistEntry[] | null {
  const test = cmd.tests[0];
  if (cmd.name.toLowerCase() !== 'if' || cmd.tests.length !== 1 || !test || !cmd.block) return null;
  const patterns = fromPatterns(unwrapExemption(test) ?? test);
  const actions = convertActions(cmd.block, { flagsTouched: false, junkFolders });
  if (!patterns || !actions.ok || actions.value.length !== 2 || actions.value[1]?.kind !== 'stop') return null;
  const first = actions.value[0]!;
  let action: BlockAction | null = null;
  if (first.kind === 'discard') action = 'discard';
  else if (first.kind === 'reject' && first.reason === BLOCKLIST_REJECT_REASON) action = 'reject';
  else if (first.kind === 'fileinto' && cmd.block.some((c) => c.name.toLowerCase() === 'removeflag')) action = 'junk';
  return action ? patterns.map((pattern) => ({ pattern, action: action! })) : null;
}

/**
 * The emitter's spam filter step (grammar/emit/sieve/spam-filter.ts) -> its
 * threshold, or null. Its folder is the junk folder, and is learned as one.
 */
export function readSpamFilter(cmd: SieveCommand, own: OwnShapes, junkFolders: Set<string>): number | null {
  const test = cmd.tests[0];
  if (cmd.name.toLowerCase() !== 'if' || cmd.tests.length !== 1 || !test || !cmd.block) return null;
  const atLeast = spamScoreOf(unwrapExemption(test) ?? test, own);
  // Its own set: a block that turns out not to be the step teaches no junk folder.
  const actions = convertActions(cmd.block, { flagsTouched: false, junkFolders: new Set() });
  if (atLeast === null || !actions.ok || actions.value.length !== 2 || actions.value[1]?.kind !== 'stop') return null;
  const file = actions.value[0]!;
  if (file.kind !== 'fileinto' || file.copy || file.create) return null;
  junkFolders.add(file.folder);
  return atLeast;
}

const SW_DOLLAR = `\${${DOLLAR_VARIABLE}}`;
const HEX_DOLLAR = '${hex:24}';

/** How the script substitutes `${`: what it requires, and whether it defines the emitter's dollar variable. */
export interface Substitution {
  variables: boolean;
  encodedCharacter: boolean;
  dollarDefined: boolean;
}

/**
 * A string as the script means it: the emitter's escapes of a literal `${`
 * are undone, each only where the script's requires make it an escape
 * (`${hex:24}` is literal text without "encoded-character"); any other `${`
 * under substitution might expand or decode, so the string is refused.
 */
export function literalValue(s: SieveString, sub: Substitution): string | null {
  if (!s.value.includes('${') || (!sub.variables && !sub.encodedCharacter)) return s.value;
  const forms = [...(sub.variables && sub.dollarDefined ? [SW_DOLLAR] : []), ...(sub.encodedCharacter ? [HEX_DOLLAR] : [])];
  for (const form of forms) {
    const pieces = s.value.split(form);
    if (pieces.length < 2 || pieces.some((p) => p.includes('${'))) continue;
    const text = pieces.join('$');
    // Decoded before variables expand: a `${` it forms would expand.
    if (form === HEX_DOLLAR && sub.variables && text.includes('${')) continue;
    return text;
  }
  return null;
}
