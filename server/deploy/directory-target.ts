// The embedded default target: writes the script and user_prefs straight
// into the mail home tree Dovecot reads (`sieve = file:~/sieve;active=~/.dovecot.sieve`).
// The script is `<sieveDir>/<scriptName>.sieve`, activated through the
// active-script symlink; every write is atomic. A foreign active script (a
// link elsewhere, or a plain file) is reported unless config says take over
// or the user agreed to replace that script; a plain file is then kept
// beside it, never deleted.
//
// The new script is compiled by the server's `sievec` before it replaces
// the script in place (a rejected one never does); concurrent deploys share
// one sievec run per batch (SievecBatcher). With
// no compiler to ask the script is written and reported "unverified".
// The compiled binary is not kept: Dovecot compiles its own at the first
// delivery, with its own settings and path (Pigeonhole 2.4 ties a binary to
// the script path it was compiled from). A `.svbin` Dovecot compiled from
// the old script (beside the active link, or beside the script) is
// removed, and the new script gets a fresh mtime just before it moves in,
// so an old binary can never pass for the new script (Pigeonhole uses a
// binary only while it is newer than the script).
import { promises as fs } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { mayReplaceForeign } from './activation.js';
import { ensureDir, replaceSymlink, writeFileAtomic } from './atomic-file.js';
import { userPaths, type MailHomeLayout, type UserPaths } from './mail-home.js';
import { DeployError, type DeployJob, type DeployOutcome, type DeployTarget } from './outcome.js';
import { scriptRejected } from './rejection.js';
import { describeErrors, SievecBatcher, type SievecOptions } from './sievec.js';

export interface DirectoryTargetOptions {
  layout: MailHomeLayout;
  scriptName: string;
  takeOver: boolean;
  /** The server's Sieve compiler; null when none is configured (scripts are then written unverified). */
  verify: SievecOptions | null;
}

const NOT_CONFIGURED = 'no Sieve compiler is configured (deploy.verify.sievec)';

/** Where Pigeonhole saves the binary it compiles from the script at `path`. */
function binaryPath(path: string): string {
  return `${path.replace(/\.sieve$/, '')}.svbin`;
}

/** Null when the compiler accepted the script, why it could not check it otherwise; throws when it rejected it. */
async function verify(script: string, sievec: SievecBatcher): Promise<string | null> {
  const verdict = await sievec.check(script);
  if (verdict.kind === 'accepted') return null;
  if (verdict.kind === 'unavailable') return verdict.reason;
  const message = `the server's Sieve compiler rejected the script: ${describeErrors(verdict.errors)}`;
  throw scriptRejected(script, message, verdict.errors.map((e) => e.line));
}

/**
 * The active script of one mail home. A foreign one is named as a Sieve
 * script (`sieve/roundcube.sieve` is `roundcube`, the name the import offer
 * shows and a consent names); a plain file by its path in the home.
 */
export type ActiveState = { kind: 'none' } | { kind: 'ours' } | { kind: 'foreign'; name: string; path: string; plainFile: boolean };

export async function activeScriptIn(paths: UserPaths, ownScriptPath: string): Promise<ActiveState> {
  const st = await fs.lstat(paths.activeLink).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (!st) return { kind: 'none' };
  if (!st.isSymbolicLink()) return { kind: 'foreign', name: relative(paths.home, paths.activeLink), path: paths.activeLink, plainFile: true };
  const target = resolve(dirname(paths.activeLink), await fs.readlink(paths.activeLink));
  if (target === ownScriptPath) return { kind: 'ours' };
  return { kind: 'foreign', name: basename(target).replace(/\.sieve$/, ''), path: target, plainFile: false };
}

export class DirectoryTarget implements DeployTarget {
  readonly label: string;
  private readonly sievec: SievecBatcher | null;

  constructor(private readonly opts: DirectoryTargetOptions) {
    this.label = `directory:${opts.layout.home}`;
    this.sievec = opts.verify && new SievecBatcher(opts.verify);
  }

  async deploy(job: DeployJob): Promise<DeployOutcome> {
    const paths = userPaths(this.opts.layout, job.username);
    const scriptPath = join(paths.sieveDir, `${this.opts.scriptName}.sieve`);
    try {
      const active = await activeScriptIn(paths, scriptPath);
      if (active.kind === 'foreign' && !mayReplaceForeign(active.name, this.opts.takeOver, job.replaceConsent)) {
        return { status: 'foreign-active', activeScript: active.name };
      }
      const owner = await ensureDir(paths.sieveDir);
      const checked: { unverified: string | null } = { unverified: NOT_CONFIGURED };
      await writeFileAtomic(scriptPath, job.sieve, owner, {
        beforeRename: async (tmp) => {
          if (this.sievec) checked.unverified = await verify(job.sieve, this.sievec);
          const now = new Date();
          await fs.utimes(tmp, now, now);
        },
      });
      // Pigeonhole keeps the binary beside the path it opened: the active link (Dovecot's delivery) or the script itself.
      await Promise.all([paths.activeLink, scriptPath].map((p) => fs.rm(binaryPath(p), { force: true })));
      if (active.kind === 'foreign' && active.plainFile) {
        // Keep the user's own script: it moves aside, it is not overwritten.
        await fs.rename(paths.activeLink, `${paths.activeLink}.before-sievewright`);
      }
      if (active.kind !== 'ours') await replaceSymlink(paths.activeLink, relative(dirname(paths.activeLink), scriptPath), owner);
      await this.writePrefs(job.username, job.prefs);
      const { scriptName } = this.opts;
      return checked.unverified === null ? { status: 'deployed', scriptName } : { status: 'unverified', scriptName, reason: checked.unverified };
    } catch (e) {
      throw asDeployError(e);
    }
  }

  /** Writes only user_prefs (the ManageSieve target uses this: ManageSieve cannot carry it). */
  async writePrefs(username: string, prefs: string): Promise<void> {
    const paths = userPaths(this.opts.layout, username);
    try {
      const owner = await ensureDir(dirname(paths.prefs));
      await writeFileAtomic(paths.prefs, prefs, owner);
    } catch (e) {
      throw asDeployError(e);
    }
  }
}

function asDeployError(e: unknown): DeployError {
  if (e instanceof DeployError) return e;
  const err = e as NodeJS.ErrnoException;
  // Disk full, permissions being fixed, an NFS hiccup: worth another try.
  return new DeployError(`writing the mail home failed: ${err.message}`, 'io', true, undefined, { cause: e });
}
