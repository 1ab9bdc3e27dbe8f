// Parses a regex the way Pigeonhole's regcomp (glibc, REG_EXTENDED, C
// locale) does and decides exactly what it decides: a regex is refused here
// when and only when the mail server refuses it. Whether an accepted regex
// means what its author meant is regex/meaning.ts's business.
import type { DiagnosticCode } from '../diagnostics.js';
import { parse, SyntaxError as PeggySyntaxError } from '../generated/posix-regex.js';
import type { BracketItem, RegexNode } from './ast.js';
import { columnOfByte, toByteString } from './bytes.js';

export interface RegexOptions {
  /** `:comparator "i;octet"`; otherwise i;ascii-casemap, which compiles with REG_ICASE. */
  caseSensitive?: boolean;
}

/** A reason to refuse a regex: `code` is the diagnostic code, `column` 1-based in the regex. */
export interface RegexProblem {
  code: DiagnosticCode;
  message: string;
  column: number;
}

export interface ParsedRegex {
  source: string;
  /** The regex's UTF-8 bytes, one per character. */
  bytes: string;
  tree: RegexNode;
  groups: number;
  caseSensitive: boolean;
}

export type ParseResult = { ok: true; regex: ParsedRegex } | { ok: false; problem: RegexProblem };

export const BAD_REGEX = 'bad_regex';
/** A regex the server would take but that we keep from it for its size. */
export const TOO_BIG = 'regex_too_big';

/** glibc's character classes (C locale). */
export const CLASS_NAMES = new Set(['alnum', 'alpha', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'xdigit']);

/**
 * Largest regex, in glibc's expanded nodes (`x{3}` counts as three x), that
 * we let through. The server compiles the regex for every message, and
 * glibc's compile time grows faster than the expansion: on this project's
 * machine `.{0,5000}` takes 0.4 s, `.{0,20000}` 7 s, `(([d]*)+){300}` 0.9 s,
 * and `[d]*+{32767}` crashes it.
 */
export const MAX_EXPANDED_SIZE = 2_000;

export function parseRegex(source: string, opts: RegexOptions = {}): ParseResult {
  const bytes = toByteString(source);
  const caseSensitive = opts.caseSensitive === true;
  const fail = (message: string, offset: number, code: DiagnosticCode = BAD_REGEX): ParseResult => ({
    ok: false,
    problem: { code, message, column: columnOfByte(source, offset) },
  });
  let tree: RegexNode;
  try {
    tree = parse(bytes);
  } catch (err) {
    if (!(err instanceof PeggySyntaxError)) throw err;
    const at = err.location.start.offset;
    return fail(syntaxMessage(err.message, bytes, at, (offset) => columnOfByte(source, offset)), at);
  }
  const state = { groups: 0, completed: 0, problem: null as null | { message: string; at: number } };
  check(tree, state, caseSensitive);
  if (state.problem) return fail(state.problem.message, state.problem.at);
  if (expandedSize(tree) > MAX_EXPANDED_SIZE) {
    return fail(`the regex is too big once its repetition counts are expanded (more than ${MAX_EXPANDED_SIZE} steps), and the mail server compiles it for every message`, 0, TOO_BIG);
  }
  return { ok: true, regex: { source, bytes, tree, groups: state.groups, caseSensitive } };
}

function syntaxMessage(kind: string, bytes: string, at: number, columnOf: (offset: number) => number): string {
  const column = columnOf(at);
  const here = `at column ${column}`;
  switch (kind) {
    case 'nothing-to-repeat': {
      const op = bytes[at]!;
      if (op === '?' && bytes[at - 1] === '(') return `"(?" ${here} starts a Perl group (non-capturing, lookahead, lookbehind or flags), which POSIX regexes do not have; use a plain group "( )"`;
      if (op === '+' || op === '?' || op === '*') {
        if (at > 0 && /[*+?}]/.test(bytes[at - 1]!)) return `"${op}" ${here} follows a quantifier that has nothing left to repeat`;
      }
      return `"${op}" ${here} has nothing to repeat (a literal "${op}" is written "\\${op}")`;
    }
    case 'trailing-backslash':
      return 'the regex ends in a backslash that escapes nothing (a literal backslash is written "\\\\")';
    case 'unclosed-group':
      return `the "(" ${here} is never closed (a literal "(" is written "\\(")`;
    case 'unclosed-bracket':
      return `a bracket expression "[" is not closed before column ${column} (a literal "[" is written "\\[", and "[:", "[." and "[=" need their closing ":]", ".]" and "=]")`;
    case 'long-name':
      return `the name in "[: :]", "[. .]" or "[= =]" ${here} is too long`;
    case 'bad-hyphen':
      return `"-" ${here} is neither a range nor first or last in the bracket expression (put a literal "-" last)`;
    case 'bad-interval':
    case 'unclosed-interval': {
      if (at >= 2 && bytes[at - 2] === '\\' && (bytes[at - 1] === 'p' || bytes[at - 1] === 'P')) {
        return `"\\${bytes[at - 1]}{...}" at column ${columnOf(at - 2)} is a Unicode property, which the mail server does not understand; use a POSIX class such as [[:alpha:]] or [[:digit:]]`;
      }
      if (kind === 'unclosed-interval') return `the "{" ${here} is never closed (a literal "{" is written "\\{")`;
      return `"{" ${here} must hold a repetition count such as {2}, {2,} or {2,5} (a literal "{" is written "\\{")`;
    }
    case 'interval-too-big':
      return `the repetition count ${here} is over 32767, the mail server's limit`;
    default:
      return `invalid regular expression ${here}`;
  }
}

