// "Try rules on real mail" against a real Dovecot. The oracle is
// dovecot-lda: the same messages are delivered to a second user through the
// script our compiler emits for the same rules, and where LDA filed each one
// is what the dry run must report, what apply-to-existing must do to the
// first user's stored copies, and what undo must take back. A run stopped
// right after the server moved a batch, before the journal heard of it, is
// resumed without moving anything twice.
import type { FastifyInstance } from 'fastify';
import { ImapFlow } from 'imapflow';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { chown, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../../grammar/compile.js';
import { DEFAULT_SETTINGS, type RuleSet } from '../../../grammar/model.js';
import { buildApp } from '../../../server/app.js';
import { ApplyRepository } from '../../../server/store/apply-repository.js';
import type { ApplyRun, TryResponse } from '../../../server/routes/contract.js';
import { startDovecot, type Dovecot } from '../../support/dovecot.js';
import { mailOwner } from '../../support/programs.js';
import { Client, testConfig } from '../app/harness.js';

const RULES: RuleSet = {
  settings: { ...DEFAULT_SETTINGS, spamFilter: false },
  whitelist: [],
  blocklist: [],
  rules: [
    {
      name: 'Dev list',
      enabled: true,
      combine: 'all',
      conditions: [{ kind: 'list-id', test: { match: 'contains', values: ['dev.lists.example.org'] } }],
      actions: [{ kind: 'fileinto', folder: 'Lists/Dev', create: true }, { kind: 'stop' }],
    },
    {
      name: 'Dev subjects',
      enabled: true,
      combine: 'all',
      conditions: [{ kind: 'subject', test: { match: 'contains', values: ['[dev]'] } }],
      actions: [{ kind: 'fileinto', folder: 'Dev2', create: true }],
    },
    {
      name: 'Invoices',
      enabled: true,
      combine: 'any',
      conditions: [
        { kind: 'subject', test: { match: 'contains', values: ['invoice'] } },
        { kind: 'address', header: 'from', part: 'domain', test: { match: 'is', values: ['billing.example'] } },
      ],
      actions: [{ kind: 'fileinto', folder: 'Billing', create: true }],
    },
    {
      name: 'Shop',
      enabled: true,
      combine: 'all',
      conditions: [{ kind: 'address', header: 'from', part: 'domain', test: { match: 'is', values: ['shop.example'] } }],
      actions: [{ kind: 'flag' }, { kind: 'fileinto', folder: 'Promotions', create: true }, { kind: 'keep' }],
    },
    {
      name: 'Big',
      enabled: true,
      combine: 'all',
      conditions: [{ kind: 'size', comparison: 'over', bytes: 80_000 }],
      actions: [{ kind: 'fileinto', folder: 'Big', create: true }],
    },
    {
      name: 'Never',
      enabled: true,
      combine: 'all',
      conditions: [{ kind: 'subject', test: { match: 'is', values: ['no message has this subject'] } }],
      actions: [{ kind: 'fileinto', folder: 'Nowhere', create: true }],
    },
  ],
};

interface Mail {
  id: string;
  text: string;
}

function mails(): Mail[] {
  const specs: Array<[string, string, string[]]> = [
    ['ana@dev.lists.example.org', '[dev] Release branch', ['List-Id: Dev <dev.lists.example.org>']],
    ['bot@dev.lists.example.org', '[dev] Nightly failed', ['List-Id: Dev <dev.lists.example.org>']],
    ['tom@example.net', 'Re: [dev] off-list reply', []],
    ['acct@billing.example', 'Statement for November', []],
    ['partner@example.org', 'Invoice 117', []],
    ['news@shop.example', 'Winter sale', []],
    ['news@shop.example', 'Your order shipped', []],
    ['mum@family.example', 'Sunday lunch', []],
    ['helpdesk@corp.example', 'Password expiry', []],
    ['lea@friends.example', 'Photos', ['List-Id: Friends <friends.example>']],
    ['cam@friends.example', 'Holiday video', []],
  ];
  return specs.map(([from, subject, extra], i) => {
    const id = `<try-${i}@example.net>`;
    // The last one is larger than the 64 KB the try reads: its size test must see the whole message.
    const body = subject === 'Holiday video' ? 'v'.repeat(76).concat('\r\n').repeat(1300) : `Body ${i}`;
    const text = [`From: ${from}`, 'To: user@example.test', `Subject: ${subject}`, `Message-ID: ${id}`, `Date: Thu, 26 Nov 2026 10:${String(i).padStart(2, '0')}:00 +0000`, ...extra, '', body, ''].join('\r\n');
    return { id, text };
  });
}

let dc: Dovecot;
let dataDir: string;
let app: FastifyInstance;
let alice: Client;
const MAILS = mails();
const SALE = '<try-5@example.net>';

function appConfig() {
  const secrets = mkdtempSync(join(tmpdir(), 'sw-try-secrets-'));
  const pw = join(secrets, 'master.pw');
  writeFileSync(pw, `${dc.master.password}\n`);
  return testConfig(dataDir, {
    SIEVEWRIGHT_MAIL__IMAP: JSON.stringify({ host: dc.host, port: dc.imapPort, tls: 'none', timeoutMs: 10_000 }),
    SIEVEWRIGHT_MAIL__MASTER_USER: JSON.stringify({ username: dc.master.username, passwordFile: pw }),
  });
}

async function userClient(user: string): Promise<ImapFlow> {
  const c = new ImapFlow({ host: dc.host, port: dc.imapPort, secure: false, auth: { user, pass: dc.users[user] as string }, logger: false });
  await c.connect();
  return c;
}

/** Every folder of `user` with the Message-IDs in it (and \Flagged ones marked with a `*`). */
async function folderContents(user: string): Promise<Record<string, string[]>> {
  const c = await userClient(user);
  try {
    const out: Record<string, string[]> = {};
    for (const box of await c.list()) {
      if (box.flags.has('\\Noselect') || box.flags.has('\\NonExistent')) continue;
      const lock = await c.getMailboxLock(box.path, { readOnly: true });
      try {
        const ids: string[] = [];
        if (c.mailbox && c.mailbox.exists > 0) {
          for await (const m of c.fetch('1:*', { envelope: true, flags: true })) ids.push(`${m.envelope?.messageId ?? '?'}${m.flags?.has('\\Flagged') ? '*' : ''}`);
        }
        if (ids.length) out[box.path] = ids.sort();
      } finally {
        lock.release();
      }
    }
    return out;
  } finally {
    await c.logout();
  }
}

/** The oracle: LDA delivers every message to bob through the compiled script. */
async function ldaOutcome(): Promise<Record<string, string[]>> {
  const compiled = compileRuleSet(RULES);
  expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const owner = await mailOwner();
  const home = dc.home('bob');
  await mkdir(join(home, 'sieve'), { recursive: true });
  await writeFile(join(home, 'sieve', 'rules.sieve'), compiled.sieve);
  await rm(join(home, '.dovecot.sieve'), { force: true });
  await symlink('sieve/rules.sieve', join(home, '.dovecot.sieve'));
  for (const p of [home, join(home, 'sieve'), join(home, 'sieve', 'rules.sieve')]) await chown(p, owner.uid, owner.gid);
  for (const m of MAILS) {
    const r = await dc.deliver('bob', m.text);
    expect(r.exitCode, r.stderr).toBe(0);
  }
  return folderContents('bob');
}

/** Where the dry run says each message would go, as folder → Message-IDs (flag marked as in folderContents). */
function dryRunOutcome(report: TryResponse): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  report.messages.forEach((m, i) => {
    const id = MAILS.find((x) => x.text.includes(`Subject: ${m.subject}\r\n`))?.id ?? `?${i}`;
    const flagged = m.verdict.effects.includes('flag:\\Flagged') ? '*' : '';
    for (const f of [...m.verdict.folders, ...(m.verdict.kept ? ['INBOX'] : [])]) (out[f] ??= []).push(`${id}${flagged}`);
  });
  for (const k of Object.keys(out)) out[k]?.sort();
  return out;
}

