// procmail's internal egrep dialect (procmailrc(5) "Extended regular
// expressions"), read into a small tree so it can be re-emitted as the POSIX
// ERE that Sieve's regex extension runs, or reasoned about (is it a plain
// substring? does it start with a header name?).
//
// Dialect notes, checked against procmail 3.22: `{` and `}` are literal (no
// intervals); a backslash quotes any character (`\n` is `n`); inside a
// bracket expression a backslash is literal, as in POSIX; `\<` and `\>`
// consume one non-word character or a newline; `\/` marks where $MATCH
// starts; `^` and `$` match at line boundaries.

export type RegexNode =
  | { t: 'char'; set: CharSet }
  | { t: 'seq'; items: RegexNode[] }
  | { t: 'alt'; branches: RegexNode[] }
  | { t: 'star' | 'plus' | 'opt'; node: RegexNode }
  | { t: 'bol' }
  | { t: 'eol' }
  /** `\<` or `\>`: one non-word character, or a line boundary. */
  | { t: 'wordedge' }
  /** `\/`: start of the $MATCH part. */
  | { t: 'split' };

/** A set of characters: a literal is a one-element set, `.` is "not newline". */
export interface CharSet {
  negated: boolean;
  ranges: Array<[number, number]>;
}

export class RegexSyntaxError extends Error {}

const NL = 10;
const DOT: CharSet = { negated: true, ranges: [[NL, NL]] };

export function literalSet(ch: string): CharSet {
  const c = ch.charCodeAt(0);
  return { negated: false, ranges: [[c, c]] };
}

/** Group nesting accepted; the tree is walked by recursion, so hostile input must not nest without end. */
export const MAX_GROUP_DEPTH = 64;

/** Two repetition operators in a row are one: `a**` is `a*`, `a+?` is `a*`, `a++` is `a+`. */
function repeat(node: RegexNode, q: 'star' | 'plus' | 'opt'): RegexNode {
  if (node.t !== 'star' && node.t !== 'plus' && node.t !== 'opt') return { t: q, node };
  return { t: node.t === q ? q : 'star', node: node.node };
}

export function parseProcmailRegex(src: string): RegexNode {
  let i = 0;
  let depth = 0;
  const alt = (): RegexNode => {
    const branches = [seq()];
    while (src[i] === '|') {
      i++;
      branches.push(seq());
    }
    return branches.length === 1 ? branches[0]! : { t: 'alt', branches };
  };
  const seq = (): RegexNode => {
    const items: RegexNode[] = [];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      let atom = parseAtom();
      while (src[i] === '*' || src[i] === '+' || src[i] === '?') {
        const q = src[i++];
        atom = repeat(atom, q === '*' ? 'star' : q === '+' ? 'plus' : 'opt');
      }
      items.push(atom);
    }
    return items.length === 1 ? items[0]! : { t: 'seq', items };
  };
  const parseAtom = (): RegexNode => {
    const c = src[i++]!;
    switch (c) {
      case '(': {
        if (++depth > MAX_GROUP_DEPTH) throw new RegexSyntaxError(`groups nested deeper than ${MAX_GROUP_DEPTH} levels in a regular expression`);
        const inner = alt();
        if (src[i] !== ')') throw new RegexSyntaxError(`unbalanced '(' in regular expression ${JSON.stringify(src)}`);
        i++;
        depth--;
        return inner;
      }
      case '^':
        return { t: 'bol' };
      case '$':
        return { t: 'eol' };
      case '.':
        return { t: 'char', set: DOT };
      case '[':
        return { t: 'char', set: parseBracket() };
      case '*':
      case '+':
      case '?':
        // A leading repetition operator is literal in egrep.
        return { t: 'char', set: literalSet(c) };
      case '\\': {
        const n = src[i++];
        if (n === undefined) return { t: 'char', set: literalSet('\\') };
        if (n === '<' || n === '>') return { t: 'wordedge' };
        if (n === '/') return { t: 'split' };
        return { t: 'char', set: literalSet(n) };
      }
      default:
        return { t: 'char', set: literalSet(c) };
    }
  };
  const parseBracket = (): CharSet => {
    const negated = src[i] === '^';
    if (negated) i++;
    const ranges: Array<[number, number]> = [];
    let first = true;
    while (i < src.length && (src[i] !== ']' || first)) {
      first = false;
      const lo = src.charCodeAt(i++);
      if (src[i] === '-' && src[i + 1] !== undefined && src[i + 1] !== ']') {
        const hi = src.charCodeAt(i + 1);
        i += 2;
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
    }
    if (src[i] !== ']') throw new RegexSyntaxError(`unterminated '[' in regular expression ${JSON.stringify(src)}`);
    i++;
    // procmailrc(5): a negated class never matches a newline.
    if (negated) ranges.push([NL, NL]);
    return { negated, ranges };
  };
  const node = alt();
  if (i < src.length) throw new RegexSyntaxError(`unbalanced ')' in regular expression ${JSON.stringify(src)}`);
  return node;
}

