// Every syntax error of a script, not just the first, as Pigeonhole lists
// them: after an error, the statement it sits in (from the `;`, `{` or `}`
// before it to the next `;`, or up to the next `}`) is blanked out and the rest parsed again. Blanking keeps
// every offset, so later errors point into the original text. An unended
// string or comment ends the list, as it does Pigeonhole's. An error
// that only follows from the blanking (at the end of the text, or on a line
// already reported) is not reported.
import type { Diagnostic } from '../diagnostics.js';
import type { SieveLimits } from '../limits.js';
import { parseSieve } from './sieve-parse.js';

/** Pigeonhole stops listing errors after a few as well. */
const MAX_ERRORS = 10;

export function syntaxErrors(text: string, first: Diagnostic, limits?: Partial<SieveLimits>): Diagnostic[] {
  const out = [first];
  let rest = text;
  let at = first;
  while (out.length < MAX_ERRORS && at.start && at.code === 'syntax') {
    const errorAt = offsetOfLine(rest, at.start.line) + at.start.column - 1;
    // An unended string or comment runs to the end: nothing after it can be resynchronised.
    if (/^(?:"|\/\*|text:)/i.test(rest.slice(errorAt, errorAt + 5))) break;
    const from = Math.max(rest.lastIndexOf(';', errorAt - 1), rest.lastIndexOf('{', errorAt - 1), rest.lastIndexOf('}', errorAt - 1)) + 1;
    const semicolon = rest.indexOf(';', errorAt);
    const brace = rest.indexOf('}', errorAt);
    if (semicolon < 0 && brace < 0) break;
    // A statement ends at its `;`, or at the `}` of the block it is the last of.
    const to = closingEnd(rest, from, brace >= 0 && (semicolon < 0 || brace < semicolon) ? brace : semicolon + 1);
    rest = rest.slice(0, from) + rest.slice(from, to).replace(/[^\n]/g, ' ') + rest.slice(to);
    const next = parseSieve(rest, limits).diagnostics[0];
    if (!next?.start || next.start.line <= at.start.line || offsetOfLine(rest, next.start.line) + next.start.column - 1 >= rest.trimEnd().length) break;
    out.push(next);
    at = next;
  }
  return out;
}

/** Where blanking [from, to) must end so that a block it opens is blanked up to its `}` too. */
function closingEnd(text: string, from: number, to: number): number {
  let open = 0;
  for (let i = from; i < to; i++) open += text[i] === '{' ? 1 : text[i] === '}' ? -1 : 0;
  let end = to;
  while (open > 0 && end < text.length) {
    const c = text[end++];
    open += c === '{' ? 1 : c === '}' ? -1 : 0;
  }
  return end;
}

function offsetOfLine(text: string, line: number): number {
  let offset = 0;
  for (let n = 1; n < line; n++) offset = text.indexOf('\n', offset) + 1;
  return offset;
}
