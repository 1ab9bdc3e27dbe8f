// The server's regex engine reads UTF-8 bytes (glibc in the C locale), so
// the regex grammar and the evaluator work on bytes too. A "byte string"
// holds one byte per UTF-16 unit (0-255), which lets Peggy and plain string
// indexing work on bytes without a copy into a typed array.

const ASCII = /^[\x00-\x7f]*$/;

/** `s` as UTF-8, one byte per character. Lone surrogates become U+FFFD, as TextEncoder does. */
export function toByteString(s: string): string {
  if (ASCII.test(s)) return s;
  let out = '';
  for (const ch of s) {
    let cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out += ch;
    else if (cp < 0x800) out += String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out += String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out += String.fromCharCode(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return out;
}

/** A byte string decoded back to text (malformed sequences become U+FFFD). */
export function fromByteString(bytes: string): string {
  if (ASCII.test(bytes)) return bytes;
  const buf = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) buf[i] = bytes.charCodeAt(i);
  return new TextDecoder().decode(buf);
}

/** 1-based column, in UTF-16 units like the editor's cursor, of byte `offset` in the UTF-8 form of `s`. */
export function columnOfByte(s: string, offset: number): number {
  if (ASCII.test(s)) return offset + 1;
  let bytes = 0;
  let units = 0;
  for (const ch of s) {
    if (bytes >= offset) break;
    const cp = ch.codePointAt(0)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    units += ch.length;
  }
  return units + 1;
}

/** True for a byte that continues a multibyte UTF-8 sequence. */
export function isContinuationByte(b: number): boolean {
  return (b & 0xc0) === 0x80;
}
