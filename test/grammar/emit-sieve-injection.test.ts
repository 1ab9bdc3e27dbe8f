// No user string can inject Sieve: rule sets with adversarial strings in
// every string field are compiled, run by the real sieve-test on a probe
// message, and must take exactly the actions the model describes.
//
// Each case mixes "dead" rules (any conditions and actions, made false by an
// `all of` with a condition the probe never meets), "live" rules (any
// conditions made true by an `any of` with `always`, and actions whose
// outcome is predicted below) and disabled rules. Injected code would show
// up as an action nobody modelled, a changed folder name, or a script
// sieve-test refuses. Cases run in a small pool of sieve-test processes;
// SIEVEWRIGHT_PROPERTY_RUNS raises the count (default 1,000).
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { compileRuleSet } from '../../grammar/compile.js';
import { FILTER_JUNK_KEYWORD, type Action, type Condition, type RawBlock, type Rule, type RuleSet } from '../../grammar/model.js';
import { outcome } from '../fixtures/compile/expectations.js';
import {
  arbAction,
  arbAddress,
  arbAdversarialLine,
  arbAdversarialString,
  arbBlocklistEntry,
  arbCondition,
  arbSettings,
  arbWhitelistEntry,
} from '../support/arbitraries.js';
import { pigeonhole, type PigeonholeTools } from '../support/pigeonhole.js';

const RUNS = Number(process.env.SIEVEWRIGHT_PROPERTY_RUNS ?? 1000);
const SEED = Number(process.env.SIEVEWRIGHT_PROPERTY_SEED ?? Date.now() % 2 ** 31);
const POOL = 4;

/** No arbitrary sender pattern (they all end in `.example`) matches this From. */
const PROBE = [
  'From: Probe <probe@probe.invalid>',
  'To: User <user@example.org>',
  'Subject: Probe',
  'Date: Fri, 27 Nov 2026 10:00:00 +0000',
  'Message-ID: <probe@probe.invalid>',
  '',
  'Probe body.',
  '',
].join('\r\n');

const NEVER: Condition = { kind: 'exists', names: ['X-Sievewright-Never-Present'] };

type Outcome = ReturnType<typeof outcome>;
type LiveAction = Extract<Action, { kind: 'fileinto' | 'redirect' | 'keep' | 'discard' | 'mark-read' | 'flag' | 'keyword' | 'vacation' | 'stop' }>;

const folder = arbAdversarialLine.filter((s) => s.trim() !== '' && s.toUpperCase() !== 'INBOX');
const arbLiveAction: fc.Arbitrary<LiveAction> = fc.oneof(
  fc.record({ kind: fc.constant('fileinto' as const), folder, copy: fc.boolean(), create: fc.boolean() }, { noNullPrototype: true }),
  fc.record({ kind: fc.constant('redirect' as const), address: arbAddress, copy: fc.boolean() }, { noNullPrototype: true }),
  fc.constantFrom<LiveAction>({ kind: 'keep' }, { kind: 'discard' }, { kind: 'mark-read' }, { kind: 'flag' }, { kind: 'stop' }),
  arbAction.filter((a): a is Extract<Action, { kind: 'keyword' }> => a.kind === 'keyword'),
  fc.record({ kind: fc.constant('vacation' as const), vacation: fc.record({ subject: folder, message: arbAdversarialString }, { noNullPrototype: true }) }, { noNullPrototype: true }),
);

const name = arbAdversarialLine.filter((s) => s.trim() !== '');
const conditions = fc.array(arbCondition, { minLength: 1, maxLength: 3 });

const deadRule: fc.Arbitrary<Rule> = fc
  .record({ name, conditions, actions: fc.array(arbAction, { minLength: 1, maxLength: 3 }), enabled: fc.boolean() }, { noNullPrototype: true })
  .map(({ name, conditions, actions, enabled }) => ({ name, enabled, combine: 'all', conditions: [{ kind: 'group', combine: 'all', conditions: [...conditions, NEVER] }], actions }));

const liveRule: fc.Arbitrary<Rule> = fc
  .record({ name, conditions, actions: fc.array(arbLiveAction, { minLength: 1, maxLength: 4 }) }, { noNullPrototype: true })
  .map(({ name, conditions, actions }) => ({ name, enabled: true, combine: 'any', conditions: [...conditions, { kind: 'always' }], actions }));

/** A raw block that switches on a string-changing extension for the whole script. */
const modeRaw = fc.constantFrom<RawBlock[]>([], [{ kind: 'raw', sieve: '# needs encoded-character', requires: ['encoded-character'], enabled: true }], [{ kind: 'raw', sieve: '# needs variables', requires: ['variables'], enabled: true }]);

const arbCase: fc.Arbitrary<RuleSet> = fc
  .record(
    {
      settings: arbSettings,
      whitelist: fc.array(arbWhitelistEntry, { maxLength: 3 }),
      blocklist: fc.array(arbBlocklistEntry, { maxLength: 3 }),
      rules: fc.array(fc.oneof(deadRule, liveRule), { minLength: 1, maxLength: 5 }),
      raw: modeRaw,
      authservId: arbAddress.map((a) => a.split('@')[1]!),
    },
    { noNullPrototype: true },
  )
  .map(({ settings, whitelist, blocklist, rules, raw, authservId }) => ({
    settings: { ...settings, trustedAuthservId: settings.trustedAuthservId ?? authservId },
    whitelist,
    blocklist,
    rules: [...raw, ...rules.map((r, i) => ({ ...r, name: `${r.name} ${i}` }))],
  }))
  .filter(predictable);

