// `sievewright push` and `status` end to end: users and rules in SQLite,
// compiled by the deploy source, pushed to a real Dovecot as the master user.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { parseRules } from '../../../grammar/parse-rules.js';
import { run as push } from '../../../server/cli/push.js';
import { run as status } from '../../../server/cli/status.js';
import { ManageSieveClient } from '../../../server/managesieve/client.js';
import { openDatabase } from '../../../server/store/db.js';
import { RulesRepository } from '../../../server/store/rules-repository.js';
import { UsersRepository } from '../../../server/store/users-repository.js';
import { startDovecot, type Dovecot } from '../../support/mailstack.js';

let dc: Dovecot;
let dir: string;
let dbPath: string;
let configFile: string;
let passwordFile: string;

const RULES = 'rule "invoices" {\n  when subject contains "invoice"\n  then fileinto "Invoices"\n}\n';

beforeAll(async () => {
  dc = await startDovecot();
  dir = await mkdtemp(join(tmpdir(), 'sw-push-'));
  dbPath = join(dir, 'sw.db');
  configFile = join(dir, 'config.json');
  passwordFile = join(dir, 'master.pw');
  await writeFile(passwordFile, `${dc.master.password}\n`);
  await writeFile(configFile, JSON.stringify({ server: { dataDir: dir }, deploy: { directory: { home: join(dir, 'mail', '%u') } } }));
  const db = openDatabase(dbPath);
  const parsed = parseRules(RULES);
  expect(parsed.diagnostics).toEqual([]);
  for (const u of ['alice', 'bob']) {
    new UsersRepository(db).ensure(u);
    new RulesRepository(db).save(u, parsed.ruleSet!, u, 'test rules');
  }
  db.close();
});
afterAll(async () => {
  await dc?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function cli(fn: (args: string[]) => Promise<number>, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await fn(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const server = () => ['--config', configFile, '--db', dbPath, '--host', dc.host, '--port', String(dc.sievePort), '--tls', 'none', '--auth-user', dc.master.username];

describe('sievewright push and status', () => {
  test('push --all deploys every user, reports progress and a summary, and status shows it', async () => {
    const r = await cli(push, ['--all', ...server(), '--password-file', passwordFile]);
    expect(r.err).toMatch(/\[#+\] 2\/2 {2}ok 2 {2}failed 0/);
    expect(r.out).toMatch(/^deployed 2, failed 0 of 2 user\(s\)/);
    expect(r.code).toBe(0);
    for (const u of ['alice', 'bob']) {
      const c = await ManageSieveClient.connect({ host: dc.host, port: dc.sievePort, tls: 'none' });
      await c.authenticate(dc.master.username, dc.master.password, u);
      const [only, ...rest] = await c.listScripts();
      expect(rest).toEqual([]);
      expect(only).toEqual({ name: 'sievewright-a', active: true });
      expect(await c.getScript('sievewright-a')).toMatch(/fileinto[^;]*"Invoices"/);
      await c.logout();
    }
    const s = await cli(status, ['--db', dbPath, '--json']);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.out)).toEqual([
      expect.objectContaining({ username: 'alice', state: 'deployed', deployedVersion: 1, pendingVersion: null }),
      expect.objectContaining({ username: 'bob', state: 'deployed', deployedVersion: 1, pendingVersion: null }),
    ]);
    const table = await cli(status, ['--db', dbPath, '--user', 'alice']);
    expect(table.out).toMatch(/^USER\s+STATE\s+DEPLOYED\s+PENDING\s+LAST ERROR\nalice\s+deployed\s+1\s+-/);
  });

  test('an unknown user is reported and the exit code says so', async () => {
    const r = await cli(push, ['--user', 'ghost', ...server(), '--password-file', passwordFile]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ghost: no such user/);
  });

  test('a wrong master password fails the push with the server reason, not a stack trace', async () => {
    const wrong = join(dir, 'wrong.pw');
    await writeFile(wrong, 'nope\n');
    const r = await cli(push, ['--user', 'alice', ...server(), '--password-file', wrong, '--attempts', '1']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/alice: AUTHENTICATE failed: Authentication failed/);
    expect(r.err).not.toMatch(/\n\s+at /);
    const s = await cli(status, ['--db', dbPath, '--user', 'alice']);
    expect(s.out).toMatch(/alice\s+failed\s+1\s+-\s+auth: AUTHENTICATE failed/);
    expect(s.code).toBe(1);
  });

  test.each([
    [[] as string[], /--user, or use --all/],
    [['--all', '--user', 'alice'], /exclude each other/],
    [['--all', '--host', 'x', '--port', 'nope'], /--host HOST and --port PORT/],
    [['--all', '--bogus'], /Unknown option '--bogus'/],
  ])('usage mistakes %j exit with 2', async (args, message) => {
    const r = await cli(push, args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});
