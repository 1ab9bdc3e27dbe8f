// Sieve's match types as Pigeonhole applies them: on UTF-8 bytes, with the
// i;ascii-casemap comparator (ASCII letters fold, nothing else) unless the
// test asks for i;octet. `:matches` wildcards are byte-wise (`?` is one
// byte), `\` quotes the next character; `:regex` is glibc's POSIX extended
// regex (grammar/regex/match.ts).
import { sieveValue } from '../emit/sieve-strings.js';
import type { StringMatch } from '../model.js';
import { toByteString } from '../regex/bytes.js';
import { compileRegex, RegexError } from '../regex/match.js';
import { requiredLiterals } from './regex-literals.js';

/** A compiled `:is`/`:contains`/`:matches`/`:regex` test over its keys. */
export type ValueTest = (value: string) => boolean;

function fold(bytes: string): string {
  return /[a-z]/.test(bytes) ? bytes.replace(/[a-z]+/g, (s) => s.toUpperCase()) : bytes;
}

// Values as bytes, and folded: a message's header values meet many keys of
// many rules, so each is converted once. Bounded: cleared when full.
const MEMO_SIZE = 4096;
const bytesMemo = new Map<string, string>();
const foldedMemo = new Map<string, string>();

function remember(memo: Map<string, string>, key: string, value: string): string {
  if (memo.size >= MEMO_SIZE) memo.clear();
  memo.set(key, value);
  return value;
}

function bytesOf(v: string): string {
  return bytesMemo.get(v) ?? remember(bytesMemo, v, toByteString(v));
}

function foldedOf(v: string): string {
  return foldedMemo.get(v) ?? remember(foldedMemo, v, fold(bytesOf(v)));
}

type GlobPart = { literal: string } | { star: true } | { one: true };

function globParts(key: string): GlobPart[] {
  const parts: GlobPart[] = [];
  let lit = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    if (c === '\\' && i + 1 < key.length) lit += key[++i];
    else if (c === '*' || c === '?') {
      if (lit) parts.push({ literal: lit });
      lit = '';
      parts.push(c === '*' ? { star: true } : { one: true });
    } else lit += c;
  }
  if (lit) parts.push({ literal: lit });
  return parts;
}

/** Byte-wise glob match by dynamic programming over the parts. */
function globTest(parts: readonly GlobPart[]): (v: string) => boolean {
  return (v) => {
    // reach[i]: the value's first i bytes can be matched by the parts so far.
    let reach = new Uint8Array(v.length + 1);
    reach[0] = 1;
    for (const p of parts) {
      const next = new Uint8Array(v.length + 1);
      if ('star' in p) {
        let on = 0;
        for (let i = 0; i <= v.length; i++) {
          if (reach[i]) on = 1;
          next[i] = on;
        }
      } else if ('one' in p) {
        for (let i = 0; i < v.length; i++) if (reach[i]) next[i + 1] = 1;
      } else {
        const n = p.literal.length;
        for (let i = 0; i + n <= v.length; i++) if (reach[i] && v.startsWith(p.literal, i)) next[i + n] = 1;
      }
      reach = next;
    }
    return reach[v.length] === 1;
  };
}

function keyTest(m: StringMatch, key: string): ValueTest | null {
  const cs = m.caseSensitive === true;
  const norm = cs ? bytesOf : foldedOf;
  const k = sieveValue(key);
  switch (m.match) {
    case 'is': {
      const nk = norm(k);
      return (v) => norm(v) === nk;
    }
    case 'contains': {
      const nk = norm(k);
      return (v) => norm(v).includes(nk);
    }
    case 'matches': {
      const test = globTest(globParts(norm(k)));
      return (v) => test(norm(v));
    }
    case 'regex':
      try {
        const re = compileRegex(k, { caseSensitive: cs });
        const literals = requiredLiterals(re.regex);
        if (literals.length === 0) return (v) => re.test(v);
        return (v) => {
          const nv = norm(v);
          return literals.every((l) => nv.includes(l)) && re.test(v);
        };
      } catch (e) {
        // The server refuses the whole script; validateRuleSet reports it as bad_regex.
        if (e instanceof RegexError) return null;
        throw e;
      }
  }
}

/** True when any key matches the value; keys the server would refuse never match. */
export function compileStringMatch(m: StringMatch): ValueTest {
  const tests = m.values.map((k) => keyTest(m, k)).filter((t): t is ValueTest => t !== null);
  if (tests.length === 1) return tests[0]!;
  return (v) => tests.some((t) => t(v));
}
