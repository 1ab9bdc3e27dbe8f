// The embedded default (no IMAP server): first start fills the demo user's
// Maildir with example messages; trying the demo rules on them, applying a
// rule (files renamed between Maildir folders) and undoing it work through
// the same API as with a mail server.
import type { FastifyInstance } from 'fastify';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exampleUserRules } from '../../../server/services/first-run.js';
import { hashPassword } from '../../../server/services/passwords.js';
import { maildirOf } from '../../../server/services/recent-mail.js';
import type { ApplyRun, TryResponse } from '../../../server/routes/contract.js';
import { Client, startApp } from '../app/harness.js';

let app: FastifyInstance;
let demo: Client;

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const sub of ['new', 'cur']) out.push(...(await readdir(join(dir, sub)).catch(() => [])));
  return out.sort();
}

beforeAll(async () => {
  ({ app } = await startApp({ env: { SIEVEWRIGHT_SERVER__DEMO: 'true' }, worker: false }));
  app.ctx.users.setPasswordHash('demo', await hashPassword('demo-pw', { N: 2 ** 10, r: 8, p: 1 }));
  demo = await Client.login(app, 'demo', 'demo-pw');
});
afterAll(async () => {
  await app?.close();
});

describe('embedded default', () => {
  test("the demo user's recent mail is the dozen examples; the example rule would move the three list mails", async () => {
    const res = await demo.post('/api/mail/try', { rules: { ruleSet: exampleUserRules() }, folders: ['INBOX'] });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json<TryResponse>();
    expect(report.messages).toHaveLength(12);
    const moved = report.messages.filter((m) => m.verdict.folders.includes('Lists/Dev'));
    expect(moved.map((m) => m.listId)).toEqual(['dev.lists.example.org', 'dev.lists.example.org', 'dev.lists.example.org']);
    expect(moved.every((m) => JSON.stringify(m.verdict.decidedBy) === JSON.stringify({ ruleIndex: 0, ruleName: 'Project mailing list' }))).toBe(true);
    expect(report.rules).toEqual([{ index: 0, name: 'Project mailing list', matched: 3, moved: 3, shadowed: 0, unreachableAfter: null }]);
  });

  test("the admin's defaults run around the draft as on the server: their DMARC rule files the forged bank mail into Junk", async () => {
    const report = (await demo.post('/api/mail/try', { rules: { ruleSet: exampleUserRules() }, folders: ['INBOX'] })).json<TryResponse>();
    const bank = report.messages.find((m) => m.subject === 'Security notice');
    expect(bank?.verdict).toMatchObject({ folders: ['Junk'], kept: false, decidedBy: { source: 'default', ruleName: 'DMARC fail to Junk' } });
    // Switched off by the user, it no longer applies.
    app.ctx.users.setDisabledDefaults('demo', ['DMARC fail to Junk']);
    const off = (await demo.post('/api/mail/try', { rules: { ruleSet: exampleUserRules() }, folders: ['INBOX'] })).json<TryResponse>();
    expect(off.messages.find((m) => m.subject === 'Security notice')?.verdict).toMatchObject({ folders: [], kept: true });
    app.ctx.users.setDisabledDefaults('demo', []);
  });

  test('applying the rule renames the three files into the folder; undo brings them back', async () => {
    const root = maildirOf(app.ctx, 'demo');
    const before = await files(root);
    const body = { rules: { ruleSet: exampleUserRules() }, ruleIndexes: [0], folder: 'INBOX' };
    expect((await demo.post('/api/mail/apply/plan', body)).json().operations).toHaveLength(3);
    const started = await demo.post('/api/mail/apply', { ...body, expected: 3 });
    expect(started.statusCode, started.body).toBe(202);
    const id = started.json<ApplyRun>().id;
    const until = async (state: ApplyRun['state']) => {
      for (let i = 0; i < 200 && (await demo.get(`/api/mail/apply/${id}`)).json<ApplyRun>().state !== state; i++) await new Promise((r) => setTimeout(r, 20));
      return (await demo.get(`/api/mail/apply/${id}`)).json<ApplyRun>();
    };
    expect(await until('done')).toMatchObject({ state: 'done', done: 3 });
    expect(await files(join(root, '.Lists.Dev'))).toHaveLength(3);
    expect(await files(root)).toHaveLength(9);
    expect((await demo.post(`/api/mail/apply/${id}/undo`)).statusCode).toBe(202);
    expect(await until('undone')).toMatchObject({ state: 'undone', undone: 3 });
    expect(await files(root)).toEqual(before);
    expect(await files(join(root, '.Lists.Dev'))).toEqual([]);
  });

  test('a folder name a Maildir cannot hold is refused as a bad request', async () => {
    const res = await demo.post('/api/mail/try', { rules: { ruleSet: exampleUserRules() }, folders: ['a.b'] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
  });
});

describe('reading mail is rate limited per user', () => {
  test('after 30 reads in a minute the next is refused with 429 and retry-after', async () => {
    let n = 0;
    let res;
    do {
      res = await demo.post('/api/mail/try', { rules: { ruleSet: exampleUserRules() }, folders: ['Drafts'] });
      n++;
    } while (res.statusCode === 200 && n < 40);
    // The earlier tests of this file read the mail 6 times.
    expect(n + 6).toBe(31);
    expect(res.statusCode).toBe(429);
    expect(res.json().error.code).toBe('rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});
