// `sievewright check RULES [--max-script-size SIZE] [--policy POLICY.json]`:
// reads a rules file (`-` for stdin) and prints every problem as
// `FILE:LINE:COL: severity: message` with the source line and a caret, exactly
// as the compiler would find them. With --policy (the JSON
// `PUT /api/admin/policy` takes) the admin's policy is applied as a save would
// apply it: what it refuses is an error, what it would raise as an alert a
// warning. Exit 0 when the file compiles and the policy lets it through
// (warnings allowed), 1 when it has errors or the policy file is bad, 2 on
// wrong usage.
import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { compileRuleSet, type CompileOptions } from '../../grammar/compile.js';
import { error, formatDiagnostic, hasErrors, warning, type Diagnostic, type Position } from '../../grammar/diagnostics.js';
import type { RuleSet } from '../../grammar/model.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { checkPolicy, DEFAULT_POLICY, describeOutgoing, unknownActions, type Policy, type PolicyProblem } from '../../grammar/policy.js';
import { itemPositions, sievePointInText, type ItemPosition } from '../../grammar/rules-positions.js';
import { PolicyBody } from '../routes/schemas.js';
import { EXIT_INPUT, EXIT_OK, UsageError } from './command.js';
import { runCommandLine, stringOptions, type ParsedCommandLine } from './options.js';
import { MAX_SCRIPT_SIZE_USAGE, parseScriptSize } from './script-size.js';

const USAGE = `usage: sievewright check RULES [--max-script-size SIZE] [--policy POLICY.json]   (RULES may be - for standard input)\n  ${MAX_SCRIPT_SIZE_USAGE}\n`;

const OPTIONS = stringOptions('max-script-size', 'policy');

export function run(args: string[]): Promise<number> {
  return runCommandLine({ name: 'check', usage: USAGE, options: OPTIONS, positionals: true }, args, check);
}

async function check({ values, positionals }: ParsedCommandLine<typeof OPTIONS>): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('give exactly one rules file');
  const file = positionals[0]!;
  const policy = values.policy === undefined ? undefined : readPolicy(values.policy);
  if (policy === null) return EXIT_INPUT;
  const maxSize = values['max-script-size'];
  const checked = checkRulesFile(file, maxSize === undefined ? {} : { limits: { maxScriptBytes: parseScriptSize(maxSize) } }, 'check');
  if (!checked.ruleSet) return EXIT_INPUT;
  const rs = checked.ruleSet;
  const name = file === '-' ? '<stdin>' : file;
  if (policy && !applyPolicy(rs, policy, checked.text, name)) return EXIT_INPUT;
  const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  const summary = [
    count(rs.rules.length, 'rule', 'rules'),
    count(rs.whitelist.length, 'whitelist entry', 'whitelist entries'),
    count(rs.blocklist.length, 'blocklist entry', 'blocklist entries'),
  ];
  process.stdout.write(`${name}: ok, ${summary.join(', ')}\n`);
  return EXIT_OK;
}

/** The policy file, checked with the API's own schema; null (reported) when it is unreadable or invalid. */
function readPolicy(file: string): Policy | null {
  const fail = (message: string): null => {
    process.stderr.write(`sievewright check: ${file}: ${message}\n`);
    return null;
  };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return fail(code ? `cannot read the policy file (${code})` : `not valid JSON: ${(err as Error).message}`);
  }
  const problems = [...Value.Errors(PolicyBody, data)].map((e) => `${e.path || '/'}: ${e.message}`);
  if (problems.length) return fail(`not a policy as PUT /api/admin/policy takes it:\n  ${[...new Set(problems)].join('\n  ')}`);
  const body = data as PolicyBody;
  const unknown = unknownActions(body);
  if (unknown.length) return fail(`unknown actions: ${unknown.join(', ')}`);
  return { ...body, redirectOutside: body.redirectOutside ?? DEFAULT_POLICY.redirectOutside };
}

/** Prints what the policy refuses (errors) and would raise as alerts (warnings); false when it refuses something. */
function applyPolicy(rs: RuleSet, policy: Policy, text: string, name: string): boolean {
  const report = checkPolicy(rs, undefined, policy);
  const places = itemPositions(text) ?? [];
  const findings: Diagnostic[] = [
    ...report.violations.map((v) => error('policy', named(v), where(places, v))),
    ...report.alerts.map((a) => warning('policy_alert', named({ ...a, message: describeOutgoing(a, policy.allowedRedirectDomains, false) }), where(places, a))),
  ];
  for (const d of findings) process.stderr.write(`${formatDiagnostic(d, text, name)}\n`);
  if (report.violations.length === 0) return true;
  process.stderr.write(`${name}: ${report.violations.length} policy violation${report.violations.length === 1 ? '' : 's'}\n`);
  return false;
}

function named(p: PolicyProblem): string {
  return p.rule === undefined ? p.message : `rule "${p.rule}": ${p.message}`;
}

function where(places: readonly ItemPosition[], p: Pick<PolicyProblem, 'index' | 'action' | 'line' | 'column'>): Position | undefined {
  const item = p.index === undefined ? undefined : places[p.index];
  if (!item) return undefined;
  if (p.line !== undefined) return sievePointInText(item, p.line, p.column ?? 1);
  return (p.action !== undefined ? item.actions[p.action] : undefined) ?? item.start;
}

export interface CheckedRules {
  /** Null when the file could not be read or has errors (already reported). */
  ruleSet: RuleSet | null;
  /** The file's text, when it was read. */
  text: string;
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
    return { ruleSet: null, text: '' };
  }
  const name = file === '-' ? '<stdin>' : file;
  const parsed = parseRules(text, opts);
  const diagnostics = [...parsed.diagnostics];
  let compiled: CheckedRules['compiled'];
  if (parsed.ruleSet) {
    compiled = compileRuleSet(parsed.ruleSet, opts, parsed.diagnostics);
    // The compiler's findings start with the parser's (listed already) and
    // may name one missing extension once per use.
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
    return { ruleSet: null, text };
  }
  return { ruleSet: parsed.ruleSet, text, compiled };
}

function key(d: Diagnostic): string {
  return `${d.code}\u0000${d.message}`;
}
