// What the learning log shows of a message piped in by IMAPSieve (Message-ID,
// Subject, sender) and the digest that identifies it, read from the raw
// bytes without a MIME parser: the pipe program runs once per move, and
// loading a full mail parser would cost more than the rest of its work.
import { createHash } from 'node:crypto';

export interface MessageSummary {
  digest: string;
  messageId: string | null;
  subject: string | null;
  sender: string | null;
}

/** The header block (up to the first empty line), unfolded, as name -> first value. */
export function headerFields(raw: Buffer): Map<string, string> {
  const text = raw.toString('latin1');
  const end = /\r?\n\r?\n/.exec(text);
  const block = end ? text.slice(0, end.index) : text;
  const fields = new Map<string, string>();
  for (const line of block.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

/** Whether `raw` looks like a message at all: at least one header field before any body. */
export function looksLikeMessage(raw: Buffer): boolean {
  return raw.length > 0 && headerFields(raw).size > 0;
}

function decodeBytes(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** RFC 2047 encoded words (B and Q); raw 8-bit header text is taken as UTF-8. */
export function decodeHeader(value: string): string {
  const utf8 = decodeBytes(Buffer.from(value, 'latin1'), 'utf-8');
  return utf8
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g, (_, charset: string, enc: string, text: string) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (__, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
      return decodeBytes(bytes, charset);
    });
}

/** The address of a From field ("Name <a@b>" -> a@b), else its text. */
function senderOf(from: string): string {
  const angle = /<([^>]*)>/.exec(from);
  return (angle ? angle[1]! : from).trim();
}

export function summarize(raw: Buffer): MessageSummary {
  const h = headerFields(raw);
  const text = (name: string) => {
    const v = h.get(name);
    return v === undefined || v === '' ? null : decodeHeader(v);
  };
  const from = text('from');
  return {
    digest: createHash('sha256').update(raw).digest('hex'),
    messageId: text('message-id'),
    subject: text('subject'),
    sender: from === null ? null : senderOf(from) || null,
  };
}
