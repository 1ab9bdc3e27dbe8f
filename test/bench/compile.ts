// The compiler on a big rule set: 10,000 rules, 10,000 regex rules (every
// regex checked in Pigeonhole's dialect by grammar/regex) and 10,000
// whitelist entries.
// Parse (DSL text -> model), emit-Sieve, emit-prefs, the whole
// compileRuleSet (validation included) and the whole pipeline a save runs
// (DSL text -> parseRules, which validates, -> compileRuleSet with those
// findings -> Sieve + user_prefs), beside Pigeonhole's sievec compiling the
// emitted script in the same run (its size limit lifted), timed in turns.
// Target: the whole pipeline in at most half of sievec's time.
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRuleSet } from '../../grammar/compile.js';
import { printRules } from '../../grammar/emit/rules-text.js';
import { emitSieve } from '../../grammar/emit/sieve.js';
import { emitUserPrefs } from '../../grammar/emit/user-prefs.js';
import type { Action, Condition, Rule, RuleSet, StringMatch } from '../../grammar/model.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { checkRegex } from '../../grammar/regex/check.js';
import { mailOwner, requireBinary, run as runProgram } from '../support/programs.js';
import { pigeonhole } from '../support/pigeonhole.js';

const RULES = 10_000;
const REGEX_RULES = 10_000;
const WHITELIST = 10_000;
const REPS = 5;
/** Compile and sievec samples taken in turns, so a slow patch of this shared machine hits both. */
const PAIRED_REPS = 9;
/** sievec runs with its size limit lifted (the script is several MB); so does the compiler's check. */
const NO_SIZE_LIMIT = { limits: { maxScriptBytes: 0 } };

function condition(i: number): Condition {
  switch (i % 6) {
    case 0:
      return { kind: 'address', header: 'from', part: 'all', test: { match: 'is', values: [`sender${i}@example${i % 97}.org`] } };
    case 1:
      return { kind: 'subject', test: { match: 'contains', values: [`[list-${i}]`, `ticket #${i}`] } };
    case 2:
      return { kind: 'header', names: ['List-Id'], test: { match: 'contains', values: [`list${i}.example.org`] } };
    case 3:
      return { kind: 'group', combine: 'any', conditions: [{ kind: 'size', comparison: 'over', bytes: 1024 * i }, { kind: 'exists', names: ['X-Priority'] }] };
    case 4:
      return { kind: 'auth', method: 'dmarc', result: 'fail' };
    default:
      return { kind: 'spam-score', atLeast: (i % 150) / 10 };
  }
}

/** Regexes of the kinds people write: anchors, groups, classes, intervals, word boundaries. */
function regexCondition(i: number): Condition {
  const values = [
    `^\\[(ticket|bug) #[0-9]+\\] project${i}`,
    `invoice[[:space:]]+[0-9]{4,8}-${i}`,
    `^(re|fwd?):[[:space:]]*report ${i}$`,
    `[[:alnum:]._-]+@dept${i}\\.example\\.org$`,
    `(urgent|important)!{1,3} .*case ${i}`,
    `\\bnewsletter${i}\\b|weekly digest #${i}`,
  ];
  const regex = values[i % values.length]!;
  return i % 2 === 0
    ? { kind: 'subject', test: { match: 'regex', values: [regex] } }
    : { kind: 'header', names: ['X-Mailer'], test: { match: 'regex', values: [regex], caseSensitive: true } };
}

function actions(i: number): Action[] {
  switch (i % 4) {
    case 0:
      return [{ kind: 'fileinto', folder: `Lists/L${i}` }, { kind: 'stop' }];
    case 1:
      return [{ kind: 'mark-read' }, { kind: 'fileinto', folder: 'Archive', copy: true }];
    case 2:
      return [{ kind: 'fileinto', folder: 'Junk' }, { kind: 'stop' }];
    default:
      return [{ kind: 'keyword', keyword: `$Label${i % 5}` }];
  }
}

function bigRuleSet(): RuleSet {
  const rules: Rule[] = Array.from({ length: RULES }, (_, i) => ({
    name: `Rule ${i}`,
    enabled: i % 10 !== 0,
    combine: i % 3 === 0 ? 'any' : 'all',
    conditions: [condition(i), condition(i + 1)],
    actions: actions(i),
  }));
  for (let i = 0; i < REGEX_RULES; i++) {
    rules.push({ name: `Regex rule ${i}`, enabled: true, combine: 'all', conditions: [regexCondition(i)], actions: actions(i) });
  }
  return {
    settings: { junkFolder: 'Junk', threshold: 5, trustedAuthservId: 'mx.example.org' },
    whitelist: Array.from({ length: WHITELIST }, (_, i) => ({
      pattern: i % 3 === 0 ? `*@domain${i}.example` : `friend${i}@example${i % 500}.com`,
      authenticated: i % 3 === 0,
    })),
    blocklist: Array.from({ length: 1000 }, (_, i) => ({ pattern: `*@spam${i}.example`, action: (['junk', 'discard', 'reject'] as const)[i % 3]! })),
    rules,
  };
}

