// Against a real Dovecot (delivery through dovecot-lda with the emitted
// script, moves by an IMAP client) and a real spamd: SpamAssassin's own
// counters must change by exactly what the user did.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FILTER_JUNK_KEYWORD } from '../../../grammar/model.js';
import { openDatabase, type Db } from '../../../server/store/db.js';
import { learningHealth, learningLog, weeklyCounts } from '../../../server/learning/service.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdleWatcher } from '../../../server/learning/idle.js';
import { saLearnLearner } from '../../../server/learning/learner.js';
import { countingProxy } from './counting-proxy.js';
import { bayesCounts, flagsIn, moveByMessageId, setFlag, startMail, type MailFixture } from './mail-fixture.js';

let mail: MailFixture;
let db: Db;

const USERS = { alice: 'alicepw', bob: 'bobpw', carol: 'carolpw', dave: 'davepw', erin: 'erinpw', fred: 'fredpw', gail: 'gailpw', hank: 'hankpw', ivan: 'ivanpw' };

beforeAll(async () => {
  mail = await startMail(USERS);
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

  test('a recreated Junk folder (new UIDVALIDITY) is taken as a new baseline, nothing relearned', async () => {
    const runner = mail.runner(db);
    const c = await mail.userClient('carol');
    try {
      const ids = await mail.append(c, 'INBOX', 4);
      await runner.runUser('carol');
      await moveByMessageId(c, 'INBOX', 'Junk', ids.slice(0, 2));
      expect(await runner.runUser('carol')).toMatchObject({ created: 2, learned: 2 });
      const before = await c.status('Junk', { uidValidity: true });

      // The user's client deletes and recreates Junk, putting copies back.
      await c.mailboxDelete('Junk');
      await c.mailboxCreate('Junk');
      await moveByMessageId(c, 'INBOX', 'Junk', ids.slice(2, 3));
      const after = await c.status('Junk', { uidValidity: true });
      expect(after && after.uidValidity).not.toBe(before && before.uidValidity);
      expect(await runner.runUser('carol')).toMatchObject({ scan: 'baseline', created: 0, learned: 0 });

      // Moves after the resync are learned as usual.
      await moveByMessageId(c, 'INBOX', 'Junk', ids.slice(3, 4));
      expect(await runner.runUser('carol')).toMatchObject({ scan: 'changed', created: 1, learned: 1 });
    } finally {
      await c.logout();
    }
    expect(await mail.magic('carol')).toEqual({ nspam: 3, nham: 0 });
  });

  test('emptying Junk completely still teaches ham for each message moved out', async () => {
    const runner = mail.runner(db);
    const filed = await mail.deliver('ivan', 3, { spammy: true });
    const c = await mail.userClient('ivan');
    try {
      expect(await runner.runUser('ivan')).toMatchObject({ scan: 'baseline' });
      await moveByMessageId(c, 'Junk', 'INBOX', filed);
      expect(await runner.runUser('ivan')).toMatchObject({ outcome: 'ok', created: 3, learned: 3 });
    } finally {
      await c.logout();
    }
    expect(await mail.magic('ivan')).toEqual({ nspam: 0, nham: 3 });
  });

  test('batched sa-learn into a per-user Bayes home learns exactly the user moves', async () => {
    const home = await mkdtemp(join(tmpdir(), 'sw-sa-home-'));
    try {
      const runner = mail.runner(db, { learner: saLearnLearner({ homeFor: (u) => join(home, u) }) });
      const filed = await mail.deliver('dave', 2, { spammy: true });
      const c = await mail.userClient('dave');
      try {
        const ids = await mail.append(c, 'INBOX', 4);
        await runner.runUser('dave');
        await moveByMessageId(c, 'INBOX', 'Junk', ids.slice(0, 3));
        await moveByMessageId(c, 'Junk', 'INBOX', filed.slice(0, 1));
        expect(await runner.runUser('dave')).toMatchObject({ outcome: 'ok', created: 4, learned: 4 });
      } finally {
        await c.logout();
      }
      expect(await bayesCounts('', join(home, 'dave'))).toEqual({ nspam: 3, nham: 1 });
      expect(learningLog(db, 'dave').map((e) => e.result)).toEqual(['learned', 'learned', 'learned', 'learned']);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  test('without CONDSTORE the UID fallback still sees moves in, moves out and $NotJunk', async () => {
    const runner = mail.runner(db, { session: { disableAutoEnable: true } });
    const filed = await mail.deliver('gail', 3, { spammy: true });
    const c = await mail.userClient('gail');
    try {
      const ids = await mail.append(c, 'INBOX', 2);
      expect(await runner.runUser('gail')).toMatchObject({ scan: 'baseline' });
      await moveByMessageId(c, 'INBOX', 'Junk', ids);
      await moveByMessageId(c, 'Junk', 'INBOX', filed.slice(0, 1));
      await setFlag(c, 'Junk', filed[1]!, '$NotJunk');
      expect(await runner.runUser('gail')).toMatchObject({ outcome: 'ok', created: 4, learned: 4 });
      expect(await runner.runUser('gail')).toMatchObject({ created: 0 });
    } finally {
      await c.logout();
    }
    expect(await mail.magic('gail')).toEqual({ nspam: 2, nham: 2 });
  });

  test('an idle pass exchanges the same IMAP bytes with 10 or 300 messages in Junk', async () => {
    const proxy = await countingProxy({ host: mail.dovecot.host, port: mail.dovecot.imapPort });
    try {
      const runner = mail.runner(db, { imapPort: proxy.port });
      const sizes: Record<string, number> = { erin: 10, fred: 300 };
      const passes: Record<string, { commands: string[]; bytes: number; transcripts: Array<{ up: string; down: string }> }> = {};
      for (const [user, n] of Object.entries(sizes)) {
        const c = await mail.userClient(user);
        try {
          await mail.append(c, 'Junk', n);
        } finally {
          await c.logout();
        }
        expect(await runner.runUser(user)).toMatchObject({ scan: 'baseline' });
        proxy.reset();
        expect(await runner.runUser(user)).toMatchObject({ scan: 'unchanged' });
        const transcripts = proxy.transcripts();
        passes[user] = {
          commands: transcripts.flatMap((t) => commandsOf(t.up)),
          bytes: transcripts.reduce((sum, t) => sum + t.up.length + withoutTiming(t.down).length, 0),
          transcripts,
        };
      }
      const erin = passes.erin!;
      const fred = passes.fred!;
      expect(fred.commands).toEqual(erin.commands);
      // Same-length user names; only the digits of MESSAGES/UIDNEXT/HIGHESTMODSEQ may differ.
      expect(Math.abs(erin.bytes - fred.bytes), JSON.stringify({ erin: erin.transcripts, fred: fred.transcripts })).toBeLessThanOrEqual(8);
    } finally {
      await proxy.close();
    }
  });

  test('with IDLE held on Junk, a move is learned without waiting for a poll', async () => {
    const runner = mail.runner(db);
    const idle = new IdleWatcher({ connect: (u) => mail.session(u), junk: 'Junk', onChange: (u) => runner.request(u), debounceMs: 50, maxSessions: 1 });
    const ran = () => learningHealth(db).find((h) => h.username === 'hank')?.lastRun ?? null;
    const c = await mail.userClient('hank');
    try {
      const ids = await mail.append(c, 'INBOX', 1);
      idle.start(['hank']);
      // The watcher looks once when its IDLE connection is up (the baseline).
      await waitFor(() => ran() !== null, 30_000);
      await new Promise((r) => setTimeout(r, 500));
      await moveByMessageId(c, 'INBOX', 'Junk', ids);
      await waitFor(() => learningLog(db, 'hank').some((e) => e.state === 'done'), 30_000);
    } finally {
      await idle.stop();
      await runner.stop();
      await c.logout();
    }
    expect(learningLog(db, 'hank').map((e) => [e.direction, e.reason, e.state])).toEqual([['spam', 'moved-in', 'done']]);
  });
});

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Tag and command name of each client line (an AUTHENTICATE continuation has no command). */
function commandsOf(up: string): string[] {
  return up
    .split('\r\n')
    .map((line) => /^\S+ ([A-Z]+)/.exec(line)?.[0])
    .filter((c): c is string => c !== undefined);
}

/**
 * Dovecot 2.3 ends each tagged reply with how long the command took, e.g.
 * "(0.001 + 0.000 secs)", and adds a third term ("+ 0.009 ") only when the
 * reply had to wait before it was sent — on a loaded machine, for some
 * commands of some runs. That is the clock, not the cost of the pass.
 */
function withoutTiming(down: string): string {
  return down.replace(/ \(\d+\.\d{3} \+ \d+\.\d{3} (?:\+ \d+\.\d{3} )?secs\)/g, '');
}
