// `sievewright status`: a rejected deploy shows its rule and line and makes
// the command exit 1; a script written without a compiler reads as
// unverified with the reason, never as deployed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { run } from '../../server/cli/status.js';
import { Outbox } from '../../server/deploy/outbox.js';
import { openDatabase } from '../../server/store/db.js';
import { capture } from '../support/capture.js';

let dir: string;
let dbPath: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-cli-status-'));
  dbPath = join(dir, 'sw.db');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** alice: v1 live, v2 rejected in rule "Tag lists"; bob: v1 written unverified. */
function seed(): void {
  const db = openDatabase(dbPath);
  try {
    const outbox = new Outbox(db);
    const sieve = 'keep;\n';
    outbox.enqueue({ username: 'alice', version: 1, sieve, prefs: '' });
    outbox.complete(outbox.claim('w', 60_000)!.id, 'w', null);
    outbox.enqueue({ username: 'alice', version: 2, sieve, prefs: '' });
    const message = "the server's Sieve compiler rejected the script: line 7: unknown command 'addheader'\nline 2: unknown capability";
    outbox.fail(outbox.claim('w', 60_000)!.id, 'w', { message, code: 'rejected', line: 7, rule: 'Tag lists' });
    outbox.enqueue({ username: 'bob', version: 1, sieve, prefs: '' });
    outbox.complete(outbox.claim('w', 60_000)!.id, 'w', "the Sieve compiler 'sievec' is not installed (not found)");
  } finally {
    db.close();
  }
}

test('the table names the rejected rule and line and the unverified reason; a rejection exits 1', async () => {
  seed();
  const r = await capture(() => run(['--db', dbPath]));
  expect(r.code).toBe(1);
  expect(r.out.split('\n')).toEqual([
    expect.stringMatching(/^USER\s+STATE\s+DEPLOYED\s+PENDING\s+LAST ERROR$/),
    expect.stringMatching(/^alice\s+rejected\s+1\s+-\s+rejected: the server's Sieve compiler rejected the script: line 7: unknown command 'addheader' \(rule "Tag lists", line 7\)$/),
    expect.stringMatching(/^bob\s+unverified\s+1\s+-\s+not verified: the Sieve compiler 'sievec' is not installed \(not found\)$/),
    '',
  ]);
});

test('an unverified deploy alone is not a failure', async () => {
  seed();
  const r = await capture(() => run(['--db', dbPath, '--user', 'bob', '--json']));
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out)).toEqual([expect.objectContaining({ username: 'bob', state: 'unverified', deployedVersion: 1, unverifiedReason: expect.stringMatching(/not installed/) })]);
});
