// Private instances of the real mail programs for tests and benchmarks:
// Pigeonhole's sievec/sieve-test, a Dovecot (IMAP, ManageSieve, LDA) and a
// spamd, each with its own config and state under a temp dir, listening on
// 127.0.0.1 on free ports. Nothing here touches the system-wide config.
//
// A missing program is an error, never a skip: CI installs them all.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
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

function isRoot(): boolean {
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

async function makeRoot(prefix: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  // The tools drop privileges to vmail, which must be able to traverse it.
  await chmod(root, 0o755);
  return root;
}

async function ownByMail(path: string): Promise<void> {
  const owner = await mailOwner();
  if (isRoot()) await chown(path, owner.uid, owner.gid);
}

// ---------------------------------------------------------------- sieve-test

export interface PerformedAction {
  type: 'fileinto' | 'redirect' | 'discard' | 'reject' | 'keep' | 'vacation' | 'other';
  folder?: string;
  address?: string;
  reason?: string;
  flags?: string[];
  create?: boolean;
  /** `:copy`: the action leaves implicit keep in force. */
  preserveKeep?: boolean;
  /** Vacation: subject and message text. */
  subject?: string;
  message?: string;
  text: string;
}

export interface SieveTestResult {
  exitCode: number;
  actions: PerformedAction[];
  /** True when implicit keep stores the message (in INBOX unless -m says otherwise). */
  implicitKeep: boolean;
  implicitKeepFlags?: string[];
  stdout: string;
  stderr: string;
}

/** Parses sieve-test's "Performed actions / Implicit keep" listing. */
export function parseSieveTestOutput(stdout: string): { actions: PerformedAction[]; implicitKeep: boolean; implicitKeepFlags?: string[] } {
  const lines = stdout.split('\n');
  const actions: PerformedAction[] = [];
  let section: 'none' | 'performed' | 'keep' = 'none';
  let implicitKeep = false;
  let implicitKeepFlags: string[] | undefined;
  let current: PerformedAction | null = null;
  let inMessage = false;
  let messageLines: string[] = [];
  for (const line of lines) {
    if (inMessage) {
      if (line === 'END MESSAGE') {
        inMessage = false;
        if (current) current.message = messageLines.join('\n');
        messageLines = [];
      } else messageLines.push(line);
      continue;
    }
    if (line.startsWith('Performed actions:')) { section = 'performed'; current = null; continue; }
    if (line.startsWith('Implicit keep:')) { section = 'keep'; current = null; continue; }
    if (line === 'START MESSAGE') { inMessage = true; continue; }
    const star = /^ \* (.*)$/.exec(line);
    if (star) {
      const text = star[1]!;
      if (section === 'keep') {
        implicitKeep = true;
        current = null;
        continue;
      }
      current = classify(text);
      actions.push(current);
      continue;
    }
    const sub = /^\s+[+=]>?\s*(.*)$/.exec(line);
    if (sub) {
      const text = sub[1]!;
      const flags = /^add IMAP flags: (.*)$/.exec(text);
      if (section === 'keep' && flags) { implicitKeepFlags = flags[1]!.trim().split(/\s+/); continue; }
      if (!current) continue;
      if (text === 'create mailbox if it does not exist') current.create = true;
      else if (text === 'preserve implicit keep') current.preserveKeep = true;
      else if (flags) current.flags = flags[1]!.trim().split(/\s+/);
      else {
        const subj = /^subject\s*:\s?(.*)$/.exec(text);
        if (subj) current.subject = subj[1]!;
      }
    }
  }
  return { actions, implicitKeep, ...(implicitKeepFlags ? { implicitKeepFlags } : {}) };
}

function classify(text: string): PerformedAction {
  let m = /^store message in folder: (.*)$/.exec(text);
  if (m) return m[1] === 'INBOX' ? { type: 'keep', folder: 'INBOX', text } : { type: 'fileinto', folder: m[1]!, text };
  m = /^redirect message to: <(.*)>$/.exec(text);
  if (m) return { type: 'redirect', address: m[1]!, text };
  if (text === 'discard') return { type: 'discard', text };
  m = /^reject message with reason: (.*)$/.exec(text);
  if (m) return { type: 'reject', reason: m[1]!, text };
  if (text.startsWith('send vacation message')) return { type: 'vacation', text };
  return { type: 'other', text };
}

export interface PigeonholeTools {
  root: string;
  conf: string;
  sievec(script: string): Promise<{ ok: boolean; errors: string }>;
  sieveTest(script: string, message: string, opts?: { envelopeFrom?: string; recipient?: string }): Promise<SieveTestResult>;
  cleanup(): Promise<void>;
}

/** Sieve settings shared by the tools' config and the test Dovecot. */
function sievePluginSettings(maxScriptSize: string): string {
  return `  sieve_max_script_size = ${maxScriptSize}
  sieve_extensions = +editheader +spamtest +spamtestplus +virustest
  sieve_spamtest_status_type = score
  sieve_spamtest_status_header = X-Spam-Status: [[:alnum:]]+, score=(-?[[:digit:]]+\\.[[:digit:]])
  sieve_spamtest_max_header = X-Spam-Status: [[:alnum:]]+, score=-?[[:digit:]]+\\.[[:digit:]] required=([[:digit:]]+\\.[[:digit:]])
`;
}

let scriptCounter = 0;

export async function pigeonhole(opts: { maxScriptSize?: string } = {}): Promise<PigeonholeTools> {
  const sievec = requireBinary('sievec');
  const sieveTestBin = requireBinary('sieve-test');
  const owner = await mailOwner();
  const root = await makeRoot('sw-pigeonhole-');
  const home = join(root, 'home');
  const work = join(root, 'work');
  await mkdir(home);
  await mkdir(work);
  await ownByMail(home);
  await ownByMail(work);
  const conf = join(root, 'sieve-tools.conf');
  await writeFile(
    conf,
    `# sievec / sieve-test for tests: the same Sieve extensions as the test Dovecot.
${isRoot() ? `mail_uid = ${owner.uid}\nmail_gid = ${owner.gid}\n` : ''}first_valid_uid = 100
mail_home = ${home}
mail_location = maildir:${home}/Maildir
plugin {
${sievePluginSettings(opts.maxScriptSize ?? '1M')}}
`,
  );
  return pigeonholeFor(root, conf, work, sievec, sieveTestBin);
}

function pigeonholeFor(root: string, conf: string, work: string, sievec: string, sieveTestBin: string, cleanupExtra?: () => Promise<void>): PigeonholeTools {
  const writeScript = async (script: string): Promise<string> => {
    const file = join(work, `s${process.pid}-${++scriptCounter}.sieve`);
    await writeFile(file, script);
    await ownByMail(file);
    return file;
  };
  return {
    root,
    conf,
    async sievec(script) {
      const file = await writeScript(script);
      const out = file.replace(/\.sieve$/, '.svbin');
      const r = await run(sievec, ['-c', conf, file, out]);
      await rm(file, { force: true });
      await rm(out, { force: true });
      return { ok: r.code === 0, errors: r.stderr };
    },
    async sieveTest(script, message, o = {}) {
      const file = await writeScript(script);
      const msg = `${file}.eml`;
      await writeFile(msg, message);
      await ownByMail(msg);
      const args = ['-c', conf];
      if (o.envelopeFrom) args.push('-f', o.envelopeFrom);
      if (o.recipient) args.push('-r', o.recipient, '-a', o.recipient);
      args.push(file, msg);
      const r = await run(sieveTestBin, args);
      await Promise.all([file, msg, file.replace(/\.sieve$/, '.svbin')].map((f) => rm(f, { force: true })));
      return { exitCode: r.code, stdout: r.stdout, stderr: r.stderr, ...parseSieveTestOutput(r.stdout) };
    },
    async cleanup() {
      await cleanupExtra?.();
      await rm(root, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------- Dovecot

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

/** Child pids of `pid` (transitively), from /proc. */
async function descendants(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(name));
      parents.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    for (const c of parents.get(stack.pop()!) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

/** Alive and not a zombie (this sandbox's PID 1 reaps late). */
function processAlive(pid: number): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s+Z/m.test(status);
  } catch {
    return false;
  }
}

async function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
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
  const owner = await mailOwner();
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
      const all = [pid, ...(await descendants(pid))];
      for (const p of all) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await waitUntil(() => all.every((p) => !processAlive(p)), 15_000, 'Dovecot processes to die');
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
  void owner;
  await self.start();
  return self;
}

// ---------------------------------------------------------------- spamd

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
      const all = [pid, ...(await descendants(pid))];
      for (const p of all) {
        try {
          process.kill(p, 'SIGTERM');
        } catch {
          // gone
        }
      }
      await waitUntil(() => all.every((p) => !processAlive(p)), 15_000, 'spamd to stop');
    },
    async cleanup() {
      await self.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
  return self;
}
