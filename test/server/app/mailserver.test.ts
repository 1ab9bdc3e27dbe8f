// Against a real Dovecot (IMAP + ManageSieve with STARTTLS and a private CA):
// logins, folder listing through the master user, deploys reaching the
// server, a user's consent to replace their own foreign script, and
// /readyz failing when a login fails or the server is down.
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emptyRuleSet } from '../../../grammar/model.js';
import { buildApp } from '../../../server/app.js';
import { ManageSieveClient } from '../../../server/managesieve/client.js';
import { startDovecot, type Dovecot } from '../../support/dovecot.js';
import { Client, testConfig } from './harness.js';

let dovecot: Dovecot;
let dir: string;

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function mailEnv(canaryPassword: string): Record<string, string> {
  const endpoint = (port: number) => JSON.stringify({ host: '127.0.0.1', port, tls: 'starttls', caFile: join(dir, 'ca.pem'), timeoutMs: 5000 });
  return {
    SIEVEWRIGHT_MAIL__IMAP: endpoint(dovecot.imapPort),
    SIEVEWRIGHT_MAIL__MANAGESIEVE: endpoint(dovecot.sievePort),
    SIEVEWRIGHT_MAIL__MASTER_USER: JSON.stringify({ username: dovecot.master.username, passwordFile: file('master.pw', `${dovecot.master.password}\n`) }),
    SIEVEWRIGHT_MAIL__CANARY_USER: JSON.stringify({ username: 'carol', passwordFile: file(`canary-${canaryPassword}.pw`, `${canaryPassword}\n`) }),
    SIEVEWRIGHT_DEPLOY__TARGET: 'managesieve',
    SIEVEWRIGHT_SERVER__ADMINS: 'bob',
    // The tests ask from 127.0.0.1 and see what every check found, afresh each time.
    SIEVEWRIGHT_SERVER__READINESS_DETAILS_FROM: '127.0.0.1',
    SIEVEWRIGHT_SERVER__READINESS_CACHE_SECONDS: '0',
  };
}

async function appWith(canaryPassword: string, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const d = mkdtempSync(join(tmpdir(), 'sw-mail-app-'));
  return buildApp({ config: testConfig(d, { ...mailEnv(canaryPassword), ...env }) });
}

/** Logins Dovecot logged for `user` so far, per protocol. */
function loginsLogged(user: string): { imap: number; managesieve: number } {
  const log = dovecot.log();
  const count = (service: string) => log.split('\n').filter((l) => l.includes(`${service}: Info: Login: user=<${user}>`)).length;
  return { imap: count('imap-login'), managesieve: count('managesieve-login') };
}

let app: FastifyInstance;

beforeAll(async () => {
  dovecot = await startDovecot({ tls: true });
  dir = mkdtempSync(join(tmpdir(), 'sw-mail-'));
  file('ca.pem', dovecot.caPem!);
  app = await appWith(dovecot.users.carol!);
});

afterAll(async () => {
  await app?.close();
  await dovecot?.cleanup();
});

