// Builds the production web UI into a private directory, so parallel test
// files never race on web/dist.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

export async function buildWeb(outDir?: string): Promise<string> {
  const dir = outDir ?? (await mkdtemp(join(tmpdir(), 'sw-web-')));
  await build({
    configFile: join(repoRoot, 'web/vite.config.ts'),
    logLevel: 'silent',
    build: { outDir: dir, emptyOutDir: true },
  });
  return dir;
}
