// `sievewright learn` and `sievewright dovecot-config learning`: exit codes
// and messages for bad input (never a stack trace). A real `learn --once`
// against Dovecot and spamd runs in crash.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { run as dovecotConfig } from '../../../server/cli/dovecot-config.js';
import { run as learn } from '../../../server/cli/learn.js';
import { capture } from '../../support/capture.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-learn-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const noConfig = () => vi.stubEnv('SIEVEWRIGHT_CONFIG', '');

describe('sievewright learn', () => {
  test('without --user it is a usage error (exit 2)', async () => {
    const r = await capture(() => learn(['--once']));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--user is required/);
  });

  test('--events takes every user with recorded moves: --user or --idle beside it is a usage error', async () => {
    expect((await capture(() => learn(['--events', '--user', 'a']))).code).toBe(2);
    const r = await capture(() => learn(['--events', '--idle']));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no --user or --idle/);
  });

  test('--events needs no IMAP server: an empty spool and no backlog is a clean round (exit 0)', async () => {
    noConfig();
    const r = await capture(() => learn(['--events', '--once', '--db', join(dir, 'c.db'), '--spool', join(dir, 'spool')]));
    expect(r.code, r.err).toBe(0);
  });

  test('an unknown option or a malformed HOST:PORT is a usage error', async () => {
    expect((await capture(() => learn(['--user', 'a', '--bogus']))).code).toBe(2);
    const r = await capture(() => learn(['--user', 'a', '--imap', 'localhost']));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--imap expects HOST:PORT/);
  });

  test('a bad setting from a flag is reported like a config mistake (exit 1)', async () => {
    noConfig();
    const r = await capture(() => learn(['--user', 'a', '--once', '--db', join(dir, 'a.db'), '--via', 'carrier-pigeon']));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/SIEVEWRIGHT_LEARNING__VIA/);
    expect(r.err).not.toMatch(/\bat .*\.ts:\d+/);
  });

  test('without an IMAP server or master user it says what is missing (exit 1)', async () => {
    noConfig();
    const r = await capture(() => learn(['--user', 'a', '--once', '--db', join(dir, 'b.db')]));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/learning needs mail\.imap/);
  });
});

describe('sievewright dovecot-config learning', () => {
  test('prints the 2.4 configuration, the scripts, the install steps and when to choose which', async () => {
    const r = await capture(() => dovecotConfig(['learning', '--dovecot', '2.4', '--via', 'spamc', '--spamd', '10.0.0.5:783']));
    expect(r.code).toBe(0);
    expect(r.out).toContain('imapsieve_from "Junk" {');
    expect(r.out).toContain("-d '10.0.0.5' -p 783");
    expect(r.out).toContain('report-ham.sieve');
    expect(r.out).toContain('sievec ');
    expect(r.out).toMatch(/When to choose which/);
    expect(r.out).toMatch(/never both/);
  });

  test('by default each move is spooled for learn --events, and the install step makes the spool', async () => {
    const r = await capture(() => dovecotConfig(['learning', '--spool', "/var/spool/it's", '--mail-group', 'mail']));
    expect(r.code).toBe(0);
    expect(r.out).toContain(`spool='/var/spool/it'\\''s'`);
    expect(r.out).toContain(`install -d -m 2770 -g 'mail' '/var/spool/it'\\''s' '/var/spool/it'\\''s/tmp' '/var/spool/it'\\''s/new'`);
    expect(r.out).not.toContain(' -L "$kind"');
    expect((await capture(() => dovecotConfig(['learning', '--via', 'carrier-pigeon']))).code).toBe(2);
    expect((await capture(() => dovecotConfig(['learning', '--spool', 'relative']))).code).toBe(1);
  });

  test('missing subject, unknown version or bad spamd address are usage errors', async () => {
    expect((await capture(() => dovecotConfig([]))).code).toBe(2);
    expect((await capture(() => dovecotConfig(['learning', '--dovecot', '2.5']))).code).toBe(2);
    expect((await capture(() => dovecotConfig(['learning', '--spamd', 'nohost']))).code).toBe(2);
  });

  test('a relative script directory is bad input (exit 1)', async () => {
    const r = await capture(() => dovecotConfig(['learning', '--dir', 'relative']));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/absolute path/);
  });
});
