// Locked admin rules as Dovecot global scripts, proven with real deliveries
// through dovecot-lda: Dovecot runs with the configuration `sievewright
// dovecot-config defaults` prints, the server writes the two scripts from the
// admin's defaults, users' scripts no longer hold the locked rules, and
// nothing in a user's script switches them off.
import { appendFile, chmod, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emptyRuleSet, type Action, type Condition, type Rule } from '../../../grammar/model.js';
import { globalScriptPaths } from '../../../server/config/paths.js';
import type { Config } from '../../../server/config/schema.js';
import { DirectoryTarget } from '../../../server/deploy/directory-target.js';
import { globalScriptsConfig } from '../../../server/deploy/global-scripts-config.js';
import { saveDefaults } from '../../../server/services/defaults-service.js';
import { saveRules, setOverrides } from '../../../server/services/rules-service.js';
import { startApp, tempDir, testConfig } from '../app/harness.js';
import { requireBinary, run } from '../../support/programs.js';
import { startDovecot, type Dovecot } from '../../support/dovecot.js';

const DEFAULTS = `settings {
  junk folder "Junk"
  spam threshold 5.0
}

rule "Archive copy" locked {
  when always
  then fileinto "Archive" copy create
}

rule "Newsletters" {
  when list-id contains "news.example.org"
  then fileinto "Newsletters" create; stop
}

rule "Audit copy" locked after {
  when always
  then fileinto "Audit" copy create
}
`;

const USERS = { alice: 'alicepw', bob: 'bobpw', carol: 'carolpw', dave: 'davepw', erin: 'erinpw' };

let dc: Dovecot;
let app: FastifyInstance;
let dir: string;
let globalDir: string;
let config: Config;

beforeAll(async () => {
  dc = await startDovecot({ users: USERS });
  dir = tempDir();
  // The data directory is private (0700); Dovecot delivers as the mail user, who must read the
  // global scripts, so they live in a directory of their own, as server/README.md says to set up.
  globalDir = tempDir();
  await chmod(globalDir, 0o755);
  const env = {
    SIEVEWRIGHT_DEPLOY__DIRECTORY__HOME: join(dc.root, 'vmail', '%u'),
    SIEVEWRIGHT_DEPLOY__GLOBAL_SCRIPTS__BEFORE: join(globalDir, 'before.sieve'),
    SIEVEWRIGHT_DEPLOY__GLOBAL_SCRIPTS__AFTER: join(globalDir, 'after.sieve'),
  };
  const paths = globalScriptPaths(testConfig(dir, env));
  // dovecot-lda reads its configuration at every delivery: no restart needed.
  await appendFile(dc.conf, globalScriptsConfig('2.3', paths));
  ({ app, config } = await startApp({ dir, env }));
  const saved = await saveDefaults(app.ctx, 'root', DEFAULTS, (err) => {
    throw err;
  });
  expect(saved.globalScripts).toEqual({ ...paths, written: true, verified: true });
  for (const u of Object.keys(USERS)) app.ctx.users.ensure(u);
});
afterAll(async () => {
  await app?.close();
  await dc?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
  if (globalDir) await rm(globalDir, { recursive: true, force: true });
});

function rule(name: string, conditions: Condition[], actions: Action[]): Rule {
  return { name, enabled: true, combine: 'all', conditions, actions };
}

async function deploy(user: string, rules: Rule[]): Promise<void> {
  saveRules(app.ctx, user, user, { ...emptyRuleSet(), rules });
  await app.ctx.worker!.drain();
  expect(app.ctx.outbox.status(user).state).toBe('deployed');
}

const message = (subject: string, headers = '') =>
  `From: sender@example.net\r\nTo: someone@mailstack.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@example.net>\r\n${headers}\r\nbody\r\n`;

async function deliver(user: string, subject: string, headers = ''): Promise<void> {
  const r = await dc.deliver(user, message(subject, headers));
  expect(r.exitCode, r.stderr).toBe(0);
}

/** The folders of `user` holding the message with this subject, sorted. */
async function foldersOf(user: string, subject: string): Promise<string[]> {
  const r = await run(requireBinary('doveadm'), ['-c', dc.conf, 'fetch', '-u', user, 'mailbox', 'mailbox', '*', 'header', 'Subject', subject]);
  expect(r.code, r.stderr).toBe(0);
  return [...r.stdout.matchAll(/^mailbox: (.*)$/gm)].map((m) => m[1]!).sort();
}

const userScript = (user: string) => readFile(join(dc.home(user), 'sieve', 'sievewright.sieve'), 'utf8');

