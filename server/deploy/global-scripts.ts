// Installs the global scripts of the admin's locked rules where Dovecot's
// sieve_before / sieve_after settings point. One write serves every user, so
// a change to a locked rule is one deploy, not one per user. Each file is
// replaced atomically and only when its text changed: a new file makes
// Dovecot compile it again at the next delivery.
//
// Both scripts go through the server's Sieve compiler first and neither is
// replaced unless both are accepted: a global script Dovecot cannot compile
// would switch the locked rules off for every user.
//
// The files stay owned by sievewright's user, not the mail user: users'
// deliveries must not be able to change them. Dovecot then cannot save the
// compiled .svbin beside them and compiles at every delivery unless an
// administrator runs `sievec` on them (see server/README.md).
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { GlobalPlacement } from '../../grammar/global-scripts.js';
import { ensureDir, writeFileAtomic } from './atomic-file.js';
import { checkScript, describeErrors, type SievecError, type SievecOptions } from './sievec.js';

export const GLOBAL_PLACEMENTS: readonly GlobalPlacement[] = ['before', 'after'];

/** The server's compiler refused a global script; nothing was replaced. */
export class GlobalScriptRejected extends Error {
  constructor(
    readonly where: GlobalPlacement,
    readonly errors: readonly SievecError[],
  ) {
    super(`the server's Sieve compiler rejected the ${where} script: ${describeErrors(errors)}`);
    this.name = 'GlobalScriptRejected';
  }
}

export interface GlobalScriptsVerdict {
  /** Null when the server's compiler accepted both scripts; otherwise why they were not checked. */
  unverified: string | null;
}

/**
 * Checks both scripts with the server's compiler (`verify`, null when none is
 * configured). Throws GlobalScriptRejected for the first one it refuses.
 */
export async function verifyGlobalScripts(scripts: Record<GlobalPlacement, string>, verify: SievecOptions | null): Promise<GlobalScriptsVerdict> {
  if (verify === null) return { unverified: 'no Sieve compiler is configured (deploy.verify.sievec)' };
  let unverified: string | null = null;
  for (const where of GLOBAL_PLACEMENTS) {
    const verdict = await checkScript(scripts[where], verify);
    if (verdict.kind === 'rejected') throw new GlobalScriptRejected(where, verdict.errors);
    if (verdict.kind === 'unavailable') unverified = verdict.reason;
  }
  return { unverified };
}

/** Verifies, then writes the scripts whose text changed (an unchanged one is left alone). */
export async function writeGlobalScripts(
  paths: Record<GlobalPlacement, string>,
  scripts: Record<GlobalPlacement, string>,
  verify: SievecOptions | null,
): Promise<GlobalScriptsVerdict & { written: GlobalPlacement[] }> {
  const verdict = await verifyGlobalScripts(scripts, verify);
  const written: GlobalPlacement[] = [];
  for (const where of GLOBAL_PLACEMENTS) {
    const path = paths[where];
    const old = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (old === scripts[where]) continue;
    await ensureDir(dirname(path));
    await writeFileAtomic(path, scripts[where], null);
    written.push(where);
  }
  return { ...verdict, written };
}
