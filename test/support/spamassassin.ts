// A private spamd, with per-user prefs and Bayes under a temp dir, on
// 127.0.0.1 on a free port.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signalTree } from './processes.js';
import { freePort, isRoot, mailOwner, makeRoot, ownByMail, requireBinary, run } from './programs.js';

export interface Spamd {
  host: string;
  port: number;
  /** Per-user prefs and Bayes: `${vusersDir}/USER/user_prefs`, `bayes_*`. */
  vusersDir: string;
  logFile: string;
  log(): string;
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startSpamd(): Promise<Spamd> {
  const spamd = requireBinary('spamd');
  const spamc = requireBinary('spamc');
  const owner = await mailOwner();
  const root = await makeRoot('sw-spamd-');
  const vusersDir = join(root, 'vusers');
  await mkdir(vusersDir);
  await ownByMail(vusersDir);
  const logFile = join(root, 'spamd.log');
  await writeFile(logFile, '');
  await ownByMail(logFile);
  const pidFile = join(root, 'spamd.pid');
  const port = await freePort();
  const args = [
    '-d', `--pidfile=${pidFile}`, `--listen=127.0.0.1:${port}`, '--allowed-ips=127.0.0.1',
    '--allow-tell', '--local', '--nouser-config', `--virtual-config-dir=${vusersDir}/%u`,
    '--max-children=2', '--min-children=1', `--syslog=${logFile}`,
  ];
  if (isRoot()) args.push(`--username=${owner.name}`, `--groupname=${owner.name}`);
  const child = spawn(spamd, args, { stdio: 'ignore', detached: true });
  child.unref();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await run(spamc, ['-d', '127.0.0.1', '-p', String(port), '-K']);
    if (r.code === 0 && r.stdout.includes('SPAMD/')) break;
    if (Date.now() > deadline) throw new Error(`spamd did not answer on ${port}: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
  const self: Spamd = {
    host: '127.0.0.1',
    port,
    vusersDir,
    logFile,
    log: () => readFileSync(logFile, 'utf8'),
    async stop() {
      let pid: number;
      try {
        pid = Number(readFileSync(pidFile, 'utf8').trim());
      } catch {
        return;
      }
      await signalTree(pid, 'SIGTERM', 'spamd to stop');
    },
    async cleanup() {
      await self.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
  return self;
}
