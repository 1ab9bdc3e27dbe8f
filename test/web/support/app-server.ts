// The real server app on an ephemeral port: embedded default (local users,
// directory deploy target) with a temporary data directory and the built UI.
// The demo accounts' one-time passwords are read from the startup log, the
// way an admin reads them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../server/app.js';
import { loadConfig } from '../../../server/config/load.js';
import { sievecConfig } from '../../support/pigeonhole.js';

export interface AppServer {
  url: string;
  app: FastifyInstance;
  dataDir: string;
  /** Passwords of the accounts created on first start (demo user, admin). */
  passwords: Record<string, string>;
  close(): Promise<void>;
}

const CREATED = /created \w+ "?([^"\s]+)"? with password "?([^"\s]+)"?/;

export async function startAppServer(webRoot: string, extra: Record<string, unknown> = {}): Promise<AppServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sw-app-'));
  const file = join(dataDir, 'config.json');
  const sievecConf = join(dataDir, 'sievec.conf');
  await writeFile(sievecConf, sievecConfig());
  const { server: extraServer, deploy: extraDeploy, ...rest } = extra as { server?: object; deploy?: object };
  await writeFile(
    file,
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0, dataDir, webRoot, ...extraServer },
      deploy: { directory: { home: join(dataDir, 'mail', '%u') }, verify: { config: sievecConf }, ...extraDeploy },
      ...rest,
    }),
  );
  const passwords: Record<string, string> = {};
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) {
        if (!line.startsWith('{')) continue;
        const m = CREATED.exec(String((JSON.parse(line) as { msg?: unknown }).msg));
        if (m) passwords[m[1]!] = m[2]!;
      }
      done();
    },
  });
  const app = await buildApp({ config: loadConfig({ file }), logger: { level: 'warn', stream: logStream } });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: address,
    app,
    dataDir,
    passwords,
    async close() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
