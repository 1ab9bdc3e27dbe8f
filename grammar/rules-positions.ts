// Where each rule and raw block of a rules text sits, down to the lines of a
// raw block's Sieve, so a finding made on the model (which keeps no
// positions), such as the forward policy's, can point at the text. Reads the
// text with the same grammar as parse-rules.ts; null when it has syntax errors.
import type { Position } from './diagnostics.js';
import { parse } from './generated/rules.js';
import { isRawBlock } from './model.js';
import { LineIndex } from './parse-rules.js';

export interface ItemPosition {
  start: Position;
  /** Rules: where each action starts. */
  actions: Position[];
  /** Raw blocks: where each line of the Sieve starts in the text. */
  sieveLines: Position[];
  /** Whether a Sieve line stands verbatim in the text (`|` lines), so columns carry over. */
  verbatim: boolean;
}

export function itemPositions(text: string): ItemPosition[] | null {
  const spans = new Map<object, number>();
  let entries;
  try {
    entries = parse(text, { track: (node: object, start: number) => spans.set(node, start) });
  } catch {
    return null;
  }
  const lines = new LineIndex(text);
  const at = (offset: number): Position => lines.position(offset);
  const out: ItemPosition[] = [];
  for (const entry of entries) {
    if (entry.type !== 'item') continue;
    const start = spans.get(entry.item) ?? 0;
    const { item } = entry;
    const actions = isRawBlock(item) ? [] : item.actions.map((a) => at(spans.get(a) ?? start));
    const raw = isRawBlock(item) ? rawLines(text, start) : { starts: [], verbatim: false };
    out.push({ start: at(start), actions, sieveLines: raw.starts.map(at), verbatim: raw.verbatim });
  }
  return out;
}

/** The position in the text of a point inside a raw block's Sieve (1-based line and column). */
export function sievePointInText(item: ItemPosition, line: number, column: number): Position {
  const lineStart = item.sieveLines[line - 1];
  if (!lineStart) return item.start;
  return item.verbatim ? { line: lineStart.line, column: lineStart.column + column - 1 } : lineStart;
}

/**
 * Offsets where each Sieve line of the raw block at `from` begins. Follows
 * rules.peggy's Raw rule: the head (`raw`, name, requires, disabled) up to
 * `{` and its `|` lines, or `sieve` and one escaped string.
 */
function rawLines(text: string, from: number): { starts: number[]; verbatim: boolean } {
  let i = from + 'raw'.length;
  for (;;) {
    i = skipSpace(text, i);
    const ch = text[i];
    if (ch === undefined) return { starts: [], verbatim: false };
    if (ch === '"') i = skipString(text, i);
    else if (ch === '{') return { starts: pipeLines(text, i + 1), verbatim: true };
    else if (text.startsWith('sieve', i) && !/[A-Za-z0-9_-]/.test(text[i + 5] ?? '')) {
      return { starts: escapedLines(text, skipSpace(text, i + 5)), verbatim: false };
    } else i++;
  }
}

/** Past whitespace and `#` comments (rules.peggy's `_`). */
function skipSpace(text: string, i: number): number {
  for (;;) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n' || ch === '\uFEFF') i++;
    else if (ch === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else return i;
  }
}

function skipString(text: string, i: number): number {
  for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
  return i + 1;
}

function pipeLines(text: string, i: number): number[] {
  const starts: number[] = [];
  for (i = skipSpace(text, i); text[i] === '|'; i = skipSpace(text, i)) {
    starts.push(text[i + 1] === ' ' ? i + 2 : i + 1);
    const nl = text.indexOf('\n', i);
    i = nl < 0 ? text.length : nl + 1;
  }
  return starts;
}

/** Where each line of the string's value begins: after the opening quote, then after each `\n` escape. */
function escapedLines(text: string, quote: number): number[] {
  const starts = [quote + 1];
  for (let i = quote + 1; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) {
    if (text[i] !== '\\') continue;
    i++;
    const unicode = /^u\{([0-9a-fA-F]{1,6})\}/.exec(text.slice(i, i + 9));
    if (unicode) i += unicode[0].length - 1;
    if (text[i] === 'n' || (unicode && parseInt(unicode[1]!, 16) === 0x0a)) starts.push(i + 1);
  }
  return starts;
}