interface CheckState {
  groups: number;
  /** glibc's completed_bkref_map: groups 1..9 closed so far on this path. */
  completed: number;
  problem: null | { message: string; at: number };
}

/** glibc's checks that need the tree, in the order it meets the text. */
function check(n: RegexNode, s: CheckState, caseSensitive: boolean): void {
  if (s.problem) return;
  switch (n.type) {
    case 'alt': {
      // A back-reference cannot see a group of another alternative.
      const initial = s.completed;
      let accumulated = 0;
      for (const b of n.branches) {
        s.completed = initial;
        check(b, s, caseSensitive);
        accumulated |= s.completed;
      }
      s.completed = accumulated;
      return;
    }
    case 'seq':
      for (const item of n.items) check(item, s, caseSensitive);
      return;
    case 'group': {
      const index = ++s.groups;
      n.index = index;
      if (n.body) check(n.body, s, caseSensitive);
      if (index <= 9) s.completed |= 1 << index;
      return;
    }
    case 'repeat':
      return check(n.body, s, caseSensitive);
    case 'backref':
      if (!(s.completed & (1 << n.index))) {
        const why = n.index > s.groups ? `there are only ${s.groups} groups before it` : `group ${n.index} is not closed before it or lies in another alternative`;
        s.problem = { message: `back-reference "\\${n.index}" refers to no group: ${why}`, at: n.at };
      }
      return;
    case 'set':
      for (const item of n.items) {
        const message = checkBracketItem(item, caseSensitive);
        if (message) {
          s.problem = { message, at: item.at };
          return;
        }
      }
      return;
    default:
      return;
  }
}

function checkBracketItem(item: BracketItem, caseSensitive: boolean): string | null {
  switch (item.type) {
    case 'class':
      return CLASS_NAMES.has(item.name) ? null : `"[:${item.name}:]" is not a character class; the classes are ${[...CLASS_NAMES].join(', ')}`;
    case 'equiv':
    case 'coll':
      return item.name.length === 1 ? null : `"${item.type === 'coll' ? `[.${item.name}.]` : `[=${item.name}=]`}" must hold exactly one single-byte character`;
    case 'range': {
      const from = rangeEnd(item.from, caseSensitive);
      const to = rangeEnd(item.to, caseSensitive);
      if (typeof from === 'string') return from;
      if (typeof to === 'string') return to;
      if (from > to) {
        const fold = caseSensitive ? '' : ' (the server compares in upper case unless the rule is case-sensitive)';
        return `the range "${show(item.from)}-${show(item.to)}" ends before it starts${fold}`;
      }
      return null;
    }
    case 'byte':
      return null;
  }
}

/** The byte a range end stands for (upper-cased under REG_ICASE, as glibc reads the pattern), or why it cannot be one. */
function rangeEnd(e: BracketItem, caseSensitive: boolean): number | string {
  if (e.type === 'class' || e.type === 'equiv') return 'a character class or equivalence class cannot start or end a range';
  if (e.type === 'coll' && e.name.length !== 1) return `"[.${e.name}.]" must hold exactly one single-byte character`;
  const b = e.type === 'coll' ? e.name.charCodeAt(0) : e.type === 'byte' ? e.value : 0;
  return caseSensitive ? b : upper(b);
}

export function upper(b: number): number {
  return b >= 97 && b <= 122 ? b - 32 : b;
}

function show(e: BracketItem): string {
  if (e.type === 'byte') return e.value < 0x80 ? String.fromCharCode(e.value) : `\\x${e.value.toString(16)}`;
  if (e.type === 'coll') return `[.${e.name}.]`;
  return e.type;
}

/** Nodes glibc builds once it has copied every counted repetition. */
function expandedSize(n: RegexNode): number {
  switch (n.type) {
    case 'alt':
      return n.branches.reduce((sum, b) => sum + expandedSize(b), 1);
    case 'seq':
      return n.items.reduce((sum, b) => sum + expandedSize(b), 0);
    case 'group':
      return 1 + (n.body ? expandedSize(n.body) : 0);
    case 'repeat':
      return expandedSize(n.body) * Math.max(1, n.max === -1 ? n.min + 1 : n.max) + 1;
    case 'text':
      return n.bytes.length;
    default:
      return 1;
  }
}
