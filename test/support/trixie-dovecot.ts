// A private Dovecot 2.4 for tests on a Debian 12 machine (which ships 2.3):
// Debian 13's own packages in a root filesystem that build-trixie-dovecot.sh
// builds once, run with chroot. A chroot shares the host's network, so the
// instance listens on 127.0.0.1 and its programs reach the host's spamd.
// Each instance keeps config, state and mail in a temp dir inside that root,
// removed on cleanup; the root itself is never changed otherwise.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, requireBinary, run, type RunResult } from './programs.js';
import { dovecotLog, INBOX_NAMESPACE } from './dovecot.js';

const BUILD_SCRIPT = fileURLToPath(new URL('./build-trixie-dovecot.sh', import.meta.url));
/** Owner of the mail inside the root (no name needed: the userdb gives numbers). */
export const MAIL_ID = 5000;

export interface TrixieRoot {
  path: string;
  /** `dovecot --version` inside the root, e.g. "2.4.1-4 (7d8c0e5759)". */
  dovecotVersion: string;
}

let building: Promise<TrixieRoot> | undefined;

/** The Debian 13 root, built on first use (minutes) and reused after; throws when it cannot be built. */
export function trixieRoot(): Promise<TrixieRoot> {
  building ??= (async () => {
    const r = await run(BUILD_SCRIPT, [], { timeoutMs: 20 * 60_000 });
    if (r.code !== 0) throw new Error(`the Debian 13 root with Dovecot 2.4 could not be built (exit ${r.code}): ${r.stderr.slice(-3000)}`);
    const path = r.stdout.trim().split('\n').pop()!;
    const v = await run(requireBinary('chroot'), [path, '/usr/sbin/dovecot', '--version']);
    if (v.code !== 0) throw new Error(`Dovecot does not run in ${path}: ${v.stderr}`);
    return { path, dovecotVersion: v.stdout.trim() };
  })();
  return building;
}

export interface Dovecot24 {
  host: string;
  imapPort: number;
  version: string;
  /** The instance's directory and config file as seen inside the root. */
  dir: string;
  conf: string;
  /** Where a path inside the root is on the host. */
  hostPath(inner: string): string;
  /** Runs a program inside the root (e.g. sievec -c conf). */
  exec(program: string, args: string[]): Promise<RunResult>;
  start(): Promise<void>;
  stop(): Promise<void>;
  log(): string;
  cleanup(): Promise<void>;
}

function dovecot24Conf(dir: string, imapPort: number): string {
  return `# Private Dovecot 2.4 for sievewright tests (generated).
dovecot_config_version = 2.4.1
dovecot_storage_version = 2.4.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = sw24-${imapPort}
log_path = ${dir}/log/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
auth_allow_cleartext = yes
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
first_valid_uid = 100
passdb passwd-file {
  passwd_file_path = ${dir}/users
}
userdb static {
  fields {
    uid = ${MAIL_ID}
    gid = ${MAIL_ID}
    home = ${dir}/vmail/%{user}
  }
}
mail_driver = maildir
mail_path = ~/Maildir
${INBOX_NAMESPACE}
service imap-login {
  inet_listener imap {
    listen = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
}

/** Resolves once something accepts connections on the port (the master binds before its services start). */
async function listening(port: number, timeoutMs: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port });
      s.on('connect', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (exited() || Date.now() > deadline) throw new Error(`Dovecot 2.4 is not listening on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A configured, not yet started Dovecot 2.4 with these users (passwords in PLAIN). */
export async function createDovecot24(users: Record<string, string>): Promise<Dovecot24> {
  const chroot = requireBinary('chroot');
  const root = await trixieRoot();
  const hostDir = await mkdtemp(join(root.path, 'tmp', 'sw-dovecot24-'));
  // Dovecot's unprivileged processes must traverse it.
  await chmod(hostDir, 0o755);
  const dir = `/tmp/${basename(hostDir)}`;
  for (const d of ['run', 'state', 'log', 'vmail']) await mkdir(join(hostDir, d));
  await chown(join(hostDir, 'vmail'), MAIL_ID, MAIL_ID);
  await writeFile(join(hostDir, 'users'), Object.entries(users).map(([u, p]) => `${u}:{PLAIN}${p}::::::\n`).join(''), { mode: 0o644 });
  const imapPort = await freePort();
  const conf = `${dir}/dovecot.conf`;
  await writeFile(join(hostDir, 'dovecot.conf'), dovecot24Conf(dir, imapPort));

  let master: ChildProcess | null = null;
  let stderr = '';
  const self: Dovecot24 = {
    host: '127.0.0.1',
    imapPort,
    version: root.dovecotVersion,
    dir,
    conf,
    hostPath: (inner) => join(root.path, inner),
    exec: (program, args) => run(chroot, [root.path, program, ...args]),
    async start() {
      // -F: the master stays our child, so stop() is a signal and a wait.
      const child = spawn(chroot, [root.path, '/usr/sbin/dovecot', '-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      master = child;
      await listening(imapPort, 10_000, () => child.exitCode !== null).catch((err: Error) => {
        throw new Error(`${err.message}: ${stderr} ${self.log().slice(-2000)}`);
      });
    },
    async stop() {
      const child = master;
      master = null;
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
    log: () => dovecotLog(hostDir),
    async cleanup() {
      await self.stop();
      await rm(hostDir, { recursive: true, force: true });
    },
  };
  return self;
}