describe('login against the real IMAP server', () => {
  test('the right mail password logs in and the user is remembered without a password', async () => {
    const alice = await Client.login(app, 'alice', dovecot.users.alice!);
    expect((await alice.get('/api/session')).json().user).toEqual({ username: 'alice', isAdmin: false });
    expect(app.ctx.users.get('alice')).toMatchObject({ username: 'alice', passwordHash: null });
  });

  test('a wrong password is refused with 401', async () => {
    const res = await Client.anonymous(app).post('/api/login', { username: 'alice', password: 'not-alices' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('bad_credentials');
  });

  test("folders are listed from the user's mailbox through the master user", async () => {
    const alice = await Client.login(app, 'alice', dovecot.users.alice!);
    const { folders } = (await alice.get('/api/folders')).json();
    expect(folders[0]).toBe('INBOX');
  });

  test('saved rules are deployed to the server and become the active script', async () => {
    const bob = await Client.login(app, 'bob', dovecot.users.bob!);
    const rs = emptyRuleSet();
    rs.rules.push({ name: 'Invoices', enabled: true, combine: 'all', conditions: [{ kind: 'subject', test: { match: 'contains', values: ['invoice'] } }], actions: [{ kind: 'fileinto', folder: 'Invoices' }] });
    expect((await bob.put('/api/rules', { ruleSet: rs })).statusCode).toBe(200);
    await app.ctx.worker!.drain();
    expect((await bob.get('/api/deploy/status')).json()).toMatchObject({ state: 'deployed', deployedVersion: 1 });
    const ms = await ManageSieveClient.connect({ host: '127.0.0.1', port: dovecot.sievePort, tls: 'starttls', ca: dovecot.caPem!, timeoutMs: 5000 });
    await ms.authenticate('bob', dovecot.users.bob!);
    const active = (await ms.listScripts()).find((s) => s.active);
    expect(active?.name).toMatch(/^sievewright-[ab]$/);
    expect(await ms.getScript(active!.name)).toContain('Invoices');
    await ms.logout();
    // Only a foreign script is offered for import; our own is not.
    expect((await bob.get('/api/import/server-script')).json()).toEqual({ found: false });
  });

  test("a user's existing hand-written script is offered for import on first login, and nothing is saved", async () => {
    const ms = await ManageSieveClient.connect({ host: '127.0.0.1', port: dovecot.sievePort, tls: 'starttls', ca: dovecot.caPem!, timeoutMs: 5000 });
    await ms.authenticate('carol', dovecot.users.carol!);
    await ms.putScript('roundcube', 'require ["fileinto"];\nif header :contains "List-Id" "dev.example.org" { fileinto "Dev"; }\n');
    await ms.setActive('roundcube');
    await ms.logout();
    const carol = await Client.login(app, 'carol', dovecot.users.carol!);
    const offer = (await carol.get('/api/import/server-script')).json();
    expect(offer).toMatchObject({ found: true, name: 'roundcube' });
    expect(offer.ruleSet.rules).toHaveLength(1);
    expect(app.ctx.rules.latest('carol')).toBeUndefined();
  });
});

describe("replacing a user's own foreign script over ManageSieve", () => {
  const connect = () => ManageSieveClient.connect({ host: '127.0.0.1', port: dovecot.sievePort, tls: 'starttls', ca: dovecot.caPem!, timeoutMs: 5000 });

  async function asDave<T>(fn: (ms: ManageSieveClient) => Promise<T>): Promise<T> {
    const ms = await connect();
    try {
      await ms.authenticate('dave', 'davepw');
      return await fn(ms);
    } finally {
      await ms.logout();
    }
  }

  async function settled(client: Client): Promise<{ state: string; errorCode: string | null; error: string | null }> {
    await app.ctx.worker!.drain();
    return (await client.get('/api/deploy/status')).json();
  }

  test('the deploy reports foreign-active until the user consents to replacing exactly "roundcube"; then sievewright is active and "roundcube" is kept, inactive', async () => {
    const roundcube = 'require ["fileinto"];\r\nif header :contains "List-Id" "ops.example.org" { fileinto "Ops"; }\r\n';
    await dovecot.addUser('dave', 'davepw');
    await asDave(async (ms) => {
      await ms.putScript('roundcube', roundcube);
      await ms.setActive('roundcube');
    });
    const dave = await Client.login(app, 'dave', 'davepw');
    const rs = emptyRuleSet();
    rs.rules.push({ name: 'Alerts', enabled: true, combine: 'all', conditions: [{ kind: 'subject', test: { match: 'contains', values: ['alert'] } }], actions: [{ kind: 'fileinto', folder: 'Alerts' }] });
    expect((await dave.put('/api/rules', { ruleSet: rs })).statusCode).toBe(200);
    const refused = await settled(dave);
    expect(refused).toMatchObject({ state: 'failed', errorCode: 'foreign_active' });
    expect(refused.error).toMatch(/'roundcube'.*replace it from the offer/);

    // A consent naming another script replaces nothing.
    expect((await dave.post('/api/import/server-script/replace', { name: 'vacation' })).statusCode).toBe(202);
    expect(await settled(dave)).toMatchObject({ state: 'failed', errorCode: 'foreign_active' });
    expect(await asDave((ms) => ms.listScripts())).toEqual([{ name: 'roundcube', active: true }]);

    expect((await dave.post('/api/import/server-script/replace', { name: 'roundcube' })).statusCode).toBe(202);
    expect(await settled(dave)).toMatchObject({ state: 'deployed', deployedVersion: 1, errorCode: null });
    const after = await asDave(async (ms) => {
      const scripts = await ms.listScripts();
      return { scripts, kept: await ms.getScript('roundcube'), active: await ms.getScript(scripts.find((x) => x.active)!.name) };
    });
    expect(after.scripts).toEqual(expect.arrayContaining([{ name: 'roundcube', active: false }, { name: 'sievewright-a', active: true }]));
    expect(after.scripts).toHaveLength(2);
    expect(after.kept).toBe(roundcube);
    expect(after.active).toContain('Alerts');
    expect((await dave.get('/api/import/server-script')).json()).toEqual({ found: false });

    // A script activated later under another name is not covered by the consent for "roundcube".
    await asDave(async (ms) => {
      await ms.putScript('vacation', 'keep;\r\n');
      await ms.setActive('vacation');
    });
    expect((await dave.post('/api/deploy')).statusCode).toBe(202);
    expect(await settled(dave)).toMatchObject({ state: 'failed', errorCode: 'foreign_active', error: expect.stringMatching(/'vacation'/) });
    expect((await asDave((ms) => ms.listScripts())).find((x) => x.active)?.name).toBe('vacation');
  });
});

describe('/readyz', () => {
  test('is ready after real IMAP and ManageSieve logins, and reports the certificates\' days left', async () => {
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(200);
    const checks = res.json().checks as Array<{ name: string; ok: boolean; detail: string; certificate?: { daysLeft: number; trusted: boolean } }>;
    const imap = checks.find((c) => c.name === 'imap')!;
    const sieve = checks.find((c) => c.name === 'managesieve')!;
    expect(imap).toMatchObject({ ok: true, detail: expect.stringMatching(/logged in as carol, \d+ folders/) });
    expect(sieve).toMatchObject({ ok: true, detail: expect.stringMatching(/logged in as carol, \d+ scripts/) });
    // The test certificate is made valid for 30 days.
    for (const c of [imap, sieve]) {
      expect(c.certificate!.daysLeft).toBeGreaterThanOrEqual(28);
      expect(c.certificate!.daysLeft).toBeLessThanOrEqual(30);
      expect(c.certificate!.trusted).toBe(true);
    }
  });

  test('is not ready when the canary login fails although the server answers', async () => {
    const wrong = await appWith('wrong-canary-password');
    try {
      const res = await wrong.inject('/readyz');
      expect(res.statusCode).toBe(503);
      const checks = res.json().checks as Array<{ name: string; ok: boolean; detail: string }>;
      expect(checks.find((c) => c.name === 'imap')).toMatchObject({ ok: false, detail: expect.stringMatching(/refused although the server answers/) });
      expect(checks.find((c) => c.name === 'managesieve')).toMatchObject({ ok: false });
    } finally {
      await wrong.close();
    }
  });

  test('anonymous callers learn ready or not only; a logged-in admin sees every check, a logged-in user does not', async () => {
    const quiet = await appWith(dovecot.users.carol!, { SIEVEWRIGHT_SERVER__READINESS_DETAILS_FROM: '[]' });
    try {
      const anonymous = await quiet.inject('/readyz');
      expect(anonymous.statusCode).toBe(200);
      expect(anonymous.json()).toEqual({ ready: true });
      const alice = await Client.login(quiet, 'alice', dovecot.users.alice!);
      expect((await alice.get('/readyz')).json()).toEqual({ ready: true });
      const bob = await Client.login(quiet, 'bob', dovecot.users.bob!);
      const detailed = (await bob.get('/readyz')).json();
      expect(detailed.ready).toBe(true);
      expect(detailed.checks.map((c: { name: string }) => c.name).sort()).toEqual(['database', 'imap', 'managesieve']);
    } finally {
      await quiet.close();
    }
  });

  test('twenty probes within the cache window, ten of them at once, cost one IMAP and one ManageSieve login', async () => {
    const cached = await appWith(dovecot.users.carol!, { SIEVEWRIGHT_SERVER__READINESS_DETAILS_FROM: '[]', SIEVEWRIGHT_SERVER__READINESS_CACHE_SECONDS: '60' });
    try {
      const before = loginsLogged('carol');
      const aliceBefore = loginsLogged('alice').managesieve;
      const burst = await Promise.all(Array.from({ length: 10 }, () => cached.inject('/readyz')));
      for (let i = 0; i < 10; i++) burst.push(await cached.inject('/readyz'));
      expect(burst.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
      // A login after the probes: once Dovecot has logged it, it has logged every probe's login before it.
      const ms = await ManageSieveClient.connect({ host: '127.0.0.1', port: dovecot.sievePort, tls: 'starttls', ca: dovecot.caPem!, timeoutMs: 5000 });
      await ms.authenticate('alice', dovecot.users.alice!);
      await ms.logout();
      await expect.poll(() => loginsLogged('alice').managesieve > aliceBefore, { timeout: 10_000 }).toBe(true);
      const after = loginsLogged('carol');
      expect({ imap: after.imap - before.imap, managesieve: after.managesieve - before.managesieve }).toEqual({ imap: 1, managesieve: 1 });
    } finally {
      await cached.close();
    }
  });

  test('is not ready when Dovecot is stopped, and logins say the mail server is unavailable', async () => {
    await dovecot.stop();
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(503);
    const checks = res.json().checks as Array<{ name: string; ok: boolean }>;
    expect(checks.filter((c) => !c.ok).map((c) => c.name).sort()).toEqual(['imap', 'managesieve']);
    const login = await Client.anonymous(app).post('/api/login', { username: 'alice', password: dovecot.users.alice! });
    expect(login.statusCode).toBe(503);
    expect(login.json().error.code).toBe('mail_server_unavailable');
  });
});
