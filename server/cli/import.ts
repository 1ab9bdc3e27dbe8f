// `sievewright import sieve FILE [--rules OUT.rules] [--sieve OUT.sieve] [--capabilities "ext ..."]`:
// imports an existing Sieve script, prints what became rules and what stays
// raw (with lines), and optionally writes the rules as DSL text and the
// script sievewright would emit for them. Nothing is written when the script
// has a syntax error or its import would not compile; every problem is
// reported at the lines of FILE it came from.
import { readFileSync, writeFileSync } from 'node:fs';
import { compileRuleSet } from '../../grammar/compile.js';
import { formatDiagnostics, hasErrors, type Diagnostic } from '../../grammar/diagnostics.js';
import { printRules } from '../../grammar/emit/rules-text.js';
import { importSieve, type ImportReportEntry, type SieveImportResult } from '../../grammar/import/sieve.js';
import { findProblems, type Problem } from '../../grammar/validate.js';
import { EXIT_INPUT, EXIT_OK, UsageError } from './command.js';
import { capabilitiesOption, runCommandLine, stringOptions, type ParsedCommandLine } from './options.js';

const USAGE = 'usage: sievewright import sieve FILE [--rules OUT.rules] [--sieve OUT.sieve] [--capabilities "ext ext ..."]\n';

const OPTIONS = stringOptions('rules', 'sieve', 'capabilities');

interface Request {
  file: string;
  rules?: string;
  sieve?: string;
  /** The server's Sieve extensions, as `compile --capabilities`. */
  capabilities?: string[];
}

function toRequest({ values, positionals }: ParsedCommandLine<typeof OPTIONS>): Request {
  const [format, file, ...extra] = positionals;
  if (format !== 'sieve') throw new UsageError(format === undefined ? 'say what to import: sieve' : `cannot import "${format}"; only "sieve"`);
  if (file === undefined || extra.length > 0) throw new UsageError('give exactly one Sieve file');
  return {
    file,
    ...(values.rules !== undefined ? { rules: values.rules } : {}),
    ...(values.sieve !== undefined ? { sieve: values.sieve } : {}),
    ...(values.capabilities !== undefined ? { capabilities: capabilitiesOption(values.capabilities) } : {}),
  };
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
  const opts = req.capabilities ? { capabilities: req.capabilities } : {};
  const result = importSieve(text, opts);
  if (result.diagnostics.length > 0) process.stderr.write(`${formatDiagnostics(result.diagnostics, text, req.file)}\n`);
  if (hasErrors(result.diagnostics)) return EXIT_INPUT;
  const problems = findProblems(result.ruleSet, opts);
  const compiled = compileRuleSet(result.ruleSet, opts, problems.map((p) => p.diagnostic));
  const placed = compiled.diagnostics.map((d, i) => (i < problems.length ? inScript(d, problems[i]!, result) : d));
  if (placed.length > 0) process.stderr.write(`${formatDiagnostics(placed, text, req.file)}\n`);
  if (!compiled.ok) {
    process.stdout.write(`${req.file}: not imported: the rules it gives would not compile (see above); nothing written\n`);
    return EXIT_INPUT;
  }
  const rules = result.report.filter((e) => e.kind === 'rule').length;
  const raw = result.report.length - rules;
  process.stdout.write(`${req.file}: ${rules} rule(s) imported, ${raw} block(s) kept raw\n${result.report.map(reportLine).join('\n')}\n`);
  if (req.rules !== undefined) writeFileSync(req.rules, printRules(result.ruleSet));
  if (req.sieve !== undefined) writeFileSync(req.sieve, compiled.sieve);
  return EXIT_OK;
}

/** A problem of an imported rule or block, placed at the first line of FILE it came from. */
function inScript(d: Diagnostic, problem: Problem, result: SieveImportResult): Diagnostic {
  const index = result.ruleSet.rules.findIndex((item) => holds(item, problem.node));
  const entry = result.report[index];
  if (!entry) return d;
  const { end: _end, ...rest } = d;
  return { ...rest, start: { line: entry.startLine, column: 1 } };
}

function holds(value: unknown, node: object): boolean {
  if (value === node) return true;
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some((v) => holds(v, node));
}
