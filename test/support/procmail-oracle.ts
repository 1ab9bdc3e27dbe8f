// Differential oracle for the procmail migration: run real procmail on a
// procmailrc and a message (private HOME and MAILDIR, SENDMAIL pointed at a
// recorder script, DEFAULT set explicitly), run Pigeonhole's sieve-test on
// the converted script, and reduce both to the same outcome: the folders
// that received the message, the addresses it was forwarded to, and whether
// an automatic reply went out.
import { chmod, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { requireBinary, run } from './programs.js';
import { type SieveTestResult } from './pigeonhole.js';

export interface Outcome {
  /** Folders that got a copy, sorted; `INBOX` for DEFAULT / keep. Empty with no forwards: discarded. */
  folders: string[];
  forwards: string[];
  replied: boolean;
}

export function formatOutcome(o: Outcome): string {
  const parts = [...o.folders.map((f) => `folder:${f}`), ...o.forwards.map((a) => `forward:${a}`)];
  if (o.replied) parts.push('reply');
  return parts.length === 0 ? 'discarded' : parts.join(' ');
}

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  return formatOutcome(a) === formatOutcome(b);
}

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

export function sieveOutcome(r: SieveTestResult): Outcome {
  if (r.exitCode !== 0) throw new Error(`sieve-test failed (exit ${r.exitCode}): ${r.stderr}`);
  const folders: string[] = [];
  const forwards: string[] = [];
  let replied = false;
  for (const a of r.actions) {
    if (a.type === 'fileinto' && a.folder) folders.push(a.folder);
    else if (a.type === 'keep') folders.push('INBOX');
    else if (a.type === 'redirect' && a.address) forwards.push(a.address);
    else if (a.type === 'vacation') replied = true;
  }
  if (r.implicitKeep) folders.push('INBOX');
  return { folders: sorted(folders), forwards: sorted(forwards), replied };
}

const RECORDER = `#!/bin/sh
# SENDMAIL stand-in: records the arguments of each call, sends nothing.
printf '%s\\n' "$*" >> "$(dirname "$0")/sendmail.log"
cat > /dev/null
exit 0
`;

/**
 * Programs the fixtures pipe mail to. Each reads the whole message and exits
 * 0, so procmail's outcome is defined: a program that does not exist (or
 * exits before reading) races procmail's write against the shell's exit, and
 * under load procmail would then count the pipe as failed and deliver to
 * DEFAULT instead.
 */
const STAND_INS: Readonly<Record<string, string>> = {
  'notify-me': '#!/bin/sh\n# Stand-in for a desktop notifier: takes the message, does nothing.\ncat > /dev/null\nexit 0\n',
  'calendar-import': '#!/bin/sh\n# Stand-in for a calendar importer: takes the message, does nothing.\ncat > /dev/null\nexit 0\n',
};

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Where a file procmail wrote under MAILDIR puts the message, in IMAP terms. */
export function folderOfDelivery(rel: string): string | null {
  if (/(^|\/)tmp\//.test(rel) || /\.(lock|cache)$/.test(rel) || /(^|\/)\.?msgid/.test(rel)) return null;
  const maildir = /^(?:(.*)\/)?(?:new|cur)\/[^/]+$/.exec(rel);
  const dir = maildir ? (maildir[1] ?? '') : /^(.*)\/(?:\d+|msg\.[^/]+)$/.exec(rel)?.[1];
  const folder = dir ?? rel;
  if (folder === '' || folder === '.') return 'INBOX';
  return folder.startsWith('.') ? folder.slice(1) : folder;
}

/**
 * procmail does not wait for `!` forwards or `|` programs without the w
 * flag, so they may still be running when it exits. They inherit its
 * working directory (MAILDIR, under `home`): wait until no process is there.
 */
async function waitForChildren(home: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let busy = false;
    for (const pid of await readdir('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
      if (cwd === home || cwd.startsWith(`${home}/`)) {
        busy = true;
        break;
      }
    }
    if (!busy) return;
    if (Date.now() > deadline) throw new Error(`programs started by procmail in ${home} did not finish`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface ProcmailOracle {
  /** `includes`: extra rcfiles, paths relative to HOME. */
  run(rc: string, message: string, includes?: Record<string, string>): Promise<Outcome & { log: string }>;
  cleanup(): Promise<void>;
}

export async function procmailOracle(): Promise<ProcmailOracle> {
  const procmail = requireBinary('procmail');
  const root = await mkdtemp(join(tmpdir(), 'sw-procmail-'));
  // procmail refuses rcfiles in world-writable directories ("Suspicious rcfile").
  await chmod(root, 0o700);
  let counter = 0;
  return {
    async run(rc, message, includes = {}) {
      const home = join(root, `h${++counter}`);
      const maildir = join(home, 'Maildir');
      for (const d of ['new', 'cur', 'tmp']) await mkdir(join(maildir, d), { recursive: true });
      await writeFile(join(home, 'sendmail.sh'), RECORDER, { mode: 0o755 });
      await mkdir(join(home, 'bin'));
      for (const [name, script] of Object.entries(STAND_INS)) await writeFile(join(home, 'bin', name), script, { mode: 0o755 });
      for (const [path, text] of Object.entries(includes)) {
        await mkdir(dirname(join(home, path)), { recursive: true });
        await writeFile(join(home, path), text);
      }
      const preamble = [
        'SHELL=/bin/sh',
        `PATH=${home}/bin:/usr/bin:/bin`,
        `HOME=${home}`,
        `MAILDIR=${maildir}`,
        `DEFAULT=${maildir}/`,
        `SENDMAIL=${home}/sendmail.sh`,
        `LOGFILE=${home}/procmail.log`,
        'COMSAT=no',
        '',
      ].join('\n');
      const rcfile = join(home, 'procmailrc');
      await writeFile(rcfile, preamble + rc);
      const r = await run(procmail, ['-m', rcfile], { input: message, timeoutMs: 20_000 });
      // Only forwards and programs can outlive procmail; skip the /proc scan otherwise.
      if (/^[ \t]*([!|]|[A-Za-z_]\w*[ \t]*=[ \t]*\|)/m.test(rc + Object.values(includes).join('\n'))) await waitForChildren(home);
      const log = await readFile(join(home, 'procmail.log'), 'utf8').catch(() => '');
      if (r.code !== 0) throw new Error(`procmail exited ${r.code}: ${r.stderr}\n${log}`);
      const folders: string[] = [];
      for (const file of await walk(maildir)) {
        const f = folderOfDelivery(relative(maildir, file));
        if (f !== null && (await stat(file)).size > 0) folders.push(f);
      }
      const calls = (await readFile(join(home, 'sendmail.log'), 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');
      const forwards: string[] = [];
      let replied = false;
      for (const call of calls) {
        const args = call.split(/\s+/);
        if (args.includes('-t')) replied = true;
        else forwards.push(...args.filter((a) => a !== '' && !a.startsWith('-')));
      }
      await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
      return { folders: sorted(folders), forwards: sorted(forwards), replied, log };
    },
    async cleanup() {
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` over `items` with at most `size` in flight, keeping order. */
export async function mapPool<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return out;
}
