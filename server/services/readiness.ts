// /readyz: is the service able to do its job right now? A port that answers
// is not enough (a mail server can accept connections and still fail every
// login), so with a mail server configured this logs in over IMAP and
// ManageSieve as the canary user, lists folders and scripts, and reports the
// days left on the servers' TLS certificates. Embedded mode checks the
// database and the directory deploy target.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readSecret } from '../config/load.js';
import type { Config, EndpointConfig } from '../config/schema.js';
import { appliedMigrationCount, type Db } from '../store/db.js';
import { withImapLogin } from '../mail/imap-login.js';
import { connectManageSieve } from '../mail/managesieve.js';
import { probeCertificate, type CertificateInfo } from '../mail/tls-probe.js';

export interface Check {
  name: string;
  ok: boolean;
  ms: number;
  detail: string;
  certificate?: CertificateInfo | null;
}

export interface Readiness {
  ready: boolean;
  checks: Check[];
}

async function timed(name: string, fn: () => Promise<Omit<Check, 'name' | 'ms'>>): Promise<Check> {
  const t0 = performance.now();
  try {
    return { name, ...(await fn()), ms: Math.round(performance.now() - t0) };
  } catch (err) {
    return { name, ok: false, detail: (err as Error).message, ms: Math.round(performance.now() - t0) };
  }
}

async function certificate(ep: EndpointConfig, protocol: 'imap' | 'managesieve'): Promise<CertificateInfo | null | undefined> {
  // A certificate we cannot read is reported, not fatal: the login check decides readiness.
  return probeCertificate(ep, protocol).catch(() => undefined);
}

function checkDb(db: Db): Promise<Check> {
  return timed('database', async () => {
    const n = appliedMigrationCount(db);
    return { ok: n > 0, detail: `${n} migrations applied` };
  });
}

function checkDirectoryTarget(config: Config): Promise<Check> {
  return timed('directory target', async () => {
    const root = resolve(dirname(config.deploy.directory.home.replace(/%u.*$/, 'x')));
    mkdirSync(root, { recursive: true });
    accessSync(root, constants.W_OK);
    return { ok: true, detail: `${root} is writable` };
  });
}

function checkImap(ep: EndpointConfig, user: string, pass: string): Promise<Check> {
  return timed('imap', async () => {
    const folders = await withImapLogin(ep, { user, pass }, async (c) => (await c.list()).length);
    const cert = await certificate(ep, 'imap');
    if (folders === false) return { ok: false, detail: `login as ${user} refused although the server answers`, certificate: cert };
    return { ok: true, detail: `logged in as ${user}, ${folders} folders`, certificate: cert };
  });
}

function checkManageSieve(ep: EndpointConfig, user: string, pass: string): Promise<Check> {
  return timed('managesieve', async () => {
    const client = await connectManageSieve(ep);
    try {
      await client.authenticate(user, pass);
      const scripts = await client.listScripts();
      return { ok: true, detail: `logged in as ${user}, ${scripts.length} scripts`, certificate: await certificate(ep, 'managesieve') };
    } finally {
      await client.logout();
    }
  });
}

export async function readiness(config: Config, db: Db): Promise<Readiness> {
  const checks: Array<Promise<Check>> = [checkDb(db)];
  const { imap, managesieve, canaryUser } = config.mail;
  if (config.deploy.target === 'directory') checks.push(checkDirectoryTarget(config));
  if (imap || managesieve) {
    if (!canaryUser) {
      checks.push(Promise.resolve({ name: 'canary', ok: false, ms: 0, detail: 'mail.canaryUser is not configured: a real login is needed to know the mail server works' }));
    } else {
      const pass = readSecret(canaryUser.passwordFile);
      if (imap) checks.push(checkImap(imap, canaryUser.username, pass));
      if (managesieve) checks.push(checkManageSieve(managesieve, canaryUser.username, pass));
    }
  }
  const done = await Promise.all(checks);
  return { ready: done.every((c) => c.ok), checks: done };
}
