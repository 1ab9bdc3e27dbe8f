// The Dovecot configuration that runs the global scripts of the admin's
// locked rules around every user's own script, for Dovecot 2.3 (`plugin {}`
// settings) and 2.4 (`sieve_script` blocks). Pure text generation; the CLI
// prints it.
import type { GlobalPlacement } from '../../grammar/global-scripts.js';
import type { DovecotVersion } from '../learning/dovecot-config.js';

/** Dovecot takes the path as it stands: no quotes, so no spaces or line breaks either. */
function checkPath(path: string): void {
  if (!path.startsWith('/')) throw new Error(`the global script path must be absolute (got ${JSON.stringify(path)})`);
  if (/[\s"\\#]/.test(path)) throw new Error(`the global script path cannot hold spaces, quotes, backslashes or '#' (got ${JSON.stringify(path)})`);
}

export function globalScriptsConfig(version: DovecotVersion, paths: Record<GlobalPlacement, string>): string {
  checkPath(paths.before);
  checkPath(paths.after);
  const head = `# sievewright: the administrator's locked rules, run by Dovecot ${version} around every user's own
# Sieve script (before.sieve first, after.sieve last) for delivery through LDA and LMTP.
# After each change sievewright rewrites the two files; run sievec on them as root
# so the mail user needs no write access beside them.
`;
  if (version === '2.3') {
    return `${head}plugin {
  sieve_before = ${paths.before}
  sieve_after = ${paths.after}
}
`;
  }
  return `${head}sieve_script sievewright-locked-before {
  type = before
  path = ${paths.before}
}
sieve_script sievewright-locked-after {
  type = after
  path = ${paths.after}
}
`;
}
