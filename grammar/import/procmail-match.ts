// `$MATCH` folders: `* ^List-Id:.*<\/[^.]+` + `.lists.$MATCH/` files each
// list into its own folder. Sieve says the same with a regex capture and the
// variables extension; the rule model has no shape for that, so the recipe
// becomes a raw Sieve block. Only the plain shape is taken: one condition,
// `^Name:` before `\/`, and no enclosing block conditions.
import { PLAIN_STRINGS, quote } from '../emit/sieve-strings.js';
import { destination } from './procmail-actions.js';
import { toEre } from './procmail-ere.js';
import { expandMacros } from './procmail-macros.js';
import { derive, mkSeq, parseProcmailRegex, singleChar, RegexSyntaxError, type RegexNode } from './procmail-regex.js';
import { expandText, type Env } from './procmail-vars.js';

export interface MatchFolder {
  sieve: string;
  requires: string[];
  change: string;
}

const MARK = '\u0001';

/** Index of the top-level `\/`, or -1. */
function splitAt(pattern: string): number {
  let depth = 0;
  let inBracket = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (inBracket) {
      if (c === ']' && pattern[i - 1] !== '[' && pattern.slice(i - 2, i) !== '[^') inBracket = false;
      continue;
    }
    if (c === '\\') {
      if (pattern[i + 1] === '/' && depth === 0) return i;
      i++;
    } else if (c === '[') inBracket = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return -1;
  }
  return -1;
}

/** Capturing groups an ERE opens (not counting escaped parens or bracket contents). */
function groupCount(ere: string): number {
  let n = 0;
  let inBracket = false;
  for (let i = 0; i < ere.length; i++) {
    const c = ere[i];
    if (inBracket) {
      if (c === ']' && ere[i - 1] !== '[' && ere.slice(i - 2, i) !== '[^') inBracket = false;
    } else if (c === '\\') i++;
    else if (c === '[') inBracket = true;
    else if (c === '(') n++;
  }
  return n;
}

// Plain strings: the folder's `${N}` is meant to expand (a literal `${` is refused above).
const sieveString = (s: string): string => quote(s, PLAIN_STRINGS).text;

export function matchFolder(
  pattern: string,
  folderText: string,
  env: Env,
  caseSensitive: boolean,
  copy: boolean,
  folderMap: ReadonlyMap<string, string>,
): MatchFolder | null {
  const expanded = expandMacros(pattern).pattern;
  const at = splitAt(expanded);
  if (at < 0) return null;
  let left: RegexNode;
  let right: RegexNode;
  try {
    left = parseProcmailRegex(expanded.slice(0, at));
    right = parseProcmailRegex(expanded.slice(at + 2));
  } catch (err) {
    if (err instanceof RegexSyntaxError) return null;
    throw err;
  }
  const items = left.t === 'seq' ? left.items : [left];
  if (items[0]?.t !== 'bol') return null;
  let k = 1;
  let name = '';
  for (; k < items.length; k++) {
    const it = items[k]!;
    const ch = it.t === 'char' ? singleChar(it.set, true) : null;
    if (ch === ':') break;
    if (ch === null || !/^[!-9;-~]$/.test(ch)) return null;
    name += ch;
  }
  if (k >= items.length || name === '') return null;
  const value = derive(mkSeq(items.slice(k + 1)), 32, caseSensitive);
  if (value === null) return null;
  const leftEre = toEre(value);
  const regex = `^${leftEre}(${toEre(right)})`;

  const withMark = new Map(env);
  withMark.set('MATCH', { known: MARK });
  const text = expandText(folderText, withMark);
  if ('unknown' in text || text.text.split(/[ \t]+/).filter(Boolean).length !== 1) return null;
  const raw = text.text.trim();
  const dest = destination(raw.endsWith('/.') ? raw.slice(0, -2) : raw.replace(/\/+$/, ''), env, folderMap);
  // A literal `${` would read as a variable reference in the Sieve string.
  if (dest.kind !== 'folder' || !dest.name.includes(MARK) || dest.name.includes('${')) return null;
  const folder = dest.name.split(MARK).join(`\${${groupCount(leftEre) + 1}}`);

  const comparator = caseSensitive ? ' :comparator "i;octet"' : '';
  const body = copy ? `  fileinto :copy ${sieveString(folder)};\n` : `  fileinto ${sieveString(folder)};\n  stop;\n`;
  return {
    sieve: `if header :regex${comparator} ${sieveString(name.toLowerCase())} ${sieveString(regex)} {\n${body}}\n`,
    requires: ['fileinto', 'regex', 'variables', ...(copy ? ['copy'] : [])],
    change: "$MATCH becomes a Sieve regex match variable: procmail fills $MATCH from the shortest text before \\/, Sieve's regex takes the longest match; they differ only when the part before \\/ can match in more than one place",
  };
}
