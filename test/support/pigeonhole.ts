// Pigeonhole's sievec and sieve-test on a private config, and the Sieve
// settings the test Dovecot shares with them.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isRoot, mailOwner, makeRoot, ownByMail, requireBinary, run } from './programs.js';

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
export function sievePluginSettings(maxScriptSize: string, extensions = ''): string {
  return `  sieve_max_script_size = ${maxScriptSize}
  sieve_extensions = +editheader +spamtest +spamtestplus +virustest${extensions ? ` ${extensions}` : ''}
  sieve_spamtest_status_type = score
  sieve_spamtest_status_header = X-Spam-Status: [[:alnum:]]+, score=(-?[[:digit:]]+\\.[[:digit:]])
  sieve_spamtest_max_header = X-Spam-Status: [[:alnum:]]+, score=-?[[:digit:]]+\\.[[:digit:]] required=([[:digit:]]+\\.[[:digit:]])
`;
}

/** A Dovecot config for `sievec -c` holding only the test Dovecot's Sieve settings (what a deploy is verified with). */
export function sievecConfig(maxScriptSize = '1M', extensions?: string, settings = ''): string {
  return `plugin {\n${sievePluginSettings(maxScriptSize, extensions)}${settings}}\n`;
}

let scriptCounter = 0;

/**
 * sievec and sieve-test on a private config. `extensions` are added to the
 * enabled ones (e.g. `+notify`), `settings` are further plugin lines (e.g.
 * the extprograms plugin and its directories).
 */
export async function pigeonhole(opts: { maxScriptSize?: string; extensions?: string; settings?: string } = {}): Promise<PigeonholeTools> {
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
${sievecConfig(opts.maxScriptSize, opts.extensions, opts.settings)}`,
  );
  return pigeonholeFor(root, conf, work, sievec, sieveTestBin);
}

/** The tools on a given config: the test Dovecot runs them on its own. */
export function pigeonholeFor(root: string, conf: string, work: string, sievec: string, sieveTestBin: string): PigeonholeTools {
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
      await rm(root, { recursive: true, force: true });
    },
  };
}
