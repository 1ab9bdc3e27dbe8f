// Differential proof of the regex dialect against the real Pigeonhole:
// 10,000 hostile regexes (fast-check, fixed seed; REGEX_SEED=n picks
// another), each written into a Sieve script by the project's own emitter.
// - sievec refuses exactly the regexes we call `bad_regex`; the only other
//   regexes we refuse are `regex_not_posix` ones (the server reads them
//   differently from what they say), which sievec accepts. Regexes we
//   refuse as `regex_too_big` are not sent: glibc can take seconds or crash
//   compiling them (see MAX_EXPANDED_SIZE), which would stall the batch.
// - for every regex we accept, sieve-test matches sample subjects exactly
//   when matchesRegex's evaluator says so.
// One sievec run checks a few thousand regexes (one `if` per line, errors
// mapped back by line number); one sieve-test run evaluates a few hundred
// regexes on one message whose headers hold the subjects, each match
// recorded as an IMAP flag on the implicit keep.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PIGEONHOLE_CAPABILITIES } from '../../grammar/capabilities.js';
import { PLAIN_STRINGS } from '../../grammar/emit/sieve-strings.js';
import { Scope } from '../../grammar/emit/sieve/scope.js';
import { SPAM_STATUS_HEADER } from '../../grammar/emit/sieve/spam-score.js';
import { renderTest } from '../../grammar/emit/sieve/tests.js';
import { DEFAULT_SETTINGS } from '../../grammar/model.js';
import { checkRegex } from '../../grammar/regex/check.js';
import { compileParsed } from '../../grammar/regex/match.js';
import { NOT_POSIX } from '../../grammar/regex/meaning.js';
import { BAD_REGEX, parseRegex, TOO_BIG } from '../../grammar/regex/parse.js';
import { pigeonhole, type PigeonholeTools } from '../support/pigeonhole.js';
import { random } from '../support/random.js';
import { arbHostileRegex, subjectsFor } from '../support/regex-samples.js';

const SEED = Number(process.env.REGEX_SEED ?? 20261203);
const COUNT = 10_000;
const SIEVEC_BATCH = 2_500;
const MATCH_BATCH = 300;
const SUBJECTS = 6;
const again = `(REGEX_SEED=${SEED} reproduces this run)`;

interface Case {
  regex: string;
  caseSensitive: boolean;
}

const cases: Case[] = fc
  .sample(fc.tuple(arbHostileRegex, fc.boolean()), { seed: SEED, numRuns: COUNT })
  .map(([regex, caseSensitive]) => ({ regex, caseSensitive }));

/** The Sieve test the compiler writes for `header :regex NAME KEY`. */
function regexTest(header: string, c: Case): string {
  const scope = new Scope({ caps: new Set(PIGEONHOLE_CAPABILITIES), mode: PLAIN_STRINGS, settings: DEFAULT_SETTINGS, diagnostics: [], usesDollar: false, spamHeader: SPAM_STATUS_HEADER }, 'test');
  return renderTest({ kind: 'header', names: [header], test: { match: 'regex', values: [c.regex], ...(c.caseSensitive ? { caseSensitive: true } : {}) } }, scope);
}

let tools: PigeonholeTools;
beforeAll(async () => {
  tools = await pigeonhole({ maxScriptSize: '16M' });
});
afterAll(async () => {
  await tools?.cleanup();
});