async function waitForState(client: Client, id: string, states: Array<ApplyRun['state']>): Promise<ApplyRun> {
  for (let i = 0; i < 400; i++) {
    const run = (await client.get(`/api/mail/apply/${id}`)).json<ApplyRun>();
    if (states.includes(run.state)) return run;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`run ${id} did not reach ${states.join('/')}`);
}

/** Stores the messages as existing mail; `flagged` ones already carry \\Flagged. */
async function appendAll(user: string, flagged: readonly string[] = []): Promise<void> {
  const c = await userClient(user);
  try {
    for (const [i, m] of MAILS.entries()) await c.append('INBOX', m.text, flagged.includes(m.id) ? ['\\Flagged'] : [], new Date(Date.UTC(2026, 10, 26, 10, i)));
  } finally {
    await c.logout();
  }
}

beforeAll(async () => {
  dc = await startDovecot({ users: { alice: 'alicepw', bob: 'bobpw', carol: 'carolpw' } });
  dataDir = mkdtempSync(join(tmpdir(), 'sw-try-'));
  app = await buildApp({ config: appConfig(), worker: false });
  // Logins go to the IMAP server: the mail password is the one Dovecot knows.
  alice = await Client.login(app, 'alice', 'alicepw');
  // The user had flagged the sale mail already: the shop rule's flag is nothing to set, nor to undo.
  await appendAll('alice', [SALE]);
  await appendAll('carol');
}, 120_000);

