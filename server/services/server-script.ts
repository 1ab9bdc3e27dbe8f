// The first-login offer: a user may already have an active Sieve script that
// sievewright did not write (hand-written, Roundcube, ...). It is fetched and
// imported so the user can adopt it; nothing is saved until they do.
import { readFileSync, readlinkSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { importSieve } from '../../grammar/import/sieve.js';
import { readSecret } from '../config/load.js';
import { isOwnScript } from '../deploy/activation.js';
import { ManageSieveClient } from '../managesieve/client.js';
import type { AppContext } from './context.js';
import { tlsOptions } from './mail-endpoint.js';

export type ServerScript = { found: false } | ({ found: true; name: string } & ReturnType<typeof importSieve>);

async function activeOverManageSieve(ctx: AppContext, username: string): Promise<{ name: string; text: string } | null> {
  const { managesieve: ep, masterUser } = ctx.config.mail;
  if (!ep || !masterUser) return null;
  const client = await ManageSieveClient.connect({ host: ep.host, port: ep.port, tls: ep.tls, timeoutMs: ep.timeoutMs, ...tlsOptions(ep) });
  try {
    await client.authenticate(masterUser.username, readSecret(masterUser.passwordFile), username);
    const active = (await client.listScripts()).find((s) => s.active && !isOwnScript(ctx.config.deploy.scriptName, s.name));
    return active ? { name: active.name, text: await client.getScript(active.name) } : null;
  } finally {
    await client.logout();
  }
}

function activeInDirectory(ctx: AppContext, username: string): { name: string; text: string } | null {
  const d = ctx.config.deploy.directory;
  const home = resolve(d.home.replaceAll('%u', username));
  const link = join(home, d.activeLink);
  let target: string;
  try {
    target = readlinkSync(link);
  } catch {
    return null;
  }
  const name = basename(target).replace(/\.sieve$/, '');
  if (isOwnScript(ctx.config.deploy.scriptName, name)) return null;
  return { name, text: readFileSync(resolve(home, target), 'utf8') };
}

export async function serverScript(ctx: AppContext, username: string): Promise<ServerScript> {
  const found = ctx.config.deploy.target === 'managesieve' ? await activeOverManageSieve(ctx, username) : activeInDirectory(ctx, username);
  if (!found) return { found: false };
  const { importSieve: run } = await import('../../grammar/import/sieve.js');
  return { found: true, name: found.name, ...run(found.text) };
}