describe('locked admin rules run from the global scripts', () => {
  test('the global scripts hold the locked rules; a user script holds only the overridable ones', async () => {
    await deploy('carol', [rule('Mine', [{ kind: 'subject', test: { match: 'contains', values: ['mine'] } }], [{ kind: 'fileinto', folder: 'Mine', create: true }])]);
    const paths = globalScriptPaths(config);
    expect(await readFile(paths.before, 'utf8')).toContain('# rule:[Archive copy]');
    expect(await readFile(paths.after, 'utf8')).toContain('# rule:[Audit copy]');
    const own = await userScript('carol');
    expect(own).toContain('# rule:[Newsletters]');
    expect(own).not.toContain('Archive copy');
    expect(own).not.toContain('Audit copy');
  });

  test('(a) a user whose own script cannot compile still gets the locked before-rule', async () => {
    // What a hand-edited or otherwise broken active script looks like to Dovecot.
    const target = new DirectoryTarget({ layout: config.deploy.directory, scriptName: 'sievewright', takeOver: false, verify: null });
    await target.deploy({ username: 'alice', version: 1, sieve: 'require ["fileinto"];\nif foo :bar { fileinto "Never"; }\n', prefs: '' });
    await deliver('alice', 'a1');
    expect(dc.log()).toMatch(/lda\(alice\).*Failed to compile script/);
    // Pigeonhole ends the sequence at the script that failed (the after-script does not run) and keeps the message.
    expect(await foldersOf('alice', 'a1')).toEqual(['Archive', 'INBOX']);
  });

  test('a user script that fails at run time: what Pigeonhole does with the locked rules', async () => {
    // More redirects than sieve_max_redirects (4): compiles, fails when run.
    const redirects = Array.from({ length: 6 }, (_, i) => `redirect "r${i}@example.org";`).join('\n');
    const target = new DirectoryTarget({ layout: config.deploy.directory, scriptName: 'sievewright', takeOver: false, verify: null });
    await target.deploy({ username: 'erin', version: 1, sieve: `${redirects}\n`, prefs: '' });
    await deliver('erin', 'e1');
    expect(dc.log()).toMatch(/lda\(erin\).*Execution of script .* failed, but implicit keep was successful/);
    // The locked before-rule's copy stays; the sequence ends, so the after-script does not run.
    expect(await foldersOf('erin', 'e1')).toEqual(['Archive', 'INBOX']);
  });

  test("(b) a user whose first rule is stop still gets the locked rules; the user's later rules do not run", async () => {
    await deploy('bob', [
      rule('Stop everything', [{ kind: 'always' }], [{ kind: 'stop' }]),
      rule('Never reached', [{ kind: 'always' }], [{ kind: 'fileinto', folder: 'Never', create: true }]),
    ]);
    await deliver('bob', 'b1');
    // `stop` keeps the message, so Pigeonhole also runs the after-script.
    expect(await foldersOf('bob', 'b1')).toEqual(['Archive', 'Audit', 'INBOX']);
  });

  test('(c) an unlocked default stays in the user script and the user can switch it off', async () => {
    await deliver('carol', 'c1', 'List-Id: <news.example.org>\r\n');
    // The overridable rule files the message (no keep): the after-script does not run.
    expect(await foldersOf('carol', 'c1')).toEqual(['Archive', 'Newsletters']);
    setOverrides(app.ctx, 'carol', ['Newsletters']);
    await app.ctx.worker!.drain();
    expect(await userScript('carol')).not.toContain('Newsletters');
    await deliver('carol', 'c2', 'List-Id: <news.example.org>\r\n');
    expect(await foldersOf('carol', 'c2')).toEqual(['Archive', 'Audit', 'INBOX']);
  });

  test("(d) a locked after-rule runs when the user's script kept the message, not when it filed it", async () => {
    await deploy('dave', [rule('Work', [{ kind: 'subject', test: { match: 'contains', values: ['work'] } }], [{ kind: 'fileinto', folder: 'Work', create: true }])]);
    await deliver('dave', 'd1 other');
    expect(await foldersOf('dave', 'd1 other')).toEqual(['Archive', 'Audit', 'INBOX']);
    await deliver('dave', 'd2 work');
    expect(await foldersOf('dave', 'd2 work')).toEqual(['Archive', 'Work']);
  });

  test('a change to a locked rule is one write of the global script, with no user re-deployed', async () => {
    const before = app.ctx.outbox.status('dave');
    const saved = await saveDefaults(app.ctx, 'root', DEFAULTS.replace('fileinto "Archive" copy create', 'fileinto "Archive2" copy create'), (err) => {
      throw err;
    });
    expect(saved.globalScripts.written).toBe(true);
    expect(app.ctx.redeploys.progress(saved.jobId)).toEqual({ done: 0, failed: 0, total: 0 });
    expect(app.ctx.outbox.status('dave')).toEqual(before);
    await deliver('dave', 'd3');
    expect(await foldersOf('dave', 'd3')).toEqual(['Archive2', 'Audit', 'INBOX']);
  });

  test('a change to an overridable default re-deploys every user', async () => {
    const text = DEFAULTS.replace('fileinto "Archive" copy create', 'fileinto "Archive2" copy create').replace('"Newsletters" create', '"News" create');
    const saved = await saveDefaults(app.ctx, 'root', text, (err) => {
      throw err;
    });
    expect(saved.globalScripts.written).toBe(true);
    await app.ctx.worker!.drain();
    expect(app.ctx.redeploys.progress(saved.jobId)).toEqual({ done: Object.keys(USERS).length, failed: 0, total: Object.keys(USERS).length });
    expect(await userScript('dave')).toContain('fileinto :create "News";');
    await deliver('dave', 'd4', 'List-Id: <news.example.org>\r\n');
    expect(await foldersOf('dave', 'd4')).toEqual(['Archive2', 'News']);
  });
});
