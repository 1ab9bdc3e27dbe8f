// A message as Pigeonhole's tests see it (Dovecot 2.3 / Pigeonhole 0.5):
// - a header value is unfolded the way Dovecot does it (each line break and
//   the one blank after it become a single space), the blanks after the
//   colon dropped and trailing spaces and tabs trimmed;
// - `header` tests read it with RFC 2047 encoded words decoded (blanks
//   between adjacent encoded words dropped); `address` tests parse the
//   undecoded value;
// - `body :text` reads each text part, its transfer encoding undone and its
//   charset converted to UTF-8, line breaks as the message has them.
// Pure: the browser parses the user's recent mail with it too.

export interface MessageHeader {
  name: string;
  /** Unfolded and trimmed, encoded words left as they are (what `address` parses). */
  raw: string;
  /** `raw` with RFC 2047 encoded words decoded (what `header` compares). */
  value: string;
}

export interface Envelope {
  from?: string;
  to?: string;
}

export interface ParsedMessage {
  /** Every header field, in message order. */
  headers: MessageHeader[];
  envelope: Envelope;
  /** Bytes, as `size :over` / `size :under` compare. */
  size: number;
  /** The decoded text parts, as `body :text` reads them. */
  textParts: string[];
}

export interface ParseMessageOptions {
  /** The message's size in bytes when `raw` is not the whole message as stored. */
  size?: number;
}

/** Header and body, split at the first empty line (a message starting with one has no header). */
function headLines(raw: string): { head: string; body: string } {
  const start = /^\r?\n/.exec(raw);
  if (start) return { head: '', body: raw.slice(start[0].length) };
  const m = /\r?\n\r?\n/.exec(raw);
  return m === null ? { head: raw, body: '' } : { head: raw.slice(0, m.index), body: raw.slice(m.index + m[0].length) };
}

/** Dovecot's unfolding: a line break and the one blank after it become one space. */
function unfold(value: string): string {
  return value.replace(/\r?\n[ \t]?/g, ' ');
}

function rightTrim(s: string): string {
  return s.replace(/[ \t]+$/, '');
}

function parseHeaders(head: string): Array<{ name: string; raw: string }> {
  const out: Array<{ name: string; raw: string }> = [];
  if (head === '') return out;
  const lines = head.split(/\r?\n/);
  let current: { name: string; text: string } | null = null;
  const flush = () => {
    if (current) out.push({ name: current.name, raw: rightTrim(unfold(current.text)) });
    current = null;
  };
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && current) {
      current.text += `\n${line}`;
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).replace(/[ \t]+$/, '');
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) continue;
    current = { name, text: line.slice(colon + 1).replace(/^[ \t]+/, '') };
  }
  flush();
  return out;
}

function decodeBytes(bytes: Uint8Array, charset: string): string | null {
  try {
    return new TextDecoder(charset.trim().toLowerCase() || 'us-ascii', { fatal: false }).decode(bytes);
  } catch {
    return null;
  }
}

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function base64Bytes(s: string): Uint8Array {
  const clean = s.replace(/[^A-Za-z0-9+/]/g, '');
  const usable = clean.slice(0, clean.length - (clean.length % 4 === 1 ? 1 : 0));
  const padded = usable + '='.repeat((4 - (usable.length % 4)) % 4);
  try {
    return latin1Bytes(atob(padded));
  } catch {
    return new Uint8Array();
  }
}

function quotedPrintableBytes(s: string, underscoreIsSpace: boolean): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3d) {
      const hex = s.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        out.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
      const soft = /^[ \t]*\r?\n/.exec(s.slice(i + 1));
      if (soft && !underscoreIsSpace) {
        i += soft[0].length;
        continue;
      }
    }
    if (c === 0x5f && underscoreIsSpace) out.push(0x20);
    else if (c < 0x80) out.push(c);
    else for (const b of new TextEncoder().encode(s[i]!)) out.push(b);
  }
  return Uint8Array.from(out);
}

