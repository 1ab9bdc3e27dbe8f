// Deploy targets against a real Dovecot: safe activation, rejected scripts,
// foreign scripts, quota, and the directory layout Dovecot itself reads.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DirectoryTarget } from '../../../server/deploy/directory-target.js';
import { ManageSieveTarget } from '../../../server/deploy/managesieve-target.js';
import { DeployError } from '../../../server/deploy/outcome.js';
import { ManageSieveClient } from '../../../server/managesieve/client.js';
import { startDovecot, type Dovecot } from '../../support/dovecot.js';

let dc: Dovecot;
let prefsRoot: string;

beforeAll(async () => {
  dc = await startDovecot({ users: { alice: 'alicepw', bob: 'bobpw', carol: 'carolpw', dave: 'davepw', erin: 'erinpw', grace: 'gracepw' } });
  prefsRoot = await mkdtemp(join(tmpdir(), 'sw-prefs-'));
});
afterAll(async () => {
  await dc?.cleanup();
  if (prefsRoot) await rm(prefsRoot, { recursive: true, force: true });
});

const layout = (home: string) => ({ home, sieveDir: 'sieve', activeLink: '.dovecot.sieve', prefsPath: '.spamassassin/user_prefs' });

function msTarget(takeOver = false): ManageSieveTarget {
  return new ManageSieveTarget({
    endpoint: { host: dc.host, port: dc.sievePort, tls: 'none', timeoutMs: 5000 },
    master: dc.master,
    scriptName: 'sievewright',
    takeOver,
    prefs: new DirectoryTarget({ layout: layout(join(prefsRoot, '%u')), scriptName: 'sievewright', takeOver: false, verify: null }),
  });
}

/** What the user's server holds, seen as the master user acting for them. */
async function scriptsOf(user: string): Promise<Array<{ name: string; active: boolean; body: string }>> {
  const c = await ManageSieveClient.connect({ host: dc.host, port: dc.sievePort, tls: 'none', timeoutMs: 5000 });
  try {
    await c.authenticate(dc.master.username, dc.master.password, user);
    const list = await c.listScripts();
    return Promise.all(list.map(async (s) => ({ ...s, body: await c.getScript(s.name) })));
  } finally {
    await c.logout();
  }
}

const script = (v: number) => `require ["fileinto"];\r\n# version ${v}\r\nif header :contains "subject" "v${v}" { fileinto "Folder${v}"; }\r\n`;
const job = (username: string, v: number, sieve = script(v)) => ({ username, version: v, sieve, prefs: `required_score ${v}.0\n` });
const MSG = (subject: string) => `From: a@example.org\r\nTo: x@example.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@example.org>\r\n\r\nbody\r\n`;

