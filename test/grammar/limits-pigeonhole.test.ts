// The limits the compiler enforces agree with Pigeonhole's: every script the
// compiler accepts, the real sievec compiles, and every one it refuses for a
// limit or a broken raw block, sievec refuses too. Boundaries are tested on
// both sides (a script exactly at the size limit and one byte over it).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compileRuleSet, type CompileOptions } from '../../grammar/compile.js';
import { importSieve } from '../../grammar/import/sieve.js';
import { utf8Length } from '../../grammar/limits.js';
import type { Condition, RawBlock, Rule, RuleSet } from '../../grammar/model.js';
import { emptyRuleSet } from '../../grammar/model.js';
import { pigeonhole, type PigeonholeTools } from '../support/pigeonhole.js';

let tools: PigeonholeTools;
let small: PigeonholeTools;
beforeAll(async () => {
  [tools, small] = await Promise.all([pigeonhole(), pigeonhole({ maxScriptSize: '64k' })]);
}, 60_000);
afterAll(async () => {
  await Promise.all([tools?.cleanup(), small?.cleanup()]);
});

const subjectRule = (name: string, value: string): Rule => ({
  name,
  enabled: true,
  combine: 'all',
  conditions: [{ kind: 'subject', test: { match: 'contains', values: [value] } }],
  actions: [{ kind: 'fileinto', folder: 'Junk' }],
});

/**
 * Rules of set sizes and a "Filler" rule grown until the emitted script is
 * exactly `bytes` long (the padding is ASCII, so one more character is one
 * more byte).
 */
function scriptOfSize(bytes: number, parts: Record<string, number>): RuleSet {
  const build = (filler: number): RuleSet => ({
    ...emptyRuleSet(),
    whitelist: [{ pattern: '*@friends.example', authenticated: false }],
    blocklist: [{ pattern: 'spam@offers.example', action: 'junk' }],
    rules: [...Object.entries(parts).map(([name, n]) => subjectRule(name, 'x'.repeat(n))), subjectRule('Filler', 'x'.repeat(filler))],
  });
  const start = utf8Length(compileRuleSet(build(1)).sieve);
  const rs = build(1 + bytes - start);
  expect(utf8Length(compileRuleSet(rs).sieve)).toBe(bytes);
  return rs;
}

describe('script size (sieve_max_script_size)', () => {
  test('at the default 1 MiB: a script of exactly 1 MiB is accepted by the compiler and by sievec; one byte more is refused by both, naming the largest rules', async () => {
    const parts = { Big: 500_000, Medium: 250_000, Small: 150_000 };
    const at = compileRuleSet(scriptOfSize(1024 * 1024, parts));
    const over = compileRuleSet(scriptOfSize(1024 * 1024 + 1, parts));
    expect(at.diagnostics).toEqual([]);
    expect(over.ok).toBe(false);
    expect(over.diagnostics).toEqual([
      expect.objectContaining({
        code: 'script_too_large',
        severity: 'error',
        message: expect.stringMatching(
          /^the Sieve script would be 1048577 bytes, but the server accepts at most 1048576 \(sieve_max_script_size\); the largest parts: rule "Big" \(500\d{3} bytes\), rule "Medium" \(250\d{3} bytes\), rule "Small" \(150\d{3} bytes\), the trusted and blocked senders with the script's header \(\d+ bytes\)$/,
        ),
      }),
    ]);
    const [accepted, refused] = await Promise.all([tools.sievec(at.sieve), tools.sievec(over.sieve)]);
    expect(accepted).toEqual({ ok: true, errors: '' });
    expect(refused.ok).toBe(false);
    expect(refused.errors).toMatch(/too large/i);
  }, 60_000);

  test('with the server configured smaller (64k), the configured limit is the one both agree on', async () => {
    const opts: CompileOptions = { limits: { maxScriptBytes: 64 * 1024 } };
    const at = compileRuleSet(scriptOfSize(64 * 1024, { Big: 40_000 }), opts);
    const over = compileRuleSet(scriptOfSize(64 * 1024 + 1, { Big: 40_000 }), opts);
    expect([at.ok, over.ok]).toEqual([true, false]);
    expect(over.diagnostics.map((d) => d.code)).toEqual(['script_too_large']);
    const [accepted, refused] = await Promise.all([small.sievec(at.sieve), small.sievec(over.sieve)]);
    expect([accepted.ok, refused.ok], refused.errors).toEqual([true, false]);
  }, 60_000);

  test('0 means no limit, as in Pigeonhole', () => {
    expect(compileRuleSet(scriptOfSize(1024 * 1024 + 1, { Big: 500_000 }), { limits: { maxScriptBytes: 0 } }).ok).toBe(true);
  });
});

