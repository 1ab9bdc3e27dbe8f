// Regexes and subjects for the differential tests against Pigeonhole: a
// fast-check arbitrary of hostile regexes (unbalanced brackets, braces and
// parentheses, intervals, classes, escapes, Perl syntax, multibyte text,
// quotes and backslashes that must survive Sieve quoting), and subjects
// built from a parsed regex (strings it should match, then near misses).
import fc from 'fast-check';
import type { BracketItem, RegexNode } from '../../grammar/regex/ast.js';
import { fromByteString, toByteString } from '../../grammar/regex/bytes.js';
import type { ParsedRegex } from '../../grammar/regex/parse.js';

const PIECES = [
  // literals, multibyte text and characters Sieve quoting must carry
  'a', 'b', 'x', 'Z', 'Q', '0', '7', ' ', '_', '-', ',', ':', '@', '#', '/', '"', '\\"', "'", '`', '<', '>', 'é', 'É', 'ß', '日本', '😀', '${x}', '${', '=',
  // operators, alone or unbalanced
  '.', '*', '+', '?', '|', '||', '(', ')', '()', '(a|)', '(|b)', '[', ']', '{', '}', '^', '$', '\\', '\\\\',
  // escapes: POSIX, GNU, Perl and JavaScript
  '\\.', '\\*', '\\{', '\\}', '\\(', '\\)', '\\[', '\\]', '\\|', '\\^', '\\$', '\\+', '\\?', '\\/', '\\-', '\\é',
  '\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '\\b', '\\B', '\\<', '\\>', '\\`', "\\'", '\\n', '\\t', '\\0', '\\x41', '\\A', '\\z', '\\q',
  '\\p{L}', '\\P{Lu}', '\\1', '\\2', '\\3',
  // intervals, good and bad
  '{2}', '{1,3}', '{0}', '{0,1}', '{2,}', '{,2}', '{3,1}', '{1', '{x}', '{}', '{1\\,2}', '{\\1}', '{ 1}', '{32767}', '{32768}', 'x{1', 'ticket{',
  // bracket expressions, good and bad
  '[ab]', '[^ab]', '[a-z]', '[A-Z]', '[0-9]', '[z-a]', '[Z-a]', '[_-a]', '[]a]', '[^]a]', '[a-]', '[-a]', '[a-c-e]', '[!--]', '[é]', '[éè]', '[^é]', '[à-ÿ]',
  '[\\]]', '[\\d]', '[\\\\]', '[[:alpha:]]', '[[:digit:]]', '[[:space:]]', '[[:upper:]]', '[[:lower:]]', '[[:punct:]]', '[^[:alnum:]]', '[[:foo:]]', '[[:alpha:]',
  '[[.a.]]', '[[.-.]]', '[[.ab.]]', '[[=a=]]', '[[=e=]]', '[[:alpha:]-z]', '[a-[:digit:]]', '[[', '[a', '[^',
  // Perl and JavaScript syntax
  '(?:', '(?=x)', '(?!x)', '(?<=x)', '(?i)', '+?', '*?', '??', '*+', '++', '(?<n>a)', '\\k<n>',
];

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 2 }) },
);

/** A regex made of 1 to 7 hostile pieces; never a line break or NUL, which validation refuses on their own. */
export const arbHostileRegex: fc.Arbitrary<string> = fc
  .array(piece, { minLength: 1, maxLength: 7 })
  .map((parts) => parts.join('').replace(/[\0\r\n\u2028\u2029\u0085]/g, 'x').replace(/[\uD800-\uDFFF]/g, 'x'));

/** Byte strings (see regex/bytes.ts) used to fill and disturb subjects. */
const FILLER = ['a', 'A', 'b', 'B', 'x', 'Z', '0', '9', ' ', '_', '-', '.', ',', toByteString('é')];

/**
 * Subjects for `regex`: strings built to match it, then near misses (a byte
 * dropped, added, changed or its case swapped). Only valid, single-line,
 * trimmed UTF-8 text that a header can carry unchanged.
 */
export function subjectsFor(regex: ParsedRegex, rnd: () => number, count: number): string[] {
  const out = new Set<string>();
  for (let tries = 0; out.size < count && tries < count * 4; tries++) {
    let bytes = generate(regex.tree, rnd, new Map());
    if (tries % 2 === 1 && bytes.length > 0) bytes = mutate(bytes, rnd);
    if (tries % 5 === 4) bytes = pick(FILLER, rnd) + bytes;
    const text = fromByteString(bytes);
    if (toByteString(text) !== bytes || !headerSafe(text)) continue;
    out.add(text);
  }
  return [...out];
}

function headerSafe(s: string): boolean {
  return s.length > 0 && s.trim() === s && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]|=\?/.test(s);
}

function pick<T>(items: readonly T[], rnd: () => number): T {
  return items[Math.floor(rnd() * items.length)]!;
}

const PRINTABLE = Array.from({ length: 95 }, (_, i) => i + 32);

function member(set: (b: number) => boolean, rnd: () => number): string {
  const candidates = PRINTABLE.filter(set);
  return candidates.length === 0 ? '' : String.fromCharCode(pick(candidates, rnd));
}

function inBracket(items: readonly BracketItem[], b: number): boolean {
  const lower = String.fromCharCode(b).toLowerCase().charCodeAt(0);
  const upper = String.fromCharCode(b).toUpperCase().charCodeAt(0);
  return items.some((item) => {
    const point = (e: BracketItem): number => (e.type === 'byte' ? e.value : e.type === 'coll' || e.type === 'equiv' ? e.name.charCodeAt(0) : -1);
    if (item.type === 'range') return [b, lower, upper].some((x) => x >= point(item.from) && x <= point(item.to));
    if (item.type === 'class') return /[A-Za-z0-9]/.test(String.fromCharCode(b));
    return [b, lower, upper].includes(point(item));
  });
}

/** A byte string the tree is likely to match; case is shuffled so REG_ICASE gets exercised. */
function generate(n: RegexNode, rnd: () => number, groups: Map<number, string>): string {
  switch (n.type) {
    case 'byte': {
      const ch = String.fromCharCode(n.value);
      return rnd() < 0.2 ? (rnd() < 0.5 ? ch.toUpperCase() : ch.toLowerCase()) : ch;
    }
    case 'text':
      return [...n.bytes].map((ch) => (rnd() < 0.2 ? (rnd() < 0.5 ? ch.toUpperCase() : ch.toLowerCase()) : ch)).join('');
    case 'any':
      return pick(FILLER, rnd);
    case 'set':
      return member((b) => inBracket(n.items, b) !== n.negated, rnd);
    case 'class-escape':
      return pick(n.name === 'w' ? ['a', 'Z', '_', '5'] : n.name === 's' ? [' '] : n.name === 'W' ? ['-', ' ', '.'] : ['a', 'x'], rnd);
    case 'backref':
      return groups.get(n.index) ?? '';
    case 'anchor':
      return n.kind === 'word-boundary' || n.kind === 'word-start' ? (rnd() < 0.3 ? ' ' : '') : '';
    case 'group': {
      const text = n.body ? generate(n.body, rnd, groups) : '';
      groups.set(n.index, text);
      return text;
    }
    case 'seq':
      return n.items.map((item) => generate(item, rnd, groups)).join('');
    case 'alt':
      return generate(pick(n.branches, rnd), rnd, groups);
    case 'repeat': {
      const top = n.max === -1 ? n.min + 3 : Math.min(n.max, n.min + 3);
      const times = n.min + Math.floor(rnd() * (top - n.min + 1));
      let s = '';
      for (let i = 0; i < times; i++) s += generate(n.body, rnd, groups);
      return s;
    }
  }
}

function mutate(bytes: string, rnd: () => number): string {
  const i = Math.floor(rnd() * bytes.length);
  switch (Math.floor(rnd() * 4)) {
    case 0:
      return bytes.slice(0, i) + bytes.slice(i + 1);
    case 1:
      return bytes.slice(0, i) + pick(FILLER, rnd) + bytes.slice(i);
    case 2:
      return bytes.slice(0, i) + pick(FILLER, rnd) + bytes.slice(i + 1);
    default: {
      const ch = bytes[i]!;
      const swapped = ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
      return bytes.slice(0, i) + swapped + bytes.slice(i + 1);
    }
  }
}