function foldCase(c: number): number[] {
  const s = String.fromCharCode(c);
  const lo = s.toLowerCase().charCodeAt(0);
  const up = s.toUpperCase().charCodeAt(0);
  return lo === up ? [c] : [lo, up];
}

export function setHas(set: CharSet, c: number, caseSensitive: boolean): boolean {
  const codes = caseSensitive ? [c] : foldCase(c);
  const inRanges = codes.some((k) => set.ranges.some(([lo, hi]) => k >= lo && k <= hi));
  return set.negated ? !inRanges : inRanges;
}

export function nullable(n: RegexNode): boolean {
  switch (n.t) {
    case 'char':
    case 'wordedge':
      return false;
    case 'seq':
      return n.items.every(nullable);
    case 'alt':
      return n.branches.some(nullable);
    case 'star':
    case 'opt':
      return true;
    case 'plus':
      return nullable(n.node);
    case 'bol':
    case 'eol':
    case 'split':
      return true;
  }
}

/** null stands for the empty language. */
type Lang = RegexNode | null;

function mkSeq(items: RegexNode[]): RegexNode {
  const flat = items.some((x) => x.t === 'seq') ? items.flatMap((x) => (x.t === 'seq' ? x.items : [x])) : items;
  return flat.length === 1 ? flat[0]! : { t: 'seq', items: flat };
}

function mkAlt(branches: Lang[]): Lang {
  const live = branches.filter((b): b is RegexNode => b !== null);
  if (live.length === 0) return null;
  return live.length === 1 ? live[0]! : { t: 'alt', branches: live };
}

const EPSILON: RegexNode = { t: 'seq', items: [] };

/**
 * Brzozowski derivative by one character `c` not preceded by a newline:
 * the expression for what may follow `c` so that the whole matches. Used to
 * account for the blank that procmail sees after `Name:` and Sieve strips.
 * Line anchors cannot match mid-line, so they yield the empty language.
 */
export function derive(n: RegexNode, c: number, caseSensitive: boolean): Lang {
  switch (n.t) {
    case 'char':
      return setHas(n.set, c, caseSensitive) ? EPSILON : null;
    case 'wordedge':
      return /[A-Za-z0-9_]/.test(String.fromCharCode(c)) ? null : EPSILON;
    case 'bol':
    case 'eol':
      return null;
    case 'split':
      return null;
    case 'alt':
      return mkAlt(n.branches.map((b) => derive(b, c, caseSensitive)));
    case 'opt':
      return derive(n.node, c, caseSensitive);
    case 'star':
    case 'plus': {
      const d = derive(n.node, c, caseSensitive);
      return d === null ? null : mkSeq([d, { t: 'star', node: n.node }]);
    }
    case 'seq': {
      const out: Lang[] = [];
      for (let k = 0; k < n.items.length; k++) {
        const item = n.items[k]!;
        const rest = n.items.slice(k + 1);
        if (item.t === 'split') continue;
        const d = derive(item, c, caseSensitive);
        if (d !== null) out.push(mkSeq([d, ...rest]));
        if (!nullable(item) || item.t === 'bol' || item.t === 'eol') break;
      }
      return mkAlt(out);
    }
  }
}

