// Differential proof of the rule evaluator against the real Pigeonhole:
// each rule set is compiled by the project's compiler, sieve-test runs the
// script on the message, and the evaluator must name the same actions (the
// `try --format tsv` set: folders, discard, redirects, reject, vacation).
// - every .eml fixture x every valid .rules fixture;
// - the same with the admin defaults fixture as the user's defaults: its
//   locked rules as the global scripts around the user's effective script;
// - at least 5,000 generated (rule set, message) pairs (fast-check, fixed
//   seed; EVAL_SEED=n picks another).
// A pair whose answer is "depends on raw Sieve" is not compared (there is
// nothing to compare) but counted, so the raw answer is seen to come up.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { compileRuleSet } from '../../grammar/compile.js';
import { effectiveRuleSet } from '../../grammar/effective.js';
import { actionSet, evaluateRuleSet, parseMessage, type EvaluateOptions } from '../../grammar/evaluate/index.js';
import { compileGlobalScripts } from '../../grammar/global-scripts.js';
import { splitDefaults } from '../../grammar/effective.js';
import type { RuleSet } from '../../grammar/model.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { arbMessage, arbRuleSet, type SampleMessage } from '../support/eval-samples.js';
import { pigeonhole, type PigeonholeTools } from '../support/pigeonhole.js';
import { sieveTestActionSet, sieveTestMany, type SieveRun } from '../support/sieve-batch.js';

const SEED = Number(process.env.EVAL_SEED ?? 20261203);
const again = `(EVAL_SEED=${SEED} reproduces this run)`;
/** EVAL_PAIRS=n runs fewer pairs while working on a disagreement; the suite runs 5,000. */
const PAIRS = Number(process.env.EVAL_PAIRS ?? 5_000);
const MESSAGES_PER_RULE_SET = 20;
const ENVELOPE = { envelopeFrom: 'bounce@example.net', recipient: 'user@example.org' };

const EML_DIR = new URL('../fixtures/eml/', import.meta.url).pathname;
const RULES_DIR = new URL('../fixtures/rules/', import.meta.url).pathname;

let tools: PigeonholeTools;
beforeAll(async () => {
  tools = await pigeonhole();
});
afterAll(async () => {
  await tools?.cleanup();
});

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

interface Pair {
  label: string;
  rs: RuleSet;
  scripts: string[];
  opts: EvaluateOptions;
  message: SampleMessage;
}

/** Runs every pair through sieve-test and the evaluator; returns the disagreements and counts. */
async function compare(pairs: readonly Pair[]): Promise<{ disagreements: string[]; compared: number; raw: number; tokens: Map<string, number>; sources: Set<string> }> {
  const disagreements: string[] = [];
  const tokens = new Map<string, number>();
  const sources = new Set<string>();
  const now = today();
  const ours = pairs.map((p) => evaluateRuleSet(p.rs, parseMessage(p.message.raw, { from: p.message.envelopeFrom, to: p.message.recipient }), { ...p.opts, today: now }));
  const decided = pairs.map((p, i) => ({ p, e: ours[i]! })).filter((x) => x.e.kind === 'decided');
  const runs: SieveRun[] = decided.map(({ p }) => ({ scripts: p.scripts, message: p.message.raw, envelopeFrom: p.message.envelopeFrom, recipient: p.message.recipient }));
  const results = await sieveTestMany(tools, runs);
  decided.forEach(({ p, e }, i) => {
    const mine = actionSet(e);
    if (e.kind === 'decided') for (const a of e.actions) sources.add(a.decidedBy.source);
    const theirs = sieveTestActionSet(results[i]!);
    for (const t of theirs) tokens.set(t.replace(/:.*/, ''), (tokens.get(t.replace(/:.*/, '')) ?? 0) + 1);
    if (mine.join(' ') !== theirs.join(' ')) {
      disagreements.push(`${p.label}: ours [${mine.join(' ')}], sieve-test [${theirs.join(' ')}]\n  rules: ${JSON.stringify(p.rs)}\n  message: ${JSON.stringify(p.message.raw)}`);
    }
  });
  return { disagreements, compared: decided.length, raw: pairs.length - decided.length, tokens, sources };
}

function fixtureRuleSets(): Array<{ name: string; rs: RuleSet }> {
  return readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.rules'))
    .sort()
    .map((f) => ({ name: f, parsed: parseRules(readFileSync(RULES_DIR + f, 'utf8')) }))
    .filter((x) => x.parsed.ruleSet !== null)
    .map((x) => ({ name: x.name, rs: x.parsed.ruleSet! }));
}

function fixtureMessages(): Array<{ name: string; message: SampleMessage }> {
  return readdirSync(EML_DIR)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => ({ name: f, message: { raw: readFileSync(EML_DIR + f, 'utf8'), ...ENVELOPE } }));
}

