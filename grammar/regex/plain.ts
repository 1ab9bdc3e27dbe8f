// A one-pass proof that a regex is fine, for the regexes people write, so
// that checkRegex can skip the Peggy parse (most of a big rule set's
// validation time). "Plain" covers printable ASCII built from literal
// characters, escaped punctuation, `.`, `^`, `$`, `\b`, `\B`, `\w`, `\W`,
// `\s`, `\S`, groups with alternatives, one quantifier (`*`, `+`, `?`,
// `{m}`, `{m,}`, `{m,n}` in digits) per atom, and bracket expressions of
// plain characters, `[:class:]` and ranges within digits, lower-case or
// upper-case letters. Anything else, and anything it is unsure of, is left
// to the full parse: `true` must only ever be said of a regex that
// parseRegex accepts and findMeaningProblem passes. Case folding cannot
// change the verdict: it keeps the order of a range within one kind.
import { CLASS_NAMES, MAX_EXPANDED_SIZE } from './parse.js';

/** One open group (or the whole regex): its expanded size so far, as regex/parse.ts counts it. */
interface Frame {
  /** Sizes of the finished alternatives. */
  done: number;
  alternatives: number;
  /** Size of the alternative being read. */
  branch: number;
  /** Size of the last atom, which a quantifier replaces by its repetition. */
  last: number;
  /** The last piece is an atom without a quantifier yet. */
  quantifiable: boolean;
}

/** `\w`, `\W`, `\s`, `\S`: classes to glibc, as Perl means them. */
const ESCAPED_ATOM = /^[wWsS]$/;
/** Punctuation and space escaped: the character itself. `\<`, `\>`, `` \` `` and `\'` are GNU anchors. */
const ESCAPED_PUNCTUATION = /^[ -&(-/:;=?@[-_{-~]$/;

const frame = (): Frame => ({ done: 0, alternatives: 1, branch: 0, last: 0, quantifiable: false });

function size(f: Frame): number {
  return f.alternatives > 1 ? 1 + f.done + f.branch : f.branch;
}

function atom(f: Frame, n: number): void {
  f.branch += n;
  f.last = n;
  f.quantifiable = true;
}

/** Repeats the last atom; false when there is none (or it already has its quantifier). */
function repeat(f: Frame, min: number, max: number): boolean {
  if (!f.quantifiable) return false;
  f.branch += f.last * Math.max(1, max === -1 ? min + 1 : max) + 1 - f.last;
  f.quantifiable = false;
  return true;
}

export function isPlainRegex(source: string): boolean {
  const stack: Frame[] = [];
  let f = frame();
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
    switch (c) {
      case 0x2a: // *
        if (!repeat(f, 0, -1)) return false;
        break;
      case 0x2b: // +
        if (!repeat(f, 1, -1)) return false;
        break;
      case 0x3f: // ?
        if (!repeat(f, 0, 1)) return false;
        break;
      case 0x7b: {
        // {
        const interval = readInterval(source, i + 1);
        if (!interval || !repeat(f, interval.min, interval.max)) return false;
        i = interval.next - 1;
        break;
      }
      case 0x5e: // ^
      case 0x24: // $
        f.branch += 1;
        f.quantifiable = false;
        break;
      case 0x2e: // .
        atom(f, 1);
        break;
      case 0x7c: // |
        f.done += f.branch;
        f.alternatives += 1;
        f.branch = 0;
        f.quantifiable = false;
        break;
      case 0x28: // (
        stack.push(f);
        f = frame();
        break;
      case 0x29: {
        // ) outside any group is a literal the author did not mean
        const body = stack.pop();
        if (!body) return false;
        const group = 1 + size(f);
        f = body;
        atom(f, group);
        break;
      }
      case 0x5b: {
        // [
        const end = bracketEnd(source, i + 1);
        if (end < 0) return false;
        i = end;
        atom(f, 1);
        break;
      }
      case 0x5c: {
        // \
        const e = source[++i];
        if (e === 'b' || e === 'B') {
          f.branch += 1;
          f.quantifiable = false;
        } else if (e !== undefined && (ESCAPED_ATOM.test(e) || ESCAPED_PUNCTUATION.test(e))) atom(f, 1);
        else return false;
        break;
      }
      default:
        atom(f, 1);
    }
    // Every part only adds to the size, so a partial sum too big is a regex too big.
    if (f.branch > MAX_EXPANDED_SIZE) return false;
  }
  return stack.length === 0 && size(f) <= MAX_EXPANDED_SIZE;
}

/** `{m}`, `{m,}` or `{m,n}` in digits from `at` (after the brace), bounds as glibc takes them. */
function readInterval(s: string, at: number): { min: number; max: number; next: number } | null {
  const digits = /^([0-9]{1,5})(?:(,)([0-9]{0,5}))?\}/.exec(s.slice(at, at + 13));
  if (!digits) return null;
  const min = Number(digits[1]);
  const max = digits[2] === undefined ? min : digits[3] === '' ? -1 : Number(digits[3]);
  if (min > 32767 || max > 32767 || (max !== -1 && min > max)) return null;
  return { min, max, next: at + digits[0].length };
}

const RANGE_KINDS = [/[0-9]/, /[a-z]/, /[A-Z]/];

/**
 * The index of the `]` closing a plain bracket expression whose contents
 * start at `at`, or -1: printable ASCII without a backslash (an ordinary
 * character there, which authors mistake for an escape), no `[.`, `[=` or
 * unknown classes, and a `-`
 * only first, last or between the ends of a range within one kind.
 */
function bracketEnd(s: string, at: number): number {
  let i = s[at] === '^' ? at + 1 : at;
  for (let first = true; i < s.length; first = false) {
    const c = s[i]!;
    if (c === ']' && !first) return i;
    if (c === '\\' || c < ' ' || c > '~') return -1;
    if (c === '[') {
      if (s[i + 1] !== ':') return -1;
      const close = s.indexOf(':]', i + 2);
      if (close < 0 || !CLASS_NAMES.has(s.slice(i + 2, close))) return -1;
      i = close + 2;
      continue;
    }
    if (c === '-' && !first && s[i + 1] !== ']') return -1;
    if (s[i + 1] === '-' && s[i + 2] !== ']') {
      const to = s[i + 2];
      if (to === undefined || !RANGE_KINDS.some((k) => k.test(c) && k.test(to)) || c > to) return -1;
      i += 3;
      continue;
    }
    i++;
  }
  return -1;
}
