// The newest messages of a user's folders over IMAP from a real Dovecot, as
// the master user reads them: newest first over several folders, only the
// first bytes of a large message, missing folders holding none, and nothing
// marked as read.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ImapFlow } from 'imapflow';
import { fetchRecentImap } from '../../../server/mail/recent-imap.js';
import { openSession } from '../../../server/learning/watcher.js';
import { startDovecot, type Dovecot } from '../../support/dovecot.js';

let dc: Dovecot;
const endpoint = () => ({ host: dc.host, port: dc.imapPort, tls: 'none' as const });

function message(n: number, body = `Body ${n}`): string {
  return [`From: sender${n}@example.net`, 'To: alice@example.test', `Subject: Message ${n}`, `Message-ID: <m${n}@example.net>`, '', body, ''].join('\r\n');
}

async function userClient(): Promise<ImapFlow> {
  const c = new ImapFlow({ host: dc.host, port: dc.imapPort, secure: false, auth: { user: 'alice', pass: 'alicepw' }, logger: false });
  await c.connect();
  return c;
}

beforeAll(async () => {
  dc = await startDovecot();
  const c = await userClient();
  try {
    await c.mailboxCreate('Archive');
    // Arrival times one minute apart, so "newest" is well defined across folders.
    for (let n = 1; n <= 6; n++) {
      const folder = n % 2 === 0 ? 'Archive' : 'INBOX';
      const body = n === 5 ? 'x'.repeat(100_000) : `Body ${n}`;
      await c.append(folder, message(n, body), [], new Date(Date.UTC(2026, 10, 1, 10, n)));
    }
  } finally {
    await c.logout();
  }
}, 120_000);
afterAll(async () => {
  await dc?.cleanup();
});

describe('fetchRecentImap', () => {
  test('returns the newest messages over the chosen folders, newest first', async () => {
    const c = await openSession(endpoint(), { username: dc.master.username, password: dc.master.password, separator: '*' }, 'alice');
    try {
      const got = await fetchRecentImap(c, ['INBOX', 'Archive'], 4, 65_536);
      expect(got.map((m) => [m.folder, /Subject: (.*)/.exec(m.raw)?.[1]?.trim()])).toEqual([
        ['Archive', 'Message 6'],
        ['INBOX', 'Message 5'],
        ['Archive', 'Message 4'],
        ['INBOX', 'Message 3'],
      ]);
      expect(new Set(got.map((m) => m.uidValidity)).size).toBe(2);
    } finally {
      await c.logout();
    }
  });

  test('reads only the first bytes of a large message, and reports its full size', async () => {
    const c = await openSession(endpoint(), { username: dc.master.username, password: dc.master.password, separator: '*' }, 'alice');
    try {
      const [big] = (await fetchRecentImap(c, ['INBOX'], 10, 65_536)).filter((m) => m.raw.includes('Message 5'));
      expect(big?.raw.length).toBe(65_536);
      expect(big?.size).toBeGreaterThan(100_000);
    } finally {
      await c.logout();
    }
  });

  test('a folder that does not exist holds no messages; nothing is marked as read', async () => {
    const c = await openSession(endpoint(), { username: dc.master.username, password: dc.master.password, separator: '*' }, 'alice');
    try {
      expect(await fetchRecentImap(c, ['No/Such/Folder'], 10, 65_536)).toEqual([]);
      await fetchRecentImap(c, ['INBOX', 'Archive'], 10, 65_536);
    } finally {
      await c.logout();
    }
    const u = await userClient();
    try {
      await u.mailboxOpen('INBOX', { readOnly: true });
      const seen = [];
      for await (const m of u.fetch('1:*', { flags: true })) if (m.flags?.has('\\Seen')) seen.push(m.seq);
      expect(seen).toEqual([]);
    } finally {
      await u.logout();
    }
  });
});
