// `sievewright dovecot-config defaults`: the sieve_before / sieve_after
// settings for Dovecot 2.3 and 2.4, the global scripts themselves with
// --script, and exit codes for bad input. Dovecot running the printed 2.3
// settings is proven in deploy/global-scripts.dovecot.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { parseRules } from '../../grammar/parse-rules.js';
import { run as dovecotConfig } from '../../server/cli/dovecot-config.js';
import { openDatabase } from '../../server/store/db.js';
import { DefaultsRepository } from '../../server/store/defaults-repository.js';
import { capture } from '../support/capture.js';

const DEFAULTS = 'rule "Archive copy" locked {\n  when always\n  then fileinto "Archive" copy\n}\nrule "Audit" locked after {\n  when always\n  then redirect "audit@example.org" copy\n}\nrule "Open" {\n  when always\n  then keep\n}\n';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-dc-defaults-'));
  const db = openDatabase(join(dir, 'sievewright.db'));
  try {
    new DefaultsRepository(db).save(parseRules(DEFAULTS).ruleSet!, DEFAULTS, 'root');
  } finally {
    db.close();
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function inDataDir(): void {
  vi.stubEnv('SIEVEWRIGHT_CONFIG', '');
  vi.stubEnv('SIEVEWRIGHT_SERVER__DATA_DIR', dir);
}

describe('sievewright dovecot-config defaults', () => {
  test('prints the Dovecot 2.3 plugin settings with the scripts under the data directory', async () => {
    inDataDir();
    const r = await capture(() => dovecotConfig(['defaults']));
    expect(r.code).toBe(0);
    expect(r.out).toContain(`plugin {\n  sieve_before = ${dir}/sieve-global/before.sieve\n  sieve_after = ${dir}/sieve-global/after.sieve\n}\n`);
  });

  test('prints Dovecot 2.4 sieve_script blocks, and follows configured paths', async () => {
    inDataDir();
    vi.stubEnv('SIEVEWRIGHT_DEPLOY__GLOBAL_SCRIPTS__BEFORE', '/etc/dovecot/sieve/locked-before.sieve');
    const r = await capture(() => dovecotConfig(['defaults', '--dovecot', '2.4']));
    expect(r.code).toBe(0);
    expect(r.out).toContain('sieve_script sievewright-locked-before {\n  type = before\n  path = /etc/dovecot/sieve/locked-before.sieve\n}\n');
    expect(r.out).toContain(`sieve_script sievewright-locked-after {\n  type = after\n  path = ${dir}/sieve-global/after.sieve\n}\n`);
    expect(r.out).not.toContain('plugin {');
  });

  test('--script prints the global script compiled from the defaults in the database', async () => {
    inDataDir();
    const before = await capture(() => dovecotConfig(['defaults', '--script', 'before']));
    expect(before.code).toBe(0);
    expect(before.out).toContain('# rule:[Archive copy]');
    expect(before.out).toContain('fileinto :copy "Archive";');
    expect(before.out).not.toContain('Audit');
    expect(before.out).not.toContain('Open');
    const after = await capture(() => dovecotConfig(['defaults', '--script', 'after', '--db', join(dir, 'sievewright.db')]));
    expect(after.out).toContain('redirect :copy "audit@example.org";');
    expect(after.out).not.toContain('Archive');
  });

  test('bad options are usage errors (exit 2); a path Dovecot cannot take is bad input (exit 1)', async () => {
    inDataDir();
    const version = await capture(() => dovecotConfig(['defaults', '--dovecot', '2.5']));
    expect(version.code).toBe(2);
    expect(version.err).toMatch(/--dovecot must be 2\.3 or 2\.4/);
    const script = await capture(() => dovecotConfig(['defaults', '--script', 'middle']));
    expect(script.code).toBe(2);
    expect(script.err).toMatch(/--script must be before or after/);
    vi.stubEnv('SIEVEWRIGHT_DEPLOY__GLOBAL_SCRIPTS__AFTER', '/srv/my scripts/after.sieve');
    const spaced = await capture(() => dovecotConfig(['defaults']));
    expect(spaced.code).toBe(1);
    expect(spaced.err).toMatch(/cannot hold spaces/);
    expect(spaced.err).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
