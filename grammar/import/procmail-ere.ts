// Writes a procmail regex tree back out, either as POSIX ERE for Sieve's
// regex extension (Pigeonhole hands it to regcomp(3) with REG_EXTENDED) or
// as a JavaScript RegExp for evaluating `VAR ??` conditions whose variable
// is known when converting.
import type { CharSet, RegexNode } from './procmail-regex.js';

const ERE_SPECIAL = new Set([...'.[]()*+?{}|^$\\']);
const NL = 10;

function bracketBody(set: CharSet, dropNewline: boolean): string {
  // POSIX brackets have no escapes: `]` must come first, `-` last, and `[`
  // must not be followed by `.`, `:` or `=`; so those three are placed apart.
  let close = false;
  let dash = false;
  let open = false;
  let caret = false;
  const parts: string[] = [];
  for (const [lo, hi] of set.ranges) {
    if (dropNewline && lo === NL && hi === NL) continue;
    if (lo === hi) {
      const ch = String.fromCharCode(lo);
      if (ch === ']') close = true;
      else if (ch === '-') dash = true;
      else if (ch === '[') open = true;
      else if (ch === '^') caret = true;
      // A lone backslash is literal in POSIX brackets too, but the regex check
      // takes it for a Perl escape; doubled it is the same set, said plainly.
      else if (ch === '\\') parts.push('\\\\');
      else parts.push(ch);
    } else {
      parts.push(`${String.fromCharCode(lo)}-${String.fromCharCode(hi)}`);
    }
  }
  return `${close ? ']' : ''}${parts.join('')}${caret ? '^' : ''}${open ? '[' : ''}${dash ? '-' : ''}`;
}

function emitSet(set: CharSet, dialect: 'ere' | 'js'): string {
  const isDot = set.negated && set.ranges.length === 1 && set.ranges[0]![0] === NL && set.ranges[0]![1] === NL;
  if (isDot) return dialect === 'ere' ? '.' : '[^\\n]';
  if (!set.negated && set.ranges.length === 1 && set.ranges[0]![0] === set.ranges[0]![1]) {
    const ch = String.fromCharCode(set.ranges[0]![0]);
    if (dialect === 'js') return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
    return ERE_SPECIAL.has(ch) ? `\\${ch}` : ch;
  }
  if (dialect === 'js') {
    const body = set.ranges
      .map(([lo, hi]) => (lo === hi ? jsClassChar(lo) : `${jsClassChar(lo)}-${jsClassChar(hi)}`))
      .join('');
    return `[${set.negated ? '^' : ''}${body}]`;
  }
  const body = bracketBody(set, true);
  if (body === '' && set.negated) return '.';
  return `[${set.negated ? '^' : ''}${body}]`;
}

function jsClassChar(c: number): string {
  if (c === NL) return '\\n';
  const ch = String.fromCharCode(c);
  return /[\\\]^-]/.test(ch) ? `\\${ch}` : ch;
}

function emit(n: RegexNode, dialect: 'ere' | 'js'): string {
  const open = dialect === 'js' ? '(?:' : '(';
  switch (n.t) {
    case 'char':
      return emitSet(n.set, dialect);
    case 'seq':
      return n.items.map((x) => emit(x, dialect)).join('');
    case 'alt': {
      // glibc accepts empty alternatives, but `(a)?` says the same portably.
      const empty = n.branches.some((b) => b.t === 'seq' && b.items.length === 0);
      const live = n.branches.filter((b) => !(b.t === 'seq' && b.items.length === 0));
      const inner = live.map((b) => emit(b, dialect)).join('|');
      if (empty) return `${open}${inner})?`;
      return `${open}${inner})`;
    }
    case 'star':
    case 'plus':
    case 'opt': {
      const q = n.t === 'star' ? '*' : n.t === 'plus' ? '+' : '?';
      const inner = emit(n.node, dialect);
      const atomic = n.node.t === 'char' || n.node.t === 'alt';
      return `${atomic ? inner : `${open}${inner})`}${q}`;
    }
    case 'bol':
      return '^';
    case 'eol':
      return '$';
    case 'wordedge':
      return dialect === 'ere' ? '(^|$|[^a-zA-Z0-9_])' : '(?:^|$|[^a-zA-Z0-9_])';
    case 'split':
      return '';
  }
}

/** POSIX ERE for a single unfolded header value (no newlines in the subject). */
export function toEre(n: RegexNode): string {
  return emit(n, 'ere');
}

/** JavaScript RegExp with procmail's line semantics, for text known at conversion. */
export function toJsRegExp(n: RegexNode, caseSensitive: boolean): RegExp {
  return new RegExp(emit(n, 'js'), caseSensitive ? 'm' : 'mi');
}
