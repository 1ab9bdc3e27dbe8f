// GET /api/import/server-script reads the user's active script through the
// `.dovecot.sieve` link, which the user controls: a link (or a chain of
// links, or a directory link on the way) that leaves the user's mail home
// is never followed, so no other user's script or system file is shown.
import type { FastifyInstance } from 'fastify';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { addUser, Client, startApp } from './harness.js';

const OWN = 'require ["fileinto"];\nif header :contains "subject" "alice-own" { fileinto "Own"; }\n';
const SECRET = 'require ["fileinto"];\nif header :contains "subject" "not-for-alice" { fileinto "Secret"; }\n';

let app: FastifyInstance;
let dir: string;
let alice: Client;

const home = (user: string) => join(dir, 'mail', user);
const activeLink = () => join(home('alice'), '.dovecot.sieve');

beforeAll(async () => {
  ({ app, dir } = await startApp({ worker: false }));
  await addUser(app, 'alice', 'alice-pw');
  alice = await Client.login(app, 'alice', 'alice-pw');
  // Another user's script and a file outside every mail home.
  await mkdir(join(home('bob'), 'sieve'), { recursive: true });
  await writeFile(join(home('bob'), 'sieve', 'private.sieve'), SECRET);
  await mkdir(join(dir, 'outside'), { recursive: true });
  await writeFile(join(dir, 'outside', 'system.sieve'), SECRET);
});

afterAll(async () => {
  await app?.close();
});

beforeEach(async () => {
  await rm(home('alice'), { recursive: true, force: true });
  await mkdir(join(home('alice'), 'sieve'), { recursive: true });
});

async function offer(): Promise<{ found: boolean; name?: string; ruleSet?: unknown }> {
  const res = await alice.get('/api/import/server-script');
  expect(res.statusCode).toBe(200);
  expect(res.body).not.toContain('not-for-alice');
  return res.json();
}

describe('the active-script link stays inside the mail home', () => {
  test('a script in the home, reached through a chain of links inside it, is offered', async () => {
    await writeFile(join(home('alice'), 'sieve', 'real.sieve'), OWN);
    await symlink('real.sieve', join(home('alice'), 'sieve', 'roundcube.sieve'));
    await symlink('sieve/roundcube.sieve', activeLink());
    const res = await offer();
    expect(res).toMatchObject({ found: true, name: 'roundcube' });
    expect(JSON.stringify(res.ruleSet)).toContain('alice-own');
  });

  test('a link to another user\'s script is not followed', async () => {
    await symlink(join(home('bob'), 'sieve', 'private.sieve'), activeLink());
    expect(await offer()).toEqual({ found: false });
  });

  test('a relative link climbing out of the home is not followed', async () => {
    await symlink('../../outside/system.sieve', activeLink());
    expect(await offer()).toEqual({ found: false });
  });

  test('a chain whose second link leaves the home is not followed', async () => {
    await symlink(join(dir, 'outside', 'system.sieve'), join(home('alice'), 'sieve', 'hop.sieve'));
    await symlink('sieve/hop.sieve', activeLink());
    expect(await offer()).toEqual({ found: false });
  });

  test('a chain that leaves the home and comes back in is not followed either', async () => {
    await writeFile(join(home('alice'), 'sieve', 'real.sieve'), OWN);
    await symlink(join(home('alice'), 'sieve', 'real.sieve'), join(dir, 'outside', 'back-in.sieve'));
    await symlink(join(dir, 'outside', 'back-in.sieve'), activeLink());
    expect(await offer()).toEqual({ found: false });
  });

  test('a directory link on the way out of the home is not followed', async () => {
    await symlink(join(dir, 'outside'), join(home('alice'), 'scripts'));
    await symlink('scripts/system.sieve', activeLink());
    expect(await offer()).toEqual({ found: false });
  });

  test('a dangling link and a link loop are no script (not a server error)', async () => {
    await symlink('sieve/missing.sieve', activeLink());
    expect(await offer()).toEqual({ found: false });
    await rm(activeLink());
    await symlink('b.sieve', join(home('alice'), 'sieve', 'a.sieve'));
    await symlink('a.sieve', join(home('alice'), 'sieve', 'b.sieve'));
    await symlink('sieve/a.sieve', activeLink());
    expect(await offer()).toEqual({ found: false });
  });
});
