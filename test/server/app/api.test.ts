import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PIGEONHOLE_CAPABILITIES } from '../../../grammar/capabilities.js';
import { printRules } from '../../../grammar/emit/rules-text.js';
import { parseRules } from '../../../grammar/parse-rules.js';
import { emptyRuleSet, type Rule, type RuleSet } from '../../../grammar/model.js';
import { buildApp } from '../../../server/app.js';
import { globalScriptPaths } from '../../../server/config/paths.js';
import { LearningRepository } from '../../../server/store/learning-repository.js';
import { ADMIN, addUser, Client, startApp, tempDir, testConfig } from './harness.js';

const ADMIN_DEFAULTS = readFileSync(new URL('../../fixtures/rules/admin-defaults.rules', import.meta.url), 'utf8');

function rule(name: string, extra: Partial<Rule> = {}): Rule {
  return {
    name,
    enabled: true,
    combine: 'all',
    conditions: [{ kind: 'subject', test: { match: 'contains', values: [name] } }],
    actions: [{ kind: 'fileinto', folder: `Folder ${name}` }],
    ...extra,
  };
}

function rules(...names: string[]): RuleSet {
  return { ...emptyRuleSet(), rules: names.map((n) => rule(n)) };
}

let app: FastifyInstance;
let alice: Client;
let admin: Client;

beforeAll(async () => {
  ({ app } = await startApp());
  await addUser(app, 'alice', 'alice-pw');
  await addUser(app, ADMIN, 'root-pw');
  alice = await Client.login(app, 'alice', 'alice-pw');
  admin = await Client.login(app, ADMIN, 'root-pw');
});

afterAll(async () => {
  await app.close();
});

describe('session routes', () => {
  test('GET /api/session returns the user and a CSRF token', async () => {
    const res = await alice.get('/api/session');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user: { username: 'alice', isAdmin: false }, csrfToken: expect.any(String) });
    expect((await admin.get('/api/session')).json().user.isAdmin).toBe(true);
  });

  test('a wrong password is 401 with the error format and is audited', async () => {
    const res = await Client.anonymous(app).post('/api/login', { username: 'alice', password: 'nope' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'bad_credentials', message: 'Wrong username or password.', details: {} } });
    expect(app.ctx.audit.list({ target: 'alice' }).some((e) => e.action === 'login.failed')).toBe(true);
  });

  test('the session cookie is HttpOnly and SameSite, and the login rotates the session id', async () => {
    const first = await app.inject({ method: 'POST', url: '/api/login', payload: { username: 'alice', password: 'alice-pw' } });
    const c1 = first.cookies.find((c) => c.name === 'sievewright.sid')!;
    expect(c1.httpOnly).toBe(true);
    expect(String(c1.sameSite).toLowerCase()).toMatch(/strict|lax/);
    const second = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'alice', password: 'alice-pw' },
      headers: { cookie: `sievewright.sid=${c1.value}` },
    });
    const c2 = second.cookies.find((c) => c.name === 'sievewright.sid')!;
    expect(c2.value).not.toBe(c1.value);
    // The old id no longer opens a session.
    const old = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: `sievewright.sid=${c1.value}` } });
    expect(old.statusCode).toBe(401);
  });

  test('logout ends the session', async () => {
    const c = await Client.login(app, 'alice', 'alice-pw');
    expect((await c.post('/api/logout')).statusCode).toBe(200);
    expect((await c.get('/api/session')).statusCode).toBe(401);
  });

  test('the password never reaches the log', async () => {
    const lines: string[] = [];
    const stream = { write: (s: string) => lines.push(s) };
    const a = await buildApp({ config: testConfig(tempDir()), worker: false, logger: { level: 'trace', stream } });
    await a.inject({ method: 'POST', url: '/api/login', payload: { username: 'nobody', password: 'sup3r-s3cret-pw' } });
    await a.close();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('sup3r-s3cret-pw');
  });
});

