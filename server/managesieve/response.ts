// Incremental parser for server responses (RFC 5804 section 4). It takes the
// byte stream in whatever chunks the socket delivers and yields complete
// items: data lines (capabilities, LISTSCRIPTS entries, GETSCRIPT bodies,
// SASL challenges) and final OK/NO/BYE responses with their response code
// and text. Lengths of literals are octets, so parsing runs on bytes and
// decodes UTF-8 only per finished string.
import { ManageSieveError } from './errors.js';
import { responseCode, type ResponseCode } from './response-codes.js';

export type Token =
  | { type: 'atom'; value: string }
  | { type: 'string'; value: string }
  | { type: 'list'; items: Token[] };

export type Status = 'OK' | 'NO' | 'BYE';

export interface FinalResponse {
  type: 'final';
  status: Status;
  /** E.g. `QUOTA/MAXSIZE`, `WARNINGS`, `REFERRAL`; absent for a code RFC 5804 does not define. */
  code?: ResponseCode;
  codeArgs: string[];
  text: string;
}

export interface DataLine {
  type: 'line';
  tokens: Token[];
}

export type ResponseItem = DataLine | FinalResponse;

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Thrown inside the parser when the buffer ends before the item does. */
class Incomplete {
  constructor(readonly needBytes: number) {}
}

function protocolError(message: string): ManageSieveError {
  return new ManageSieveError(`ManageSieve protocol error: ${message}`, { kind: 'protocol' });
}

export interface ResponseParserOptions {
  /** Largest literal accepted from the server (protects memory against a hostile server). */
  maxLiteralBytes?: number;
  /** Longest line outside literals. */
  maxLineBytes?: number;
}

export class ResponseParser {
  private buf: Buffer = Buffer.alloc(0);
  /** Do not re-parse before the buffer holds this many bytes (a literal is still arriving). */
  private needBytes = 0;
  private readonly maxLiteral: number;
  private readonly maxLine: number;

  constructor(opts: ResponseParserOptions = {}) {
    this.maxLiteral = opts.maxLiteralBytes ?? 64 * 1024 * 1024;
    this.maxLine = opts.maxLineBytes ?? 1024 * 1024;
  }

  /** Feeds bytes; returns every item completed by them. Throws a `protocol` ManageSieveError on garbage. */
  push(chunk: Buffer): ResponseItem[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const items: ResponseItem[] = [];
    while (this.buf.length > 0 && this.buf.length >= this.needBytes) {
      let parsed: { item: ResponseItem; end: number };
      try {
        parsed = new LineReader(this.buf, this.maxLiteral).readItem();
      } catch (e) {
        if (!(e instanceof Incomplete)) throw e;
        this.needBytes = e.needBytes;
        if (this.buf.indexOf(LF) < 0 && this.buf.length > this.maxLine) throw protocolError('line too long');
        break;
      }
      this.needBytes = 0;
      this.buf = this.buf.subarray(parsed.end);
      items.push(parsed.item);
    }
    return items;
  }

  /** Bytes received but not yet part of a complete item. */
  get buffered(): number {
    return this.buf.length;
  }
}

