// A private Dovecot (IMAP, ManageSieve, LDA) for tests and benchmarks, run
// as root with mail owned by vmail, listening on 127.0.0.1 on free ports,
// its config and state under a temp dir.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, chown, mkdir, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { pigeonholeFor, sievePluginSettings, type PigeonholeTools } from './pigeonhole.js';
import { processAlive, signalTree, waitUntil } from './processes.js';
import { freePort, isRoot, makeRoot, ownByMail, requireBinary, run } from './programs.js';

export interface Dovecot {
  root: string;
  conf: string;
  host: string;
  imapPort: number;
  sievePort: number;
  lmtpPort: number;
  users: Record<string, string>;
  master: { username: string; password: string };
  /** PEM of the self-signed certificate when started with `tls: true`. */
  caPem?: string;
  addUser(name: string, password: string): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** SIGKILL the master and every child: a crash, not a shutdown. */
  kill(): Promise<void>;
  isRunning(): boolean;
  deliver(user: string, message: string, envelopeFrom?: string): Promise<{ exitCode: number; stderr: string }>;
  home(user: string): string;
  tools: PigeonholeTools;
  log(): string;
  cleanup(): Promise<void>;
}

export interface DovecotOptions {
  users?: Record<string, string>;
  tls?: boolean;
  /** Reuse login and managesieve processes (Dovecot's ceiling for benchmarks). */
  perf?: boolean;
  sieveQuotaMaxStorage?: string;
  maxScriptSize?: string;
  /** Learn through IMAPSieve hooks (a global script piping to a recorder). Off by default. */
  imapsieve?: { pipeDir: string; spamScript: string; hamScript: string };
}

const DEFAULT_USERS: Record<string, string> = { alice: 'alicepw', bob: 'bobpw', carol: 'carolpw' };

function dovecotConf(root: string, p: { imap: number; sieve: number; lmtp: number }, o: DovecotOptions): string {
  const tls = o.tls
    ? `ssl = yes
ssl_cert = <${root}/tls/cert.pem
ssl_key = <${root}/tls/key.pem
disable_plaintext_auth = no`
    : `ssl = no
disable_plaintext_auth = no`;
  const perf = o.perf
    ? `service managesieve-login {
  service_count = 0
  process_min_avail = 2
}
service managesieve {
  service_count = 0
  process_min_avail = 2
}
service imap-login {
  service_count = 0
  process_min_avail = 2
}
`
    : '';
  const imapsieve = o.imapsieve
    ? `  sieve_plugins = sieve_imapsieve sieve_extprograms
  sieve_global_extensions = +vnd.dovecot.pipe +vnd.dovecot.environment
  sieve_pipe_bin_dir = ${o.imapsieve.pipeDir}
  imapsieve_mailbox1_name = Junk
  imapsieve_mailbox1_causes = COPY APPEND
  imapsieve_mailbox1_before = file:${o.imapsieve.spamScript}
  imapsieve_mailbox2_name = *
  imapsieve_mailbox2_from = Junk
  imapsieve_mailbox2_causes = COPY
  imapsieve_mailbox2_before = file:${o.imapsieve.hamScript}
`
    : '';
  return `# Private Dovecot for sievewright tests (generated).
base_dir = ${root}/run
state_dir = ${root}/state
instance_name = sw-${p.imap}
log_path = ${root}/log/dovecot.log
info_log_path = ${root}/log/dovecot.log
debug_log_path = ${root}/log/dovecot.log
protocols = imap sieve lmtp
listen = 127.0.0.1
${tls}
auth_mechanisms = plain login
auth_master_user_separator = *
auth_failure_delay = 0
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
first_valid_uid = 100
postmaster_address = postmaster@example.test
hostname = mailstack.test
lda_mailbox_autocreate = yes
lda_mailbox_autosubscribe = yes
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n ${root}/master-users
  master = yes
  result_success = continue
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${root}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${root}/users
  override_fields = uid=vmail gid=vmail home=${root}/vmail/%u
}
mail_uid = vmail
mail_gid = vmail
mail_location = maildir:~/Maildir
${INBOX_NAMESPACE}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${p.imap}
  }
  inet_listener imaps {
    port = 0
  }
}
service managesieve-login {
  inet_listener sieve {
    address = 127.0.0.1
    port = ${p.sieve}
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${p.lmtp}
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = 0
  }
}
${perf}protocol lda {
  mail_plugins = $mail_plugins sieve
}
protocol lmtp {
  mail_plugins = $mail_plugins sieve
  auth_username_format = %n
}
protocol imap {
  mail_plugins = $mail_plugins${o.imapsieve ? ' imap_sieve' : ''}
}
protocol sieve {
  managesieve_max_line_length = 65536
}
plugin {
  sieve = file:~/sieve;active=~/.dovecot.sieve
${sievePluginSettings(o.maxScriptSize ?? '1M')}  sieve_quota_max_scripts = 50
  sieve_quota_max_storage = ${o.sieveQuotaMaxStorage ?? '2M'}
${imapsieve}}
`;
}

