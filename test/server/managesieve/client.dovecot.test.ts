// The client against a real Dovecot/Pigeonhole started for this file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManageSieveClient, type ConnectOptions } from '../../../server/managesieve/client.js';
import { ManageSieveError } from '../../../server/managesieve/errors.js';
import { startDovecot, type Dovecot } from '../../support/dovecot.js';

let dc: Dovecot;
let tlsProxy: net.Server;
let tlsProxyPort: number;

beforeAll(async () => {
  dc = await startDovecot({ tls: true, sieveQuotaMaxStorage: '40K', users: { alice: 'alicepw', bob: 'bobpw', carol: 'carolpw', dave: 'davepw' } });
  // Dovecot here offers STARTTLS only; implicit TLS is proven through a TLS terminator
  // in front of it, carrying the same test-generated certificate.
  tlsProxy = tls.createServer(
    { key: readFileSync(join(dc.root, 'tls/key.pem')), cert: readFileSync(join(dc.root, 'tls/cert.pem')) },
    (secure) => {
      const upstream = net.connect(dc.sievePort, dc.host);
      secure.pipe(upstream).pipe(secure);
      secure.on('error', () => upstream.destroy());
      upstream.on('error', () => secure.destroy());
    },
  );
  await new Promise<void>((r) => tlsProxy.listen(0, '127.0.0.1', r));
  tlsProxyPort = (tlsProxy.address() as net.AddressInfo).port;
});

afterAll(async () => {
  tlsProxy?.close();
  await dc?.cleanup();
});

const opts = (extra: Partial<ConnectOptions> = {}): ConnectOptions => ({
  host: dc.host, port: dc.sievePort, tls: 'starttls', ca: dc.caPem, timeoutMs: 5000, ...extra,
});

async function loggedIn(user: string, extra: Partial<ConnectOptions> = {}): Promise<ManageSieveClient> {
  const c = await ManageSieveClient.connect(opts(extra));
  await c.authenticate(user, dc.users[user]!);
  return c;
}

async function rejection(p: Promise<unknown>): Promise<ManageSieveError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ManageSieveError);
  return err as ManageSieveError;
}

const SCRIPT = 'require ["fileinto"];\r\n# Grüße — non-ASCII survives\r\nif header :contains "subject" "invoice" { fileinto "Invoices"; }\r\n';

