// Regexes the mail server accepts but reads differently from what their
// author evidently meant: Perl and JavaScript habits (`\d`, lazy `+?`,
// `[\]]`), GNU operators that are plain characters elsewhere (`\<`), and
// multibyte characters where the server sees bytes (`[éè]`, `é+`). Each is
// refused with the POSIX way to say it, under the code `regex_not_posix`.
import type { BracketItem, RegexNode } from './ast.js';
import { columnOfByte, isContinuationByte } from './bytes.js';
import type { ParsedRegex, RegexProblem } from './parse.js';

export const NOT_POSIX = 'regex_not_posix';

/** What to write instead of `\X` when X is a letter or 0 (glibc reads every one as the plain letter). */
const ESCAPE_ADVICE: Record<string, string> = {
  d: 'use [0-9]',
  D: 'use [^0-9]',
  h: 'use [[:blank:]]',
  H: 'use [^[:blank:]]',
  t: 'use [[:blank:]] or a tab character',
  n: 'use [[:space:]] (a header value is one unfolded line)',
  r: 'use [[:space:]]',
  f: 'use [[:space:]]',
  v: 'use [[:space:]]',
  R: 'use [[:space:]]',
  e: 'use [[:cntrl:]]',
  a: 'use [[:cntrl:]]',
  c: 'use [[:cntrl:]]',
  x: 'write the character itself',
  u: 'write the character itself',
  o: 'write the character itself',
  N: 'write the character itself',
  '0': 'write the character itself',
  p: 'use a POSIX class such as [[:alpha:]] or [[:digit:]]',
  P: 'use a negated POSIX class such as [^[:alpha:]]',
  A: 'use ^',
  G: 'use ^',
  z: 'use $',
  Z: 'use $',
  k: 'refer to a group by number, \\1 to \\9',
  g: 'refer to a group by number, \\1 to \\9',
  Q: 'escape each special character with a backslash instead',
  E: 'escape each special character with a backslash instead',
};

const ANCHOR_ADVICE: Record<string, string> = {
  '<': 'the mail server reads "\\<" as the start of a word, not a "<"; write "<" without a backslash, or \\b for a word boundary',
  '>': 'the mail server reads "\\>" as the end of a word, not a ">"; write ">" without a backslash, or \\b for a word boundary',
  '`': 'the mail server reads "\\`" as the start of the text, not a "`"; write "`" without a backslash, or ^ for the start',
  "'": "the mail server reads \"\\'\" as the end of the text, not a \"'\"; write \"'\" without a backslash, or $ for the end",
};

/** The first construct of `regex` whose meaning on the server differs from the evident one. */
export function findMeaningProblem(regex: ParsedRegex): RegexProblem | null {
  let found: { message: string; at: number } | null = null;
  const report = (message: string, at: number): void => {
    if (!found || at < found.at) found = { message, at };
  };
  const { bytes } = regex;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (c === 10 || c === 13) {
      report('a regex cannot hold a line break (the Sieve script would carry it as CR LF); use [[:space:]]', i);
      break;
    }
  }
  walk(regex.tree, report);
  const problem = found as { message: string; at: number } | null;
  if (!problem) return null;
  const column = columnOfByte(regex.source, problem.at);
  return { code: NOT_POSIX, column, message: problem.message.replace('@', `at column ${column}`) };
}

type Report = (message: string, at: number) => void;

function walk(n: RegexNode, report: Report): void {
  switch (n.type) {
    case 'alt':
      for (const b of n.branches) walk(b, report);
      return;
    case 'seq':
      for (const item of n.items) walk(item, report);
      return;
    case 'group':
      if (n.body) walk(n.body, report);
      return;
    case 'repeat':
      checkRepeat(n, report);
      walk(n.body, report);
      return;
    case 'byte':
      if (n.paren) report('")" @ closes no group; write "\\)" for the character', n.at);
      else if (n.escaped && /[A-Za-z0-9]/.test(String.fromCharCode(n.value))) {
        const ch = String.fromCharCode(n.value);
        report(`"\\${ch}" @ is not understood by the mail server, which reads it as a plain "${ch}"; ${ESCAPE_ADVICE[ch] ?? `write "${ch}" without a backslash`}`, n.at);
      }
      return;
    case 'anchor':
      if (n.escape && ANCHOR_ADVICE[n.escape]) report(`"\\${n.escape}" @: ${ANCHOR_ADVICE[n.escape]}`, n.at);
      return;
    case 'set':
      checkSet(n.items, n.at, report);
      return;
    default:
      return;
  }
}

function checkRepeat(n: Extract<RegexNode, { type: 'repeat' }>, report: Report): void {
  const q = n.op;
  if (n.body.type === 'repeat') {
    const inner = n.body.op.text;
    if (q.text === '?') report(`"${inner}?" @ is a lazy quantifier, which POSIX regexes do not have (the server repeats as much as it can, and "?" makes the repetition optional); write "${inner}"`, n.body.op.at);
    else if (q.text === '+') report(`"${inner}+" @ is a possessive quantifier, which POSIX regexes do not have; write "${inner}"`, n.body.op.at);
    else report(`"${inner}${q.text}" @ repeats a repetition; put the inner one in a group, such as (x${inner})${q.text}`, n.body.op.at);
    return;
  }
  if (q.omittedMin) report(`"${q.text}" @ leaves out the lower bound, which POSIX does not allow; write {0,${q.max === -1 ? '' : q.max}}`, q.at);
  else if (q.escaped) report(`"${q.text}" @ holds a backslash; write the count with digits and a comma only, such as {2,5}`, q.at);
  if (n.body.type === 'byte' && n.body.value >= 0x80 && isContinuationByte(n.body.value)) {
    report(`"${q.text}" @ repeats only the last byte of a multibyte character; put the character in a group, such as (é)${q.text}`, q.at);
  }
  if (n.body.type === 'backref') report(`"\\${n.body.index}${q.text}" @ repeats a back-reference, which the mail server's regex engine can crash on; repeat the group instead`, q.at);
}

function checkSet(items: readonly BracketItem[], at: number, report: Report): void {
  const ends = items.flatMap((item) => (item.type === 'range' ? [item.from, item.to] : [item]));
  if (ends.some((e) => (e.type === 'byte' ? e.value >= 0x80 : /[\x80-\xff]/.test(e.name)))) {
    report('the bracket expression @ holds a non-ASCII character, but the mail server compares bytes and "[...]" matches a single byte; write alternatives such as (é|è) instead', at);
    return;
  }
  // POSIX has no escapes in brackets: `[\d]` is a backslash or a d. Only
  // `\\` (a backslash, twice) means the same to a Perl reader.
  for (let i = 0; i < ends.length; i++) {
    const e = ends[i]!;
    if (e.type !== 'byte' || e.value !== 92) continue;
    const next = ends[i + 1];
    const pair = items.includes(e) && next && next.type === 'byte' && next.value === 92 && items.includes(next);
    if (pair) {
      i++;
      continue;
    }
    report(`the backslash @ is an ordinary character inside "[...]" on the mail server, not an escape; put "]" first, "-" last, and use classes such as [[:digit:]] instead of escapes`, e.at);
    return;
  }
}
