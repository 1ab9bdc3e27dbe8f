// The database (password hashes, sessions), its WAL and shared-memory files,
// backups and the session secret are readable by the server's user only, on
// disk; a backup is never written through a symlink.
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emptyRuleSet } from '../../../grammar/model.js';
import { run as backupCli } from '../../../server/cli/backup.js';
import { backupDatabase } from '../../../server/store/backup.js';
import { openDatabase } from '../../../server/store/db.js';
import { addUser, Client, startApp } from '../app/harness.js';

const mode = (path: string) => statSync(path).mode & 0o777;

let oldUmask: number;
beforeAll(() => {
  // The usual umask, under which SQLite and writeFile would make files 0644.
  oldUmask = process.umask(0o022);
});
afterAll(() => {
  process.umask(oldUmask);
});

describe('file modes', () => {
  test('a fresh data directory is 0700 and the database, its -wal and -shm files and the session secret are 0600', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sw-modes-')), 'data');
    const { app } = await startApp({ dir, worker: false });
    try {
      await addUser(app, 'alice', 'alice-pw');
      const alice = await Client.login(app, 'alice', 'alice-pw');
      expect((await alice.put('/api/rules', { ruleSet: emptyRuleSet() })).statusCode).toBe(200);
      expect(mode(dir)).toBe(0o700);
      for (const f of ['sievewright.db', 'sievewright.db-wal', 'sievewright.db-shm', 'session-secret']) {
        expect({ f, mode: mode(join(dir, f)).toString(8) }).toEqual({ f, mode: '600' });
      }
    } finally {
      await app.close();
    }
  });

  test('files an older version left readable by everyone are tightened at the next start, keeping their content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-modes-'));
    const db = openDatabase(join(dir, 'sievewright.db'));
    db.prepare("INSERT INTO users (username) VALUES ('alice')").run();
    writeFileSync(join(dir, 'session-secret'), `${'s'.repeat(48)}\n`);
    for (const f of ['sievewright.db', 'sievewright.db-wal', 'sievewright.db-shm', 'session-secret']) chmodSync(join(dir, f), 0o644);
    chmodSync(dir, 0o755);
    db.close();
    const { app } = await startApp({ dir, worker: false });
    try {
      expect(mode(dir)).toBe(0o700);
      for (const f of ['sievewright.db', 'session-secret']) expect({ f, mode: mode(join(dir, f)).toString(8) }).toEqual({ f, mode: '600' });
      expect(readFileSync(join(dir, 'session-secret'), 'utf8')).toBe(`${'s'.repeat(48)}\n`);
      expect(app.ctx.users.get('alice')).toBeDefined();
    } finally {
      await app.close();
    }
  });
});

describe('backups', () => {
  test('a backup is written 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-modes-'));
    const db = openDatabase(join(dir, 'live.db'));
    await backupDatabase(db, join(dir, 'copy.db'));
    db.close();
    expect(mode(join(dir, 'copy.db'))).toBe(0o600);
    const copy = openDatabase(join(dir, 'copy.db'));
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
  });

  test.each([
    ['a dangling link (it would create the file it points to)', false],
    ['a link to an existing file', true],
  ])('a backup refuses to write through %s, and the link target is left as it was', async (_what, targetExists) => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-modes-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'sw-victim-'));
    const target = join(elsewhere, 'victim');
    if (targetExists) writeFileSync(target, 'precious\n');
    symlinkSync(target, join(dir, 'copy.db'));
    const db = openDatabase(join(dir, 'live.db'));
    try {
      await expect(backupDatabase(db, join(dir, 'copy.db'))).rejects.toThrow(/is a symbolic link; a backup is never written through one/);
    } finally {
      db.close();
    }
    expect(lstatSync(join(dir, 'copy.db')).isSymbolicLink()).toBe(true);
    if (targetExists) expect(readFileSync(target, 'utf8')).toBe('precious\n');
    else expect(existsSync(target)).toBe(false);
  });

  test('sievewright backup onto a symlink exits 1 with a message and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-modes-'));
    mkdirSync(join(dir, 'data'));
    openDatabase(join(dir, 'data', 'sievewright.db')).close();
    const target = join(dir, 'outside.db');
    symlinkSync(target, join(dir, 'link.db'));
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (errors.push(String(s)), true)) as typeof process.stderr.write;
    process.env.SIEVEWRIGHT_SERVER__DATA_DIR = join(dir, 'data');
    try {
      expect(await backupCli([join(dir, 'link.db')])).toBe(1);
    } finally {
      process.stderr.write = write;
      delete process.env.SIEVEWRIGHT_SERVER__DATA_DIR;
    }
    expect(errors.join('')).toMatch(/is a symbolic link; a backup is never written through one/);
    expect(existsSync(target)).toBe(false);
  });
});
