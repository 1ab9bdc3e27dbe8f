// Installs the global scripts of the admin's locked rules where Dovecot's
// sieve_before / sieve_after settings point. One write serves every user, so
// a change to a locked rule is one deploy, not one per user. Each file is
// replaced atomically and only when its text changed: a new file makes
// Dovecot compile it again at the next delivery.
//
// The files stay owned by sievewright's user, not the mail user: users'
// deliveries must not be able to change them. Dovecot then cannot save the
// compiled .svbin beside them and compiles at every delivery unless an
// administrator runs `sievec` on them (see server/README.md).
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { GlobalPlacement } from '../../grammar/global-scripts.js';
import { ensureDir, writeFileAtomic } from './atomic-file.js';

export const GLOBAL_PLACEMENTS: readonly GlobalPlacement[] = ['before', 'after'];

/** Which of the two scripts were rewritten (an unchanged one is left alone). */
export async function writeGlobalScripts(paths: Record<GlobalPlacement, string>, scripts: Record<GlobalPlacement, string>): Promise<GlobalPlacement[]> {
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
  return written;
}