class LineReader {
  private pos = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly maxLiteral: number,
  ) {}

  readItem(): { item: ResponseItem; end: number } {
    const tokens = this.readTokens(false);
    return { item: classify(tokens), end: this.pos };
  }

  private byte(at = this.pos): number {
    if (at >= this.buf.length) throw new Incomplete(at + 1);
    return this.buf[at]!;
  }

  /** Tokens up to CRLF (or up to `)` inside a response code). */
  private readTokens(inList: boolean): Token[] {
    const tokens: Token[] = [];
    for (;;) {
      const b = this.byte();
      if (b === CR) {
        if (inList) throw protocolError('line ended inside a response code');
        if (this.byte(this.pos + 1) !== LF) throw protocolError('CR without LF');
        this.pos += 2;
        return tokens;
      }
      if (b === LF) {
        // Tolerate a bare LF line end, which some servers send.
        if (inList) throw protocolError('line ended inside a response code');
        this.pos += 1;
        return tokens;
      }
      if (b === 0x29 /* ) */) {
        if (!inList) throw protocolError('unexpected ")"');
        this.pos += 1;
        return tokens;
      }
      if (b === SP) {
        this.pos += 1;
        continue;
      }
      tokens.push(this.readToken());
    }
  }

  private readToken(): Token {
    const b = this.byte();
    if (b === DQUOTE) return { type: 'string', value: this.readQuoted() };
    if (b === 0x7b /* { */) return { type: 'string', value: this.readLiteral() };
    if (b === 0x28 /* ( */) {
      this.pos += 1;
      return { type: 'list', items: this.readTokens(true) };
    }
    return { type: 'atom', value: this.readAtom() };
  }

  private readAtom(): string {
    const start = this.pos;
    for (;;) {
      const b = this.byte();
      if (b === SP || b === CR || b === LF || b === DQUOTE || b === 0x28 || b === 0x29 || b === 0x7b) break;
      if (b < 0x20 || b === 0x7f) throw protocolError(`control character 0x${b.toString(16)} in an atom`);
      this.pos += 1;
    }
    return this.buf.toString('utf8', start, this.pos);
  }

  private readQuoted(): string {
    this.pos += 1; // opening quote
    const parts: Buffer[] = [];
    let start = this.pos;
    for (;;) {
      const b = this.byte();
      if (b === DQUOTE) {
        parts.push(this.buf.subarray(start, this.pos));
        this.pos += 1;
        return Buffer.concat(parts).toString('utf8');
      }
      if (b === CR || b === LF) throw protocolError('line break inside a quoted string');
      if (b === BACKSLASH) {
        // QUOTED-SPECIALS are only `"` and `\`; keep any other escaped byte as itself.
        parts.push(this.buf.subarray(start, this.pos));
        this.byte(this.pos + 1);
        start = this.pos + 1;
        this.pos += 2;
        continue;
      }
      this.pos += 1;
    }
  }

  private readLiteral(): string {
    const m = /^\{(\d{1,10})\+?\}\r?\n/.exec(this.peekAscii(16));
    if (!m) {
      // Either more bytes are needed, or this is not a literal header at all.
      const lf = this.buf.indexOf(LF, this.pos);
      if (lf < 0 && this.buf.length - this.pos < 16) throw new Incomplete(this.buf.length + 1);
      throw protocolError('malformed literal header');
    }
    const size = Number(m[1]);
    if (size > this.maxLiteral) throw protocolError(`literal of ${size} bytes exceeds the limit`);
    const start = this.pos + m[0].length;
    const end = start + size;
    if (end > this.buf.length) throw new Incomplete(end);
    this.pos = end;
    return this.buf.toString('utf8', start, end);
  }

  private peekAscii(n: number): string {
    return this.buf.toString('latin1', this.pos, Math.min(this.buf.length, this.pos + n));
  }
}

function tokenText(t: Token | undefined): string | undefined {
  return t && t.type !== 'list' ? t.value : undefined;
}

function classify(tokens: Token[]): ResponseItem {
  const first = tokens[0];
  const word = first?.type === 'atom' ? first.value.toUpperCase() : '';
  if (word !== 'OK' && word !== 'NO' && word !== 'BYE') return { type: 'line', tokens };
  let i = 1;
  let code: ResponseCode | undefined;
  let codeArgs: string[] = [];
  const maybeCode = tokens[i];
  if (maybeCode?.type === 'list') {
    const [name, ...args] = maybeCode.items;
    if (name?.type !== 'atom') throw protocolError('response code without a name');
    code = responseCode(name.value);
    codeArgs = args.map((a) => tokenText(a) ?? '');
    i += 1;
  }
  const text = tokens[i];
  if (text !== undefined && text.type !== 'string') throw protocolError(`unexpected ${text.type} after ${word}`);
  if (tokens.length > i + 1) throw protocolError(`trailing data after ${word}`);
  const final: FinalResponse = { type: 'final', status: word, codeArgs, text: text?.value ?? '' };
  if (code !== undefined) final.code = code;
  return final;
}

/** The string values of a data line (capability pairs, LISTSCRIPTS entries). */
export function lineStrings(line: DataLine): string[] {
  return line.tokens.map((t) => tokenText(t) ?? '');
}
