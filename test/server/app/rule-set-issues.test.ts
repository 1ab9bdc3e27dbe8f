// A rule set the request schema refuses is answered in the user's words:
// the rule by its place in the list (as the rules screen numbers it), the
// field, and what is wrong, whichever branch of the schema's unions the
// problem sits in.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emptyRuleSet, type Rule, type RuleItem } from '../../../grammar/model.js';
import { addUser, Client, startApp } from './harness.js';

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

const rule = (name: string, extra: Partial<Rule> = {}): Rule => ({
  name,
  enabled: true,
  combine: 'all',
  conditions: [{ kind: 'subject', test: { match: 'contains', values: [name] } }],
  actions: [{ kind: 'fileinto', folder: 'Lists' }],
  ...extra,
});

/** Seven good rules, then `bad` as rule 8. */
async function refusal(bad: unknown, path = '/api/rules', extra: object = {}): Promise<{ status: number; message: string }> {
  const rules = [...Array.from({ length: 7 }, (_, i) => rule(`Rule ${i + 1}`)), bad] as RuleItem[];
  const res = await alice.request(path === '/api/rules' ? 'PUT' : 'POST', path, { ruleSet: { ...emptyRuleSet(), rules, ...extra } });
  const error = res.json().error;
  // The words are the first issue's, which names the field by its path too.
  if (error) expect(error.details.issues[0].message).toBe(error.message);
  return { status: res.statusCode, message: error?.message };
}

describe('rule-set request errors in the user\'s words', () => {
  test.each([
    ['a name over 200 characters', rule('x'.repeat(201)), 'Rule 8: the name is longer than 200 characters.'],
    ['a missing on/off switch', (({ enabled: _e, ...r }) => r)(rule('Partial')), 'Rule 8 (“Partial”): the on/off switch is missing.'],
    [
      'an overlong value in a subject condition',
      rule('Long value', { conditions: [{ kind: 'subject', test: { match: 'contains', values: ['ok', 'v'.repeat(65_537)] } }] }),
      'Rule 8 (“Long value”): condition 1, value 2 is longer than 65536 characters.',
    ],
    [
      'a folder that is not text, in the second action',
      rule('Folder', { actions: [{ kind: 'keep' }, { kind: 'fileinto', folder: { name: 'Lists' } as unknown as string }] }),
      'Rule 8 (“Folder”): action 2, the folder must be text.',
    ],
    [
      'an auto-reply message over the limit',
      rule('Away', { actions: [{ kind: 'vacation', vacation: { message: 'm'.repeat(65_537) } }] }),
      'Rule 8 (“Away”): action 1, the reply message is longer than 65536 characters.',
    ],
    ['an action the rules do not have', rule('Pipe', { actions: [{ kind: 'pipe' } as unknown as Rule['actions'][number]] }), 'Rule 8 (“Pipe”): action 1 is not one of the choices the server knows.'],
  ])('%s', async (_what, bad, message) => {
    const before = (await alice.get('/api/rules')).json().version;
    expect(await refusal(bad)).toEqual({ status: 400, message });
    expect((await alice.get('/api/rules')).json().version).toBe(before);
  });

  test('the first issue carries the path of the field the words name', async () => {
    const res = await alice.put('/api/rules', { ruleSet: { ...emptyRuleSet(), rules: [rule('A'), rule('x'.repeat(201))] } });
    expect(res.json().error.details.issues[0]).toEqual({ path: '/ruleSet/rules/1/name', message: 'Rule 2: the name is longer than 200 characters.' });
  });

  test('the preview answers the same words, so it never breaks on a message the user cannot place', async () => {
    expect(await refusal(rule('x'.repeat(300)), '/api/rules/preview')).toEqual({ status: 400, message: 'Rule 8: the name is longer than 200 characters.' });
  });

  test('a raw block and the settings are named too', async () => {
    const raw = { kind: 'raw', name: 'Old', sieve: 'keep;', requires: ['x'.repeat(201)], enabled: true };
    expect(await refusal(raw)).toEqual({ status: 400, message: 'Sieve block 8 (“Old”): extension 1 is longer than 200 characters.' });
    const settings = { settings: { junkFolder: 'Junk', threshold: 'high' } };
    expect(await refusal(rule('Fine'), '/api/rules', settings)).toEqual({ status: 400, message: 'Spam settings: the spam score threshold must be a number.' });
  });
});
