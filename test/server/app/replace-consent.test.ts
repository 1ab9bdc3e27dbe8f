// A user's own consent to replace their foreign active Sieve script, through
// the app with the directory target (the embedded default) in a temp mail
// home: the route is the user's alone, needs the CSRF token, is audited, and
// the deploy it queues deactivates exactly the named script, never deleting it.
import type { FastifyInstance } from 'fastify';
import { mkdir, readFile, readlink, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emptyRuleSet, type RuleSet } from '../../../grammar/model.js';
import { addUser, Client, startApp } from './harness.js';

const ROUTE = '/api/import/server-script/replace';
const ROUNDCUBE = 'require ["fileinto"];\nif header :contains "List-Id" "dev.example.org" { fileinto "Dev"; }\n';

let app: FastifyInstance;
let dir: string;

const home = (user: string) => join(dir, 'mail', user);

/** Makes `sieve/NAME.sieve` the user's active script, as Roundcube leaves it. */
async function activateForeign(user: string, name: string, text = ROUNDCUBE): Promise<void> {
  await mkdir(join(home(user), 'sieve'), { recursive: true });
  await writeFile(join(home(user), 'sieve', `${name}.sieve`), text);
  await unlink(join(home(user), '.dovecot.sieve')).catch(() => undefined);
  await symlink(`sieve/${name}.sieve`, join(home(user), '.dovecot.sieve'));
}

function rules(subject: string): RuleSet {
  return {
    ...emptyRuleSet(),
    rules: [{ name: subject, enabled: true, combine: 'all', conditions: [{ kind: 'subject', test: { match: 'contains', values: [subject] } }], actions: [{ kind: 'fileinto', folder: subject }] }],
  };
}

async function settled(client: Client): Promise<{ state: string; errorCode: string | null; error: string | null }> {
  await app.ctx.worker!.drain();
  return (await client.get('/api/deploy/status')).json();
}

beforeAll(async () => {
  ({ app, dir } = await startApp());
  for (const u of ['alice', 'bob', 'carol']) await addUser(app, u, `${u}-pw`);
});

afterAll(async () => {
  await app?.close();
});

describe('POST /api/import/server-script/replace', () => {
  test('needs a session and the CSRF token', async () => {
    const anonymous = await Client.anonymous(app).post(ROUTE, { name: 'roundcube' });
    expect(anonymous.statusCode).toBe(401);
    const alice = await Client.login(app, 'alice', 'alice-pw');
    const noToken = await alice.request('POST', ROUTE, { name: 'roundcube' }, { 'x-csrf-token': '' });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe('csrf');
    expect(app.ctx.users.replaceConsent('alice')).toBeNull();
  });

  test("stores the consent for the caller only, audits it, and a body naming another user is refused", async () => {
    const bob = await Client.login(app, 'bob', 'bob-pw');
    const res = await bob.post(ROUTE, { name: 'roundcube' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ username: 'bob', state: 'pending' });
    expect(app.ctx.users.replaceConsent('bob')).toBe('roundcube');
    expect(app.ctx.users.replaceConsent('alice')).toBeNull();
    expect(app.ctx.audit.list({ target: 'bob' })[0]).toMatchObject({ actor: 'bob', action: 'deploy.replace-consent', details: { script: 'roundcube' } });
    const sneaky = await bob.post(ROUTE, { name: 'mine', username: 'alice' });
    expect(sneaky.statusCode).toBe(400);
    expect(app.ctx.users.replaceConsent('alice')).toBeNull();
  });

  test.each([
    ['an empty name', '', 400],
    ['a name with a line break', 'a\nb', 400],
    ["sievewright's own script", 'sievewright', 422],
  ])('refuses %s', async (_label, name, status) => {
    const bob = await Client.login(app, 'bob', 'bob-pw');
    expect((await bob.post(ROUTE, { name })).statusCode).toBe(status);
    expect(app.ctx.users.replaceConsent('bob')).toBe('roundcube');
  });
});

describe('the directory target with a foreign active script', () => {
  test('deploys report foreign-active and point at the offer until the user consents to replacing exactly that script; it is then kept, inactive', async () => {
    await activateForeign('carol', 'roundcube');
    const carol = await Client.login(app, 'carol', 'carol-pw');
    expect((await carol.put('/api/rules', { ruleSet: rules('Invoices') })).statusCode).toBe(200);
    const refused = await settled(carol);
    expect(refused).toMatchObject({ state: 'failed', errorCode: 'foreign_active' });
    expect(refused.error).toMatch(/'roundcube'.*replace it from the offer/);
    expect((await carol.get('/api/import/server-script')).json()).toMatchObject({ found: true, name: 'roundcube' });

    // A consent for another script does not displace this one.
    expect((await carol.post(ROUTE, { name: 'vacation' })).statusCode).toBe(202);
    expect(await settled(carol)).toMatchObject({ state: 'failed', errorCode: 'foreign_active' });
    expect(await readlink(join(home('carol'), '.dovecot.sieve'))).toBe('sieve/roundcube.sieve');

    expect((await carol.post(ROUTE, { name: 'roundcube' })).statusCode).toBe(202);
    expect(await settled(carol)).toMatchObject({ state: 'deployed', errorCode: null });
    expect(await readlink(join(home('carol'), '.dovecot.sieve'))).toBe('sieve/sievewright.sieve');
    expect(await readFile(join(home('carol'), 'sieve/sievewright.sieve'), 'utf8')).toContain('Invoices');
    expect(await readFile(join(home('carol'), 'sieve/roundcube.sieve'), 'utf8')).toBe(ROUNDCUBE);
    expect((await carol.get('/api/import/server-script')).json()).toEqual({ found: false });

    // A different script activated later is not covered by the consent for "roundcube".
    await activateForeign('carol', 'vacation', 'keep;\n');
    expect((await carol.put('/api/rules', { ruleSet: rules('Receipts') })).statusCode).toBe(200);
    expect(await settled(carol)).toMatchObject({ state: 'failed', errorCode: 'foreign_active' });
    expect(await readlink(join(home('carol'), '.dovecot.sieve'))).toBe('sieve/vacation.sieve');
  });
});
