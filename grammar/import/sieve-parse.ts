// Front door to the generated Sieve parser: enforces the size limit before
// parsing and turns every parser failure into a Diagnostic with a position,
// so callers never see an exception for bad input.
import { parse, SyntaxError as PeggySyntaxError } from '../generated/sieve.js';
import { error, type Diagnostic, type Position } from '../diagnostics.js';
import { resolveLimits, utf8Length, type SieveLimits } from '../limits.js';
import type { SieveScript, SieveTest } from '../sieve-ast.js';

export interface SieveParseResult<T> {
  value: T | null;
  diagnostics: Diagnostic[];
}

export function parseSieve(text: string, limits?: Partial<SieveLimits>): SieveParseResult<SieveScript> {
  return run(text, 'script', resolveLimits(limits)) as SieveParseResult<SieveScript>;
}

/** Parses a single test, e.g. the one kept in a disabled rule's comment. */
export function parseSieveTest(text: string, limits?: Partial<SieveLimits>): SieveParseResult<SieveTest> {
  return run(text, 'test_only', resolveLimits(limits)) as SieveParseResult<SieveTest>;
}

function run(text: string, startRule: 'script' | 'test_only', limits: SieveLimits): SieveParseResult<SieveScript | SieveTest> {
  const size = utf8Length(text);
  if (limits.maxScriptBytes > 0 && size > limits.maxScriptBytes) {
    const at = positionOfByte(text, limits.maxScriptBytes);
    return {
      value: null,
      diagnostics: [error('script-too-large', `script is ${size} bytes; at most ${limits.maxScriptBytes} are allowed`, at)],
    };
  }
  try {
    return { value: parse(text, { startRule, limits }), diagnostics: [] };
  } catch (err) {
    if (!(err instanceof PeggySyntaxError)) throw err;
    const { start, end } = err.location;
    const message = explain(text, start.offset) ?? err.message.replace(/\.$/, '');
    const endPoint = end.offset > start.offset ? { line: end.line, column: end.column } : undefined;
    return { value: null, diagnostics: [error('syntax', message, { line: start.line, column: start.column }, endPoint)] };
  }
}

/** Clearer words for the failures peggy can only describe as "expected X". */
function explain(text: string, offset: number): string | null {
  const rest = text.slice(offset, offset + 5);
  if (rest.startsWith('"') && !/^"(?:[^"\\]|\\[\s\S])*"/.test(text.slice(offset))) return 'unterminated quoted string';
  if (/^text:/i.test(rest) || (rest.startsWith(':') && /text$/i.test(text.slice(Math.max(0, offset - 4), offset)))) return "multi-line string is not ended by a line holding a single '.'";
  if (rest.startsWith('/*')) return 'unterminated bracket comment';
  return null;
}

function positionOfByte(text: string, byteLimit: number): Position {
  let bytes = 0;
  let line = 1;
  let column = 1;
  for (const ch of text) {
    bytes += utf8Length(ch);
    if (bytes > byteLimit) break;
    if (ch === '\n') {
      line++;
      column = 1;
    } else column += ch.length;
  }
  return { line, column };
}
