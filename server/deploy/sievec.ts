// Pigeonhole's compiler (`sievec`) as the judge of a script: the mail server
// runs only what its own compiler accepts, so a script is verified with the
// same program and the same Dovecot config that deliver mail. The answer is
// typed: accepted, rejected with Pigeonhole's error lines, or unavailable
// (no compiler, or one that cannot run) so callers never mistake "not
// checked" for "accepted".
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export interface SievecOptions {
  /** Program name (looked up on PATH) or path. */
  binary: string;
  /** Dovecot config passed with `-c`; sievec reads the system one without it. */
  config?: string;
  timeoutMs?: number;
}

export interface SievecError {
  /** 1-based script line, when Pigeonhole names one. */
  line: number | null;
  message: string;
}

export type SievecResult =
  | { kind: 'accepted' }
  | { kind: 'rejected'; errors: SievecError[] }
  | { kind: 'unavailable'; reason: string };

const DEFAULT_TIMEOUT_MS = 30_000;

/** The name sievec prefixes its messages with: the file name without `.sieve`. */
function scriptLabel(path: string): string {
  return basename(path).replace(/\.sieve$/, '');
}

/**
 * Pigeonhole's error lines about one script, e.g.
 * `NAME: line 4: error: unknown command 'frobnicate' (...)` or
 * `NAME: error: sieve script is too large (...)`. Warnings are not errors.
 */
export function sievecErrors(stderr: string, label: string): SievecError[] {
  const prefix = `${label}: `;
  const errors: SievecError[] = [];
  for (const text of stderr.split('\n')) {
    if (!text.startsWith(prefix)) continue;
    const m = /^(?:line (\d+): )?error: (.*)$/.exec(text.slice(prefix.length).trimEnd());
    if (m) errors.push({ line: m[1] === undefined ? null : Number(m[1]), message: m[2]! });
  }
  return errors;
}

interface Run {
  code: number | null;
  stderr: string;
  /** Why the program did not run to an exit code (not found, timed out, ...). */
  failure: string | null;
}

function runSievec(opts: SievecOptions, args: string[]): Promise<Run> {
  const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    const child = execFile(opts.binary, args, { timeout, encoding: 'utf8', maxBuffer: 4 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (!err) return resolve({ code: 0, stderr, failure: null });
      const e = err as NodeJS.ErrnoException & { code?: unknown; killed?: boolean };
      if (typeof e.code === 'number') return resolve({ code: e.code, stderr, failure: null });
      if (e.killed) return resolve({ code: null, stderr, failure: `${opts.binary} did not finish within ${timeout} ms` });
      if (e.code === 'ENOENT') return resolve({ code: null, stderr, failure: `the Sieve compiler '${opts.binary}' is not installed (not found)` });
      resolve({ code: null, stderr, failure: `the Sieve compiler '${opts.binary}' could not run: ${e.message}` });
    });
    child.stdin?.end();
  });
}

/**
 * Compiles the script file at `path` and throws the binary away (Dovecot
 * compiles its own at delivery; see directory-target.ts for why). The
 * output goes to a private directory: sievec writes its binary through a
 * temporary file and rename, which must never land on a shared path.
 */
export async function checkScriptFile(path: string, opts: SievecOptions): Promise<SievecResult> {
  const out = await mkdtemp(join(tmpdir(), 'sw-sievec-'));
  try {
    const args = [...(opts.config === undefined ? [] : ['-c', opts.config]), path, join(out, 'script.svbin')];
    const run = await runSievec(opts, args);
    if (run.failure !== null) return { kind: 'unavailable', reason: run.failure };
    if (run.code === 0) return { kind: 'accepted' };
    const errors = sievecErrors(run.stderr, scriptLabel(path));
    if (errors.length > 0) return { kind: 'rejected', errors };
    // Exit 89 without a word about the script: the compiler itself cannot work (bad config, no permission).
    const fatal = run.stderr.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? `exit code ${run.code}`;
    return { kind: 'unavailable', reason: `${opts.binary} failed: ${fatal}` };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** Compiles script text (e.g. a global script before it is installed). */
export async function checkScript(text: string, opts: SievecOptions): Promise<SievecResult> {
  const dir = await mkdtemp(join(tmpdir(), 'sw-sievec-src-'));
  try {
    const file = join(dir, 'script.sieve');
    await writeFile(file, text);
    return await checkScriptFile(file, opts);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Pigeonhole's errors as one message, one error per line. */
export function describeErrors(errors: readonly SievecError[]): string {
  return errors.map((e) => (e.line === null ? e.message : `line ${e.line}: ${e.message}`)).join('\n');
}