describe('rules routes', () => {
  test('a new user gets version 0, an empty rule set and the admin defaults; the text form is empty', async () => {
    const res = await alice.get('/api/rules');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ version: 0, ruleSet: emptyRuleSet(), updatedAt: null, defaults: { disabled: [] } });
    expect(body).not.toHaveProperty('text');
    const text = await alice.get('/api/rules/text');
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(parseRules(text.body).ruleSet).toEqual(emptyRuleSet());
  });

  test('saving the model stores a version, returns it with the text form, audits it and queues a deploy', async () => {
    const res = await alice.put('/api/rules', { ruleSet: rules('Invoices') });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.version).toBeGreaterThanOrEqual(1);
    expect(body.ruleSet.rules[0].name).toBe('Invoices');
    expect((await alice.get('/api/rules/text')).body).toBe(printRules(body.ruleSet));
    expect(app.ctx.audit.list({ target: 'alice' })[0]).toMatchObject({ actor: 'alice', action: 'rules.save' });
    expect(['pending', 'deployed']).toContain((await alice.get('/api/deploy/status')).json().state);
  });

  test('saving DSL text works the same as the model', async () => {
    const res = await alice.put('/api/rules', { text: printRules(rules('Receipts', 'Travel')) });
    expect(res.statusCode).toBe(200);
    expect(res.json().ruleSet.rules.map((r: Rule) => r.name)).toEqual(['Receipts', 'Travel']);
  });

  test('DSL syntax errors come back as invalid_rules with line and column', async () => {
    const res = await alice.put('/api/rules', { text: 'rule "x" {\n  when subject contains\n}\n' });
    expect(res.statusCode).toBe(422);
    const { error } = res.json();
    expect(error.code).toBe('invalid_rules');
    expect(error.details.diagnostics[0].start).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
  });

  test('semantic errors (an empty folder name) are refused with diagnostics', async () => {
    const bad = rules('Empty');
    (bad.rules[0] as Rule).actions = [{ kind: 'fileinto', folder: '' }];
    const res = await alice.put('/api/rules', { ruleSet: bad });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('invalid_rules');
    expect(res.json().error.details.diagnostics.length).toBeGreaterThan(0);
  });

  test('saving on top of a stale version is a 409 conflict', async () => {
    const current = (await alice.get('/api/rules')).json().version as number;
    const res = await alice.put('/api/rules', { ruleSet: rules('Late'), baseVersion: current - 1 });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'version_conflict', details: { currentVersion: current } });
    expect((await alice.put('/api/rules', { ruleSet: rules('OnTime'), baseVersion: current })).statusCode).toBe(200);
  });

  test('history lists every save; restoring an old version saves it again as the newest', async () => {
    const history = (await alice.get('/api/rules/history')).json() as Array<{ version: number; summary: string; author: string }>;
    expect(history.length).toBeGreaterThanOrEqual(3);
    expect(history[0]!.version).toBeGreaterThan(history[1]!.version);
    const oldest = history[history.length - 1]!;
    const res = await alice.post(`/api/rules/history/${oldest.version}/restore`);
    expect(res.statusCode).toBe(200);
    expect(res.json().version).toBe(history[0]!.version + 1);
    expect(res.json().ruleSet.rules.map((r: Rule) => r.name)).toEqual(['Invoices']);
    const after = (await alice.get('/api/rules/history')).json();
    expect(after[0].summary).toBe(`restored version ${oldest.version}`);
    expect((await alice.post('/api/rules/history/999/restore')).statusCode).toBe(404);
  });

  test("preview shows the user's script with the overridable admin defaults, the locked ones as the global scripts around it, and the user_prefs", async () => {
    const before = (await alice.get('/api/rules')).json().defaults.rules.map((r: Rule) => r.name);
    expect(before).not.toContain('Virus flag');
    expect((await admin.put('/api/admin/defaults', { text: ADMIN_DEFAULTS })).statusCode).toBe(200);
    // The user's view follows the admin's change at once.
    expect((await alice.get('/api/rules')).json().defaults.rules.map((r: Rule) => r.name)).toContain('Virus flag');
    const res = await alice.post('/api/rules/preview', { ruleSet: rules('Preview me') });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.sieve).toContain('Preview me');
    expect(typeof body.prefs).toBe('string');
    expect(body.lineMap.map((l: { name: string }) => l.name)).toEqual(['Preview me', 'Spam to Junk']);
    // Locked rules are not in the user's script: they run from the global scripts, shown beside it.
    expect(body.sieve).not.toContain('X-Virus-Status');
    expect(body.locked.before).toContain('# rule:[Forged mail to Junk]');
    expect(body.locked.before).toContain('X-Virus-Status');
    expect(body.locked.after).toContain('# rule:[Old newsletters]');
    // Preview saves nothing.
    expect((await alice.get('/api/rules')).json().ruleSet.rules.map((r: Rule) => r.name)).not.toContain('Preview me');
  });

  test('preview reports a problem of the user\'s own rules once, not again for the effective set', async () => {
    const bad = rules('Empty folder');
    (bad.rules[0] as Rule).actions = [{ kind: 'fileinto', folder: '' }];
    const body = (await alice.post('/api/rules/preview', { ruleSet: bad })).json();
    const empty = body.diagnostics.filter((d: { code: string }) => d.code === 'empty_folder');
    expect(empty).toHaveLength(1);
  });

  test('a user may switch off an overridable default but not a locked one', async () => {
    const ok = await alice.put('/api/defaults/overrides', { disabled: ['Spam to Junk'] });
    expect(ok.statusCode).toBe(200);
    expect((await alice.get('/api/rules')).json().defaults.disabled).toEqual(['Spam to Junk']);
    const preview = (await alice.post('/api/rules/preview', { ruleSet: rules('P') })).json();
    expect(preview.lineMap.map((l: { name: string }) => l.name)).not.toContain('Spam to Junk');
    const refused = await alice.put('/api/defaults/overrides', { disabled: ['Forged mail to Junk'] });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('policy_violation');
  });
});

