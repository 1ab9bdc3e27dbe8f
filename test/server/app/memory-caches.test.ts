// GET /api/rules and the session lookup are answered from memory while
// nothing was written. These tests prove the copies never outlive a change:
// neither one made through the app nor one another process commits to the
// same database file (a second connection here).
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { emptyRuleSet, type RuleSet } from '../../../grammar/model.js';
import { databasePath } from '../../../server/config/paths.js';
import { openDatabase, type Db } from '../../../server/store/db.js';
import { RulesRepository } from '../../../server/store/rules-repository.js';
import { SessionsRepository } from '../../../server/store/sessions-repository.js';
import { addUser, Client, startApp } from './harness.js';

function named(name: string): RuleSet {
  return { ...emptyRuleSet(), rules: [{ name, enabled: true, combine: 'all', conditions: [{ kind: 'subject', test: { match: 'contains', values: [name] } }], actions: [{ kind: 'fileinto', folder: name }] }] };
}

const ruleNames = async (c: Client): Promise<string[]> => (await c.get('/api/rules')).json<{ ruleSet: RuleSet }>().ruleSet.rules.map((r) => r.name ?? '');

/** Long enough for the app to poll the database for other processes' commits. */
const OTHERS_LAG_MS = 250;
/** The app's poll reads Date.now(): move that clock on rather than wait. */
const othersLagPasses = () => vi.setSystemTime(Date.now() + OTHERS_LAG_MS);

let app: FastifyInstance;
let other: Db;
let alice: Client;

beforeEach(async () => {
  ({ app } = await startApp({ worker: false }));
  await addUser(app, 'alice', 'alice-pw');
  alice = await Client.login(app, 'alice', 'alice-pw');
  other = openDatabase(databasePath(app.ctx.config));
  vi.useFakeTimers({ toFake: ['Date'] });
});

afterEach(async () => {
  vi.useRealTimers();
  other.close();
  await app.close();
});

describe('the GET /api/rules copy', () => {
  test('a save through the app is in the very next read', async () => {
    expect((await alice.put('/api/rules', { ruleSet: named('first') })).statusCode).toBe(200);
    expect(await ruleNames(alice)).toEqual(['first']);
    expect((await alice.put('/api/rules', { ruleSet: named('second'), baseVersion: 1 })).statusCode).toBe(200);
    expect(await ruleNames(alice)).toEqual(['second']);
  });

  test('a save committed by another process is served once the app has polled for it', async () => {
    expect((await alice.put('/api/rules', { ruleSet: named('mine') })).statusCode).toBe(200);
    expect(await ruleNames(alice)).toEqual(['mine']);
    new RulesRepository(other).save('alice', named('from-cli'), 'admin', 'cli');
    othersLagPasses();
    expect(await ruleNames(alice)).toEqual(['from-cli']);
  });
});

describe('the session copy', () => {
  test('a session deleted by another process is refused once the app has polled for it', async () => {
    expect((await alice.get('/api/session')).statusCode).toBe(200);
    other.prepare('DELETE FROM sessions').run();
    othersLagPasses();
    expect((await alice.get('/api/session')).statusCode).toBe(401);
  });

  test('logging a user out everywhere ends the sessions held in memory too', async () => {
    expect((await alice.get('/api/rules')).statusCode).toBe(200);
    expect(app.ctx.sessions.destroyForUser('alice')).toBe(1);
    expect((await alice.get('/api/rules')).statusCode).toBe(401);
  });

  test('a row read from memory still expires at its deadline', () => {
    const sessions = new SessionsRepository(other);
    sessions.set('sid-1', '{}', 1_000);
    expect(sessions.get('sid-1', 999)).toBe('{}');
    expect(sessions.get('sid-1', 1_000)).toBeUndefined();
    expect(other.prepare('SELECT COUNT(*) FROM sessions WHERE sid = ?').pluck().get('sid-1')).toBe(0);
  });

  test('the copy is bounded: the least recently used session is read from the database again', () => {
    const sessions = new SessionsRepository(other, 2);
    for (const sid of ['a', 'b', 'c']) sessions.set(sid, `"${sid}"`, Date.now() + 60_000);
    other.prepare("UPDATE sessions SET data = '\"a2\"'").run();
    expect(sessions.get('a', Date.now())).toBe('"a2"');
    expect(sessions.get('c', Date.now())).toBe('"c"');
  });
});
