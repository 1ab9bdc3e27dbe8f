// The first-login offer: a user may already have an active Sieve script that
// sievewright did not write (hand-written, Roundcube, ...). It is fetched and
// imported so the user can adopt it; nothing is saved until they do. The
// user may then agree that sievewright replaces that script: the consent
// names it, and the deploy deactivates it (never deletes it) only while that
// very script is the active one.
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { importSieve } from '../../grammar/import/sieve.js';
import { isOwnScript } from '../deploy/activation.js';
import { activeScriptIn } from '../deploy/directory-target.js';
import { userPaths } from '../deploy/mail-home.js';
import type { DeployStatus } from '../deploy/outbox.js';
import { authenticateMaster, connectManageSieve } from '../mail/managesieve.js';
import { masterFromConfig } from '../mail/master-login.js';
import type { AppContext } from './context.js';
import { AppError } from './errors.js';
import { queueDeploy } from './rules-service.js';
import { isInside } from './user-directory.js';

export type ServerScript = { found: false } | ({ found: true; name: string } & ReturnType<typeof importSieve>);

async function activeOverManageSieve(ctx: AppContext, username: string): Promise<{ name: string; text: string } | null> {
  const ep = ctx.config.mail.managesieve;
  const master = ep ? masterFromConfig(ctx.config.mail) : null;
  if (!ep || !master) return null;
  const client = await connectManageSieve(ep);
  try {
    await authenticateMaster(client, master, username);
    const active = (await client.listScripts()).find((s) => s.active && !isOwnScript(ctx.config.deploy.scriptName, s.name));
    return active ? { name: active.name, text: await client.getScript(active.name) } : null;
  } finally {
    await client.logout();
  }
}

/** As the kernel's own limit on links in one lookup. */
const MAX_LINK_HOPS = 40;

/**
 * The regular file `path` names, following links one hop at a time; null when
 * any hop (or a directory link on the way) leaves `home`, or it is missing or
 * not a regular file. The active-script link is the user's to set, so it must
 * never let the server read another user's script or a root-only file.
 */
async function fileInsideHome(home: string, path: string): Promise<string | null> {
  try {
    const root = await fs.realpath(home);
    let next = path;
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      const here = join(await fs.realpath(dirname(next)), basename(next));
      if (!isInside(root, here)) return null;
      const st = await fs.lstat(here);
      if (!st.isSymbolicLink()) return st.isFile() ? here : null;
      next = resolve(dirname(here), await fs.readlink(here));
    }
    return null;
  } catch (err) {
    if (['ENOENT', 'ENOTDIR', 'ELOOP', 'EACCES'].includes((err as NodeJS.ErrnoException).code ?? '')) return null;
    throw err;
  }
}

/** Reads `file` only if it is still not a link when opened. */
async function readNoFollow(file: string): Promise<string> {
  const handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Named as the directory target names it, so a consent given for this name is the one it honours. */
async function activeInDirectory(ctx: AppContext, username: string): Promise<{ name: string; text: string } | null> {
  const paths = userPaths(ctx.config.deploy.directory, username);
  const active = await activeScriptIn(paths, join(paths.sieveDir, `${ctx.config.deploy.scriptName}.sieve`));
  if (active.kind !== 'foreign') return null;
  const file = await fileInsideHome(paths.home, paths.activeLink);
  return file ? { name: active.name, text: await readNoFollow(file) } : null;
}

export async function serverScript(ctx: AppContext, username: string): Promise<ServerScript> {
  const found = ctx.config.deploy.target === 'managesieve' ? await activeOverManageSieve(ctx, username) : await activeInDirectory(ctx, username);
  if (!found) return { found: false };
  const { importSieve: run } = await import('../../grammar/import/sieve.js');
  return { found: true, name: found.name, ...run(found.text) };
}

/** The user agrees that sievewright's script replaces their foreign script `name`; a deploy is queued at once. */
export function consentToReplace(ctx: AppContext, username: string, name: string): DeployStatus {
  if (isOwnScript(ctx.config.deploy.scriptName, name)) {
    throw new AppError(422, 'invalid_request', `'${name}' is sievewright's own script; there is nothing to replace`);
  }
  ctx.users.ensure(username);
  ctx.users.setReplaceConsent(username, name);
  ctx.audit.append({ actor: username, action: 'deploy.replace-consent', target: username, details: { script: name } });
  queueDeploy(ctx, username);
  return ctx.outbox.status(username);
}
