// What every private mail program in test/support needs: finding the
// program, running it, a free port, and the unprivileged mail owner its
// files belong to. Nothing here touches the system-wide config.
//
// A missing program is an error, never a skip: CI installs them all.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SEARCH_PATH = ['/usr/sbin', '/usr/bin', '/usr/lib/dovecot', '/sbin', '/bin', '/usr/local/bin'];

export function requireBinary(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), ...SEARCH_PATH];
  for (const dir of dirs) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new Error(
    `required program '${name}' is not installed; on Debian: apt-get install dovecot-core dovecot-imapd dovecot-managesieved dovecot-sieve dovecot-lmtpd spamassassin spamc spamd procmail sieve-connect (see .ci/run)`,
  );
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
        if (err && code === -1 && !(err as { killed?: boolean }).killed && (err as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(err);
          return;
        }
        resolve({ code, stdout, stderr });
      },
    );
    // A program may exit without reading its input (an early error): that is
    // reported by its exit code, not as a write error.
    child.stdin?.on('error', () => {});
    child.stdin?.end(opts.input ?? '');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The unprivileged owner of all mail data (uid 5000 `vmail`), created when missing. */
export async function mailOwner(): Promise<{ name: string; uid: number; gid: number }> {
  if (!isRoot()) {
    const name = (await run('id', ['-un'])).stdout.trim();
    return { name, uid: process.getuid!(), gid: process.getgid!() };
  }
  let entry = await run('getent', ['passwd', 'vmail']);
  if (entry.code !== 0) {
    if ((await run('getent', ['group', 'vmail'])).code !== 0) await run('groupadd', ['-g', '5000', 'vmail']);
    await run('useradd', ['-u', '5000', '-g', 'vmail', '-d', '/nonexistent', '-M', '-s', '/usr/sbin/nologin', 'vmail']);
    entry = await run('getent', ['passwd', 'vmail']);
    if (entry.code !== 0) throw new Error('could not create the vmail user');
  }
  const [, , uid, gid] = entry.stdout.trim().split(':');
  return { name: 'vmail', uid: Number(uid), gid: Number(gid) };
}

export async function makeRoot(prefix: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  // The tools drop privileges to vmail, which must be able to traverse it.
  await chmod(root, 0o755);
  return root;
}

export async function ownByMail(path: string): Promise<void> {
  const owner = await mailOwner();
  if (isRoot()) await chown(path, owner.uid, owner.gid);
}
