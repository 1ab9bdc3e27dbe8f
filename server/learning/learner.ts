// Feeds messages to SpamAssassin: through spamd (the TELL request `spamc -L`
// sends, spoken directly; Bayes kept by spamd per virtual user) or through
// `sa-learn` with many messages per process (its ~0.7 s start-up is paid once
// per batch, not per message). The run's signal aborts a connection or kills
// a child, so a hung learner cannot pile up behind the next run.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidUsernameError, isValidUsername } from '../services/username.js';
import type { Direction } from './decide.js';
import { SpamdConnectionError, SpamdStatusError, tell, type SpamdAddress } from './spamd-tell.js';

export interface LearnItem {
  id: number;
  direction: Direction;
  raw: Buffer;
}

export type LearnResult = 'learned' | 'already-learned' | 'batch-partial';

export interface LearnOutcome {
  id: number;
  result?: LearnResult;
  error?: string;
}

export interface Learner {
  readonly name: string;
  /**
   * Learns `items` in order. Returns an outcome for each item it got to;
   * items after a failure are left out (they stay pending). Throws
   * LearnerError when learning cannot work at all (misconfiguration).
   */
  learn(username: string, items: readonly LearnItem[], signal: AbortSignal): Promise<LearnOutcome[]>;
}

export class LearnerError extends Error {
  constructor(
    message: string,
    readonly code: 'tell-disabled' | 'unavailable' | 'failed' | 'timeout',
  ) {
    super(message);
    this.name = 'LearnerError';
  }
}

/** The one username rule: a name becomes a spamd header or a Bayes home path. */
function refuseInvalidUser(username: string): void {
  if (!isValidUsername(username)) throw new LearnerError(new InvalidUsernameError(username).message, 'failed');
}

interface ProgramResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runProgram(cmd: string, args: readonly string[], opts: { env: NodeJS.ProcessEnv; signal: AbortSignal }): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) {
      reject(new LearnerError(`${cmd} not started: the run timed out`, 'timeout'));
      return;
    }
    const child = spawn(cmd, args, { env: opts.env, signal: opts.signal, killSignal: 'SIGKILL', stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'AbortError') reject(new LearnerError(`${cmd} killed: the run timed out`, 'timeout'));
      else if (err.code === 'ENOENT') reject(new LearnerError(`${cmd} is not installed (on Debian: apt-get install spamassassin)`, 'unavailable'));
      else reject(err);
    });
    child.on('close', (code) => {
      if (!opts.signal.aborted) resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

function learnerErrorFromTell(err: unknown, where: string): LearnerError | null {
  if ((err as Error).name === 'AbortError') return new LearnerError(`learning through spamd at ${where} stopped: the run timed out`, 'timeout');
  if (err instanceof SpamdStatusError) {
    // spamd without --allow-tell refuses every TELL this way.
    if (/TELL commands are not enabled|allow-tell/i.test(err.text)) {
      return new LearnerError(`spamd at ${where} does not accept learning: start spamd with --allow-tell (${err.message})`, 'tell-disabled');
    }
    return null;
  }
  if (err instanceof SpamdConnectionError || (err as NodeJS.ErrnoException).code !== undefined) {
    return new LearnerError(`spamd at ${where} is not reachable: ${(err as Error).message}`, 'unavailable');
  }
  return null;
}

/** Learns through spamd's TELL request, one message at a time, in order. */
export function spamdLearner(address: SpamdAddress): Learner {
  const where = `${address.host}:${address.port}`;
  return {
    name: 'spamd',
    async learn(username, items, signal) {
      refuseInvalidUser(username);
      const outcomes: LearnOutcome[] = [];
      for (const item of items) {
        try {
          outcomes.push({ id: item.id, result: await tell(address, username, item.direction, item.raw, signal) });
        } catch (err) {
          const fatal = learnerErrorFromTell(err, where);
          if (fatal) throw fatal;
          outcomes.push({ id: item.id, error: (err as Error).message.slice(0, 300) });
          break;
        }
      }
      return outcomes;
    },
  };
}

/** "Learned tokens from 7 message(s) (9 message(s) examined)" -> { learned: 7, examined: 9 }. */
export function parseSaLearn(stdout: string): { learned: number; examined: number } | null {
  const m = /Learned tokens from (\d+) message\(s\) \((\d+) message\(s\) examined\)/.exec(stdout);
  return m ? { learned: Number(m[1]), examined: Number(m[2]) } : null;
}

/**
 * Batched sa-learn: consecutive items of one direction go to one process
 * (a directory of files). Directions are never mixed in one batch, so
 * "spam, then ham" of the same message keeps its order.
 */
export function saLearnLearner(opts: { homeFor: (username: string) => string; saLearn?: string; batchSize?: number }): Learner {
  const saLearn = opts.saLearn ?? 'sa-learn';
  const batchSize = opts.batchSize ?? 500;
  return {
    name: 'sa-learn',
    async learn(username, items, signal) {
      refuseInvalidUser(username);
      const outcomes: LearnOutcome[] = [];
      const home = opts.homeFor(username);
      for (const batch of directionRuns(items, batchSize)) {
        const dir = await mkdtemp(join(tmpdir(), 'sw-learn-'));
        try {
          await Promise.all(batch.map((item, i) => writeFile(join(dir, `${String(i).padStart(6, '0')}.eml`), item.raw)));
          const direction = batch[0]!.direction;
          // No --no-sync: that sends tokens to the journal, invisible until a later sync.
          const r = await runProgram(saLearn, [`--${direction}`, dir], { env: { ...process.env, HOME: home }, signal });
          const counts = r.code === 0 ? parseSaLearn(r.stdout) : null;
          if (!counts) {
            const error = `sa-learn exit ${r.code}: ${(r.stderr || r.stdout).trim().slice(0, 300) || 'no output'}`;
            outcomes.push(...batch.map((item) => ({ id: item.id, error })));
            break;
          }
          const result: LearnResult = counts.learned === counts.examined ? 'learned' : counts.learned === 0 ? 'already-learned' : 'batch-partial';
          outcomes.push(...batch.map((item) => ({ id: item.id, result })));
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
      return outcomes;
    },
  };
}

/** Splits items into runs of one direction, at most `max` long, keeping order. */
export function directionRuns<T extends { direction: Direction }>(items: readonly T[], max: number): T[][] {
  const runs: T[][] = [];
  for (const item of items) {
    const last = runs[runs.length - 1];
    if (last && last.length < max && last[0]!.direction === item.direction) last.push(item);
    else runs.push([item]);
  }
  return runs;
}
