// `sievewright import sieve FILE [--rules OUT.rules] [--sieve OUT.sieve]`:
// imports an existing Sieve script, prints what became rules and what stays
// raw (with lines), and optionally writes the rules as DSL text and the
// script sievewright would emit for them. Nothing is written on a syntax error.
import { readFileSync, writeFileSync } from 'node:fs';
import { compileRuleSet } from '../../grammar/compile.js';
import { formatDiagnostics, hasErrors } from '../../grammar/diagnostics.js';
import { printRules } from '../../grammar/emit/rules-text.js';
import { importSieve, type ImportReportEntry } from '../../grammar/import/sieve.js';
import { EXIT_INPUT, EXIT_OK, UsageError } from './command.js';
import { runCommandLine, stringOptions, type ParsedCommandLine } from './options.js';

const USAGE = 'usage: sievewright import sieve FILE [--rules OUT.rules] [--sieve OUT.sieve]\n';

const OPTIONS = stringOptions('rules', 'sieve');

interface Request {
  file: string;
  rules?: string;
  sieve?: string;
}

function toRequest({ values, positionals }: ParsedCommandLine<typeof OPTIONS>): Request {
  const [format, file, ...extra] = positionals;
  if (format !== 'sieve') throw new UsageError(format === undefined ? 'say what to import: sieve' : `cannot import "${format}"; only "sieve"`);
  if (file === undefined || extra.length > 0) throw new UsageError('give exactly one Sieve file');
  return { file, ...(values.rules !== undefined ? { rules: values.rules } : {}), ...(values.sieve !== undefined ? { sieve: values.sieve } : {}) };
}

function reportLine(e: ImportReportEntry): string {
  const lines = e.startLine === e.endLine ? `line ${e.startLine}` : `lines ${e.startLine}-${e.endLine}`;
  const name = e.name !== undefined && e.name !== '' ? ` "${e.name}"` : '';
  return e.kind === 'rule' ? `  rule${name} (${lines})` : `  kept raw${name} (${lines}): ${e.reason ?? ''}`;
}

export function run(args: string[]): Promise<number> {
  return runCommandLine({ name: 'import', usage: USAGE, options: OPTIONS, positionals: true }, args, async (parsed) => importFile(toRequest(parsed)));
}

function importFile(req: Request): number {
  let text: string;
  try {
    text = readFileSync(req.file, 'utf8');
  } catch (err) {
    process.stderr.write(`sievewright import: cannot read ${req.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    return EXIT_INPUT;
  }
  const result = importSieve(text);
  if (result.diagnostics.length > 0) process.stderr.write(`${formatDiagnostics(result.diagnostics, text, req.file)}\n`);
  if (hasErrors(result.diagnostics)) return EXIT_INPUT;
  const rules = result.report.filter((e) => e.kind === 'rule').length;
  const raw = result.report.length - rules;
  process.stdout.write(`${req.file}: ${rules} rule(s) imported, ${raw} block(s) kept raw\n${result.report.map(reportLine).join('\n')}\n`);
  if (req.rules !== undefined) writeFileSync(req.rules, printRules(result.ruleSet));
  if (req.sieve !== undefined) {
    const compiled = compileRuleSet(result.ruleSet);
    if (compiled.diagnostics.length > 0) process.stderr.write(`${formatDiagnostics(compiled.diagnostics, '', req.sieve)}\n`);
    if (!compiled.ok) return EXIT_INPUT;
    writeFileSync(req.sieve, compiled.sieve);
  }
  return EXIT_OK;
}
