// `sievewright serve` with learning.source = "imapsieve": no IMAP server or
// master user configured, yet a move spooled by the IMAPSieve helper (one at
// start, one while it runs) is stored in the learning log; spamd is
// unreachable here, so both stay pending, as they must.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openDatabase } from '../../../server/store/db.js';
import { LearningRepository } from '../../../server/store/learning-repository.js';
import { freePort } from '../../support/programs.js';

const BIN = fileURLToPath(new URL('../../../server/cli/bin.js', import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-serve-events-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const spoolFile = (n: number) => `spam\nalice\nJunk\nFrom: s@example.net\r\nSubject: m${n}\r\nMessage-ID: <${n}@x>\r\n\r\nbody ${n}\r\n`;

test('serve learns from the spool, not from IMAP, and picks a new move up while it runs', { timeout: 90_000 }, async () => {
  const spool = join(dir, 'spool');
  await mkdir(join(spool, 'new'), { recursive: true });
  await writeFile(join(spool, 'new', '1'), spoolFile(1));
  const config = join(dir, 'config.json');
  await writeFile(
    config,
    JSON.stringify({
      server: { dataDir: join(dir, 'data'), port: await freePort(), demo: false },
      learning: { enabled: true, source: 'imapsieve', spoolDir: spool, intervalSeconds: 3600, spamd: { host: '127.0.0.1', port: await freePort() } },
    }),
  );
  const child = spawn(process.execPath, [BIN, 'serve', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SIEVEWRIGHT_CONFIG: '' } });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const db = () => openDatabase(join(dir, 'data', 'sievewright.db'));
  const logged = async (n: number) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      let count = 0;
      try {
        const d = db();
        count = new LearningRepository(d).log('alice', 10).length;
        d.close();
      } catch {
        // not created yet
      }
      if (count >= n || Date.now() > deadline) return count;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  try {
    expect(await logged(1), output).toBe(1);
    await writeFile(join(spool, 'new', '2'), spoolFile(2));
    expect(await logged(2), output).toBe(2);
    const d = db();
    const events = new LearningRepository(d).log('alice', 10);
    d.close();
    expect(events.map((e) => [e.subject, e.state, e.attempts])).toEqual([
      ['m2', 'pending', 0],
      ['m1', 'pending', 0],
    ]);
    expect(output).toMatch(/IMAPSieve moves as they are spooled/);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
});
