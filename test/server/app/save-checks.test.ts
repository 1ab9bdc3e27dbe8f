// What the API refuses on save and reports on preview, against a server
// configured the way a real one may be: a smaller sieve_max_script_size and a
// capability list without "vacation". Every refusal is a 422 with
// diagnostics that name the rule, and nothing is saved or deployed.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emptyRuleSet, type RawBlock, type Rule, type RuleSet } from '../../../grammar/model.js';
import { addUser, Client, startApp, tempDir, testConfig } from './harness.js';

const MAX = 8 * 1024;

let app: FastifyInstance;
let alice: Client;

beforeAll(async () => {
  ({ app } = await startApp({
    env: {
      SIEVEWRIGHT_DEPLOY__MAX_SCRIPT_SIZE: String(MAX),
      SIEVEWRIGHT_DEPLOY__CAPABILITIES: 'fileinto,envelope,regex,variables,imap4flags,copy,body,vnd.dovecot.debug',
    },
  }));
  await addUser(app, 'alice', 'alice-pw');
  alice = await Client.login(app, 'alice', 'alice-pw');
});

afterAll(async () => {
  await app.close();
});

const rule = (name: string, values = [name]): Rule => ({
  name,
  enabled: true,
  combine: 'all',
  conditions: [{ kind: 'subject', test: { match: 'contains', values } }],
  actions: [{ kind: 'fileinto', folder: 'Junk' }],
});
const raw = (name: string, sieve: string, requires: string[] = []): RawBlock => ({ kind: 'raw', name, sieve, requires, enabled: true });
const set = (...rules: RuleSet['rules']): RuleSet => ({ ...emptyRuleSet(), rules });

interface Refusal {
  code: string;
  diagnostics: Array<{ code: string; severity: string; message: string }>;
}

async function refused(ruleSet: RuleSet): Promise<Refusal> {
  const before = (await alice.get('/api/rules')).json().version as number;
  const res = await alice.put('/api/rules', { ruleSet });
  expect(res.statusCode).toBe(422);
  expect((await alice.get('/api/rules')).json().version).toBe(before);
  const { error } = res.json() as { error: { code: string; details: { diagnostics: Refusal['diagnostics'] } } };
  return { code: error.code, diagnostics: error.details.diagnostics };
}

describe('saving refuses what the server would refuse', () => {
  test('the config key defaults to Pigeonhole\'s 1 MiB', () => {
    expect(testConfig(tempDir()).deploy.maxScriptSize).toBe(1024 * 1024);
  });

  test('a raw block with an unclosed "{" is refused with the line and column inside the block', async () => {
    const r = await refused(set(rule('First'), raw('Hand-written', 'if header :contains "subject" "x" {\n  discard;\n')));
    expect(r.code).toBe('invalid_rules');
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'syntax', severity: 'error', message: 'raw block "Hand-written", line 3, column 1: a "{" is never closed: the text ends before its "}"' }),
    ]);
  });

  test('a raw block needing an extension the server lacks is refused, naming the block', async () => {
    const r = await refused(set(raw('Away', 'vacation "I am away";', ['vacation'])));
    expect(r.diagnostics.map((d) => d.message)).toEqual(['raw block "Away": needs the Sieve extension "vacation", which the server does not offer']);
  });

  test('an extension only the configured list has (not the default one) is accepted', async () => {
    const res = await alice.put('/api/rules', { ruleSet: set(raw('Debug', 'debug_log "seen";', ['vnd.dovecot.debug'])) });
    expect(res.statusCode).toBe(200);
  });

  test('a rule set whose script exceeds the configured size is refused, naming the largest rules', async () => {
    const r = await refused(set(rule('Small', ['z'.repeat(500)]), rule('Huge', ['x'.repeat(MAX)]), rule('Medium', ['y'.repeat(2000)])));
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        code: 'script_too_large',
        message: expect.stringMatching(new RegExp(`^the Sieve script would be \\d+ bytes, but the server accepts at most ${MAX} \\(sieve_max_script_size\\); the largest parts: rule "Huge" \\(\\d+ bytes\\), rule "Medium" \\(\\d+ bytes\\), rule "Small" \\(\\d+ bytes\\)$`)),
      }),
    ]);
  });

  test('preview shows the same size problem without saving', async () => {
    const res = await alice.post('/api/rules/preview', { ruleSet: set(rule('Huge', ['x'.repeat(MAX)])) });
    expect(res.statusCode).toBe(200);
    expect(res.json().diagnostics.map((d: { code: string }) => d.code)).toEqual(['script_too_large']);
  });

  test('an empty value to match is refused, naming the rule', async () => {
    const r = await refused(set(rule('Blank', [''])));
    expect(r.diagnostics.map((d) => d.message)).toEqual(['rule "Blank": a value to match is empty; type what to look for']);
  });

  test('a sender both trusted and blocked is saved, and preview reports it naming both entries', async () => {
    const rs: RuleSet = {
      ...emptyRuleSet(),
      whitelist: [{ pattern: '*@shop.example', authenticated: false }],
      blocklist: [{ pattern: 'offers@shop.example', action: 'discard' }],
      rules: [],
    };
    expect((await alice.put('/api/rules', { ruleSet: rs })).statusCode).toBe(200);
    const preview = (await alice.post('/api/rules/preview', { ruleSet: rs })).json() as { diagnostics: Refusal['diagnostics'] };
    expect(preview.diagnostics).toEqual([
      {
        code: 'trusted_and_blocked',
        severity: 'warning',
        message: 'trusted sender "*@shop.example" and blocked sender "offers@shop.example": mail from a trusted sender is never blocked, so this block does nothing',
      },
    ]);
  });
});
