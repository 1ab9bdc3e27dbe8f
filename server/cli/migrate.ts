// `sievewright migrate procmail FILE... --out DIR [--report report.json] [--folder-map map.json]`
// converts users' procmailrc files in bulk: DIR/<name>.rules (the rules
// text) and DIR/<name>.sieve (the compiled script) per input, a line per
// file with its counts, a summary, and optionally the full report as JSON.
// A progress bar goes to stderr when it is a terminal. With --deploy each
// converted file is saved as the rules of the user it is named after
// (`alice.procmailrc` -> alice) as a new version, and a deploy is queued in
// the outbox (delivered by `sievewright push` or the server's worker).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { compileRuleSet } from '../../grammar/compile.js';
import { formatDiagnostics, hasErrors, type Diagnostic } from '../../grammar/diagnostics.js';
import { printRules } from '../../grammar/emit/rules-text.js';
import { convertProcmail, type ProcmailReport } from '../../grammar/import/procmail.js';
import { summarize } from '../../grammar/import/procmail-report.js';
import { configForCommand } from '../config/cli.js';
import { databasePath } from '../config/paths.js';
import { createContext } from '../services/context.js';
import { saveRules } from '../services/rules-service.js';
import { openDatabase } from '../store/db.js';
import type { RuleSet } from '../../grammar/model.js';
import { EXIT_INPUT, EXIT_OK, UsageError } from './command.js';
import { runCommandLine, stringOptions, type ParsedCommandLine } from './options.js';

const USAGE = 'usage: sievewright migrate procmail FILE... --out DIR [--report report.json] [--folder-map map.json] [--deploy [--config FILE]]\n';

interface Request {
  files: string[];
  out: string;
  report?: string;
  folderMap: Record<string, string>;
  deploy: boolean;
  config?: string;
}

function readFolderMap(path: string): Record<string, string> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read the folder map ${path}: ${(err as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || Object.values(data).some((v) => typeof v !== 'string')) {
    throw new UsageError(`the folder map ${path} must be a JSON object of procmail path -> IMAP folder name`);
  }
  return data as Record<string, string>;
}

const OPTIONS = { ...stringOptions('out', 'report', 'folder-map', 'config'), deploy: { type: 'boolean' } } as const;

function toRequest({ values, positionals }: ParsedCommandLine<typeof OPTIONS>): Request {
  const [format, ...files] = positionals;
  if (format !== 'procmail') throw new UsageError(format === undefined ? 'say what to migrate: procmail' : `cannot migrate "${format}"; only "procmail"`);
  if (files.length === 0) throw new UsageError('give at least one procmailrc file');
  if (values.out === undefined) throw new UsageError('--out DIR is required');
  return {
    files,
    out: values.out,
    ...(values.report !== undefined ? { report: values.report } : {}),
    folderMap: values['folder-map'] !== undefined ? readFolderMap(values['folder-map']) : {},
    deploy: values.deploy === true,
    ...(values.config !== undefined ? { config: values.config } : {}),
  };
}

/** `alice.procmailrc` -> `alice`, `.procmailrc` -> `procmailrc`; repeats get `-2`, `-3`. */
function outputNames(files: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return files.map((f) => {
    const base = basename(f).replace(/^\./, '').replace(/\.(procmailrc|rc)$/, '') || 'procmailrc';
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

function progress(done: number, total: number, label: string): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label.slice(0, 40).padEnd(40)}`);
  if (done === total) process.stderr.write('\n');
}

interface FileResult {
  file: string;
  name: string;
  report: ProcmailReport | null;
  diagnostics: Diagnostic[];
  error?: string;
  /** Kept for --deploy; not part of the JSON report. */
  ruleSet?: RuleSet;
  deployed?: boolean;
}

function migrateOne(file: string, name: string, req: Request): FileResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { file, name, report: null, diagnostics: [], error: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  const result = convertProcmail(text, { folderMap: req.folderMap });
  const compiled = compileRuleSet(result.ruleSet);
  const diagnostics = [...result.diagnostics, ...compiled.diagnostics];
  writeFileSync(join(req.out, `${name}.rules`), printRules(result.ruleSet));
  if (compiled.ok) writeFileSync(join(req.out, `${name}.sieve`), compiled.sieve);
  if (result.diagnostics.length > 0) process.stderr.write(`${formatDiagnostics(result.diagnostics, text, file)}\n`);
  if (compiled.diagnostics.length > 0) process.stderr.write(`${formatDiagnostics(compiled.diagnostics, '', `${name}.sieve`)}\n`);
  return {
    file,
    name,
    report: result.report,
    diagnostics,
    ...(compiled.ok ? { ruleSet: result.ruleSet } : { error: 'the converted rules did not compile' }),
  };
}

function fileLine(r: FileResult): string {
  if (!r.report) return `${r.file}: ${r.error}`;
  const c = r.report.counts;
  const state = r.error ? `FAILED (${r.error})` : r.report.fullyConverted ? 'fully converted' : 'needs review';
  const deployed = r.deployed ? '; deploy queued' : '';
  return `${r.file} -> ${r.name}: ${c.exact} exact, ${c.changed} changed, ${c['not-converted']} not converted, ${c['dropped-on-purpose']} dropped on purpose; ${state}${deployed}`;
}

/** Saves each converted set as its user's rules (a new version, audited) and queues the deploy. */
function deployAll(results: FileResult[], configFlag: string | undefined): boolean {
  const config = configForCommand('migrate', configFlag);
  if (!config) return false;
  const db = openDatabase(databasePath(config));
  try {
    const ctx = createContext(config, db, { worker: false });
    for (const r of results) {
      if (!r.ruleSet || r.error !== undefined) continue;
      try {
        saveRules(ctx, r.name, 'migrate', r.ruleSet, { action: 'rules.migrate', summary: `migrated from procmail (${basename(r.file)})` });
        r.deployed = true;
      } catch (err) {
        r.error = `not saved for user ${r.name}: ${(err as Error).message}`;
      }
    }
  } finally {
    db.close();
  }
  return true;
}

export function run(args: string[]): Promise<number> {
  return runCommandLine({ name: 'migrate', usage: USAGE, options: OPTIONS, positionals: true }, args, async (parsed) => migrate(toRequest(parsed)));
}

function migrate(req: Request): number {
  mkdirSync(req.out, { recursive: true });
  const names = outputNames(req.files);
  const results: FileResult[] = [];
  req.files.forEach((file, i) => {
    progress(i, req.files.length, file);
    results.push(migrateOne(file, names[i]!, req));
  });
  progress(req.files.length, req.files.length, 'done');
  if (req.deploy && !deployAll(results, req.config)) return EXIT_INPUT;
  for (const r of results) process.stdout.write(`${fileLine(r)}\n`);
  const summary = summarize(results.flatMap((r) => (r.report ? [r.report] : [])));
  const s = summary.recipes;
  process.stdout.write(
    `\n${summary.files} file(s), ${summary.filesFullyConverted} fully converted; recipes: ${s.exact} exact, ${s.changed} changed, ${s['not-converted']} not converted, ${s['dropped-on-purpose']} dropped on purpose\n`,
  );
  if (req.report !== undefined) {
    const files = results.map(({ ruleSet: _ruleSet, ...rest }) => rest);
    writeFileSync(req.report, `${JSON.stringify({ summary, files }, null, 2)}\n`);
  }
  const failed = results.some((r) => r.error !== undefined || hasErrors(r.diagnostics));
  return failed ? EXIT_INPUT : EXIT_OK;
}