describe('policy on save', () => {
  test('a new forward outside the allowed domains is saved and raised as an audit alert', async () => {
    expect((await admin.put('/api/admin/policy', { allowedRedirectDomains: ['example.org'], allowedActions: ['fileinto', 'redirect', 'stop', 'keep'], maxRules: 10 })).statusCode).toBe(200);
    // The whole policy and the server's capabilities, so the browser checks a raw block as the save will.
    const view = (await alice.get('/api/rules')).json();
    expect(view.policy).toEqual({ allowedRedirectDomains: ['example.org'], allowedActions: ['fileinto', 'redirect', 'stop', 'keep'], maxRules: 10, redirectOutside: 'alert' });
    expect(view.capabilities).toEqual([...PIGEONHOLE_CAPABILITIES]);
    const rs = rules('Forward');
    (rs.rules[0] as Rule).actions = [{ kind: 'redirect', address: 'drop@evil.example' }];
    expect((await alice.put('/api/rules', { ruleSet: rs })).statusCode).toBe(200);
    const alerts = (await admin.get('/api/admin/audit?limit=50')).json().filter((e: { alert: boolean }) => e.alert);
    expect(alerts[0]).toMatchObject({ actor: 'alice', action: 'rules.redirect-outside', target: 'alice', details: { address: 'drop@evil.example' } });
  });

  test('when the policy refuses outside forwards, the save is refused and nothing is stored', async () => {
    await admin.put('/api/admin/policy', { allowedRedirectDomains: ['example.org'], allowedActions: ['fileinto', 'redirect', 'stop', 'keep'], maxRules: 10, redirectOutside: 'refuse' });
    const before = (await alice.get('/api/rules')).json().version;
    const rs = rules('Forward2');
    (rs.rules[0] as Rule).actions = [{ kind: 'redirect', address: 'other@evil.example' }];
    const res = await alice.put('/api/rules', { ruleSet: rs });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('policy_violation');
    expect((await alice.get('/api/rules')).json().version).toBe(before);
  });

  test('actions outside the allowed list and too many rules are refused', async () => {
    const rs = rules('Discarder');
    (rs.rules[0] as Rule).actions = [{ kind: 'discard' }];
    expect((await alice.put('/api/rules', { ruleSet: rs })).json().error.message).toMatch(/"discard" is not allowed/);
    const many = rules(...Array.from({ length: 11 }, (_, i) => `r${i}`));
    expect((await alice.put('/api/rules', { ruleSet: many })).json().error.message).toMatch(/at most 10 rules/);
    await admin.put('/api/admin/policy', { allowedRedirectDomains: [], allowedActions: ['fileinto', 'redirect', 'reject', 'discard', 'keep', 'mark-read', 'flag', 'keyword', 'vacation', 'stop', 'raw'], maxRules: 500 });
  });
});

