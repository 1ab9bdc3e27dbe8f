// One username rule, enforced the same way by every place a name reaches a
// path, a protocol line or a command: login (login.test.ts), deploy mail
// homes, learning's Bayes homes and spamd, and the CLI.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { run as learn } from '../../../server/cli/learn.js';
import { run as push } from '../../../server/cli/push.js';
import { loadConfig } from '../../../server/config/load.js';
import { userPaths } from '../../../server/deploy/mail-home.js';
import { learnerFromConfig } from '../../../server/learning/configure.js';
import { LearnerError, saLearnLearner, spamdLearner } from '../../../server/learning/learner.js';
import { userDirectory } from '../../../server/services/user-directory.js';
import { InvalidUsernameError, isValidUsername } from '../../../server/services/username.js';
import { capture } from '../../support/capture.js';

const REFUSED = ['', '.', '..', 'x..y', '.hidden', '-dash', 'a/b', '../root', 'a\\b', 'alice*master', 'a b', 'tab\there', 'nl\n', 'x\0y', 'é', 'a'.repeat(129)];
const ALLOWED = ['alice', 'Alice', 'bob.smith', 'kim@example.org', 'first+tag@x.y', 'a=b', '_svc', '9lives', 'a.b.c', 'a'.repeat(128)];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-username-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the rule', () => {
  test.each(REFUSED)('%j is refused', (name) => {
    expect(isValidUsername(name)).toBe(false);
  });
  test.each(ALLOWED)('%j is allowed', (name) => {
    expect(isValidUsername(name)).toBe(true);
  });
});

describe('paths from %u templates', () => {
  test('a name the rule refuses never becomes a path; one it allows stays under the fixed prefix', () => {
    for (const name of REFUSED) expect(() => userDirectory(join(dir, 'sa', '%u'), name, 'learning.saLearnHome')).toThrow(InvalidUsernameError);
    expect(userDirectory(join(dir, 'sa', '%u', 'bayes'), 'kim@example.org', 'learning.saLearnHome')).toBe(join(dir, 'sa', 'kim@example.org', 'bayes'));
    expect(() => userDirectory(join(dir, 'sa'), 'alice', 'learning.saLearnHome')).toThrow(/learning\.saLearnHome must contain %u/);
  });

  test('deploy mail homes refuse exactly the same names', () => {
    const layout = { home: join(dir, 'mail', '%u'), sieveDir: 'sieve', activeLink: '.dovecot.sieve', prefsPath: 'prefs' };
    for (const name of REFUSED) expect(() => userPaths(layout, name), name).toThrow(expect.objectContaining({ code: 'invalid_user', transient: false }));
    for (const name of ALLOWED) expect(userPaths(layout, name).home).toBe(join(dir, 'mail', name));
  });
});

describe('learning', () => {
  const never = new AbortController().signal;
  const item = { id: 1, direction: 'spam' as const, raw: Buffer.from('Subject: x\r\n\r\nx\r\n') };

  test.each(['..', 'x..y', '.'])('%j is refused by both learners before a Bayes home or spamd is touched', async (name) => {
    const homeFor = vi.fn((u: string) => join(dir, u));
    await expect(saLearnLearner({ homeFor }).learn(name, [item], never)).rejects.toMatchObject({ code: 'failed', message: expect.stringMatching(/invalid user name/) });
    expect(homeFor).not.toHaveBeenCalled();
    // Port 1 is never listened on: a connection attempt would fail with a different error.
    const err = await spamdLearner({ host: '127.0.0.1', port: 1 }).learn(name, [item], never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LearnerError);
    expect((err as LearnerError).message).toMatch(/invalid user name/);
  });

  test("the configured saLearnHome keeps a name inside its fixed prefix even when the template's tail climbs", async () => {
    const config = loadConfig({ env: { SIEVEWRIGHT_LEARNING__VIA: 'sa-learn', SIEVEWRIGHT_LEARNING__SA_LEARN_HOME: `${dir}/sa/%u/../../elsewhere` } });
    await expect(learnerFromConfig(config).learn('alice', [item], never)).rejects.toThrow(InvalidUsernameError);
  });
});

describe('the CLI', () => {
  test('learn --user with a refused name is bad input (exit 1) naming it, before any connection', async () => {
    vi.stubEnv('SIEVEWRIGHT_CONFIG', '');
    const r = await capture(() => learn(['--user', 'alice', '--user', 'x..y', '--once', '--db', join(dir, 'learn.db')]));
    vi.unstubAllEnvs();
    expect(r.code).toBe(1);
    expect(r.err).toContain('invalid user name "x..y"');
    expect(r.err).not.toMatch(/learning needs mail\.imap/);
  });

  test('push --user with a refused name is reported and exits 1', async () => {
    vi.stubEnv('SIEVEWRIGHT_CONFIG', '');
    vi.stubEnv('SIEVEWRIGHT_SERVER__DATA_DIR', dir);
    vi.stubEnv('SIEVEWRIGHT_DEPLOY__DIRECTORY__HOME', join(dir, 'mail', '%u'));
    const r = await capture(() => push(['--user', '..', '--db', join(dir, 'push.db')]));
    vi.unstubAllEnvs();
    expect(r.code).toBe(1);
    expect(r.err).toContain('invalid user name ".."');
  });
});
