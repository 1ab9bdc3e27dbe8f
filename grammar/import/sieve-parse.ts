// Front door to the generated Sieve parser: enforces the size limit before
// parsing and turns every parser failure into a Diagnostic with a position,
// so callers never see an exception for bad input.
import { parse, SyntaxError as PeggySyntaxError } from '../generated/sieve.js';
import { error, type Diagnostic, type Position } from '../diagnostics.js';
import { resolveLimits, utf8Length, type SieveLimits } from '../limits.js';
import type { SieveArgument, SieveCommand, SieveScript, SieveTest, SourcePoint, Span } from '../sieve-ast.js';

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
      diagnostics: [error('script_too_large', `script is ${size} bytes; at most ${limits.maxScriptBytes} are allowed`, at)],
    };
  }
  try {
    const value = parse(text, { startRule, limits });
    const lines = new LineIndex(text);
    if (value.type === 'script') {
      for (const c of value.comments) lines.fill(c.loc);
      lines.fill(value.loc);
      value.commands.forEach((c) => fillCommand(c, lines));
    } else fillTest(value, lines);
    return { value, diagnostics: [] };
  } catch (err) {
    if (!(err instanceof PeggySyntaxError)) throw err;
    const { start, end } = err.location;
    const message = explain(text, start.offset) ?? unclosedBlock(err, text) ?? err.message.replace(/\.$/, '');
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

/** The text ends where a `}` could still close a block: some `{` was never closed. */
function unclosedBlock(err: PeggySyntaxError, text: string): string | null {
  const closes = err.expected?.some((e) => e.type === 'literal' && e.text === '}');
  return err.location.start.offset >= text.length && closes ? 'a "{" is never closed: the text ends before its "}"' : null;
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

/** Line starts of a text, to turn offsets into line and column. */
class LineIndex {
  private readonly starts: number[] = [0];
  private last = 0;

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  fill(span: Span): void {
    this.point(span.start);
    this.point(span.end);
  }

  private point(p: SourcePoint): void {
    // Points come mostly in text order: try the line of the last one first.
    const last = this.last;
    if (this.starts[last]! <= p.offset && (last + 1 === this.starts.length || p.offset < this.starts[last + 1]!)) {
      p.line = last + 1;
      p.column = p.offset - this.starts[last]! + 1;
      return;
    }
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= p.offset) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    p.line = lo + 1;
    p.column = p.offset - this.starts[lo]! + 1;
  }
}

function fillArguments(args: SieveArgument[], lines: LineIndex): void {
  for (const a of args) {
    lines.fill(a.loc);
    if (a.type === 'string-list') for (const s of a.items) lines.fill(s.loc);
  }
}

function fillTest(t: SieveTest, lines: LineIndex): void {
  lines.fill(t.loc);
  fillArguments(t.arguments, lines);
  for (const inner of t.tests) fillTest(inner, lines);
}

function fillCommand(c: SieveCommand, lines: LineIndex): void {
  lines.fill(c.loc);
  fillArguments(c.arguments, lines);
  for (const t of c.tests) fillTest(t, lines);
  for (const inner of c.block ?? []) fillCommand(inner, lines);
}
