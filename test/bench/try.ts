// The rule evaluator (grammar/evaluate) on a 100-rule set: 10,000 messages
// in Node and 1,000 in Chromium (the bundle the browser loads), beside
// Pigeonhole's sieve-test running the compiled script on messages one at a
// time in the same run. Targets: 1,000 messages in Chromium in <= 50 ms;
// in Node >= 1,000x sieve-test's messages per second.
import { build } from 'esbuild';
import fc from 'fast-check';
import { compileRuleSet } from '../../grammar/compile.js';
import { actionSet, evaluateRuleSet, parseMessage } from '../../grammar/evaluate/index.js';
import type { Action, Condition, Rule, RuleSet } from '../../grammar/model.js';
import { arbMessage, TRUSTED_ID } from '../support/eval-samples.js';
import { pigeonhole } from '../support/pigeonhole.js';
import { sieveTestActionSet, sieveTestMany } from '../support/sieve-batch.js';
import { launchBrowser } from '../web/support/browser.js';

const RULES = 100;
const NODE_MESSAGES = 10_000;
const BROWSER_MESSAGES = 1_000;
const SIEVE_TEST_MESSAGES = 40;
const REPS = 5;
const SEED = 20261203;

function condition(i: number): Condition {
  switch (i % 10) {
    case 0:
      return { kind: 'address', header: 'from', part: 'domain', test: { match: 'is', values: [`example${i}.com`, 'shop.example'] } };
    case 1:
      return { kind: 'subject', test: { match: 'contains', values: [`[list-${i}]`, 'invoice'] } };
    case 2:
      return { kind: 'header', names: ['List-Id'], test: { match: 'contains', values: [`list${i}.example.org`] } };
    case 3:
      return { kind: 'subject', test: { match: 'regex', values: [`^(re|fwd?):[[:space:]]*report ${i}$`] } };
    case 4:
      return { kind: 'address', header: 'any', part: 'all', test: { match: 'matches', values: [`*@dept${i}.example.org`, 'bounce-*@*'] } };
    case 5:
      return { kind: 'body', test: { match: 'contains', values: [`ticket ${i}`] } };
    case 6:
      return { kind: 'group', combine: 'any', conditions: [{ kind: 'size', comparison: 'over', bytes: 100 * i }, { kind: 'exists', names: ['X-Priority'] }] };
    case 7:
      return { kind: 'auth', method: 'dmarc', result: 'fail' };
    case 8:
      return { kind: 'spam-score', atLeast: (i % 150) / 10 };
    default:
      return { kind: 'not', condition: { kind: 'header', names: ['X-Mailer'], test: { match: 'regex', values: [`\\bmailer${i}\\b`], caseSensitive: true } } };
  }
}

function actions(i: number): Action[] {
  switch (i % 5) {
    case 0:
      return [{ kind: 'fileinto', folder: `Lists/L${i}` }, { kind: 'stop' }];
    case 1:
      return [{ kind: 'mark-read' }, { kind: 'fileinto', folder: 'Archive', copy: true }];
    case 2:
      return [{ kind: 'keyword', keyword: `$Label${i % 5}` }];
    case 3:
      return [{ kind: 'redirect', address: `copy${i}@example.net`, copy: true }];
    default:
      return [{ kind: 'fileinto', folder: `Folder${i}` }];
  }
}

