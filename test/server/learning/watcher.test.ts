// Against a real Dovecot (delivery through dovecot-lda with the emitted
// script, moves by an IMAP client) and a real spamd: SpamAssassin's own
// counters must change by exactly what the user did.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FILTER_JUNK_KEYWORD } from '../../../grammar/model.js';
import { openDatabase, type Db } from '../../../server/store/db.js';
import { learningHealth, learningLog, weeklyCounts } from '../../../server/learning/service.js';
import { flagsIn, moveByMessageId, setFlag, startMail, type MailFixture } from './mail-fixture.js';

let mail: MailFixture;
let db: Db;

beforeAll(async () => {
  mail = await startMail();
  db = openDatabase(':memory:');
});
afterAll(async () => {
  db?.close();
  await mail?.cleanup();
});

describe('Junk learning with Dovecot and spamd', () => {
  test('the emitted script files spam into Junk carrying the filter keyword', async () => {
    await mail.deliver('bob', 1, { spammy: true });
    const c = await mail.userClient('bob');
    try {
      const flags = await flagsIn(c, 'Junk');
      expect(flags).toHaveLength(1);
      expect(flags[0]).toContain(FILTER_JUNK_KEYWORD);
    } finally {
      await c.logout();
    }
  });

  test('user moves are learned exactly; filter-filed Junk and moves to Trash are not', async () => {
    const inbox = await mail.deliver('alice', 6);
    const filed = await mail.deliver('alice', 5, { spammy: true });
    const runner = mail.runner(db);

    // First pass: baseline of what is already in Junk; nothing learned.
    expect((await runner.runUser('alice')).scan).toBe('baseline');
    expect(await mail.magic('alice')).toEqual({ nspam: 0, nham: 0 });

    const c = await mail.userClient('alice');
    try {
      await moveByMessageId(c, 'INBOX', 'Junk', inbox.slice(0, 3)); // 3 x "this is spam"
      await moveByMessageId(c, 'Junk', 'INBOX', filed.slice(0, 1)); // the filter was wrong: ham
      await moveByMessageId(c, 'Junk', 'Trash', filed.slice(1, 2)); // deleting spam is not ham
      await setFlag(c, 'Junk', filed[2]!, '$NotJunk'); // client's "not junk" button: ham
      const r1 = await runner.runUser('alice');
      expect(r1).toMatchObject({ outcome: 'ok', scan: 'changed', created: 5, learned: 5, failed: 0 });
      expect(await mail.magic('alice')).toEqual({ nspam: 3, nham: 2 });

      // Moving the $NotJunk one out adds nothing; one of the user's spam back
      // out is ham now (SpamAssassin relearns it: spam -1, ham +1).
      await moveByMessageId(c, 'Junk', 'INBOX', [filed[2]!]);
      await c.mailboxCreate('Work');
      await moveByMessageId(c, 'Junk', 'Work', [inbox[0]!]);
      const r2 = await runner.runUser('alice');
      expect(r2).toMatchObject({ outcome: 'ok', created: 1, learned: 1 });
      expect(await mail.magic('alice')).toEqual({ nspam: 2, nham: 3 });

      // An idle pass changes nothing.
      expect(await runner.runUser('alice')).toMatchObject({ scan: 'unchanged', created: 0, learned: 0 });
    } finally {
      await c.logout();
    }

    const log = learningLog(db, 'alice');
    expect(log.map((e) => [e.direction, e.reason, e.state, e.result])).toEqual([
      ['ham', 'moved-out', 'done', 'learned'],
      ['ham', 'moved-out', 'done', 'learned'],
      ['ham', 'marked-not-junk', 'done', 'learned'],
      ['spam', 'moved-in', 'done', 'learned'],
      ['spam', 'moved-in', 'done', 'learned'],
      ['spam', 'moved-in', 'done', 'learned'],
    ]);
    expect(log.find((e) => e.reason === 'moved-out' && e.sourceFolder === 'Work')?.messageId).toBe(inbox[0]);
    const weeks = weeklyCounts(db, 'alice');
    expect(weeks).toHaveLength(1);
    expect(weeks[0]).toMatchObject({ spam: 3, ham: 3 });
    expect(learningHealth(db).find((h) => h.username === 'alice')).toMatchObject({ backlog: 0, lastError: null });
  });
});