const ENCODED_WORD = /=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=/g;

/** RFC 2047 decoding; blanks between two encoded words disappear, as in Dovecot. */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  let out = '';
  let last = 0;
  let lastWasWord = false;
  for (const m of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, m.index);
    const charset = m[1]!.replace(/\*.*$/, '');
    const bytes = m[2]!.toLowerCase() === 'b' ? base64Bytes(m[3]!) : quotedPrintableBytes(m[3]!, true);
    const text = decodeBytes(bytes, charset);
    if (text === null) {
      out += between + m[0];
      lastWasWord = false;
    } else {
      out += lastWasWord && /^[ \t\r\n]*$/.test(between) ? '' : between;
      out += text;
      lastWasWord = true;
    }
    last = m.index + m[0].length;
  }
  return out + value.slice(last);
}

interface ContentType {
  type: string;
  params: Map<string, string>;
}

function parseContentType(value: string | undefined): ContentType {
  if (value === undefined) return { type: 'text/plain', params: new Map() };
  const [main, ...rest] = value.split(';');
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const v = p.slice(eq + 1).trim();
    params.set(p.slice(0, eq).trim().toLowerCase(), v.startsWith('"') ? v.slice(1, v.lastIndexOf('"') > 0 ? v.lastIndexOf('"') : undefined) : v);
  }
  return { type: main!.trim().toLowerCase() || 'text/plain', params };
}

function headerOf(headers: ReadonlyArray<{ name: string; raw: string }>, name: string): string | undefined {
  return headers.find((h) => h.name.toLowerCase() === name)?.raw;
}

function decodePart(body: string, encoding: string | undefined, charset: string | undefined): string {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc !== 'base64' && enc !== 'quoted-printable' && !/[^\x00-\x7f]/.test(body)) return body;
  const bytes = enc === 'base64' ? base64Bytes(body) : enc === 'quoted-printable' ? quotedPrintableBytes(body, false) : new TextEncoder().encode(body);
  return decodeBytes(bytes, charset ?? 'us-ascii') ?? decodeBytes(bytes, 'utf-8')!;
}

function textParts(headers: ReadonlyArray<{ name: string; raw: string }>, body: string, depth: number, out: string[]): void {
  const ct = parseContentType(headerOf(headers, 'content-type'));
  if (ct.type.startsWith('multipart/') && depth < 20) {
    const boundary = ct.params.get('boundary');
    if (boundary === undefined || boundary === '') return;
    const delimiter = `--${boundary}`;
    const lines = body.split(/(?<=\n)/);
    let part: string[] | null = null;
    for (const line of lines) {
      const bare = line.replace(/\r?\n$/, '').replace(/[ \t]+$/, '');
      if (bare === delimiter || bare === `${delimiter}--`) {
        if (part !== null) {
          const text = part.join('').replace(/\r?\n$/, '');
          const sub = headLines(text);
          textParts(parseHeaders(sub.head), sub.body, depth + 1, out);
        }
        part = bare === delimiter ? [] : null;
        if (part === null) break;
        continue;
      }
      part?.push(line);
    }
    return;
  }
  if (!ct.type.startsWith('text/')) return;
  out.push(decodePart(body, headerOf(headers, 'content-transfer-encoding'), ct.params.get('charset')));
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i += 1;
    } else n += 3;
  }
  return n;
}

export function parseMessage(raw: string, envelope: Envelope = {}, opts: ParseMessageOptions = {}): ParsedMessage {
  const { head, body } = headLines(raw);
  const fields = parseHeaders(head);
  const parts: string[] = [];
  textParts(fields, body, 0, parts);
  return {
    headers: fields.map((f) => ({ name: f.name, raw: f.raw, value: decodeEncodedWords(f.raw) })),
    envelope: { ...envelope },
    size: opts.size ?? utf8Length(raw),
    textParts: parts,
  };
}