/** A rule with a deep condition, and the whitelist present so the exemption may wrap it. */
function deepRule(condition: Condition): RuleSet {
  return {
    ...emptyRuleSet(),
    whitelist: [{ pattern: '*@friends.example', authenticated: false }],
    rules: [{ name: 'Deep', enabled: true, combine: 'all', conditions: [condition], actions: [{ kind: 'keep' }] }],
  };
}

const subject: Condition = { kind: 'subject', test: { match: 'contains', values: ['x'] } };
const nots = (d: number, inner: Condition): Condition => (d === 0 ? inner : { kind: 'not', condition: nots(d - 1, inner) });
const nones = (d: number): Condition => (d === 0 ? subject : { kind: 'group', combine: 'none', conditions: [nones(d - 1), subject] });

describe('test nesting (32 levels, counted on the script as written)', () => {
  const shapes: Array<[string, (d: number) => Condition, number[]]> = [
    ['"not" chains', (d) => nots(d, subject), [29, 30, 31, 32]],
    ['"none of" groups, each written as not anyof(...)', nones, [13, 14, 15, 16, 17]],
    ['"not" chains around a spam score, which the whitelist exemption wraps', (d) => nots(d, { kind: 'spam-score', atLeast: 5 }), [28, 29, 30, 31]],
  ];

  test.each(shapes)('%s: the compiler refuses exactly what sievec refuses', async (_shape, make, depths) => {
    const results = await Promise.all(
      depths.map(async (d) => {
        const compiled = compileRuleSet(deepRule(make(d)));
        const tooDeep = compiled.diagnostics.filter((x) => x.code === 'too_deep');
        for (const x of tooDeep) expect(x.message).toMatch(/^rule "Deep": /);
        return { d, compiler: tooDeep.length === 0, sievec: (await tools.sievec(compiled.sieve)).ok };
      }),
    );
    expect(results.map((r) => ({ d: r.d, agree: r.compiler === r.sievec }))).toEqual(results.map((r) => ({ d: r.d, agree: true })));
    // Each range straddles the limit, so both answers are seen.
    expect(new Set(results.map((r) => r.sievec))).toEqual(new Set([true, false]));
  }, 60_000);
});

/**
 * A rule set without the built-in spam filter: its requires would cover a
 * block's missing ones in the script, while the compiler judges a block by
 * its own requires (so switching the filter off can never break the block).
 */
function withoutSpamFilter(): RuleSet {
  const rs = emptyRuleSet();
  return { ...rs, settings: { ...rs.settings, spamFilter: false } };
}

describe('raw blocks', () => {
  const nestedIfs = (n: number): string => `${'if true {\n'.repeat(n)}keep;\n${'}\n'.repeat(n)}`;
  const blocks: Array<[string, string, string[]]> = [
    ['an unclosed "{"', 'if header :contains "subject" "x" {\n  discard;\n', []],
    ['a stray "}"', 'keep;\n}\n', []],
    ['"require" inside the block', 'keep;\nrequire "fileinto";\nfileinto "x";\n', ['fileinto']],
    ['a command without its require', 'fileinto "x";', []],
    ['a command with its require', 'fileinto "x";', ['fileinto']],
    ['a tag without its require', 'if header :regex "subject" "^a" { stop; }', []],
    ['a test with its require', 'if envelope :is "from" "a@b.c" { stop; }', ['envelope']],
    ['an extension no server has', 'keep;', ['x-no-such-extension']],
    ['vacation :seconds without vacation-seconds', 'vacation :seconds 60 "away";', ['vacation']],
    ['spamtest with spamtestplus, relational and the numeric comparator', 'if spamtest :value "ge" :comparator "i;ascii-numeric" "5" { discard; }', ['spamtestplus', 'relational', 'comparator-i;ascii-numeric']],
    ['vacation\'s own :mime', 'vacation :mime "Content-Type: text/plain\r\n\r\nAway.";', ['vacation']],
    [':mime on a test without the mime extension', 'if header :mime :anychild :contains "content-type" "pdf" { discard; }', []],
    ['a numeric comparator without its require', 'if header :comparator "i;ascii-numeric" :is "x-n" "5" { discard; }', []],
    ['blocks nested 31 deep', nestedIfs(31), []],
    ['blocks nested 32 deep', nestedIfs(32), []],
  ];

  test.each(blocks)('%s: the compiler and sievec agree', async (_what, sieve, requires) => {
    const block: RawBlock = { kind: 'raw', name: 'Hand-written', sieve, requires, enabled: true };
    // The rule before the block requires nothing, so the script's requires are the block's.
    const before: Rule = { ...subjectRule('Before', 'a'), actions: [{ kind: 'keep' }] };
    const compiled = compileRuleSet({ ...withoutSpamFilter(), rules: [before, block] });
    const server = await tools.sievec(compiled.sieve);
    expect({ compiler: compiled.ok, sievec: server.ok }, `${server.errors}\n${compiled.diagnostics.map((d) => d.message).join('\n')}`).toEqual({
      compiler: server.ok,
      sievec: server.ok,
    });
    for (const d of compiled.diagnostics) expect(d.message).toMatch(/^raw block "Hand-written"/);
  }, 60_000);
});