test('every .eml fixture under every .rules fixture: the evaluator names what sieve-test does', async () => {
  const sets = fixtureRuleSets();
  const messages = fixtureMessages();
  expect(sets.length).toBeGreaterThanOrEqual(8);
  expect(messages.length).toBeGreaterThanOrEqual(40);
  const pairs: Pair[] = [];
  for (const { name, rs } of sets) {
    const compiled = compileRuleSet(rs);
    expect(compiled.ok, `${name} compiles`).toBe(true);
    for (const m of messages) pairs.push({ label: `${name} x ${m.name}`, rs, scripts: [compiled.sieve], opts: {}, message: m.message });
  }
  const r = await compare(pairs);
  expect(r.disagreements.slice(0, 5), `${r.disagreements.length} of ${r.compared} disagree`).toEqual([]);
  expect(r.compared + r.raw).toBe(sets.length * messages.length);
  expect(r.raw, 'pairs that reach a raw block').toBeGreaterThan(0);
  // The fixtures' vacation has a date window, so it answers on some days only.
  for (const t of ['folder', 'discard', 'redirect', 'reject']) expect(r.tokens.get(t) ?? 0, `sieve-test answers with ${t}`).toBeGreaterThan(0);
  console.log(`fixtures: ${r.compared} pairs agree, ${r.raw} reach a raw block`);
}, 180_000);

test('with the admin defaults: locked rules as global scripts, the others merged into the user\'s script', async () => {
  const defaults = parseRules(readFileSync(`${RULES_DIR}admin-defaults.rules`, 'utf8')).ruleSet!;
  const globals = compileGlobalScripts(defaults);
  expect(globals.before.ok && globals.after.ok).toBe(true);
  const split = splitDefaults(defaults);
  const pairs: Pair[] = [];
  for (const { name, rs: user } of fixtureRuleSets().filter((f) => f.name !== 'admin-defaults.rules')) {
    const effective = effectiveRuleSet(defaults, user, []);
    const compiled = compileRuleSet(effective);
    expect(compiled.ok, `${name} with the defaults compiles`).toBe(true);
    for (const m of fixtureMessages()) {
      pairs.push({ label: `defaults + ${name} x ${m.name}`, rs: effective, scripts: [globals.before.sieve, compiled.sieve, globals.after.sieve], opts: { before: split.before, after: split.after, defaults }, message: m.message });
    }
  }
  const r = await compare(pairs);
  expect(r.disagreements.slice(0, 5), `${r.disagreements.length} of ${r.compared} disagree`).toEqual([]);
  // Actions came from the locked rules, the admin's other rules and the user's.
  expect([...r.sources].sort()).toEqual(expect.arrayContaining(['default', 'locked', 'user']));
  console.log(`fixtures with admin defaults: ${r.compared} pairs agree, ${r.raw} reach a raw block`);
}, 180_000);

test(`${PAIRS} generated rule set x message pairs: the evaluator names what sieve-test does`, async () => {
  // Rule sets are taken until PAIRS pairs are decided without raw Sieve.
  const sets = fc.sample(arbRuleSet.filter((rs) => compileRuleSet(rs).ok), { seed: SEED, numRuns: Math.ceil((PAIRS * 1.5) / MESSAGES_PER_RULE_SET) });
  const messages = fc.sample(arbMessage, { seed: SEED ^ 0x5eed, numRuns: 997 }).map((m) => ({ m, parsed: parseMessage(m.raw, { from: m.envelopeFrom, to: m.recipient }) }));
  const pairs: Pair[] = [];
  let decided = 0;
  for (let i = 0; i < sets.length && decided < PAIRS; i++) {
    const rs = sets[i]!;
    const sieve = compileRuleSet(rs).sieve;
    for (let j = 0; j < MESSAGES_PER_RULE_SET; j++) {
      const k = (i * MESSAGES_PER_RULE_SET + j) % messages.length;
      if (evaluateRuleSet(rs, messages[k]!.parsed).kind === 'decided') decided++;
      pairs.push({ label: `rule set ${i} x message ${k}`, rs, scripts: [sieve], opts: {}, message: messages[k]!.m });
    }
  }
  const r = await compare(pairs);
  expect(r.disagreements.slice(0, 3), `${r.disagreements.length} of ${r.compared} disagree ${again}`).toEqual([]);
  expect(r.compared, `pairs compared ${again}`).toBeGreaterThanOrEqual(PAIRS);
  expect(r.raw, 'pairs that reach a raw block').toBeGreaterThan(0);
  for (const t of ['folder', 'discard', 'redirect', 'reject', 'vacation']) expect(r.tokens.get(t) ?? 0, `sieve-test answers with ${t}`).toBeGreaterThan(20);
  expect([...r.sources].sort()).toEqual(expect.arrayContaining(['blocklist', 'implicit', 'spam', 'user']));
  console.log(`generated: ${r.compared} pairs agree, ${r.raw} reach a raw block; answers ${JSON.stringify(Object.fromEntries(r.tokens))} ${again}`);
}, 600_000);
