// Deeply nested JSON bodies are refused before parsing and validation with
// a 400 `too_deep` naming the field, instead of overflowing the schema
// validator's stack (a 500); nesting the rule model allows still works.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Condition } from '../../../grammar/model.js';
import { emptyRuleSet } from '../../../grammar/model.js';
import { MAX_JSON_DEPTH, tooDeepAt } from '../../../server/plugins/json-depth.js';
import { addUser, Client, startApp } from './harness.js';

const leaf: Condition = { kind: 'subject', test: { match: 'contains', values: ['x'] } };

function nots(levels: number): Condition {
  let c: Condition = leaf;
  for (let i = 0; i < levels; i++) c = { kind: 'not', condition: c };
  return c;
}

function groups(levels: number): Condition {
  let c: Condition = leaf;
  for (let i = 0; i < levels; i++) c = { kind: 'group', combine: 'any', conditions: [c] };
  return c;
}

function withCondition(condition: Condition) {
  return { ruleSet: { ...emptyRuleSet(), rules: [{ name: 'deep', enabled: true, combine: 'all', conditions: [condition], actions: [{ kind: 'keep' }] }] } };
}

/** The same body as JSON text, built without recursion (JSON.stringify itself overflows on 10,000 levels). */
function deepGroupsText(levels: number): string {
  const open = '{"kind":"group","combine":"any","conditions":['.repeat(levels);
  const rule = `{"name":"deep","enabled":true,"combine":"all","conditions":[${open}${JSON.stringify(leaf)}${']}'.repeat(levels)}],"actions":[{"kind":"keep"}]}`;
  return JSON.stringify({ ruleSet: { ...emptyRuleSet(), rules: [] } }).replace('"rules":[]', `"rules":[${rule}]`);
}

let app: FastifyInstance;
let alice: Client;

beforeAll(async () => {
  ({ app } = await startApp({ worker: false, env: { SIEVEWRIGHT_RULES__SAVES_PER_MINUTE: '1000' } }));
  await addUser(app, 'alice', 'alice-pw');
  alice = await Client.login(app, 'alice', 'alice-pw');
});

afterAll(async () => {
  await app?.close();
});

describe('tooDeepAt', () => {
  test('names the first container past the limit by its JSON pointer, keys escaped', () => {
    expect(tooDeepAt('{"a":{"b/c":[1,{"d~":[]}]}}', 4)).toBe('/a/b~1c/1/d~0');
    expect(tooDeepAt('{"a":{"b/c":[1,{"d~":[]}]}}', 5)).toBeNull();
    expect(tooDeepAt('[[[]]]', 2)).toBe('/0/0');
  });

  test('brackets inside strings, escaped quotes and escaped keys do not count', () => {
    expect(tooDeepAt(JSON.stringify({ 'k"[{': '[[[[{{{{', v: ['\\"[[['] }), 2)).toBeNull();
    expect(tooDeepAt(JSON.stringify({ 'k"\\': { x: [] } }), 2)).toBe('/k"\\/x');
  });
});

describe('nesting in request bodies', () => {
  test.each([
    ['148 nested "not" conditions', JSON.stringify(withCondition(nots(148)))],
    ['10,000 nested groups', deepGroupsText(10_000)],
  ])('%s are a 400 too_deep naming the field, on every JSON route taking rules', async (_what, body) => {
    for (const [method, url] of [['PUT', '/api/rules'], ['POST', '/api/rules/preview']] as const) {
      const res = await alice.request(method, url, body, { 'content-type': 'application/json' });
      expect(res.statusCode).toBe(400);
      const { error } = res.json();
      expect(error.code).toBe('too_deep');
      expect(error.details.path).toMatch(/^\/ruleSet\/rules\/0\/conditions\/0\/(condition|conditions\/0)\//);
      expect(error.message).toContain(error.details.path);
      expect(error.message).toContain(`deeper than ${MAX_JSON_DEPTH} levels`);
    }
  });

  test('millions of bare brackets (a 4 MB body) are refused the same way', async () => {
    const body = `${'['.repeat(1_900_000)}${']'.repeat(1_900_000)}`;
    const res = await alice.request('PUT', '/api/rules', body, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'too_deep', details: { path: `/${Array(MAX_JSON_DEPTH).fill('0').join('/')}` } });
  });

  test('a body just inside the limit reaches validation: too deep for the model is a 422 diagnostic, not a crash', async () => {
    for (const condition of [nots(MAX_JSON_DEPTH - 8), groups((MAX_JSON_DEPTH - 8) / 2)]) {
      const body = withCondition(condition);
      expect(tooDeepAt(JSON.stringify(body), MAX_JSON_DEPTH)).toBeNull();
      const res = await alice.put('/api/rules', body);
      expect(res.statusCode).toBe(422);
      expect(res.json().error.details.diagnostics.map((d: { code: string }) => d.code)).toContain('too_deep');
    }
  });

  test("conditions nested as deep as the server's Sieve nesting allows are saved; one level more is a too-deep diagnostic", async () => {
    // Pigeonhole counts 32 levels of nesting in the written script (test/grammar/limits-pigeonhole.test.ts
    // proves the limit against sievec): the rule's `if` and test list take some, so 30 nots and 31 groups of one fit.
    for (const [condition, saved] of [[nots(30), true], [groups(31), true], [nots(31), false], [groups(32), false]] as const) {
      const res = await alice.put('/api/rules', withCondition(condition));
      expect(res.statusCode).toBe(saved ? 200 : 422);
      if (!saved) expect(res.json().error.details.diagnostics.map((d: { code: string }) => d.code)).toContain('too_deep');
    }
  });

  test('malformed JSON is still a 400 from the parser, and __proto__ keys are still refused', async () => {
    const bad = await alice.request('PUT', '/api/rules', '{"ruleSet":', { 'content-type': 'application/json' });
    expect(bad.statusCode).toBe(400);
    const proto = await alice.request('PUT', '/api/rules', '{"__proto__":{"x":1},"text":""}', { 'content-type': 'application/json' });
    expect(proto.statusCode).toBe(400);
  });
});