/** Drops `\/` markers (they do not change what matches). */
export function withoutSplit(n: RegexNode): RegexNode {
  switch (n.t) {
    case 'seq':
      return mkSeq(n.items.filter((x) => x.t !== 'split').map(withoutSplit));
    case 'alt':
      return { t: 'alt', branches: n.branches.map(withoutSplit) };
    case 'star':
    case 'plus':
    case 'opt':
      return { t: n.t, node: withoutSplit(n.node) };
    default:
      return n;
  }
}

export function containsNode(n: RegexNode, pred: (x: RegexNode) => boolean): boolean {
  if (pred(n)) return true;
  switch (n.t) {
    case 'seq':
      return n.items.some((x) => containsNode(x, pred));
    case 'alt':
      return n.branches.some((x) => containsNode(x, pred));
    case 'star':
    case 'plus':
    case 'opt':
      return containsNode(n.node, pred);
    default:
      return false;
  }
}

/** The single character a set stands for, when it is one (case aside). */
export function singleChar(set: CharSet, caseSensitive: boolean): string | null {
  if (set.negated || set.ranges.length === 0) return null;
  if (set.ranges.length === 1) {
    const [lo, hi] = set.ranges[0]!;
    return lo === hi ? String.fromCharCode(lo) : null;
  }
  const codes = new Set<number>();
  for (const [lo, hi] of set.ranges) {
    if (hi - lo > 1) return null;
    for (let k = lo; k <= hi; k++) for (const f of caseSensitive ? [k] : foldCase(k)) codes.add(f);
  }
  const first = set.ranges[0]![0];
  const want = new Set(caseSensitive ? [first] : foldCase(first));
  if (codes.size !== want.size || [...codes].some((k) => !want.has(k))) return null;
  return String.fromCharCode(first);
}

/** The literal text a node spells, or null when it is not a plain string. */
export function literalText(n: RegexNode, caseSensitive: boolean): string | null {
  if (n.t === 'char') return singleChar(n.set, caseSensitive);
  if (n.t !== 'seq') return null;
  let out = '';
  for (const item of n.items) {
    const s = literalText(item, caseSensitive);
    if (s === null) return null;
    out += s;
  }
  return out;
}

export function isDotStar(n: RegexNode): boolean {
  return n.t === 'star' && n.node.t === 'char' && n.node.set === DOT;
}

/** Every string a node matches, when the language is finite and small. */
export function finiteStrings(n: RegexNode, limit = 64): string[] | null {
  switch (n.t) {
    case 'char': {
      if (n.set.negated) return null;
      const out: string[] = [];
      for (const [lo, hi] of n.set.ranges) for (let k = lo; k <= hi; k++) out.push(String.fromCharCode(k));
      return out.length <= limit ? out : null;
    }
    case 'seq': {
      let acc = [''];
      for (const item of n.items) {
        const part = finiteStrings(item, limit);
        if (part === null) return null;
        acc = acc.flatMap((a) => part.map((p) => a + p));
        if (acc.length > limit) return null;
      }
      return acc;
    }
    case 'alt': {
      const all = n.branches.map((b) => finiteStrings(b, limit));
      if (all.some((x) => x === null)) return null;
      const out = [...new Set(all.flat() as string[])];
      return out.length <= limit ? out : null;
    }
    case 'opt': {
      const inner = finiteStrings(n.node, limit);
      return inner === null ? null : ['', ...inner];
    }
    default:
      return null;
  }
}

export { DOT as DOT_SET, EPSILON as EMPTY_SEQ, mkSeq, mkAlt };