/** What a save of rules text runs: read and validate, then compile with those findings. */
function pipeline(text: string): void {
  const parsed = parseRules(text, NO_SIZE_LIMIT);
  if (!parsed.ruleSet) throw new Error(`the generated rules do not parse: ${parsed.diagnostics[0]?.message}`);
  const compiled = compileRuleSet(parsed.ruleSet, NO_SIZE_LIMIT, parsed.diagnostics);
  if (!compiled.ok) throw new Error('the generated rules do not compile');
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median wall time in ms of `reps` calls. */
async function time(reps: number, f: () => unknown): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

export async function run(): Promise<void> {
  const rs = bigRuleSet();
  const text = printRules(rs);
  const parsed = parseRules(text);
  if (!parsed.ruleSet) throw new Error(`the generated rules do not parse: ${parsed.diagnostics[0]?.message}`);
  const compiled = compileRuleSet(rs, NO_SIZE_LIMIT);
  if (!compiled.ok) throw new Error(`the generated rules do not compile: ${compiled.diagnostics.find((d) => d.severity === 'error')?.message}`);

  const parseMs = await time(REPS, () => parseRules(text));
  const sieveMs = await time(REPS, () => emitSieve(rs));
  const prefsMs = await time(REPS, () => emitUserPrefs(rs));
  const regexTests = Array.from({ length: REGEX_RULES }, (_, i) => regexCondition(i)).map((c) => (c as { test: StringMatch }).test);
  const regexMs = await time(REPS, () => regexTests.forEach((t) => checkRegex(t.values[0]!, { caseSensitive: t.caseSensitive === true })));

  const tools = await pigeonhole({ maxScriptSize: '0' });
  const dir = await mkdtemp(join(tmpdir(), 'sw-bench-compile-'));
  try {
    const owner = await mailOwner();
    const file = join(dir, 'big.sieve');
    await writeFile(file, compiled.sieve);
    await chown(dir, owner.uid, owner.gid);
    await chown(file, owner.uid, owner.gid);
    const sievec = requireBinary('sievec');
    const out = join(dir, 'big.svbin');
    const check = await runProgram(sievec, ['-c', tools.conf, file, out]);
    if (check.code !== 0) throw new Error(`sievec refused the script: ${check.stderr.slice(0, 500)}`);
    const compileSamples: number[] = [];
    const pipelineSamples: number[] = [];
    const sievecSamples: number[] = [];
    for (let i = 0; i < PAIRED_REPS; i++) {
      compileSamples.push(await time(1, () => compileRuleSet(rs, NO_SIZE_LIMIT)));
      pipelineSamples.push(await time(1, () => pipeline(text)));
      sievecSamples.push(await time(1, () => runProgram(sievec, ['-c', tools.conf, file, out])));
    }
    const compileMs = median(compileSamples);
    const pipelineMs = median(pipelineSamples);
    const sievecMs = median(sievecSamples);
    const compileMin = Math.min(...compileSamples);
    const pipelineMin = Math.min(...pipelineSamples);
    const sievecMin = Math.min(...sievecSamples);
    const maxRssMb = process.resourceUsage().maxRSS / 1024;

    const kb = (s: string) => `${(Buffer.byteLength(s) / 1024).toFixed(0)} KB`;
    console.log(`${RULES} rules + ${REGEX_RULES} regex rules, ${WHITELIST} whitelist entries, 1000 blocklist entries; median of ${REPS} (compileRuleSet and sievec: ${PAIRED_REPS} each, in turns)`);
    console.log(`DSL text ${kb(text)}, Sieve ${kb(compiled.sieve)} (${compiled.sieve.split('\n').length} lines), user_prefs ${kb(compiled.prefs)}`);
    console.table([
      { step: 'parse (DSL -> model)', ms: parseMs.toFixed(1) },
      { step: 'emit Sieve', ms: sieveMs.toFixed(1) },
      { step: 'emit user_prefs', ms: prefsMs.toFixed(1) },
      { step: `check ${REGEX_RULES} regexes (Pigeonhole dialect, part of validate)`, ms: regexMs.toFixed(1) },
      { step: 'compileRuleSet (validate + Sieve + prefs)', ms: compileMs.toFixed(1), min: compileMin.toFixed(1) },
      { step: 'pipeline: DSL text -> parseRules -> compileRuleSet', ms: pipelineMs.toFixed(1), min: pipelineMin.toFixed(1) },
      { step: 'sievec on the emitted script (Pigeonhole)', ms: sievecMs.toFixed(1), min: sievecMin.toFixed(1) },
    ]);
    // The shared machine slows either side at random: the minimums are each side's own speed.
    const ratio = (ours: number, ourMin: number) => `median ${(ours / sievecMs).toFixed(2)}, min ${(ourMin / sievecMin).toFixed(2)}`;
    console.log(`peak RSS ${maxRssMb.toFixed(0)} MB; compileRuleSet / sievec = ${ratio(compileMs, compileMin)}`);
    console.log(`pipeline (DSL text -> Sieve + user_prefs) / sievec = ${ratio(pipelineMs, pipelineMin)} (target <= 0.5)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await tools.cleanup();
  }
}
