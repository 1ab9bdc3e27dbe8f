// The cookie-signing secret: generated once and kept in the data directory
// (mode 0600, in a 0700 directory) so sessions stay valid across restarts and every instance
// sharing the data directory agrees.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, ensurePrivateFile } from '../store/private-files.js';

export function sessionSecret(dataDir: string): string {
  const file = join(dataDir, 'session-secret');
  ensurePrivateDir(dataDir);
  // Creates it empty, or tightens one an older version left readable; never through a link.
  ensurePrivateFile(file);
  const s = readFileSync(file, 'utf8').trim();
  if (s.length >= 32) return s;
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`);
  return secret;
}
