// The Dovecot 2.4 output of `sievewright dovecot-config defaults`, installed
// into a real Dovecot 2.4 (Debian 13's packages in a chroot, see
// test/support/trixie-dovecot.ts) and driven by its dovecot-lda: the locked
// rules' global scripts run around a broken user script and around one that
// stops at once, as they do on 2.3 (global-scripts.dovecot.test.ts).
import { appendFile, chown, mkdir, symlink, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compileGlobalScripts } from '../../../grammar/global-scripts.js';
import { parseRules } from '../../../grammar/parse-rules.js';
import { writeGlobalScripts } from '../../../server/deploy/global-scripts.js';
import { globalScriptsConfig } from '../../../server/deploy/global-scripts-config.js';
import { requireBinary, run } from '../../support/programs.js';
import { createDovecot24, MAIL_ID, trixieRoot, type Dovecot24 } from '../../support/trixie-dovecot.js';

// Building the Debian 13 root takes minutes when it is not cached yet (.ci/run builds it first).
const BUILD_TIMEOUT_MS = 20 * 60_000;

const DEFAULTS = `rule "Archive copy" locked {
  when always
  then fileinto "Archive" copy create
}

rule "Audit copy" locked after {
  when always
  then fileinto "Audit" copy create
}
`;

let dovecot: Dovecot24;
let rootPath: string;

/** A user's active script, written where the personal script setting below points. */
async function userScript(user: string, sieve: string): Promise<void> {
  const home = dovecot.hostPath(`${dovecot.dir}/vmail/${user}`);
  await mkdir(`${home}/sieve`, { recursive: true });
  await writeFile(`${home}/sieve/own.sieve`, sieve);
  await symlink('sieve/own.sieve', `${home}/.dovecot.sieve`);
  for (const p of [home, `${home}/sieve`, `${home}/sieve/own.sieve`]) await chown(p, MAIL_ID, MAIL_ID);
}

async function deliver(user: string, subject: string): Promise<void> {
  const message = `From: sender@example.net\r\nTo: ${user}@mailstack.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@example.net>\r\n\r\nbody\r\n`;
  const r = await run(requireBinary('chroot'), [rootPath, '/usr/lib/dovecot/dovecot-lda', '-c', dovecot.conf, '-d', user, '-f', 'sender@example.net'], { input: message });
  expect(r.code, `${r.stderr}\n${dovecot.log().slice(-2000)}`).toBe(0);
}

async function foldersOf(user: string, subject: string): Promise<string[]> {
  const r = await dovecot.exec('/usr/bin/doveadm', ['-c', dovecot.conf, 'fetch', '-u', user, 'mailbox', 'mailbox', '*', 'header', 'Subject', subject]);
  expect(r.code, r.stderr).toBe(0);
  return [...r.stdout.matchAll(/^mailbox: (.*)$/gm)].map((m) => m[1]!).sort();
}

describe('dovecot-config defaults (installed into Dovecot 2.4)', () => {
  beforeAll(async () => {
    rootPath = (await trixieRoot()).path;
    dovecot = await createDovecot24({ alice: 'alicepw', bob: 'bobpw' });
    const inner = { before: `${dovecot.dir}/sieve-global/before.sieve`, after: `${dovecot.dir}/sieve-global/after.sieve` };
    await appendFile(
      dovecot.hostPath(dovecot.conf),
      `
postmaster_address = postmaster@mailstack.test
lda_mailbox_autocreate = yes
protocol lda {
  mail_plugins {
    sieve = yes
  }
}
sieve_script personal {
  type = personal
  path = ~/sieve
  active_path = ~/.dovecot.sieve
}
${globalScriptsConfig('2.4', inner)}`,
    );
    const { before, after } = compileGlobalScripts(parseRules(DEFAULTS).ruleSet!);
    await writeGlobalScripts({ before: dovecot.hostPath(inner.before), after: dovecot.hostPath(inner.after) }, { before: before.sieve, after: after.sieve }, null);
    // As the printed configuration says: precompiled by root, since the mail user cannot write beside them.
    for (const path of [inner.before, inner.after]) {
      const r = await dovecot.exec('/usr/bin/sievec', ['-c', dovecot.conf, path]);
      expect(r.code, r.stderr).toBe(0);
    }
    // The LDA looks users up through the running master's auth service.
    await dovecot.start();
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await dovecot?.cleanup();
  });

  test('the Dovecot under test is 2.4', () => {
    expect(dovecot.version).toMatch(/^2\.4\.\d/);
  });

  test('a user script that cannot compile: the locked before-rule still runs and the message is kept', async () => {
    await userScript('alice', 'require ["fileinto"];\nif foo :bar { fileinto "Never"; }\n');
    await deliver('alice', 'a1');
    expect(await foldersOf('alice', 'a1')).toEqual(['Archive', 'INBOX']);
  });

  test("a user whose first rule is stop: the locked before- and after-rules both run, the user's later rules not", async () => {
    await userScript('bob', 'require ["fileinto", "mailbox"];\nstop;\nfileinto :create "Never";\n');
    await deliver('bob', 'b1');
    expect(await foldersOf('bob', 'b1')).toEqual(['Archive', 'Audit', 'INBOX']);
  });
});