describe('ManageSieve target against Dovecot', () => {
  test('a first deploy activates the script and writes user_prefs; delivery then follows it', async () => {
    expect(await msTarget().deploy(job('alice', 1))).toEqual({ status: 'deployed', scriptName: 'sievewright-a' });
    expect(await scriptsOf('alice')).toEqual([{ name: 'sievewright-a', active: true, body: script(1) }]);
    expect(await readFile(join(prefsRoot, 'alice/.spamassassin/user_prefs'), 'utf8')).toBe('required_score 1.0\n');
    expect((await dc.deliver('alice', MSG('about v1'))).exitCode).toBe(0);
    expect(dc.log()).toMatch(/lda\(alice\).*stored mail into mailbox 'Folder1'/);
  });

  test('a redeploy uploads into the other slot, activates it and removes the old one', async () => {
    await msTarget().deploy(job('bob', 1));
    expect(await msTarget().deploy(job('bob', 2))).toEqual({ status: 'deployed', scriptName: 'sievewright-b' });
    expect(await scriptsOf('bob')).toEqual([{ name: 'sievewright-b', active: true, body: script(2) }]);
    await msTarget().deploy(job('bob', 3));
    expect(await scriptsOf('bob')).toEqual([{ name: 'sievewright-a', active: true, body: script(3) }]);
  });

  test('a script the server rejects fails with its line and the working script stays active', async () => {
    await msTarget().deploy(job('carol', 1));
    const err = await msTarget().deploy(job('carol', 2, 'require ["fileinto"];\r\nif foo :bar { keep; }\r\n')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeployError);
    expect(err).toMatchObject({ code: 'rejected', transient: false, line: 2 });
    expect((err as Error).message).toMatch(/unknown test 'foo'/);
    expect(await scriptsOf('carol')).toEqual([{ name: 'sievewright-a', active: true, body: script(1) }]);
  });

  test("CHECKSCRIPT's error line is mapped to the user's rule, past an error on the require line", async () => {
    const sieve = 'require ["fileinto", "vnd.example.frob"];\r\n# rule:[First]\r\nkeep;\r\n# rule:[Frobbing]\r\nif true {\r\n  frob "x";\r\n}\r\n';
    const err = await msTarget().deploy(job('carol', 3, sieve)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'rejected', transient: false, line: 6, rule: 'Frobbing' });
    expect((err as Error).message).toMatch(/unknown Sieve capability/);
  });

  /** What a user's old client leaves behind: its own script `roundcube`, active. */
  const activateForeign = async (user: string, password: string) => {
    const c = await ManageSieveClient.connect({ host: dc.host, port: dc.sievePort, tls: 'none' });
    await c.authenticate(user, password);
    await c.putScript('roundcube', 'keep;\r\n');
    await c.setActive('roundcube');
    await c.logout();
  };

  test('another active script is reported and left alone; takeOver activates ours but keeps theirs', async () => {
    await activateForeign('dave', 'davepw');
    expect(await msTarget().deploy(job('dave', 1))).toEqual({ status: 'foreign-active', activeScript: 'roundcube' });
    expect(await scriptsOf('dave')).toEqual([{ name: 'roundcube', active: true, body: 'keep;\r\n' }]);
    expect((await msTarget(true).deploy(job('dave', 1))).status).toBe('deployed');
    expect(await scriptsOf('dave')).toEqual(
      expect.arrayContaining([
        { name: 'roundcube', active: false, body: 'keep;\r\n' },
        { name: 'sievewright-a', active: true, body: script(1) },
      ]),
    );
  });

  test("the user's consent replaces only the foreign script it names, which is kept, inactive", async () => {
    await activateForeign('grace', 'gracepw');
    expect(await msTarget().deploy({ ...job('grace', 1), replaceConsent: 'vacation' })).toEqual({ status: 'foreign-active', activeScript: 'roundcube' });
    expect(await scriptsOf('grace')).toEqual([{ name: 'roundcube', active: true, body: 'keep;\r\n' }]);
    expect(await msTarget().deploy({ ...job('grace', 1), replaceConsent: 'roundcube' })).toEqual({ status: 'deployed', scriptName: 'sievewright-a' });
    expect(await scriptsOf('grace')).toEqual(
      expect.arrayContaining([
        { name: 'roundcube', active: false, body: 'keep;\r\n' },
        { name: 'sievewright-a', active: true, body: script(1) },
      ]),
    );
  });

  test('a script over the server size limit is a typed quota error', async () => {
    await msTarget().deploy(job('erin', 1));
    const huge = `# ${'x'.repeat(1100 * 1024)}\r\nkeep;\r\n`;
    const err = await msTarget().deploy(job('erin', 2, huge)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'quota', transient: false });
    expect(await scriptsOf('erin')).toEqual([{ name: 'sievewright-a', active: true, body: script(1) }]);
  });

  test('an unreachable server is a transient error', async () => {
    const target = new ManageSieveTarget({
      endpoint: { host: '127.0.0.1', port: 1, tls: 'none', timeoutMs: 2000 },
      master: dc.master, scriptName: 'sievewright', takeOver: false, prefs: null,
    });
    await expect(target.deploy(job('alice', 9))).rejects.toMatchObject({ code: 'unreachable', transient: true });
  });

  test('a wrong master password is an auth error', async () => {
    const target = new ManageSieveTarget({
      endpoint: { host: dc.host, port: dc.sievePort, tls: 'none', timeoutMs: 5000 },
      master: { username: dc.master.username, password: 'wrong' }, scriptName: 'sievewright', takeOver: false, prefs: null,
    });
    await expect(target.deploy(job('alice', 9))).rejects.toMatchObject({ code: 'auth' });
  });
});