describe('admin routes', () => {
  test('defaults round-trip as text and model, are audited, and queue a re-deploy of every user', async () => {
    const res = await admin.put('/api/admin/defaults', { text: ADMIN_DEFAULTS });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ text: ADMIN_DEFAULTS, jobId: expect.any(String) });
    expect(body.ruleSet.rules.find((r: Rule) => r.name === 'Forged mail to Junk').locked).toBe(true);
    expect(body.globalScripts).toEqual({ before: globalScriptPaths(app.ctx.config).before, after: globalScriptPaths(app.ctx.config).after, written: true, verified: true });
    expect(readFileSync(body.globalScripts.before, 'utf8')).toContain('# rule:[Virus flag]');
    expect((await admin.get('/api/admin/defaults')).json()).toMatchObject({ version: body.version, text: ADMIN_DEFAULTS });
    expect((await admin.get('/api/admin/audit')).json()[0]).toMatchObject({ actor: ADMIN, action: 'defaults.save', target: 'defaults' });
  });

  test('defaults with errors are refused with line and column', async () => {
    const res = await admin.put('/api/admin/defaults', { text: 'rule "x" locked {\n  when dmarc is maybe\n  then keep\n}\n' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.diagnostics[0].start.line).toBe(2);
  });

  test('policy rejects unknown action names', async () => {
    const res = await admin.put('/api/admin/policy', { allowedRedirectDomains: [], allowedActions: ['teleport'], maxRules: 5 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/unknown actions: teleport/);
  });

  test('users lists every user with role and deploy status', async () => {
    const { users, total } = (await admin.get('/api/admin/users')).json();
    expect(total).toBe(users.length);
    const a = users.find((u: { username: string }) => u.username === 'alice');
    expect(a).toMatchObject({ isAdmin: false, rulesVersion: app.ctx.rules.latest('alice')!.version, status: { username: 'alice', state: expect.any(String) } });
    expect(users.find((u: { username: string }) => u.username === ADMIN).isAdmin).toBe(true);
  });

  test('users come a page at a time, by username, with the total of all', async () => {
    const all = app.ctx.users.usernames();
    const names = async (offset: number, limit: number) => {
      const page = (await admin.get(`/api/admin/users?offset=${offset}&limit=${limit}`)).json();
      expect(page).toMatchObject({ total: all.length, offset, limit });
      return page.users.map((u: { username: string }) => u.username);
    };
    expect([...(await names(0, 1)), ...(await names(1, all.length))]).toEqual(all);
    expect(await names(all.length, 10)).toEqual([]);
    expect((await admin.get('/api/admin/users?limit=0')).statusCode).toBe(400);
  });

  test('re-deploy all streams progress over SSE until every user is done', async () => {
    const start = await admin.post('/api/admin/redeploy');
    expect(start.statusCode).toBe(202);
    const { jobId } = start.json();
    const events = await admin.get(`/api/admin/redeploy/${jobId}/events`);
    expect(events.headers['content-type']).toMatch(/text\/event-stream/);
    const names = [...events.body.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(names[names.length - 1]).toBe('end');
    const end = JSON.parse(/event: end\ndata: (.*)/.exec(events.body)![1]!);
    expect(end.total).toBe(app.ctx.users.usernames().length);
    expect(end.done + end.failed).toBe(end.total);
    expect((await admin.get('/api/admin/redeploy/nope/events')).statusCode).toBe(404);
  });

  test('learning health is listed for admins', async () => {
    const res = await admin.get('/api/admin/learning');
    expect(res.statusCode).toBe(200);
    expect(Array.isArray(res.json())).toBe(true);
  });
});

describe('mail-side routes', () => {
  test('folders include INBOX and the folders the rules use', async () => {
    await alice.put('/api/rules', { ruleSet: rules('Projects') });
    const { folders } = (await alice.get('/api/folders')).json();
    expect(folders[0]).toBe('INBOX');
    expect(folders).toContain('Folder Projects');
  });

  test('importing a Sieve script returns rules without saving them', async () => {
    const before = (await alice.get('/api/rules')).json().version;
    const res = await alice.post('/api/import/sieve', { text: 'require ["fileinto"];\nif header :contains "subject" "invoice" { fileinto "Invoices"; }\n' });
    expect(res.statusCode).toBe(200);
    expect(res.json().ruleSet.rules.length).toBe(1);
    expect((await alice.get('/api/rules')).json().version).toBe(before);
  });

  test('importing a procmailrc returns rules and a per-recipe report', async () => {
    const res = await alice.post('/api/import/procmail', { text: ':0:\n* ^Subject:.*invoice\nInvoices/\n', folderMap: {} });
    expect(res.statusCode).toBe(200);
    expect(res.json().ruleSet.rules.length).toBe(1);
    expect(res.json().report).toBeDefined();
  });

  test('the server-script offer is empty when only sievewright\'s own script is active', async () => {
    const res = await alice.get('/api/import/server-script');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ found: false });
  });

  test('learning log and weekly counts answer for the user', async () => {
    expect((await alice.get('/api/learning/log?limit=5')).statusCode).toBe(200);
    expect((await alice.get('/api/learning/weekly')).statusCode).toBe(200);
  });

  test('the learning log shows what the page needs and no row ids, IMAP UIDs or retry counts', async () => {
    new LearningRepository(app.ctx.db).commitPass({
      username: 'alice',
      folder: 'Junk',
      cursor: { uidValidity: 7, uidNext: 10, highestModseq: null, messages: 1 },
      upsert: [],
      remove: [],
      events: [{ folder: 'Junk', uidValidity: 7, uid: 3, messageId: '<3@x>', subject: 'win', sender: 'a@b', direction: 'spam', reason: 'moved-in', sourceFolder: 'INBOX', raw: Buffer.from('m') }],
    });
    const [entry] = (await alice.get('/api/learning/log?limit=5')).json();
    expect(entry).toMatchObject({ folder: 'Junk', subject: 'win', sender: 'a@b', direction: 'spam', state: 'pending', learnedAt: null });
    for (const internal of ['id', 'username', 'uidValidity', 'uid', 'attempts', 'messageId', 'sourceFolder']) expect(entry).not.toHaveProperty(internal);
  });

  test('deploy now queues the current rules', async () => {
    const res = await alice.post('/api/deploy');
    expect(res.statusCode).toBe(202);
    expect(res.json().username).toBe('alice');
  });
});

