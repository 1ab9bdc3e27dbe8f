// The newest messages of chosen folders over IMAP, each as its first bytes
// (headers and the start of the body, what rules look at), fetched in one
// FETCH per folder on a read-only (EXAMINE) selection so nothing is marked
// as read.
import type { ImapFlow } from 'imapflow';

export interface ImapMessage {
  folder: string;
  uidValidity: number;
  uid: number;
  /** The first `maxBytes` of the message, as latin1 (bytes preserved one to one). */
  raw: string;
  size: number;
  date: Date;
  flags: string[];
}

function isMissingFolder(err: unknown): boolean {
  const e = err as { serverResponseCode?: string; responseText?: string };
  return e.serverResponseCode === 'NONEXISTENT' || /doesn't exist|does not exist/i.test(e.responseText ?? '');
}

async function fetchFolder(client: ImapFlow, folder: string, limit: number, maxBytes: number): Promise<ImapMessage[]> {
  let lock;
  try {
    lock = await client.getMailboxLock(folder, { readOnly: true });
  } catch (err) {
    if (isMissingFolder(err)) return [];
    throw err;
  }
  try {
    const box = client.mailbox;
    if (!box || box.exists === 0) return [];
    const uidValidity = Number(box.uidValidity);
    const out: ImapMessage[] = [];
    const range = `${Math.max(1, box.exists - limit + 1)}:*`;
    for await (const m of client.fetch(range, { uid: true, flags: true, internalDate: true, size: true, source: { start: 0, maxLength: maxBytes } })) {
      const date = m.internalDate instanceof Date ? m.internalDate : new Date(m.internalDate ?? 0);
      out.push({ folder, uidValidity, uid: m.uid, raw: m.source?.toString('latin1') ?? '', size: m.size ?? 0, date, flags: [...(m.flags ?? [])] });
    }
    return out;
  } finally {
    lock.release();
  }
}

/** The newest `limit` messages over `folders`, newest first (by arrival, then UID). */
export async function fetchRecentImap(client: ImapFlow, folders: readonly string[], limit: number, maxBytes: number): Promise<ImapMessage[]> {
  const all: ImapMessage[] = [];
  for (const folder of folders) all.push(...(await fetchFolder(client, folder, limit, maxBytes)));
  all.sort((a, b) => b.date.getTime() - a.date.getTime() || b.uid - a.uid);
  return all.slice(0, limit);
}
