// "Test on my recent mail" against a local Dovecot: the newest 200 messages
// of INBOX fetched as the try does it (master-user login, read-only
// selection, headers and the first 64 KB of each), and the dry run over
// them (evaluate the example rules, read sender/subject/date for the list).
// Target: fetching 200 messages' headers <= 1 s. Median of 7 runs, after one
// warm-up that lets Dovecot build its index.
import { ImapFlow } from 'imapflow';
import { randomBytes } from 'node:crypto';
import { fetchRecentImap } from '../../server/mail/recent-imap.js';
import { openSession } from '../../server/learning/watcher.js';
import { exampleUserRules } from '../../server/services/first-run.js';
import { MAX_MESSAGE_BYTES, type StoredMessage } from '../../server/services/recent-mail.js';
import { evaluateStored } from '../../server/services/try-rules.js';
import { startDovecot } from '../support/dovecot.js';

const COUNT = Number(process.env.BENCH_RECENT_COUNT ?? 200);
const RUNS = 7;

function message(n: number): string {
  const list = n % 4 === 0 ? ['List-Id: Developers <dev.lists.example.org>'] : [];
  // Bodies from 1 KB to about 100 KB: some are cut at 64 KB.
  const body = randomBytes(Math.round(512 * (1 + (n % 7) ** 2.4))).toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    `From: Sender ${n} <sender${n}@example.net>`,
    'To: alice@example.test',
    `Subject: =?utf-8?q?Nachricht_Nr=2E_${n}_=C3=BCber_Dinge?=`,
    `Date: Thu, 26 Nov 2026 10:00:${String(n % 60).padStart(2, '0')} +0000`,
    `Message-ID: <bench-${n}@example.net>`,
    'Received: from mx.example.net by mail.example.test; Thu, 26 Nov 2026 10:00:00 +0000',
    ...list,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\r\n');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<void> {
  const dc = await startDovecot();
  try {
    const user = new ImapFlow({ host: dc.host, port: dc.imapPort, secure: false, auth: { user: 'alice', pass: 'alicepw' }, logger: false });
    await user.connect();
    for (let n = 1; n <= COUNT; n++) await user.append('INBOX', message(n), ['\\Seen'], new Date(Date.UTC(2026, 10, 26, 10, 0, n)));
    await user.logout();
    const master = { username: dc.master.username, password: dc.master.password, separator: '*' };
    const endpoint = { host: dc.host, port: dc.imapPort, tls: 'none' as const };

    const withLogin: number[] = [];
    const fetchOnly: number[] = [];
    const dryRun: number[] = [];
    let bytes = 0;
    for (let i = 0; i <= RUNS; i++) {
      const t0 = performance.now();
      const c = await openSession(endpoint, master, 'alice');
      const t1 = performance.now();
      const got = await fetchRecentImap(c, ['INBOX'], COUNT, MAX_MESSAGE_BYTES);
      const t2 = performance.now();
      await c.logout();
      const stored: StoredMessage[] = got.map((m) => ({ folder: m.folder, ref: `${m.uidValidity}.${m.uid}`, raw: m.raw, size: m.size, arrived: m.date, flags: m.flags }));
      const t3 = performance.now();
      await evaluateStored(exampleUserRules(), stored);
      const t4 = performance.now();
      if (got.length !== COUNT) throw new Error(`fetched ${got.length} of ${COUNT}`);
      bytes = got.reduce((s, m) => s + m.raw.length, 0);
      if (i === 0) continue;
      withLogin.push(t2 - t0);
      fetchOnly.push(t2 - t1);
      dryRun.push(t4 - t3);
    }
    console.log(`${COUNT} messages in INBOX, ${(bytes / 1024 / 1024).toFixed(1)} MiB fetched per run (headers and first 64 KB); median of ${RUNS}`);
    console.log('| step | median ms | target |');
    console.log('|---|---|---|');
    console.log(`| master login + fetch ${COUNT} | ${median(withLogin).toFixed(0)} | <= 1000 |`);
    console.log(`| fetch ${COUNT} (session open) | ${median(fetchOnly).toFixed(0)} | |`);
    console.log(`| evaluate + list ${COUNT} | ${median(dryRun).toFixed(0)} | |`);
  } finally {
    await dc.cleanup();
  }
}