describe('health', () => {
  test('/healthz answers and /readyz checks the database and the directory target in embedded mode, naming them to an admin only', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ ok: true });
    const anonymous = await app.inject('/readyz');
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toEqual({ ready: true });
    const ready = await admin.get('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks.map((c: { name: string }) => c.name)).toEqual(['database', 'directory target']);
    expect(ready.json().checks[1].detail).toMatch(/is writable/);
  });

  test('/readyz details go to the configured addresses and ranges, not to others', async () => {
    const { app: probed } = await startApp({ worker: false, env: { SIEVEWRIGHT_SERVER__READINESS_DETAILS_FROM: '10.0.0.0/8,2001:db8::7' } });
    try {
      const from = (remoteAddress: string) => probed.inject({ url: '/readyz', remoteAddress });
      for (const inside of ['10.20.30.40', '::ffff:10.0.0.1', '2001:db8::7']) expect((await from(inside)).json().checks, inside).toHaveLength(2);
      for (const outside of ['11.0.0.1', '127.0.0.1', '2001:db8::8']) expect((await from(outside)).json(), outside).toEqual({ ready: true });
    } finally {
      await probed.close();
    }
  });
});

describe('web UI', () => {
  test('the built UI is served, client-side routes fall back to index.html, and unknown API paths stay JSON 404s', async () => {
    const dir = tempDir();
    const webRoot = join(dir, 'dist');
    mkdirSync(join(webRoot, 'assets'), { recursive: true });
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>sievewright</title>');
    writeFileSync(join(webRoot, 'assets', 'app.js'), 'console.log(1)');
    const ui = await buildApp({ config: testConfig(dir, { SIEVEWRIGHT_SERVER__WEB_ROOT: webRoot }), worker: false });
    try {
      expect((await ui.inject('/')).body).toContain('<title>sievewright</title>');
      expect((await ui.inject('/assets/app.js')).body).toBe('console.log(1)');
      expect((await ui.inject('/rules/3')).body).toContain('<title>sievewright</title>');
      const api = await ui.inject('/api/nothing-here');
      expect(api.statusCode).toBe(404);
      expect(api.json().error.code).toBe('not_found');
    } finally {
      await ui.close();
    }
  });
});
