// Fuzzing JSON route bodies through the real app (app.inject, a logged-in
// session with its CSRF token): valid bodies mutated with hostile values,
// unknown keys, deletions, deep nesting, huge arrays and broken JSON text,
// at least 10,000 per route per run. No answer is a 5xx, and every refusal
// is the error format with a stable code that names the field at fault.
// The seed is printed on failure; SIEVEWRIGHT_FUZZ_SEED replays it. The
// routes are split over several test files so each stays near a minute.
import type { FastifyInstance, InjectOptions } from 'fastify';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { printRules } from '../../grammar/emit/rules-text.js';
import { arbRuleSet } from './arbitraries.js';
import { applyEdits, arbEdits, assertFuzz, HOSTILE_PIECES } from './fuzz.js';
import { buildApp } from '../../server/app.js';
import { openDatabase } from '../../server/store/db.js';
import { ADMIN, addUser, Client, tempDir, testConfig } from '../server/app/harness.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const fixture = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');
const fixtures = (dir: string, ext: string) =>
  readdirSync(join(FIXTURES, dir)).filter((f) => f.endsWith(ext)).sort().slice(0, 8).map((f) => fixture(join(dir, f)));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = Array<string | number>;

/** Every path into the value, root first, at most `max` of them. */
function pathsOf(value: Json, max = 400): Path[] {
  const out: Path[] = [];
  const walk = (v: Json, p: Path) => {
    if (out.length >= max) return;
    out.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  walk(value, []);
  return out;
}

// Weighted so most bodies stay small: the rare huge or deep values probe the limits, the rest probe the handlers.
const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<Json>(null, true, false, 0, -1, 0.5, 1e308, -1e308, 2 ** 53 + 2, '', '5', [], {}, [null], { kind: 'not' }, { kind: 'group', combine: 'any', conditions: [] }, { kind: '__proto__' }) },
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_PIECES) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.integer({ min: 65_000, max: 66_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 90, max: 160 }).map((n) => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`) as Json) },
  { weight: 1, arbitrary: fc.integer({ min: 40, max: 90 }).map((n) => JSON.parse(`${'{"kind":"not","condition":'.repeat(n)}{"kind":"always"}${'}'.repeat(n)}`) as Json) },
);

type Mutation =
  | { op: 'replace'; at: number; value: Json }
  | { op: 'delete'; at: number }
  | { op: 'add'; at: number; key: string; value: Json }
  | { op: 'repeat'; at: number; times: number };

const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('add' as const), at: fc.nat(), key: fc.constantFrom('x', '', 'constructor', 'toString', '__proto__', 'kind', 'ruleSet', 'text'), value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('repeat' as const), at: fc.nat(), times: fc.oneof(fc.integer({ min: 2, max: 20 }), fc.integer({ min: 900, max: 1100 })) }) },
);

function parentOf(root: Json, path: Path): Json {
  let v = root;
  for (const k of path.slice(0, -1)) v = (v as Record<string | number, Json>)[k]!;
  return v;
}

/** Applies the mutations to a copy of `sample`; `__proto__` becomes an own key, as JSON text would carry it. */
function mutate(sample: Json, mutations: readonly Mutation[]): Json {
  let root = structuredClone(sample);
  for (const m of mutations) {
    const paths = pathsOf(root);
    const path = paths[m.at % paths.length]!;
    const parent = path.length ? parentOf(root, path) : null;
    const key = path[path.length - 1];
    const target = (path.length ? (parent as Record<string | number, Json>)[key!] : root) as Json;
    const set = (v: Json) => {
      if (!path.length) root = v;
      else Object.defineProperty(parent, key!, { value: v, enumerable: true, writable: true, configurable: true });
    };
    if (m.op === 'replace') set(structuredClone(m.value));
    else if (m.op === 'delete' && path.length) {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, Json>)[key as string];
    } else if (m.op === 'add' && target !== null && typeof target === 'object' && !Array.isArray(target)) {
      Object.defineProperty(target, m.key, { value: structuredClone(m.value), enumerable: true, writable: true, configurable: true });
    } else if (m.op === 'repeat' && Array.isArray(target) && target.length) {
      set(Array.from({ length: m.times }, (_, i) => target[i % target.length]!));
    }
  }
  return root;
}

/** A mutated sample as JSON text; one in eight is then broken as text. */
function arbBody(samples: readonly unknown[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...(samples as Json[])), fc.array(arbMutation, { minLength: 1, maxLength: 3 }), fc.option(arbEdits, { freq: 8 }))
    .map(([sample, mutations, edits]) => {
      const text = JSON.stringify(mutate(sample, mutations)) ?? 'null';
      return edits ? applyEdits(text, edits) : text;
    });
}

interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;

/** Why this refusal does not say what is wrong with the body, or null when it does. */
function unnamed(e: ErrorBody['error'], status: number, isLogin: boolean): string | null {
  if (typeof e?.code !== 'string' || !/^[a-z_]+$/.test(e.code) || typeof e.message !== 'string' || e.message === '') return 'not the error format';
  const d = e.details ?? {};
  switch (e.code) {
    case 'invalid_request': {
      if (!('issues' in d)) return /JSON|body/i.test(e.message) ? null : 'a refusal that is neither a validation issue nor about the JSON text';
      const issues = d.issues as Array<{ path: string; message: string }>;
      if (!nonEmpty(issues) || !issues.every((i) => typeof i.path === 'string' && i.path.startsWith('/'))) return 'validation issues without paths';
      // Named by its path, or (a rule set) in words that are the first issue's own.
      return e.message.includes(issues[0]!.path) || e.message === issues[0]!.message ? null : 'the message does not name the field';
    }
    case 'too_deep':
      return typeof d.path === 'string' && d.path.startsWith('/') && e.message.includes(d.path) ? null : 'no field path';
    case 'invalid_rules':
      return nonEmpty(d.diagnostics) ? null : 'no diagnostics';
    case 'policy_violation':
      return nonEmpty(d.violations) || nonEmpty(d.refused) ? null : 'no violations named';
    case 'rules_too_large':
      return status === 413 && typeof d.bytes === 'number' ? null : 'no size';
    case 'version_conflict':
      return typeof d.currentVersion === 'number' ? null : 'no current version';
    case 'rate_limited':
    case 'bad_credentials':
      return isLogin ? null : `${e.code} outside the login`;
    default:
      return `unexpected code ${e.code}`;
  }
}

let app: FastifyInstance;
let alice: Client;
let admin: Client;

async function start(): Promise<void> {
  // In memory: the fuzz measures the routes, not the disk.
  app = await buildApp({
    db: openDatabase(':memory:'),
    worker: false,
    config: testConfig(tempDir(), {
      SIEVEWRIGHT_RULES__SAVES_PER_MINUTE: '1000000',
      // Each username fails once, then is refused before scrypt runs: the fuzz measures the route, not the hash.
      SIEVEWRIGHT_SERVER__LOGIN_LIMIT: JSON.stringify({ perIp: 1_000_000, perUserFailures: 1, windowMinutes: 60 }),
    }),
  });
  await addUser(app, 'alice', 'alice-pw');
  await addUser(app, ADMIN, 'root-pw');
  alice = await Client.login(app, 'alice', 'alice-pw');
  admin = await Client.login(app, ADMIN, 'root-pw');
}

const smallModels = fc.sample(arbRuleSet, { numRuns: 60, seed: 7 }).filter((m) => JSON.stringify(m).length < 3000).slice(0, 6);

interface RouteCase {
  method: InjectOptions['method'];
  url: string;
  as: () => Client;
  /** Valid bodies (JSON values) to mutate. */
  samples: unknown[];
}

export const ROUTES = {
  'PUT /api/rules': {
    method: 'PUT',
    url: '/api/rules',
    as: () => alice,
    samples: [...smallModels.map((ruleSet) => ({ ruleSet })), { text: fixture('rules/issue-example.rules') }, { ruleSet: smallModels[0]!, baseVersion: 0 }],
  },
  'POST /api/rules/preview': {
    method: 'POST',
    url: '/api/rules/preview',
    as: () => alice,
    samples: [...smallModels.map((ruleSet) => ({ ruleSet })), { text: printRules(smallModels[1]!) }],
  },
  'PUT /api/defaults/overrides': { method: 'PUT', url: '/api/defaults/overrides', as: () => alice, samples: [{ disabled: [] }, { disabled: ['Virus flag', 'Project mailing list'] }] },
  'POST /api/import/sieve': { method: 'POST', url: '/api/import/sieve', as: () => alice, samples: fixtures('sieve', '.sieve').map((text) => ({ text })) },
  'POST /api/import/procmail': {
    method: 'POST',
    url: '/api/import/procmail',
    as: () => alice,
    samples: fixtures('procmail/cases', '.procmailrc').map((text, i) => (i % 2 ? { text } : { text, folderMap: { Invoices: 'Bills', 'Mail/lists': 'Lists' } })),
  },
  'POST /api/import/server-script/replace': { method: 'POST', url: '/api/import/server-script/replace', as: () => alice, samples: [{ name: 'roundcube' }, { name: 'my script.sieve' }] },
  'PUT /api/admin/defaults': { method: 'PUT', url: '/api/admin/defaults', as: () => admin, samples: [{ text: fixture('rules/admin-defaults.rules') }] },
  'PUT /api/admin/policy': {
    method: 'PUT',
    url: '/api/admin/policy',
    as: () => admin,
    samples: [{ allowedRedirectDomains: ['example.org', '*.example.com'], allowedActions: ['fileinto', 'redirect', 'discard', 'keep'], maxRules: 500, redirectOutside: 'alert' }],
  },
  'POST /api/login': { method: 'POST', url: '/api/login', as: () => Client.anonymous(app), samples: [{ username: 'alice', password: 'alice-pw' }, { username: 'nobody', password: 'x' }] },
} satisfies Record<string, RouteCase>;

export type RouteName = keyof typeof ROUTES;

async function fuzzRoute(name: RouteName): Promise<void> {
  const route: RouteCase = ROUTES[name];
  let refused = 0;
  let accepted = 0;
  await assertFuzz(
    fc.asyncProperty(arbBody(route.samples), async (body) => {
      const res = await route.as().request(route.method, route.url, body, { 'content-type': 'application/json' });
      if (res.statusCode >= 500) throw new Error(`${name} answered ${res.statusCode} ${res.body.slice(0, 500)} to ${body.slice(0, 2000)}`);
      if (res.statusCode < 400) {
        accepted++;
        return;
      }
      refused++;
      const problem = unnamed((res.json() as ErrorBody).error, res.statusCode, name === 'POST /api/login');
      if (problem) throw new Error(`${name}: ${problem}: ${res.statusCode} ${res.body.slice(0, 500)} to ${body.slice(0, 2000)}`);
    }),
  );
  // Some bodies are refused and some reach the handler's success path (a
  // mutated login is refused: every password but one is wrong).
  expect(refused).toBeGreaterThan(0);
  if (name !== 'POST /api/login') expect(accepted).toBeGreaterThan(0);
}

/** One describe block fuzzing these routes against one app. */
export function describeRouteFuzz(names: readonly RouteName[]): void {
  describe('fuzzing JSON route bodies', () => {
    beforeAll(start);
    afterAll(async () => {
      await app?.close();
    });
    // Thousands of requests through the whole app: minutes on a busy machine, not the default minute.
    test.each(names)('%s: 10,000 mutated bodies, no 5xx, every refusal names what is wrong', fuzzRoute, 600_000);
  });
}