function liveActions(rs: RuleSet): LiveAction[] {
  return rs.rules.flatMap((r) => ('kind' in r || !r.enabled || r.conditions.every((c) => c.kind !== 'always') ? [] : (r.actions as LiveAction[])));
}

/** Keeps to what sieve-test reports one-to-one: no merged duplicates, no conflicting actions. */
function predictable(rs: RuleSet): boolean {
  const acts = liveActions(rs);
  const count = (k: string) => acts.filter((a) => a.kind === k).length;
  const folders = acts.flatMap((a) => (a.kind === 'fileinto' ? [a.folder] : []));
  const addresses = acts.flatMap((a) => (a.kind === 'redirect' ? [a.address.toLowerCase()] : []));
  return (
    new Set(folders).size === folders.length &&
    new Set(addresses).size === addresses.length &&
    addresses.length <= 2 &&
    count('keep') + count('discard') <= 1 &&
    count('vacation') <= 1
  );
}

/** What sieve-test must report for the probe: live rules run in order, flags first, until stop. */
function expected(rs: RuleSet): Outcome {
  const actions: Outcome['actions'] = [];
  const flags = new Set<string>();
  let keep = true;
  for (const rule of rs.rules) {
    if ('kind' in rule || !rule.enabled || rule.conditions.every((c) => c.kind !== 'always')) continue;
    for (const a of rule.actions) {
      if (a.kind === 'mark-read') flags.add('\\seen');
      if (a.kind === 'flag') flags.add('\\flagged');
      if (a.kind === 'keyword') flags.add(a.keyword.toLowerCase());
    }
    for (const a of rule.actions) {
      const withFlags = (extra: string[] = []) => {
        const all = [...flags, ...extra];
        return all.length > 0 ? { flags: all.sort() } : {};
      };
      switch (a.kind) {
        case 'fileinto': {
          const junk = a.folder === rs.settings.junkFolder ? [FILTER_JUNK_KEYWORD.toLowerCase()] : [];
          actions.push({ type: 'fileinto', folder: a.folder, ...(a.create ? { create: true } : {}), ...(a.copy ? { preserveKeep: true } : {}), ...withFlags(junk) });
          if (!a.copy) keep = false;
          break;
        }
        case 'redirect':
          actions.push({ type: 'redirect', address: a.address, ...(a.copy ? { preserveKeep: true } : {}) });
          if (!a.copy) keep = false;
          break;
        case 'keep':
          actions.push({ type: 'keep', folder: 'INBOX', ...withFlags() });
          keep = false;
          break;
        case 'discard':
          actions.push({ type: 'discard' });
          keep = false;
          break;
        case 'vacation':
          actions.push({ type: 'vacation', subject: a.vacation.subject!, message: a.vacation.message.replace(/\r\n?|\n/g, '\n') });
          break;
        case 'stop':
          return { actions, keep };
        default:
          break;
      }
    }
  }
  return { actions, keep };
}

/** sieve-test prints at most 128 characters of a name, then "...". */
function comparable(o: Outcome, model: Outcome): Outcome {
  const actions = o.actions.map((a, i) => {
    const m = model.actions[i];
    const lower = a.flags ? { flags: a.flags.map((f) => f.toLowerCase()).sort() } : {};
    if (a.folder?.endsWith('...') && m?.folder?.startsWith(a.folder.slice(0, -3))) return { ...a, ...lower, folder: m.folder };
    return { ...a, ...lower };
  });
  return { ...o, actions };
}

let tools: PigeonholeTools;
beforeAll(async () => {
  tools = await pigeonhole();
});
afterAll(async () => {
  await tools.cleanup();
});

test(`adversarial strings in every field come out as data: sieve-test takes exactly the modelled actions (${RUNS} cases, seed ${SEED})`, async () => {
  const cases = fc.sample(arbCase, { numRuns: RUNS, seed: SEED });
  const failures: string[] = [];
  const seen = { liveActions: 0, dollarVariable: 0, encodedDollar: 0 };
  let next = 0;
  const worker = async () => {
    while (next < cases.length && failures.length < 3) {
      const rs = cases[next++]!;
      const compiled = compileRuleSet(rs);
      const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) {
        failures.push(`compile errors ${JSON.stringify(errors)} for ${JSON.stringify(rs)}`);
        continue;
      }
      const r = await tools.sieveTest(compiled.sieve, PROBE, { envelopeFrom: 'probe@probe.invalid', recipient: 'user@example.org' });
      const model = expected(rs);
      if (model.actions.length > 0) seen.liveActions++;
      if (compiled.sieve.includes('${sw_dollar}{')) seen.dollarVariable++;
      if (compiled.sieve.includes('${hex:24}{')) seen.encodedDollar++;
      const got = comparable(outcome(r), model);
      if (r.exitCode !== 0 || !isDeepStrictEqual(got, comparable(model, model))) {
        failures.push(`exit ${r.exitCode} ${r.stderr}\nexpected ${JSON.stringify(model)}\ngot      ${JSON.stringify(got)}\nscript:\n${compiled.sieve}`);
      }
    }
  };
  await Promise.all(Array.from({ length: POOL }, worker));
  expect(failures, `seed ${SEED}`).toEqual([]);
  // The cases exercise what they are meant to: actions that really run, and
  // `${` under both variables and encoded-character.
  expect(seen.liveActions).toBeGreaterThan(RUNS / 4);
  expect(seen.dollarVariable).toBeGreaterThan(RUNS / 50);
  expect(seen.encodedDollar).toBeGreaterThan(RUNS / 50);
}, 900_000);
