// "Deployed" means the mail server's compiler accepted the script, end to
// end through the app with the directory target and the real sievec: rules
// our compiler accepts but the server refuses (a raw block using an
// extension the server's Dovecot config lacks) end as "rejected", naming the
// rule, for the user and in the admin's user list, while the previous script
// stays active; with no compiler the status says "written, not verified".
import type { FastifyInstance } from 'fastify';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emptyRuleSet, type RuleItem, type RuleSet } from '../../../grammar/model.js';
import { ADMIN, addUser, Client, startApp, tempDir } from './harness.js';

const invoices: RuleItem = {
  name: 'Invoices',
  enabled: true,
  combine: 'all',
  conditions: [{ kind: 'subject', test: { match: 'contains', values: ['invoice'] } }],
  actions: [{ kind: 'fileinto', folder: 'Invoices' }],
};
/** editheader is in the default capability list, so our compiler accepts it; the server below lacks it. */
const tagLists: RuleItem = { kind: 'raw', name: 'Tag lists', sieve: 'addheader "X-Tagged" "yes";', requires: ['editheader'], enabled: true };
const rules = (...items: RuleItem[]): RuleSet => ({ ...emptyRuleSet(), rules: items });

async function settled(app: FastifyInstance, client: Client): Promise<Record<string, unknown>> {
  await app.ctx.worker!.drain();
  return (await client.get('/api/deploy/status')).json();
}

describe('a server whose sievec lacks an extension the rules use', () => {
  let app: FastifyInstance;
  let dir: string;

  beforeAll(async () => {
    dir = tempDir();
    const plainConf = join(dir, 'plain-dovecot.conf');
    await writeFile(plainConf, '# Pigeonhole defaults: no editheader\n');
    ({ app } = await startApp({ dir, env: { SIEVEWRIGHT_DEPLOY__VERIFY__CONFIG: plainConf } }));
    await addUser(app, 'alice', 'alice-pw');
    await addUser(app, ADMIN, 'root-pw');
  });
  afterAll(async () => {
    await app?.close();
  });

  test('the refused version is "rejected" with the rule and line, the accepted one stays active, and the admin sees the same', async () => {
    const alice = await Client.login(app, 'alice', 'alice-pw');
    expect((await alice.put('/api/rules', { ruleSet: rules(invoices) })).statusCode).toBe(200);
    expect(await settled(app, alice)).toMatchObject({ state: 'deployed', deployedVersion: 1, unverifiedReason: null });
    const script = join(dir, 'mail', 'alice', 'sieve', 'sievewright.sieve');
    const live = await readFile(script, 'utf8');

    expect((await alice.put('/api/rules', { ruleSet: rules(invoices, tagLists) })).statusCode).toBe(200);
    const preview = (await alice.post('/api/rules/preview', { ruleSet: rules(invoices, tagLists) })).json<{ sieve: string }>();
    const addheaderLine = preview.sieve.split('\n').indexOf('addheader "X-Tagged" "yes";') + 1;
    const status = await settled(app, alice);
    expect(status).toMatchObject({
      state: 'rejected',
      deployedVersion: 1,
      pendingVersion: null,
      errorCode: 'rejected',
      errorRule: 'Tag lists',
      errorLine: addheaderLine,
      error: expect.stringMatching(/unknown command 'addheader'/),
    });
    expect(await readFile(script, 'utf8')).toBe(live);

    const root = await Client.login(app, ADMIN, 'root-pw');
    const { users } = (await root.get('/api/admin/users')).json<{ users: Array<{ username: string; status: unknown }> }>();
    expect(users.find((u) => u.username === 'alice')?.status).toEqual(status);
  });
});

describe('a server with no Sieve compiler configured', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    ({ app } = await startApp({ env: { SIEVEWRIGHT_DEPLOY__VERIFY__SIEVEC: '' } }));
    await addUser(app, 'bob', 'bob-pw');
  });
  afterAll(async () => {
    await app?.close();
  });

  test('a deploy reads "unverified" with the reason, never "deployed"', async () => {
    const bob = await Client.login(app, 'bob', 'bob-pw');
    expect((await bob.put('/api/rules', { ruleSet: rules(invoices) })).statusCode).toBe(200);
    expect(await settled(app, bob)).toMatchObject({
      state: 'unverified',
      deployedVersion: 1,
      error: null,
      unverifiedReason: expect.stringMatching(/no Sieve compiler is configured/),
    });
  });
});
