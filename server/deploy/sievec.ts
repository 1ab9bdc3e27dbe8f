// Pigeonhole's compiler (`sievec`) as the judge of a script: the mail server
// runs only what its own compiler accepts, so a script is verified with the
// same program and the same Dovecot config that deliver mail. The answer is
// typed: accepted, rejected with Pigeonhole's error lines, or unavailable
// (no compiler, or one that cannot run) so callers never mistake "not
// checked" for "accepted".
import { execFile } from 'node:child_process';
import { access, constants, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
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

/** A failed run without a word about any script: the compiler itself cannot work (bad config, no permission). */
function cannotWork(run: Run, opts: SievecOptions): SievecResult {
  const fatal = run.stderr.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? `exit code ${run.code}`;
  return { kind: 'unavailable', reason: `${opts.binary} failed: ${fatal}` };
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
    return cannotWork(run, opts);
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

/**
 * Compiles many scripts with as few sievec runs as it takes: `sievec DIR`
 * compiles every `.sieve` in DIR, leaving a binary beside each one it
 * accepted, and stops at the first one it rejects. That one is rejected
 * with its errors (its label names it), the accepted ones are done, and the
 * rest go again. A bulk deploy thus pays one process per batch plus one per
 * rejected script, not one per script.
 */
export async function checkScripts(texts: readonly string[], opts: SievecOptions): Promise<SievecResult[]> {
  const results: Array<SievecResult | undefined> = texts.map(() => undefined);
  const dir = await mkdtemp(join(await scratchRoot(), 'sw-sievec-batch-'));
  try {
    const file = (i: number) => join(dir, `s${i}.sieve`);
    await Promise.all(texts.map((t, i) => writeFile(file(i), t)));
    let left = texts.map((_, i) => i);
    while (left.length > 0) {
      const run = await runSievec(opts, [...(opts.config === undefined ? [] : ['-c', opts.config]), dir]);
      if (run.failure !== null) return fill(results, { kind: 'unavailable', reason: run.failure });
      if (run.code === 0) return fill(results, { kind: 'accepted' });
      const rejected = left.filter((i) => sievecErrors(run.stderr, `s${i}`).length > 0);
      if (rejected.length === 0) return fill(results, cannotWork(run, opts));
      for (const i of rejected) results[i] = { kind: 'rejected', errors: sievecErrors(run.stderr, `s${i}`) };
      const compiled = await Promise.all(left.map((i) => access(binaryOf(file(i))).then(() => true, () => false)));
      left.forEach((i, k) => {
        if (compiled[k] && !results[i]) results[i] = { kind: 'accepted' };
      });
      // What was decided leaves the directory, so the next run compiles only the rest.
      await Promise.all(left.filter((i) => results[i]).flatMap((i) => [rm(file(i), { force: true }), rm(binaryOf(file(i)), { force: true })]));
      left = left.filter((i) => !results[i]);
    }
    return fill(results, { kind: 'accepted' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

let scratch: Promise<string> | undefined;

/**
 * Where batches are compiled: memory (/dev/shm) when the system has it, as
 * the copies and binaries are thrown away at once and a bulk deploy should
 * not write them to disk; the temporary directory otherwise.
 */
function scratchRoot(): Promise<string> {
  scratch ??= stat(SHM)
    .then((st) => (st.isDirectory() ? access(SHM, constants.W_OK).then(() => SHM) : tmpdir()))
    .catch(() => tmpdir());
  return scratch;
}

const SHM = '/dev/shm';

function binaryOf(path: string): string {
  return `${path.slice(0, -'.sieve'.length)}.svbin`;
}

/** The results so far, with `rest` for every script not decided yet. */
function fill(results: ReadonlyArray<SievecResult | undefined>, rest: SievecResult): SievecResult[] {
  return results.map((r) => r ?? rest);
}

/**
 * Checks scripts as they come with one sievec run per batch: a script
 * asked for while a run is under way joins the next one (at most
 * `maxBatch`), so concurrent deploys share a process.
 */
export class SievecBatcher {
  private queue: Array<{ text: string; resolve: (r: SievecResult) => void; reject: (e: unknown) => void }> = [];
  private running = false;

  constructor(
    private readonly opts: SievecOptions,
    private readonly maxBatch = 256,
  ) {}

  check(text: string): Promise<SievecResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ text, resolve, reject });
      if (!this.running) {
        this.running = true;
        // Deploys started in the same turn of the event loop join the first batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await checkScripts(batch.map((b) => b.text), this.opts);
        batch.forEach((b, i) => b.resolve(results[i]!));
      } catch (e) {
        for (const b of batch) b.reject(e);
      }
    }
    this.running = false;
  }
}

/** Pigeonhole's errors as one message, one error per line. */
export function describeErrors(errors: readonly SievecError[]): string {
  return errors.map((e) => (e.line === null ? e.message : `line ${e.line}: ${e.message}`)).join('\n');
}
