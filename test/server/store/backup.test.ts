import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { emptyRuleSet } from '../../../grammar/model.js';
import { run as backupCli } from '../../../server/cli/backup.js';
import { backupDatabase } from '../../../server/store/backup.js';
import { openDatabase } from '../../../server/store/db.js';
import { RulesRepository } from '../../../server/store/rules-repository.js';
import { UsersRepository } from '../../../server/store/users-repository.js';

describe('backup and restore', () => {
  test('an online backup taken while writes continue opens as a complete database, and restoring it brings the data back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-backup-'));
    const live = openDatabase(join(dir, 'live.db'));
    const users = new UsersRepository(live);
    const rules = new RulesRepository(live);
    for (let i = 0; i < 200; i++) {
      users.ensure(`u${i}`);
      rules.save(`u${i}`, emptyRuleSet(), `u${i}`, 'first');
    }
    const file = join(dir, 'backup.db');
    const copying = backupDatabase(live, file);
    rules.save('u0', emptyRuleSet(), 'u0', 'during backup');
    await copying;

    const copy = openDatabase(file);
    expect(new UsersRepository(copy).usernames()).toHaveLength(200);
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();

    // Restore as documented in server/README.md: stop the server, put the backup in place of the database, remove stale WAL files.
    rules.save('u1', emptyRuleSet(), 'u1', 'after backup, lost by the restore');
    live.close();
    for (const ext of ['', '-wal', '-shm']) rmSync(join(dir, `live.db${ext}`), { force: true });
    copyFileSync(file, join(dir, 'live.db'));
    const restored = openDatabase(join(dir, 'live.db'));
    expect(new RulesRepository(restored).latest('u1')?.version).toBe(1);
    expect(new UsersRepository(restored).usernames()).toHaveLength(200);
    restored.close();
  });

  test('the backup refuses to overwrite an existing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-backup-'));
    const db = openDatabase(join(dir, 'a.db'));
    await backupDatabase(db, join(dir, 'b.db'));
    await expect(backupDatabase(db, join(dir, 'b.db'))).rejects.toThrow(/already exists/);
  });

  test('sievewright backup FILE writes the configured database and exits 0; without FILE it is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-backup-cli-'));
    const db = openDatabase(join(dir, 'sievewright.db'));
    new UsersRepository(db).ensure('alice');
    db.close();
    process.env.SIEVEWRIGHT_SERVER__DATA_DIR = dir;
    try {
      expect(await backupCli([join(dir, 'out.db')])).toBe(0);
      expect(existsSync(join(dir, 'out.db'))).toBe(true);
      const copy = openDatabase(join(dir, 'out.db'));
      expect(new UsersRepository(copy).usernames()).toEqual(['alice']);
      copy.close();
      expect(await backupCli([])).toBe(2);
    } finally {
      delete process.env.SIEVEWRIGHT_SERVER__DATA_DIR;
    }
  });
});