describe('imported scripts', () => {
  const dir = join(import.meta.dirname, '..', 'fixtures', 'sieve');
  // Whether a script `include` names exists is known only to the server holding it; sievec here has none.
  const includesOtherScripts = new Set(['rfc6609-include.sieve']);
  const files = readdirSync(dir).filter((f) => f.endsWith('.sieve') && !includesOtherScripts.has(f)).sort();

  // The importer keeps what it cannot model as raw blocks, with the requires it
  // judged they need: the compiler's reading of those blocks must be the server's.
  test.each(files)('%s: the compiler accepts the imported rules exactly when sievec accepts their script', async (file) => {
    const imported = importSieve(readFileSync(join(dir, file), 'utf8'));
    expect(imported.ruleSet).not.toBeNull();
    const compiled = compileRuleSet(imported.ruleSet!);
    const server = await tools.sievec(compiled.sieve);
    expect({ compiler: compiled.ok, sievec: server.ok }, `${server.errors}\n${compiled.diagnostics.map((d) => d.message).join('\n')}`).toEqual({
      compiler: server.ok,
      sievec: server.ok,
    });
  }, 60_000);
});

describe('generated raw blocks', () => {
  /** Statements and the extensions each needs (any one of an inner list). */
  const SNIPPETS: ReadonlyArray<[string, string[][]]> = [
    ['fileinto "x";', [['fileinto']]],
    ['fileinto :copy "x";', [['fileinto'], ['copy']]],
    ['fileinto :create "x";', [['fileinto'], ['mailbox']]],
    ['if header :regex "subject" "^a" { stop; }', [['regex']]],
    ['if header :count "gt" :comparator "i;ascii-numeric" "to" "2" { stop; }', [['relational'], ['comparator-i;ascii-numeric']]],
    ['addflag "\\\\Seen";', [['imap4flags']]],
    ['if envelope :is "from" "a@b.c" { stop; }', [['envelope']]],
    ['if body :contains "x" { stop; }', [['body']]],
    ['if address :user :is "from" "a" { stop; }', [['subaddress']]],
    ['set "a" "b";', [['variables']]],
    ['vacation "away";', [['vacation']]],
    ['if exists "x-a" { redirect "a@b.example"; }', []],
    ['if currentdate :is "year" "2026" { stop; }', [['date']]],
    ['if mailboxexists "x" { stop; }', [['mailbox']]],
    ['if spamtest :value "ge" :comparator "i;ascii-numeric" "5" { stop; }', [['spamtest', 'spamtestplus'], ['relational'], ['comparator-i;ascii-numeric']]],
    ['if header :index 1 :is "to" "a" { stop; }', [['index']]],
    ['if duplicate { stop; }', [['duplicate']]],
    ['addheader "X-A" "b";', [['editheader']]],
    ['if virustest :value "eq" :comparator "i;ascii-numeric" "1" { discard; }', [['virustest'], ['relational'], ['comparator-i;ascii-numeric']]],
  ];

  const arbBlock = fc
    .array(fc.constantFrom(...SNIPPETS), { minLength: 1, maxLength: 4 })
    .chain((parts) => {
      const wanted = [...new Set(parts.flatMap(([, needs]) => needs.flat()))].sort();
      return fc.tuple(fc.constant(parts.map(([text]) => text).join('\n')), fc.subarray(wanted));
    });

  test('the compiler refuses a block exactly when sievec refuses its script (seeded)', async () => {
    const seen = new Set<boolean>();
    await fc.assert(
      fc.asyncProperty(arbBlock, async ([sieve, requires]) => {
        const block: RawBlock = { kind: 'raw', name: 'Generated', sieve, requires, enabled: true };
        const compiled = compileRuleSet({ ...withoutSpamFilter(), rules: [block] });
        const server = await tools.sievec(compiled.sieve);
        seen.add(server.ok);
        expect({ compiler: compiled.ok, sievec: server.ok }, `${server.errors}\n${compiled.diagnostics.map((d) => d.message).join('\n')}`).toEqual({
          compiler: server.ok,
          sievec: server.ok,
        });
      }),
      { seed: 20261203, numRuns: 120 },
    );
    expect(seen).toEqual(new Set([true, false]));
  }, 180_000);
});
