import { mkdtemp, mkdir, readFile, readlink, rm, symlink, writeFile, readdir, lstat, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { emitSieve } from '../../../grammar/emit/sieve.js';
import { emptyRuleSet } from '../../../grammar/model.js';
import { DirectoryTarget } from '../../../server/deploy/directory-target.js';
import { userPaths } from '../../../server/deploy/mail-home.js';
import { DeployError } from '../../../server/deploy/outcome.js';
import type { SievecOptions } from '../../../server/deploy/sievec.js';
import { requireBinary } from '../../support/programs.js';
import { sievecConfig } from '../../support/pigeonhole.js';

let root: string;
let sievec: SievecOptions;
const layout = () => ({ home: join(root, 'mail', '%u'), sieveDir: 'sieve', activeLink: '.dovecot.sieve', prefsPath: '.spamassassin/user_prefs' });
const target = (takeOver = false, verify: SievecOptions | null = sievec) => new DirectoryTarget({ layout: layout(), scriptName: 'sievewright', takeOver, verify });
const job = (version: number, username = 'alice', replaceConsent?: string) => ({
  username,
  version,
  sieve: `# v${version}\r\nkeep;\r\n`,
  prefs: `required_score ${version}\n`,
  ...(replaceConsent ? { replaceConsent } : {}),
});

/** alice's home with `sieve/NAME.sieve` active, as Roundcube leaves it. */
async function foreignActive(name: string): Promise<string> {
  const home = join(root, 'mail', 'alice');
  await mkdir(join(home, 'sieve'), { recursive: true });
  await writeFile(join(home, `sieve/${name}.sieve`), 'keep;\n');
  await symlink(`sieve/${name}.sieve`, join(home, '.dovecot.sieve'));
  return home;
}

/** Every file and link under `dir` with its content (or link target), inode and mtime. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    const path = join(dir, name);
    const st = await lstat(path);
    if (st.isDirectory()) continue;
    const body = st.isSymbolicLink() ? `-> ${await readlink(path)}` : await readFile(path, 'utf8');
    out[name] = `${body} ino=${st.ino} mtime=${st.mtimeMs}`;
  }
  return out;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sw-dirtarget-'));
  const config = join(root, 'sievec.conf');
  await writeFile(config, sievecConfig());
  sievec = { binary: requireBinary('sievec'), config };
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('directory target', () => {
  test('writes the script, the relative active link and user_prefs where Dovecot looks', async () => {
    expect(await target().deploy(job(1))).toEqual({ status: 'deployed', scriptName: 'sievewright' });
    const home = join(root, 'mail', 'alice');
    expect(await readFile(join(home, 'sieve/sievewright.sieve'), 'utf8')).toBe('# v1\r\nkeep;\r\n');
    expect(await readlink(join(home, '.dovecot.sieve'))).toBe('sieve/sievewright.sieve');
    expect(await readFile(join(home, '.spamassassin/user_prefs'), 'utf8')).toBe('required_score 1\n');
  });

  test('a redeploy replaces the files and leaves no temporary files behind', async () => {
    await target().deploy(job(1));
    await target().deploy(job(2));
    const home = join(root, 'mail', 'alice');
    expect(await readFile(join(home, 'sieve/sievewright.sieve'), 'utf8')).toContain('v2');
    expect(await readdir(join(home, 'sieve'))).toEqual(['sievewright.sieve']);
    expect((await readdir(home)).sort()).toEqual(['.dovecot.sieve', '.spamassassin', 'sieve']);
  });

  test('an active link to a script sievewright did not write is reported by its script name and left alone', async () => {
    const home = await foreignActive('roundcube');
    expect(await target().deploy(job(1))).toEqual({ status: 'foreign-active', activeScript: 'roundcube' });
    expect(await readlink(join(home, '.dovecot.sieve'))).toBe('sieve/roundcube.sieve');
    expect(await readdir(join(home, 'sieve'))).toEqual(['roundcube.sieve']);
  });

  test("with the user's consent for that script the link moves to sievewright's script and theirs stays", async () => {
    const home = await foreignActive('roundcube');
    expect(await target().deploy(job(1, 'alice', 'roundcube'))).toEqual({ status: 'deployed', scriptName: 'sievewright' });
    expect(await readlink(join(home, '.dovecot.sieve'))).toBe('sieve/sievewright.sieve');
    expect(await readFile(join(home, 'sieve/roundcube.sieve'), 'utf8')).toBe('keep;\n');
  });

  test('a consent naming another script leaves the active one alone', async () => {
    const home = await foreignActive('vacation');
    expect(await target().deploy(job(1, 'alice', 'roundcube'))).toEqual({ status: 'foreign-active', activeScript: 'vacation' });
    expect(await readlink(join(home, '.dovecot.sieve'))).toBe('sieve/vacation.sieve');
    expect(await readdir(join(home, 'sieve'))).toEqual(['vacation.sieve']);
  });

  test('with takeOver a plain active file is moved aside, never deleted', async () => {
    const home = join(root, 'mail', 'alice');
    await mkdir(home, { recursive: true });
    await writeFile(join(home, '.dovecot.sieve'), '# hand-written\nkeep;\n');
    expect((await target(true).deploy(job(1))).status).toBe('deployed');
    expect((await lstat(join(home, '.dovecot.sieve'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(home, '.dovecot.sieve.before-sievewright'), 'utf8')).toBe('# hand-written\nkeep;\n');
  });

  test("a script the server's compiler rejects never replaces the active one; the error names the rule and line", async () => {
    expect(await target().deploy(job(1))).toEqual({ status: 'deployed', scriptName: 'sievewright' });
    const home = join(root, 'mail', 'alice');
    const before = await snapshot(home);
    const bad = emitSieve({ ...emptyRuleSet(), rules: [{ kind: 'raw', name: 'Frob it', sieve: 'frobnicate "now";', requires: [], enabled: true }] });
    const line = bad.lineMap[0]!.startLine + 1;
    const error = await target()
      .deploy({ ...job(2), sieve: bad.sieve })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployError);
    expect(error).toMatchObject({ code: 'rejected', transient: false, line, rule: 'Frob it', message: expect.stringMatching(new RegExp(`line ${line}: unknown command 'frobnicate'`)) });
    expect(await snapshot(home)).toEqual(before);
  });

  test('without a compiler the script is written and reported unverified, with the reason', async () => {
    expect(await target(false, null).deploy(job(1))).toEqual({ status: 'unverified', scriptName: 'sievewright', reason: expect.stringMatching(/no Sieve compiler is configured/) });
    expect(await target(false, { binary: join(root, 'no-sievec') }).deploy(job(2))).toEqual({
      status: 'unverified',
      scriptName: 'sievewright',
      reason: expect.stringMatching(/not installed/),
    });
    const home = join(root, 'mail', 'alice');
    expect(await readFile(join(home, 'sieve/sievewright.sieve'), 'utf8')).toContain('v2');
    expect(await readlink(join(home, '.dovecot.sieve'))).toBe('sieve/sievewright.sieve');
  });

  test('a binary compiled from the old script is removed, and the new script is newer than any such binary', async () => {
    await target().deploy(job(1));
    const sieveDir = join(root, 'mail', 'alice', 'sieve');
    // What Dovecot leaves after delivering with version 1, dated as late as possible.
    await writeFile(join(sieveDir, 'sievewright.svbin'), 'compiled v1');
    const late = new Date(Date.now() + 1000);
    await utimes(join(sieveDir, 'sievewright.svbin'), late, late);
    const started = Date.now();
    await target().deploy(job(2));
    expect(await readdir(sieveDir)).toEqual(['sievewright.sieve']);
    expect((await stat(join(sieveDir, 'sievewright.sieve'))).mtimeMs).toBeGreaterThanOrEqual(started);
  });

  test.each(['../bob', 'a/b', '..', '.hidden', '', 'x\0y', 'a\nb', 'bob/../../etc'])('username %j cannot reach a path', async (name) => {
    await expect(target().deploy(job(1, name))).rejects.toMatchObject({ code: 'invalid_user', transient: false });
  });

  test('a home template whose fixed part is escaped by the layout is refused', () => {
    expect(() => userPaths({ ...layout(), sieveDir: '../../elsewhere' }, 'alice')).toThrow(DeployError);
    expect(() => userPaths({ ...layout(), home: join(root, 'fixed') }, 'alice')).toThrow(/%u/);
  });
});
