// The built-in spam filter through the API: on for a new user, turned off
// and on again as part of the rules (model or text), refused when the
// setting is not a boolean, and compiled with the site's spam header.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emptyRuleSet } from '../../../grammar/model.js';
import { loadConfig } from '../../../server/config/load.js';
import { addUser, Client, startApp } from './harness.js';

const STEP = '# sievewright:spam';

describe('spam filter over the API', () => {
  let app: FastifyInstance;
  let alice: Client;

  beforeAll(async () => {
    ({ app } = await startApp());
    await addUser(app, 'alice', 'alice-pw');
    alice = await Client.login(app, 'alice', 'alice-pw');
  });
  afterAll(async () => {
    await app.close();
  });

  test('a new user\'s effective script files spam into Junk with no rules at all', async () => {
    const body = (await alice.post('/api/rules/preview', { ruleSet: emptyRuleSet() })).json();
    expect(body.sieve).toContain(STEP);
    expect(body.sieve).toContain('header :regex "X-Spam-Status"');
    expect(body.sieve).toContain('fileinto "Junk";');
  });

  test('turning it off is saved with the rules, shown in the text form, and removes the step', async () => {
    const off = { ...emptyRuleSet(), settings: { ...emptyRuleSet().settings, spamFilter: false } };
    const saved = await alice.put('/api/rules', { ruleSet: off });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().ruleSet.settings.spamFilter).toBe(false);
    expect((await alice.get('/api/rules/text')).body).toContain('  spam filter off\n');
    expect((await alice.post('/api/rules/preview', { ruleSet: off })).json().sieve).not.toContain(STEP);

    const version = saved.json().version as number;
    const on = await alice.put('/api/rules', { text: 'settings {\n  spam filter on\n}\n', baseVersion: version });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json().ruleSet.settings.spamFilter).toBe(true);
  });

  test('a setting that is not a boolean is a 400 with the stable error code, and nothing is saved', async () => {
    const before = (await alice.get('/api/rules')).json().version;
    const bad = { ...emptyRuleSet(), settings: { ...emptyRuleSet().settings, spamFilter: 'off' } };
    const res = await alice.put('/api/rules', { ruleSet: bad });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
    expect((await alice.get('/api/rules')).json().version).toBe(before);
  });
});

describe('the site\'s spam header (deploy.spamHeader)', () => {
  test('the compiled script reads the configured header', async () => {
    const { app } = await startApp({ env: { SIEVEWRIGHT_DEPLOY__SPAM_HEADER: 'X-Local-Spam-Status' } });
    try {
      await addUser(app, 'bob', 'bob-pw');
      const bob = await Client.login(app, 'bob', 'bob-pw');
      const sieve = (await bob.post('/api/rules/preview', { ruleSet: emptyRuleSet() })).json().sieve as string;
      expect(sieve).toContain('header :regex "X-Local-Spam-Status"');
      expect(sieve).not.toContain('"X-Spam-Status"');
    } finally {
      await app.close();
    }
  });

  test('a header name with a colon or a space is refused when the config is loaded', () => {
    for (const bad of ['X-Spam: Status', 'X Spam', '']) {
      expect(() => loadConfig({ env: { SIEVEWRIGHT_DEPLOY__SPAM_HEADER: bad } }), bad).toThrow(/SPAM_HEADER/);
    }
  });
});
