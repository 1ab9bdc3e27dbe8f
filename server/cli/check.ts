// `sievewright check RULES [--max-script-size SIZE]`: reads a rules file (`-` for stdin) and prints
// every problem as `FILE:LINE:COL: severity: message` with the source line
// and a caret, exactly as the compiler would find them. Exit 0 when the file
// compiles (warnings allowed), 1 when it has errors, 2 on wrong usage.
import { readFileSync } from 'node:fs';
import { compileRuleSet, type CompileOptions } from '../../grammar/compile.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../../grammar/diagnostics.js';
import type { RuleSet } from '../../grammar/model.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { EXIT_INPUT, EXIT_OK, UsageError } from './command.js';
import { runCommandLine, stringOptions, type ParsedCommandLine } from './options.js';
import { MAX_SCRIPT_SIZE_USAGE, parseScriptSize } from './script-size.js';

const USAGE = `usage: sievewright check RULES [--max-script-size SIZE]   (RULES may be - for standard input)\n  ${MAX_SCRIPT_SIZE_USAGE}\n`;

const OPTIONS = stringOptions('max-script-size');

export function run(args: string[]): Promise<number> {
  return runCommandLine({ name: 'check', usage: USAGE, options: OPTIONS, positionals: true }, args, check);
}

async function check({ values, positionals }: ParsedCommandLine<typeof OPTIONS>): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('give exactly one rules file');
  const file = positionals[0]!;
  const maxSize = values['max-script-size'];
  const checked = checkRulesFile(file, maxSize === undefined ? {} : { limits: { maxScriptBytes: parseScriptSize(maxSize) } }, 'check');
  if (!checked.ruleSet) return EXIT_INPUT;
  const rs = checked.ruleSet;
  const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  const summary = [
    count(rs.rules.length, 'rule', 'rules'),
    count(rs.whitelist.length, 'whitelist entry', 'whitelist entries'),
    count(rs.blocklist.length, 'blocklist entry', 'blocklist entries'),
  ];
  process.stdout.write(`${file === '-' ? '<stdin>' : file}: ok, ${summary.join(', ')}\n`);
  return EXIT_OK;
}

export interface CheckedRules {
  /** Null when the file could not be read or has errors (already reported). */
  ruleSet: RuleSet | null;
  /** The compiler's output for the rule set, when there is one. */
  compiled?: ReturnType<typeof compileRuleSet>;
}

/**
 * Reads, parses and compiles a rules file, writing every diagnostic to
 * stderr. Shared by `check` and `compile` so both report the same problems
 * the same way.
 */
export function checkRulesFile(file: string, opts: CompileOptions, command: string): CheckedRules {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    process.stderr.write(`sievewright ${command}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    return { ruleSet: null };
  }
  const name = file === '-' ? '<stdin>' : file;
  const parsed = parseRules(text, opts);
  const diagnostics = [...parsed.diagnostics];
  let compiled: CheckedRules['compiled'];
  if (parsed.ruleSet) {
    compiled = compileRuleSet(parsed.ruleSet, opts);
    // The compiler re-validates (those findings were already reported, with
    // positions) and may name one missing extension once per use.
    const seen = new Set(parsed.diagnostics.map(key));
    for (const d of compiled.diagnostics) {
      if (!seen.has(key(d))) diagnostics.push(d);
      seen.add(key(d));
    }
  }
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d, text, name)}\n`);
  if (hasErrors(diagnostics) || !parsed.ruleSet || !compiled) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    process.stderr.write(`${name}: ${errors} error${errors === 1 ? '' : 's'}\n`);
    return { ruleSet: null };
  }
  return { ruleSet: parsed.ruleSet, compiled };
}

function key(d: Diagnostic): string {
  return `${d.code}\u0000${d.message}`;
}