test('sievec refuses exactly the regexes we call bad_regex; our other refusals are regex_not_posix ones sievec accepts', async () => {
  const disagreements: string[] = [];
  const tally = { accepted: 0, [BAD_REGEX]: 0, [NOT_POSIX]: 0, [TOO_BIG]: 0 };
  const verdicts = cases.map((c) => ({ ...c, ours: checkRegex(c.regex, { caseSensitive: c.caseSensitive }) }));
  tally[TOO_BIG] = verdicts.filter((v) => v.ours?.code === TOO_BIG).length;
  const sent = verdicts.filter((v) => v.ours?.code !== TOO_BIG);
  for (let from = 0; from < sent.length; from += SIEVEC_BATCH) {
    const batch = sent.slice(from, from + SIEVEC_BATCH);
    // Line 1 is the require; case k sits on line k + 2.
    const script = ['require ["regex"];', ...batch.map((c) => `if ${regexTest('subject', c)} { keep; }`)].join('\n');
    const r = await tools.sievec(script);
    const refused = new Map<number, string>();
    for (const m of r.errors.matchAll(/line (\d+): error: (.*)/g)) {
      const k = Number(m[1]) - 2;
      expect(m[2], `sievec error other than a regex one on line ${m[1]} ${again}`).toMatch(/^invalid regular expression/);
      refused.set(k, m[2]!);
    }
    // A crash or a kill leaves the batch without sievec's closing verdict.
    expect(r.ok || /validation failed/.test(r.errors), `sievec did not finish regexes ${from}..${from + batch.length - 1}: ${r.errors.slice(-300)} ${again}`).toBe(true);
    expect(r.ok, again).toBe(refused.size === 0);
    batch.forEach((c, k) => {
      const { ours } = c;
      const server = refused.get(k);
      const verdict = ours === null ? 'accepted' : (ours.code as keyof typeof tally);
      if (verdict in tally) tally[verdict]++;
      if ((ours?.code === BAD_REGEX) !== (server !== undefined) || (ours !== null && ours.code !== BAD_REGEX && ours.code !== NOT_POSIX)) {
        disagreements.push(`${JSON.stringify(c.regex)}${c.caseSensitive ? ' (i;octet)' : ''}: ours ${ours ? `${ours.code} ${ours.message}` : 'accepted'}; sievec ${server ?? 'accepted'}`);
      }
    });
  }
  expect(disagreements.slice(0, 20), `${disagreements.length} disagreements ${again}`).toEqual([]);
  // Each main verdict is common enough that the agreement above says something.
  for (const code of ['accepted', BAD_REGEX, NOT_POSIX] as const) expect(tally[code], JSON.stringify(tally)).toBeGreaterThan(COUNT / 10);
  expect(tally[TOO_BIG], JSON.stringify(tally)).toBeGreaterThan(0);
}, 120_000);

test('sieve-test matches sample subjects exactly when matchesRegex says so', async () => {
  const accepted = cases.filter((c) => checkRegex(c.regex, { caseSensitive: c.caseSensitive }) === null);
  // The GNU operators we accept (their glibc meaning is the Perl one) are proven here, so they must be in the sample.
  for (const op of ['\\w', '\\W', '\\s', '\\S', '\\b', '\\B']) {
    expect(accepted.filter((c) => c.regex.includes(op)).length, `accepted regexes with ${op}`).toBeGreaterThan(20);
  }
  const mismatches: string[] = [];
  let pairs = 0;
  let matched = 0;
  for (let from = 0; from < accepted.length; from += MATCH_BATCH) {
    const batch = accepted.slice(from, from + MATCH_BATCH).map((c, k) => {
      const parsed = parseRegex(c.regex, { caseSensitive: c.caseSensitive });
      if (!parsed.ok) throw new Error(`accepted regex ${JSON.stringify(c.regex)} does not parse`);
      const id = from + k;
      const subjects = subjectsFor(parsed.regex, random(SEED ^ (id * 7919)), SUBJECTS);
      const matcher = compileParsed(parsed.regex);
      return { c, id, subjects, expected: subjects.map((s) => matcher.test(s)) };
    });
    const lines = ['require ["regex", "imap4flags"];'];
    const headers = ['From: a@example.org', 'To: b@example.org', 'Subject: regex samples'];
    for (const { c, id, subjects } of batch) {
      subjects.forEach((s, j) => {
        headers.push(`X-T${id}-${j}: ${s}`);
        lines.push(`if ${regexTest(`x-t${id}-${j}`, c)} { addflag "m${id}_${j}"; }`);
      });
    }
    const r = await tools.sieveTest(lines.join('\n'), `${headers.join('\r\n')}\r\n\r\nbody\r\n`);
    expect(r.exitCode, `sieve-test failed on regexes ${from}..${from + batch.length - 1}: ${r.stderr} ${again}`).toBe(0);
    const flags = new Set(r.implicitKeepFlags ?? []);
    for (const { c, id, subjects, expected } of batch) {
      subjects.forEach((s, j) => {
        pairs++;
        const server = flags.has(`m${id}_${j}`);
        if (server) matched++;
        if (server !== expected[j]) {
          mismatches.push(`${JSON.stringify(c.regex)}${c.caseSensitive ? ' (i;octet)' : ''} on ${JSON.stringify(s)}: ours ${expected[j]}, sieve-test ${server}`);
        }
      });
    }
  }
  expect(mismatches.slice(0, 20), `${mismatches.length} of ${pairs} subjects disagree ${again}`).toEqual([]);
  expect(pairs, 'subjects tried').toBeGreaterThan(COUNT);
  expect(matched, 'subjects matched').toBeGreaterThan(pairs / 5);
  expect(pairs - matched, 'subjects not matched').toBeGreaterThan(pairs / 10);
}, 120_000);