describe('directory target against Dovecot', () => {
  /** Verifies with sievec and the very config the test Dovecot delivers with. */
  const dirTarget = () =>
    new DirectoryTarget({ layout: layout(join(dc.root, 'vmail', '%u')), scriptName: 'sievewright', takeOver: false, verify: { binary: 'sievec', config: dc.conf } });

  test('Dovecot sees the written script as the active one and delivers with it', async () => {
    const target = dirTarget();
    await dc.addUser('frank', 'frankpw');
    expect(await target.deploy(job('frank', 4))).toEqual({ status: 'deployed', scriptName: 'sievewright' });
    expect(await scriptsOf('frank')).toEqual([{ name: 'sievewright', active: true, body: script(4) }]);
    expect((await dc.deliver('frank', MSG('about v4'))).exitCode).toBe(0);
    expect(dc.log()).toMatch(/lda\(frank\).*stored mail into mailbox 'Folder4'/);
  });

  test("a newer script takes effect at once though Dovecot compiled the old one; a rejected one leaves Dovecot delivering with the old", async () => {
    const target = dirTarget();
    await dc.addUser('ivan', 'ivanpw');
    expect(await target.deploy(job('ivan', 1))).toEqual({ status: 'deployed', scriptName: 'sievewright' });
    expect((await dc.deliver('ivan', MSG('about v1'))).exitCode).toBe(0);
    // Dovecot saved the binary it compiled from version 1 beside the active link.
    const binaries = async () => (await readdir(dc.home('ivan'), { recursive: true })).filter((f) => f.endsWith('.svbin'));
    expect(await binaries()).toEqual(['.dovecot.svbin']);
    expect(await target.deploy(job('ivan', 2))).toEqual({ status: 'deployed', scriptName: 'sievewright' });
    expect(await binaries()).toEqual([]);
    expect((await dc.deliver('ivan', MSG('about v2'))).exitCode).toBe(0);
    expect(dc.log()).toMatch(/lda\(ivan\).*stored mail into mailbox 'Folder2'/);
    const bad = `require ["fileinto"];\r\n# rule:[Broken]\r\nif header :contains "subject" "v3" { fileinto :frob "Folder3"; }\r\n`;
    await expect(target.deploy(job('ivan', 3, bad))).rejects.toMatchObject({ code: 'rejected', transient: false, line: 3, rule: 'Broken' });
    expect(await scriptsOf('ivan')).toEqual([{ name: 'sievewright', active: true, body: script(2) }]);
    expect((await dc.deliver('ivan', MSG('about v2 again'))).exitCode).toBe(0);
    expect(dc.log()).toMatch(/lda\(ivan\).*stored mail into mailbox 'Folder2'[\s\S]*lda\(ivan\).*stored mail into mailbox 'Folder2'/);
  });

  test("a script Roundcube activated is replaced only with the user's consent for it, and Dovecot still lists it, inactive", async () => {
    const target = dirTarget();
    await dc.addUser('heidi', 'heidipw');
    const c = await ManageSieveClient.connect({ host: dc.host, port: dc.sievePort, tls: 'none' });
    await c.authenticate('heidi', 'heidipw');
    await c.putScript('roundcube', 'keep;\r\n');
    await c.setActive('roundcube');
    await c.logout();
    expect(await target.deploy({ ...job('heidi', 1), replaceConsent: 'vacation' })).toEqual({ status: 'foreign-active', activeScript: 'roundcube' });
    expect(await target.deploy({ ...job('heidi', 1), replaceConsent: 'roundcube' })).toEqual({ status: 'deployed', scriptName: 'sievewright' });
    expect(await scriptsOf('heidi')).toEqual(
      expect.arrayContaining([
        { name: 'roundcube', active: false, body: 'keep;\r\n' },
        { name: 'sievewright', active: true, body: script(1) },
      ]),
    );
  });
});