export function ruleSet(): RuleSet {
  const rules: Rule[] = Array.from({ length: RULES }, (_, i) => ({
    name: `Rule ${i}`,
    enabled: true,
    combine: i % 3 === 0 ? 'any' : 'all',
    conditions: i % 4 === 0 ? [condition(i), condition(i + 3)] : [condition(i)],
    actions: actions(i),
  }));
  return {
    settings: { junkFolder: 'Junk', threshold: 5, trustedAuthservId: TRUSTED_ID },
    whitelist: [{ pattern: 'alice@example.com', authenticated: false }, { pattern: '*@newegg.com', authenticated: true }],
    blocklist: [{ pattern: '*@spam.example', action: 'discard' }],
    rules,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(reps: number, f: () => unknown): number {
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

/** The evaluator as the browser loads it: one bundle exposing `sw`. */
async function browserBundle(): Promise<string> {
  const out = await build({
    entryPoints: [new URL('../../grammar/evaluate/index.ts', import.meta.url).pathname],
    bundle: true,
    format: 'iife',
    globalName: 'sw',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: true,
  });
  return out.outputFiles[0]!.text;
}

export async function run(): Promise<void> {
  const rs = ruleSet();
  const compiled = compileRuleSet(rs);
  if (!compiled.ok) throw new Error(`the bench rules do not compile: ${compiled.diagnostics.find((d) => d.severity === 'error')?.message}`);
  const samples = fc.sample(arbMessage, { seed: SEED, numRuns: NODE_MESSAGES });
  const envelope = (m: (typeof samples)[number]) => ({ from: m.envelopeFrom, to: m.recipient });

  // Node
  let parsed = samples.map((m) => parseMessage(m.raw, envelope(m)));
  const answers = parsed.map((m) => actionSet(evaluateRuleSet(rs, m)));
  const parseMs = time(REPS, () => (parsed = samples.map((m) => parseMessage(m.raw, envelope(m)))));
  const evalMs = time(REPS, () => parsed.forEach((m) => evaluateRuleSet(rs, m)));
  const bothMs = time(REPS, () => samples.forEach((m) => evaluateRuleSet(rs, parseMessage(m.raw, envelope(m)))));
  const outcomes = new Set(answers.map((a) => a.join(' '))).size;

  // sieve-test, one message at a time, on the same rule set and messages.
  const tools = await pigeonhole();
  let sieveTestMs: number;
  try {
    const runs = samples.slice(0, SIEVE_TEST_MESSAGES).map((m) => ({ scripts: [compiled.sieve], message: m.raw, envelopeFrom: m.envelopeFrom, recipient: m.recipient }));
    await sieveTestMany(tools, runs.slice(0, 2), 1);
    const t0 = performance.now();
    const results = await sieveTestMany(tools, runs, 1);
    sieveTestMs = (performance.now() - t0) / runs.length;
    const differ = results.filter((r, i) => sieveTestActionSet(r).join(' ') !== answers[i]!.join(' ')).length;
    if (differ > 0) throw new Error(`${differ} of ${runs.length} answers differ from sieve-test's`);
  } finally {
    await tools.cleanup();
  }

  // Chromium
  const bundle = await browserBundle();
  const browser = await launchBrowser();
  let browserResult: { parseMs: number; evalMs: number; bothMs: number; answers: string[][] };
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>try bench</title>');
    // tsx compiles the function handed to page.evaluate with esbuild's keepNames helper.
    await page.addScriptTag({ content: `globalThis.__name = (f) => f;\n${bundle}` });
    const input = samples.slice(0, BROWSER_MESSAGES).map((m) => ({ raw: m.raw, envelope: envelope(m) }));
    browserResult = await page.evaluate(
      ({ rs, input, reps }) => {
        type Api = typeof import('../../grammar/evaluate/index.js');
        const sw = (globalThis as unknown as { sw: Api }).sw;
        const med = (f: () => unknown): number => {
          const ms: number[] = [];
          for (let i = 0; i < reps; i++) {
            const t0 = performance.now();
            f();
            ms.push(performance.now() - t0);
          }
          return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;
        };
        let msgs = input.map((m) => sw.parseMessage(m.raw, m.envelope));
        const answers = msgs.map((m) => sw.actionSet(sw.evaluateRuleSet(rs, m)));
        const parseMs = med(() => (msgs = input.map((m) => sw.parseMessage(m.raw, m.envelope))));
        const evalMs = med(() => msgs.forEach((m) => sw.evaluateRuleSet(rs, m)));
        const bothMs = med(() => input.forEach((m) => sw.evaluateRuleSet(rs, sw.parseMessage(m.raw, m.envelope))));
        return { parseMs, evalMs, bothMs, answers };
      },
      { rs, input, reps: REPS },
    );
  } finally {
    await browser.close();
  }
  const browserDiffer = browserResult.answers.filter((a, i) => a.join(' ') !== answers[i]!.join(' ')).length;
  if (browserDiffer > 0) throw new Error(`${browserDiffer} of ${BROWSER_MESSAGES} Chromium answers differ from Node's`);

  const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en');
  const nodeRate = (NODE_MESSAGES / bothMs) * 1000;
  const sieveTestRate = 1000 / sieveTestMs;
  console.log(`${RULES} rules (regex, address, header, body, size, auth, spam score), whitelist and blocklist; ${NODE_MESSAGES} generated messages (${outcomes} different outcomes); median of ${REPS}`);
  console.table([
    { where: 'Node', step: `parse ${NODE_MESSAGES} messages`, ms: parseMs.toFixed(1), 'msg/s': perSecond(NODE_MESSAGES, parseMs) },
    { where: 'Node', step: `evaluate ${NODE_MESSAGES} parsed messages`, ms: evalMs.toFixed(1), 'msg/s': perSecond(NODE_MESSAGES, evalMs) },
    { where: 'Node', step: `parse + evaluate ${NODE_MESSAGES} messages`, ms: bothMs.toFixed(1), 'msg/s': perSecond(NODE_MESSAGES, bothMs) },
    { where: 'Chromium', step: `parse ${BROWSER_MESSAGES} messages`, ms: browserResult.parseMs.toFixed(1), 'msg/s': perSecond(BROWSER_MESSAGES, browserResult.parseMs) },
    { where: 'Chromium', step: `evaluate ${BROWSER_MESSAGES} parsed messages`, ms: browserResult.evalMs.toFixed(1), 'msg/s': perSecond(BROWSER_MESSAGES, browserResult.evalMs) },
    { where: 'Chromium', step: `parse + evaluate ${BROWSER_MESSAGES} messages`, ms: browserResult.bothMs.toFixed(1), 'msg/s': perSecond(BROWSER_MESSAGES, browserResult.bothMs) },
    { where: 'Pigeonhole', step: `sieve-test, one message per run (${SIEVE_TEST_MESSAGES} runs)`, ms: sieveTestMs.toFixed(1), 'msg/s': sieveTestRate.toFixed(1) },
  ]);
  console.log(`Chromium: ${BROWSER_MESSAGES} messages parsed and evaluated in ${browserResult.bothMs.toFixed(1)} ms (target <= 50 ms)`);
  console.log(`Node: ${Math.round(nodeRate / sieveTestRate).toLocaleString('en')}x sieve-test's messages per second (target >= 1,000x); the answers of the first ${SIEVE_TEST_MESSAGES} agree with sieve-test's, Chromium's with Node's`);
}