function waitForGreeting(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = createConnection({ host: '127.0.0.1', port });
      let buf = '';
      sock.setTimeout(1000);
      const retry = () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`Dovecot did not greet on port ${port} in ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      };
      sock.on('data', (d) => {
        buf += d.toString();
        if (buf.includes('\r\n')) {
          sock.destroy();
          resolve();
        }
      });
      sock.on('error', retry);
      sock.on('timeout', retry);
    };
    attempt();
  });
}


function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

/** A test Dovecot's log so far ('' before it wrote one), for failure messages. */
export function dovecotLog(root: string): string {
  try {
    return readFileSync(join(root, 'log/dovecot.log'), 'utf8');
  } catch {
    return '';
  }
}

/** The test users' namespace, the same in Dovecot 2.3 and 2.4 syntax. */
export const INBOX_NAMESPACE = `namespace inbox {
  inbox = yes
  separator = /
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
}`;

export async function startDovecot(opts: DovecotOptions = {}): Promise<Dovecot> {
  const dovecotBin = requireBinary('dovecot');
  const lda = requireBinary('dovecot-lda');
  if (!isRoot()) throw new Error('the test Dovecot runs as root (with mail owned by vmail), as CI does');
  const root = await makeRoot('sw-dovecot-');
  for (const d of ['run', 'state', 'log', 'vmail', 'tls']) await mkdir(join(root, d));
  await ownByMail(join(root, 'vmail'));
  const ports = { imap: await freePort(), sieve: await freePort(), lmtp: await freePort() };
  const users: Record<string, string> = { ...(opts.users ?? DEFAULT_USERS) };
  const master = { username: 'backend', password: 'masterpw' };
  const conf = join(root, 'dovecot.conf');
  let caPem: string | undefined;
  if (opts.tls) {
    const r = await run(requireBinary('openssl'), [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', join(root, 'tls/key.pem'), '-out', join(root, 'tls/cert.pem'),
    ]);
    if (r.code !== 0) throw new Error(`openssl failed: ${r.stderr}`);
    caPem = readFileSync(join(root, 'tls/cert.pem'), 'utf8');
  }
  await writeFile(conf, dovecotConf(root, ports, opts));

  let passwdStamp = 0;
  const writePasswd = async () => {
    // auth runs as 'dovecot': it must read both files.
    const dovecotGid = Number((await run('getent', ['group', 'dovecot'])).stdout.split(':')[2]);
    // Dovecot's passwd-file reloads when the file's mtime (whole seconds)
    // changes: write a new file and rename it over the old one, never
    // truncate in place, and move the mtime on by at least a second so a
    // user added right after start is seen.
    passwdStamp = Math.max(Math.floor(Date.now() / 1000), passwdStamp + 1);
    const files: Array<[string, string]> = [
      [join(root, 'users'), Object.entries(users).map(([u, p]) => `${u}:{PLAIN}${p}::::::\n`).join('')],
      [join(root, 'master-users'), `${master.username}:{PLAIN}${master.password}::::::\n`],
    ];
    for (const [file, text] of files) {
      const tmp = `${file}.tmp`;
      await writeFile(tmp, text);
      await chown(tmp, 0, dovecotGid);
      await chmod(tmp, 0o640);
      await utimes(tmp, passwdStamp, passwdStamp);
      await rename(tmp, file);
    }
  };
  await writePasswd();

  const toolsWork = join(root, 'tools');
  await mkdir(toolsWork);
  await ownByMail(toolsWork);
  const tools = pigeonholeFor(root, conf, toolsWork, requireBinary('sievec'), requireBinary('sieve-test'));

  let masterPid: number | null = null;
  const readPid = () => {
    try {
      return Number(readFileSync(join(root, 'run/master.pid'), 'utf8').trim());
    } catch {
      return null;
    }
  };

  const self: Dovecot = {
    root,
    conf,
    host: '127.0.0.1',
    imapPort: ports.imap,
    sievePort: ports.sieve,
    lmtpPort: ports.lmtp,
    users,
    master,
    ...(caPem ? { caPem } : {}),
    async addUser(name, password) {
      users[name] = password;
      await writePasswd();
      // passwd-file re-reads its file at most once a second: wait until
      // Dovecot's auth process knows the new user, so the next login works.
      if (!self.isRunning()) return;
      const doveadm = requireBinary('doveadm');
      const deadline = Date.now() + 10_000;
      const known = async () =>
        (await run(doveadm, ['-c', conf, 'auth', 'test', name, password])).code === 0 &&
        (await run(doveadm, ['-c', conf, 'user', name])).code === 0;
      while (!(await known())) {
        if (Date.now() > deadline) throw new Error(`Dovecot did not pick up the new user ${name}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async start() {
      // Stale sockets and pid files from a killed instance confuse a new master.
      await rm(join(root, 'run'), { recursive: true, force: true });
      await mkdir(join(root, 'run'));
      // The master daemonizes; its children inherit no pipes of ours, so wait
      // for the launcher's exit rather than for its output to close.
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(dovecotBin, ['-c', conf], { stdio: 'ignore' });
        child.on('error', reject);
        child.on('exit', (c) => resolve(c ?? -1));
      });
      if (code !== 0) throw new Error(`dovecot failed to start (exit ${code}): ${self.log().slice(-2000)}`);
      await waitForGreeting(ports.imap, 10_000);
      await waitForGreeting(ports.sieve, 10_000);
      masterPid = readPid();
    },
    async stop() {
      const pid = masterPid ?? readPid();
      if (!pid || !processAlive(pid)) return;
      process.kill(pid, 'SIGTERM');
      await waitUntil(() => !processAlive(pid), 15_000, 'Dovecot to stop');
      masterPid = null;
    },
    async kill() {
      const pid = masterPid ?? readPid();
      if (!pid) return;
      await signalTree(pid, 'SIGKILL', 'Dovecot processes to die');
      masterPid = null;
      // Listening sockets close with the processes; make sure before a restart.
      const deadline = Date.now() + 5000;
      while ((await portAcceptsConnections(ports.sieve)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    },
    isRunning() {
      const pid = masterPid ?? readPid();
      return pid !== null && processAlive(pid);
    },
    async deliver(user, message, envelopeFrom = 'sender@example.net') {
      const r = await run(lda, ['-c', conf, '-d', user, '-f', envelopeFrom], { input: message });
      return { exitCode: r.code, stderr: r.stderr };
    },
    home(user) {
      return join(root, 'vmail', user);
    },
    tools,
    log: () => dovecotLog(root),
    async cleanup() {
      await self.stop().catch(() => self.kill());
      await rm(root, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
}
