// Many sieve-test runs, several at a time. A run costs mostly its start-up:
// a Dovecot tool started with `-c` first runs doveconf, which reads the
// config and starts the tool again with the settings in its environment
// (DOVECONF_ENV). The settings are read once here and handed to every run
// the same way, which saves one program start per run. Each distinct script
// is written once; the global scripts a run names go first (`-s`), as
// Dovecot's sieve_before, and the last script is the final one.
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { PigeonholeTools, SieveTestResult } from './pigeonhole.js';
import { parseSieveTestOutput } from './pigeonhole.js';
import { ownByMail, requireBinary, run } from './programs.js';

export interface SieveRun {
  /** Scripts in the order Pigeonhole runs them; the last is the user's own (sieve-test's main script). */
  scripts: readonly string[];
  message: string;
  envelopeFrom?: string;
  recipient?: string;
}

/** The environment doveconf gives sieve-test for the tools' config. */
async function sieveTestEnvironment(tools: PigeonholeTools, bin: string): Promise<NodeJS.ProcessEnv> {
  const { stdout } = await promisify(execFile)(requireBinary('doveconf'), ['-f', 'service=sieve-test', '-c', tools.conf, '-m', 'mail', '-e', requireBinary('env')], { env: {} });
  const env: NodeJS.ProcessEnv = {};
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  if (env.DOVECONF_ENV !== '1') throw new Error(`doveconf did not hand ${bin} its settings: ${stdout.slice(0, 300)}`);
  return env;
}

export async function sieveTestMany(tools: PigeonholeTools, runs: readonly SieveRun[], concurrency = 6): Promise<SieveTestResult[]> {
  const bin = requireBinary('sieve-test');
  const env = await sieveTestEnvironment(tools, bin);
  const dir = join(tools.root, `batch-${process.pid}-${Date.now()}`);
  await mkdir(dir);
  await ownByMail(dir);
  const scriptFiles = new Map<string, string>();
  for (const r of runs) {
    for (const s of r.scripts) {
      if (scriptFiles.has(s)) continue;
      const file = join(dir, `s${scriptFiles.size}.sieve`);
      await writeFile(file, s);
      await ownByMail(file);
      scriptFiles.set(s, file);
    }
  }
  const results: SieveTestResult[] = new Array(runs.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < runs.length; i = next++) {
      const r = runs[i]!;
      const msg = join(dir, `m${i}.eml`);
      await writeFile(msg, r.message);
      await ownByMail(msg);
      const args = ['-c', tools.conf];
      if (r.envelopeFrom !== undefined) args.push('-f', r.envelopeFrom);
      if (r.recipient !== undefined) args.push('-r', r.recipient, '-a', r.recipient);
      const files = r.scripts.map((s) => scriptFiles.get(s)!);
      for (const f of files.slice(0, -1)) args.push('-s', f);
      args.push(files[files.length - 1]!, msg);
      const out = await run(bin, args, { env });
      await rm(msg, { force: true });
      results[i] = { exitCode: out.code, stdout: out.stdout, stderr: out.stderr, ...parseSieveTestOutput(out.stdout) };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await rm(dir, { recursive: true, force: true });
  return results;
}

/**
 * What sieve-test did, as `sievewright try --format tsv` writes it: a
 * sorted set of `folder:NAME`, `discard`, `redirect:ADDRESS`, `reject`,
 * `vacation`. With several scripts sieve-test lists each one's result:
 * the actions of all count (` * keep` being an explicit keep), the implicit
 * keep only of the last one run (before it, an implicit keep only lets the
 * next script run). A script that fails at run time is resolved with the
 * implicit keep; any other failure (a script that does not compile) throws.
 */
export function sieveTestActionSet(r: SieveTestResult): string[] {
  if (r.exitCode !== 0) {
    if (/final result: failed; resolved with successful implicit keep/.test(r.stderr)) return ['folder:INBOX'];
    throw new Error(`sieve-test failed: ${r.stderr.slice(0, 500)}`);
  }
  const sections = r.stdout.split(/^## Executing script: .*$/m).filter((s) => s.includes('Performed actions:'));
  const tokens = new Set<string>();
  sections.forEach((section, i) => {
    const parsed = parseSieveTestOutput(section);
    for (const a of parsed.actions) {
      if (a.type === 'fileinto' || a.type === 'keep') tokens.add(`folder:${a.folder}`);
      else if (a.type === 'redirect') tokens.add(`redirect:${a.address}`);
      else if (a.type === 'other' && a.text === 'keep') tokens.add('folder:INBOX');
      else if (a.type === 'other') throw new Error(`sieve-test performed an action the comparison does not know: ${a.text}`);
      else tokens.add(a.type);
    }
    if (i === sections.length - 1 && parsed.implicitKeep) tokens.add('folder:INBOX');
  });
  return [...tokens].sort();
}