afterAll(async () => {
  await app?.close();
  await dc?.cleanup();
});

describe('dry run on recent mail', () => {
  let report: TryResponse;

  test('reports for every message exactly where dovecot-lda files it with the same rules', async () => {
    const res = await alice.post('/api/mail/try', { rules: { ruleSet: RULES }, folders: ['INBOX'], limit: 200 });
    expect(res.statusCode, res.body).toBe(200);
    report = res.json<TryResponse>();
    expect(report.messages).toHaveLength(MAILS.length);
    expect(dryRunOutcome(report)).toEqual(await ldaOutcome());
  });

  test('lists the newest first with sender, subject, date and the deciding rule', () => {
    expect(report.messages[1]).toMatchObject({ folder: 'INBOX', fromAddress: 'lea@friends.example', subject: 'Photos', listId: 'friends.example', date: '2026-11-26T10:09:00.000Z' });
    const invoice = report.messages.find((m) => m.subject === 'Invoice 117');
    expect(invoice?.verdict.decidedBy).toEqual({ ruleIndex: 2, ruleName: 'Invoices' });
    expect(report.messages.find((m) => m.subject === 'Sunday lunch')?.verdict.decidedBy).toEqual({ source: 'implicit' });
  });

  test('counts per rule, and points out the rule that never fires and the one an earlier stop shadows', () => {
    const byName = Object.fromEntries(report.rules.map((r) => [r.name, r]));
    expect(byName['Dev list']).toMatchObject({ matched: 2, moved: 2, shadowed: 0 });
    // Its one message of its own (the off-list reply) it files; the two list mails it never gets to.
    expect(byName['Dev subjects']).toMatchObject({ matched: 1, moved: 1 });
    expect(byName['Invoices']).toMatchObject({ matched: 2, moved: 2 });
    expect(byName['Shop']).toMatchObject({ matched: 2, moved: 0 });
    expect(byName['Big']).toMatchObject({ matched: 1, moved: 1 });
    expect(byName['Never']).toMatchObject({ matched: 0, moved: 0, shadowed: 0, unreachableAfter: null });
  });

  test('a rule that only an earlier stop keeps from firing is reported as shadowed', async () => {
    const shadowing: RuleSet = { ...RULES, rules: [RULES.rules[0]!, { ...(RULES.rules[1] as Extract<RuleSet['rules'][number], { combine: unknown }>), conditions: [{ kind: 'list-id', test: { match: 'contains', values: ['dev.lists'] } }] }] };
    const res = await alice.post('/api/mail/try', { rules: { ruleSet: shadowing }, folders: ['INBOX'] });
    expect(res.json<TryResponse>().rules[1]).toMatchObject({ name: 'Dev subjects', matched: 0, shadowed: 2 });
  });

  test('a rule after an unconditional stop is unreachable', async () => {
    const stopAll: RuleSet = {
      ...RULES,
      rules: [{ name: 'Stop everything', enabled: true, combine: 'all', conditions: [{ kind: 'always' }], actions: [{ kind: 'stop' }] }, RULES.rules[2]!],
    };
    const res = await alice.post('/api/mail/try', { rules: { ruleSet: stopAll }, folders: ['INBOX'] });
    expect(res.json<TryResponse>().rules[1]).toMatchObject({ name: 'Invoices', matched: 0, shadowed: 2, unreachableAfter: 0 });
  });

  test('a draft with errors is refused with the diagnostics; an unknown folder holds nothing', async () => {
    const bad = await alice.post('/api/mail/try', { rules: { text: 'rule "x" {' }, folders: ['INBOX'] });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('invalid_rules');
    const none = await alice.post('/api/mail/try', { rules: { ruleSet: RULES }, folders: ['No/Such'] });
    expect(none.json<TryResponse>().messages).toEqual([]);
    const tooMany = await alice.post('/api/mail/try', { rules: { ruleSet: RULES }, folders: ['INBOX'], limit: 2001 });
    expect(tooMany.statusCode).toBe(400);
  });
});

