// The sievec wrapper against the real Pigeonhole compiler: what it accepts,
// what it rejects (with its error lines, mapped to the user's rule), and a
// compiler that cannot run is "unavailable", never "accepted".
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emitSieve } from '../../../grammar/emit/sieve.js';
import { locateError } from '../../../grammar/error-location.js';
import { emptyRuleSet, type RuleSet } from '../../../grammar/model.js';
import { checkScript, checkScriptFile, checkScripts, SievecBatcher, sievecErrors, type SievecOptions } from '../../../server/deploy/sievec.js';
import { requireBinary } from '../../support/programs.js';
import { sievecConfig } from '../../support/pigeonhole.js';

let dir: string;
/** The test Dovecot's extensions (editheader on). */
let full: SievecOptions;
/** A server without editheader: Pigeonhole's defaults. */
let plain: SievecOptions;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-sievec-test-'));
  const binary = requireBinary('sievec');
  await writeFile(join(dir, 'full.conf'), sievecConfig());
  await writeFile(join(dir, 'plain.conf'), '');
  full = { binary, config: join(dir, 'full.conf') };
  plain = { binary, config: join(dir, 'plain.conf') };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Two rules and, between them, a raw block using editheader, as a user could have imported it. */
const withHeaderEdit: RuleSet = {
  ...emptyRuleSet(),
  rules: [
    { name: 'Boss', enabled: true, combine: 'all', conditions: [{ kind: 'subject', test: { match: 'contains', values: ['urgent'] } }], actions: [{ kind: 'fileinto', folder: 'Boss' }] },
    { kind: 'raw', name: 'Tag lists', sieve: 'addheader "X-Tagged" "yes";', requires: ['editheader'], enabled: true },
    { name: 'Rest', enabled: true, combine: 'all', conditions: [{ kind: 'subject', test: { match: 'is', values: ['x'] } }], actions: [{ kind: 'keep' }] },
  ],
};

describe('sievec', () => {
  test('a script the server supports is accepted', async () => {
    expect(await checkScript(emitSieve(withHeaderEdit).sieve, full)).toEqual({ kind: 'accepted' });
  });

  test("a script needing an extension the server lacks is rejected with Pigeonhole's lines, the first in a rule naming the raw block", async () => {
    const { sieve, lineMap } = emitSieve(withHeaderEdit);
    const result = await checkScript(sieve, plain);
    expect(result.kind).toBe('rejected');
    if (result.kind !== 'rejected') return;
    const addheaderLine = sieve.split('\n').indexOf('addheader "X-Tagged" "yes";') + 1;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { line: 2, message: expect.stringMatching(/unknown Sieve capability .editheader/) },
        { line: addheaderLine, message: expect.stringMatching(/unknown command 'addheader'/) },
      ]),
    );
    const at = locateError(sieve, result.errors.map((e) => e.line));
    expect(at).toEqual({ line: addheaderLine, rule: { name: 'Tag lists', ruleIndex: 1, markerLine: lineMap[1]!.startLine } });
  });

  test('a script over the size limit is rejected without a line', async () => {
    const small = join(dir, 'small.conf');
    await writeFile(small, sievecConfig('1k'));
    const result = await checkScript(`# ${'x'.repeat(2000)}\nkeep;\n`, { ...full, config: small });
    expect(result).toEqual({
      kind: 'rejected',
      errors: [
        { line: null, message: 'sieve script is too large (max 1024 bytes).' },
        { line: null, message: 'parse failed.' },
      ],
    });
  });

  test('a missing compiler or an unreadable config is unavailable, with the reason', async () => {
    expect(await checkScript('keep;\n', { binary: join(dir, 'no-such-sievec') })).toEqual({
      kind: 'unavailable',
      reason: expect.stringMatching(/not installed/),
    });
    expect(await checkScript('keep;\n', { ...full, config: join(dir, 'missing.conf') })).toEqual({
      kind: 'unavailable',
      reason: expect.stringMatching(/configuration.*missing\.conf/),
    });
  });

  test('the file checked is left alone and the compiled binary is not kept beside it', async () => {
    await writeFile(join(dir, 'x.sieve'), 'keep;\n');
    expect(await checkScriptFile(join(dir, 'x.sieve'), full)).toEqual({ kind: 'accepted' });
    expect((await readdir(dir)).filter((f) => f.startsWith('x.'))).toEqual(['x.sieve']);
  });
});

describe('checking scripts in batches', () => {
  // Accepted, rejected with a line, too large without one, mixed in one directory.
  const scripts = (): string[] => {
    const tooLarge = `# ${'x'.repeat(2000)}\nkeep;\n`;
    const out: string[] = [];
    for (let i = 0; i < 12; i++) {
      if (i % 4 === 1) out.push(`require "fileinto";\nfrob${i};\n`);
      else if (i % 5 === 2) out.push(tooLarge);
      else out.push(`require "fileinto";\nif header :contains "subject" "n${i}" { fileinto "F${i}"; }\n`);
    }
    return out;
  };

  test('every verdict of a batch equals the one of the script checked alone, in order', async () => {
    const small = join(dir, 'small-batch.conf');
    await writeFile(small, sievecConfig('1k'));
    const opts = { ...full, config: small };
    const texts = scripts();
    const alone = await Promise.all(texts.map((t) => checkScript(t, opts)));
    expect(alone.map((r) => r.kind)).toContain('rejected');
    expect(alone.map((r) => r.kind)).toContain('accepted');
    expect(await checkScripts(texts, opts)).toEqual(alone);
  });

  test('a compiler that cannot run leaves every script of the batch unavailable', async () => {
    const results = await checkScripts(['keep;\n', 'frob;\n'], { ...full, config: join(dir, 'missing.conf') });
    expect(results).toEqual([
      { kind: 'unavailable', reason: expect.stringMatching(/missing\.conf/) },
      { kind: 'unavailable', reason: expect.stringMatching(/missing\.conf/) },
    ]);
  });

  test('checks asked for together share a batch and each gets its own verdict', async () => {
    const batcher = new SievecBatcher(full, 5);
    const texts = scripts().filter((t) => t.length < 1000);
    const results = await Promise.all(texts.map((t) => batcher.check(t)));
    expect(results).toEqual(await Promise.all(texts.map((t) => checkScript(t, full))));
  });
});

describe('sievecErrors', () => {
  test("reads this script's errors, not warnings or other programs' lines", () => {
    const stderr = [
      "s: line 3: warning: unknown header 'x'.",
      "s: line 4: error: unknown command 'frob' (only reported once at first occurrence).",
      'other: line 9: error: not ours.',
      's: error: validation failed.',
      "sievec: Fatal: failed to compile sieve script 's.sieve'",
    ].join('\n');
    expect(sievecErrors(stderr, 's')).toEqual([
      { line: 4, message: "unknown command 'frob' (only reported once at first occurrence)." },
      { line: null, message: 'validation failed.' },
    ]);
  });
});