describe('ManageSieve client against Dovecot', () => {
  test('plain TCP reads the greeting capabilities, including STARTTLS and SASL', async () => {
    const c = await ManageSieveClient.connect(opts({ tls: 'none' }));
    expect(c.capabilities.implementation).toMatch(/Pigeonhole/);
    expect(c.capabilities.sasl).toEqual(expect.arrayContaining(['PLAIN', 'LOGIN']));
    expect(c.capabilities.sieve).toEqual(expect.arrayContaining(['fileinto', 'vacation', 'imap4flags']));
    expect(c.capabilities.starttls).toBe(true);
    expect(c.capabilities.notify).toContain('mailto');
    expect(c.capabilities.version).toBe('1.0');
    await c.logout();
    expect(c.closed).toBe(true);
  });

  test('STARTTLS with the test CA upgrades and re-reads capabilities (no STARTTLS offered any more)', async () => {
    const c = await loggedIn('alice');
    expect(c.capabilities.starttls).toBe(false);
    expect(c.capabilities.sasl).toContain('PLAIN');
    const after = await c.capability();
    expect(after.maxRedirects).toBe(4);
    await c.logout();
  });

  test('STARTTLS without trusting the self-signed certificate fails as a TLS error', async () => {
    const err = await rejection(ManageSieveClient.connect(opts({ ca: undefined })));
    expect(err.kind).toBe('tls');
  });

  test('implicit TLS connects and authenticates through a TLS port', async () => {
    const c = await ManageSieveClient.connect(opts({ tls: 'implicit', port: tlsProxyPort }));
    await c.authenticate('bob', 'bobpw');
    expect(Array.isArray(await c.listScripts())).toBe(true);
    await c.logout();
  });

  test('a wrong password is a NO response error with the server text', async () => {
    const c = await ManageSieveClient.connect(opts());
    const err = await rejection(c.authenticate('alice', 'wrong'));
    expect(err).toMatchObject({ kind: 'response', status: 'NO', command: 'AUTHENTICATE' });
    expect(err.serverText).toMatch(/Authentication failed/);
    expect(err.transient).toBe(false);
    c.close();
  });

  test('a master user acts for a user with PLAIN authzid, and with LOGIN via the separator', async () => {
    const owner = await loggedIn('carol');
    await owner.putScript('carol-marker', 'keep;\r\n');
    await owner.logout();
    const viaPlain = await ManageSieveClient.connect(opts());
    await viaPlain.authenticate(dc.master.username, dc.master.password, 'carol');
    expect((await viaPlain.listScripts()).map((s) => s.name)).toContain('carol-marker');
    await viaPlain.logout();
    const viaLogin = await ManageSieveClient.connect(opts());
    await viaLogin.authenticate(dc.master.username, dc.master.password, 'carol', { mechanism: 'LOGIN', masterSeparator: '*' });
    expect((await viaLogin.listScripts()).map((s) => s.name)).toContain('carol-marker');
    await viaLogin.logout();
  });

  test('LOGIN works as the fallback mechanism for a user', async () => {
    const c = await ManageSieveClient.connect(opts());
    await c.authenticate('dave', 'davepw', undefined, { mechanism: 'LOGIN' });
    expect(await c.listScripts()).toEqual([]);
    await c.logout();
  });

  test('every command works, with scripts carried as literals both ways', async () => {
    const c = await loggedIn('alice');
    expect(await c.checkScript(SCRIPT)).toBeNull();
    expect(await c.putScript('main rules', SCRIPT)).toBeNull();
    expect(await c.getScript('main rules')).toBe(SCRIPT);
    await c.setActive('main rules');
    expect(await c.listScripts()).toEqual([{ name: 'main rules', active: true }]);
    await c.haveSpace('other', 1000);
    expect(await c.noop('tag "42"')).toBe('tag "42"');
    await c.renameScript('main rules', 'renamed');
    expect(await c.listScripts()).toEqual([{ name: 'renamed', active: true }]);
    await c.putScript('spare', 'keep;\r\n');
    expect((await rejection(c.renameScript('spare', 'renamed'))).responseCode).toBe('ALREADYEXISTS');
    expect((await rejection(c.deleteScript('renamed'))).responseCode).toBe('ACTIVE');
    expect((await rejection(c.setActive('missing'))).responseCode).toBe('NONEXISTENT');
    expect((await rejection(c.getScript('missing'))).responseCode).toBe('NONEXISTENT');
    await c.setActive('');
    await c.deleteScript('renamed');
    await c.deleteScript('spare');
    expect(await c.listScripts()).toEqual([]);
    await c.logout();
  });

  test('commands pipelined without awaiting are answered in order', async () => {
    const c = await loggedIn('bob');
    const results = await Promise.allSettled([
      c.putScript('p1', 'keep;\r\n'),
      c.setActive('p1'),
      c.deleteScript('p1'),
      c.listScripts(),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ responseCode: 'ACTIVE' });
    expect((results[3] as PromiseFulfilledResult<unknown>).value).toEqual([{ name: 'p1', active: true }]);
    await c.setActive('');
    await c.deleteScript('p1');
    await c.logout();
  });

  test('a script error keeps the server text and its line number', async () => {
    const c = await loggedIn('alice');
    const err = await rejection(c.checkScript('require ["fileinto"];\r\nif foo :bar { keep; }\r\n'));
    expect(err).toMatchObject({ kind: 'response', command: 'CHECKSCRIPT', line: 2 });
    expect(err.serverText).toMatch(/line 2: error: unknown test 'foo'/);
    const put = await rejection(c.putScript('broken', 'fileinto "A";\r\n'));
    expect(put.line).toBe(1);
    expect(put.serverText).toMatch(/unknown command 'fileinto'/);
    expect((await c.listScripts()).map((s) => s.name)).not.toContain('broken');
    await c.logout();
  });

  test('a warning from the server is returned, not thrown', async () => {
    const c = await loggedIn('bob');
    const warning = await c.putScript('incl', 'require "include";\r\ninclude :personal "lib";\r\n');
    expect(warning).toMatch(/included personal script 'lib' does not exist/);
    await c.deleteScript('incl');
    await c.logout();
  });

  test('exceeding the quota is a typed QUOTA error and stores nothing', async () => {
    const c = await loggedIn('carol');
    const big = `# ${'x'.repeat(50 * 1024)}\r\nkeep;\r\n`;
    const space = await rejection(c.haveSpace('big', Buffer.byteLength(big)));
    expect(space.responseCode).toMatch(/^QUOTA/);
    const put = await rejection(c.putScript('big', big));
    expect(put.responseCode).toMatch(/^QUOTA/);
    expect(put.transient).toBe(false);
    expect((await c.listScripts()).map((s) => s.name)).not.toContain('big');
    await c.logout();
  });

  test('a command after the server is gone fails as a closed connection', async () => {
    const c = await loggedIn('dave');
    c.close();
    const err = await rejection(c.listScripts());
    expect(err.kind).toBe('closed');
  });
});
