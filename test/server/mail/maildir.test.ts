// The embedded default's mail: Maildir++ folder names, the newest messages
// over folders, moves by rename, and the demo user's example messages.
import { mkdtempSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { seedDemoMail } from '../../../server/mail/demo-mail.js';
import { deliverToMaildir, folderDir, MaildirFolderError, moveMessage, readRecentMaildir } from '../../../server/mail/maildir.js';
import { summarize } from '../../../server/mail/message-summary.js';

const root = () => join(mkdtempSync(join(tmpdir(), 'sw-maildir-')), 'Maildir');
const text = (n: number) => `From: a${n}@example.net\r\nSubject: M${n}\r\n\r\nbody ${n}\r\n`;

describe('Maildir', () => {
  test('folders map to Maildir++ directories; names it cannot hold are refused', () => {
    expect(folderDir('/m', 'INBOX')).toBe('/m');
    expect(folderDir('/m', 'Lists/Dev')).toBe('/m/.Lists.Dev');
    for (const bad of ['a.b', '/x', 'x/', 'a//b', '..']) expect(() => folderDir('/m', bad)).toThrow(MaildirFolderError);
  });

  test('the newest messages over folders come first, cut to the limit and to the first bytes', async () => {
    const r = root();
    for (let n = 1; n <= 5; n++) await deliverToMaildir(r, n % 2 ? 'INBOX' : 'Archive', `m${n}`, text(n), new Date(Date.UTC(2026, 0, 1, 0, n)));
    const got = await readRecentMaildir(r, ['INBOX', 'Archive', 'Missing'], 3, 12);
    expect(got.map((m) => [m.folder, m.id])).toEqual([
      ['INBOX', 'm5'],
      ['Archive', 'm4'],
      ['INBOX', 'm3'],
    ]);
    expect(got[0]?.raw).toBe(text(5).slice(0, 12));
    expect(got[0]?.size).toBe(text(5).length);
  });

  test('a move renames the file into the other folder once; a second move finds nothing', async () => {
    const r = root();
    await deliverToMaildir(r, 'INBOX', 'm1', text(1));
    expect(await moveMessage(r, 'm1', 'INBOX', 'Lists/Dev')).toBe(true);
    expect(await moveMessage(r, 'm1', 'INBOX', 'Lists/Dev')).toBe(false);
    expect(await readdir(join(r, '.Lists.Dev', 'new'))).toEqual(['m1']);
    expect(await readdir(join(r, 'new'))).toEqual([]);
  });

  test('the demo mail is a dozen distinct messages in INBOX, with senders, subjects and list ids', async () => {
    const r = root();
    await seedDemoMail(r, new Date(Date.UTC(2026, 11, 1)));
    const got = await readRecentMaildir(r, ['INBOX'], 200, 65_536);
    expect(got).toHaveLength(12);
    const summaries = await Promise.all(got.map((m) => summarize(m.raw)));
    expect(new Set(summaries.map((s) => s.subject)).size).toBe(12);
    expect(summaries.filter((s) => s.listId === 'dev.lists.example.org')).toHaveLength(3);
    expect(summaries[0]).toMatchObject({ fromAddress: 'lea@friends.example', fromName: 'Lea Park', subject: 'Photos from the trip' });
    expect(summaries[0]?.date).toBe(got[0]?.date.toISOString().replace(/\.\d{3}Z$/, '.000Z'));
  });
});

describe('summarize', () => {
  test('decodes encoded words and reads List-Id inside its brackets', async () => {
    const raw = 'From: =?utf-8?q?J=C3=BCrgen?= <j@example.de>\r\nSubject: =?utf-8?b?R3LDvMOfZQ==?=\r\nList-Id: "Dev" <dev.example.org>\r\nDate: nonsense\r\n\r\nbody';
    expect(await summarize(raw)).toEqual({ fromAddress: 'j@example.de', fromName: 'Jürgen', subject: 'Grüße', date: null, listId: 'dev.example.org', messageId: null });
  });
});