describe('apply to existing mail', () => {
  let run: ApplyRun;
  const body = { rules: { ruleSet: RULES }, ruleIndexes: [0, 1, 2, 3, 4, 5], folder: 'INBOX' };

  test('the dry-run count must be confirmed; a wrong one is refused without a change', async () => {
    const plan = await alice.post('/api/mail/apply/plan', body);
    expect(plan.statusCode, plan.body).toBe(200);
    // 2 list mails + 1 dev reply + 2 invoices + the big one moved; 2 shop mails copied to Promotions, the one not yet flagged flagged.
    expect(plan.json().operations).toHaveLength(9);
    const wrong = await alice.post('/api/mail/apply', { ...body, expected: 3 });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().error).toMatchObject({ code: 'apply_conflict', details: { expected: 3, actual: 9 } });
    expect(Object.keys(await folderContents('alice'))).toEqual(['INBOX']);
  });

  test('moves, copies and flags exactly what LDA filed elsewhere', async () => {
    const res = await alice.post('/api/mail/apply', { ...body, expected: 9 });
    expect(res.statusCode, res.body).toBe(202);
    run = await waitForState(alice, res.json<ApplyRun>().id, ['done', 'failed']);
    expect(run).toMatchObject({ state: 'done', total: 9, done: 9, gone: 0 });
    const lda = await folderContents('bob');
    const mine = await folderContents('alice');
    expect(mine).toEqual(lda);
    expect(app.ctx.audit.list({ target: 'alice' }).map((e) => e.action)).toContain('mail.apply');
  });

  test('another user cannot see or undo the run', async () => {
    const carol = await Client.login(app, 'carol', 'carolpw');
    expect((await carol.get(`/api/mail/apply/${run.id}`)).statusCode).toBe(404);
    expect((await carol.post(`/api/mail/apply/${run.id}/undo`)).statusCode).toBe(404);
    expect((await carol.get('/api/mail/apply')).json().runs).toEqual([]);
  });

  test('undo puts every message back as it was', async () => {
    const res = await alice.post(`/api/mail/apply/${run.id}/undo`);
    expect(res.statusCode, res.body).toBe(202);
    expect(await waitForState(alice, run.id, ['undone', 'failed'])).toMatchObject({ state: 'undone', undone: 9 });
    const back = await folderContents('alice');
    expect(back.INBOX).toEqual(MAILS.map((m) => (m.id === SALE ? `${m.id}*` : m.id)).sort());
    expect(Object.entries(back).filter(([f, ids]) => f !== 'INBOX' && ids.length > 0)).toEqual([]);
  });
});

describe('a run stopped halfway', () => {
  test('resumes from its journal and moves each message once', async () => {
    // carol's copy of the mail; the run is planned through the API's own code path.
    const carol = await Client.login(app, 'carol', 'carolpw');
    const plan = (await carol.post('/api/mail/apply/plan', { rules: { ruleSet: RULES }, ruleIndexes: [0, 2], folder: 'INBOX' })).json<{
      operations: Array<{ ref: string; subject: string; sender: string; op: 'move'; target: string }>;
    }>().operations;
    expect(plan.map((o) => o.op)).toEqual(['move', 'move', 'move', 'move']);
    const repo = new ApplyRepository(app.ctx.db);
    const id = repo.create('carol', 'INBOX', ['Dev list', 'Invoices'], plan.map((o) => ({ ...o, messageId: MAILS.find((m) => m.text.includes(`Subject: ${o.subject}\r\n`))!.id })));
    // The stop: the first three were marked started and the server moved them, but the journal never heard back.
    const started = repo.items(id, ['planned'], 3);
    repo.markStarted(id, started.map((i) => i.seq));
    const c = await userClient('carol');
    try {
      await c.mailboxOpen('INBOX');
      for (const it of started) {
        await c.mailboxCreate(it.target).catch(() => undefined);
        await c.messageMove(it.ref.split('.')[1]!, it.target, { uid: true });
      }
    } finally {
      await c.logout();
    }
    // A restart: a new app on the same database resumes the run.
    const again = await buildApp({ config: appConfig(), worker: false });
    try {
      const client = await Client.login(again, 'carol', 'carolpw');
      const done = await waitForState(client, id, ['done', 'failed']);
      expect(done).toMatchObject({ state: 'done', done: 4, gone: 0 });
    } finally {
      await again.close();
    }
    const contents = await folderContents('carol');
    const lda = await folderContents('bob');
    expect(contents['Lists/Dev']).toEqual(lda['Lists/Dev']);
    expect(contents['Billing']).toEqual(lda['Billing']);
    // Nothing twice, nothing lost.
    expect(Object.values(contents).flat().sort()).toEqual(MAILS.map((m) => m.id).sort());
  });
});
