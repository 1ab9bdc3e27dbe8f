// What a message list shows of a message and what "create a rule from this
// message" starts from: sender, subject, date, list id, decoded from the
// header block (RFC 2047 words, charsets) by mailparser. Only the headers are
// parsed; the body is the rules' business.
import { simpleParser } from 'mailparser';

export interface MessageSummary {
  fromAddress: string;
  fromName: string;
  subject: string;
  /** ISO time from the Date header; null when missing or unreadable. */
  date: string | null;
  /** The identifier inside List-Id's angle brackets; null without one. */
  listId: string | null;
  /** With its angle brackets, as IMAP SEARCH HEADER compares it; null without one. */
  messageId: string | null;
}

function headerBlock(raw: string): string {
  const end = raw.search(/\r?\n\r?\n/);
  return `${end < 0 ? raw : raw.slice(0, end)}\r\n\r\n`;
}

interface ListHeader {
  id?: { id?: string; name?: string };
}

export async function summarize(raw: string): Promise<MessageSummary> {
  const parsed = await simpleParser(Buffer.from(headerBlock(raw), 'latin1'), { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  const from = parsed.from?.value[0];
  const list = parsed.headers.get('list') as ListHeader | undefined;
  // mailparser stands in the time of parsing for a missing or unreadable Date; the header line itself tells.
  const line = parsed.headerLines.find((l) => l.key === 'date')?.line;
  const when = line === undefined ? null : new Date(line.slice(line.indexOf(':') + 1).trim());
  const date = when && !Number.isNaN(when.getTime()) ? when.toISOString() : null;
  return {
    fromAddress: from?.address ?? '',
    fromName: from?.name ?? '',
    subject: parsed.subject ?? '',
    date,
    listId: list?.id?.id?.trim() || null,
    messageId: parsed.messageId?.trim() || null,
  };
}
