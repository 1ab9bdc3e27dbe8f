// user_prefs: directive names, no directive injection, and acceptance by the
// real SpamAssassin: `--lint`, spamd's stricter per-user parser, and scoring
// end to end (welcomelisted and blocklisted senders hit their rules).
import { chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../grammar/compile.js';
import { emitUserPrefs, PREFS_HEADER } from '../../grammar/emit/user-prefs.js';
import { emptyRuleSet, type RuleSet } from '../../grammar/model.js';
import { arbBlocklistEntry, arbWhitelistEntry } from '../support/arbitraries.js';
import { mailOwner, requireBinary, run } from '../support/programs.js';
import { pigeonhole } from '../support/pigeonhole.js';
import { startSpamd, type Spamd } from '../support/spamassassin.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

function senders(parts: Partial<RuleSet>): RuleSet {
  return { ...emptyRuleSet(), ...parts };
}

const example = senders({
  settings: { junkFolder: 'Junk', threshold: 6.5 },
  whitelist: [
    { pattern: 'boss@example.com', authenticated: false },
    { pattern: '*@bank.example', authenticated: true },
  ],
  blocklist: [
    { pattern: '*@spammer.example', action: 'junk' },
    { pattern: 'bad@example.net', action: 'reject' },
  ],
});

/** Patterns with everything that is syntax in user_prefs: spaces, line breaks, `#`, controls. */
const arbHostilePattern = fc
  .array(fc.oneof(fc.constantFrom('a@b.example', '*', '?', '#', ' ', '\t', '\n', '\r\n', '\\', '\u0000', '\u0085', '\u00a0', 'é', '😀', 'required_score 100'), fc.string({ maxLength: 6 })), { maxLength: 6 })
  .map((parts) => parts.join(''));

function prefsLines(prefs: string): string[] {
  return prefs.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

describe('directive names', () => {
  test('SpamAssassin 4 names by default', () => {
    expect(emitUserPrefs(example)).toBe(
      [PREFS_HEADER, 'required_score 6.5', 'welcomelist_from boss@example.com', 'welcomelist_auth *@bank.example', 'blocklist_from *@spammer.example', 'blocklist_from bad@example.net', ''].join('\n'),
    );
  });

  test('SpamAssassin 3 names as an option', () => {
    expect(prefsLines(emitUserPrefs(example, { saVersion: 3 }))).toEqual([
      'required_score 6.5',
      'whitelist_from boss@example.com',
      'whitelist_auth *@bank.example',
      'blacklist_from *@spammer.example',
      'blacklist_from bad@example.net',
    ]);
  });

  test('compileRuleSet passes the SpamAssassin version through', () => {
    expect(compileRuleSet(example, { saVersion: 3 }).prefs).toContain('whitelist_from boss@example.com');
  });
});

describe('no input adds a directive', () => {
  test('each safe entry is exactly one directive line, `#` escaped; unsafe entries only leave a comment', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ pattern: arbHostilePattern, authenticated: fc.boolean() }, { noNullPrototype: true }), { maxLength: 8 }), (whitelist) => {
        const prefs = emitUserPrefs(senders({ whitelist }));
        const safe = whitelist.filter((e) => e.pattern !== '' && !/[\s\u0000-\u001f\u007f-\u009f]/.test(e.pattern));
        expect(prefsLines(prefs)).toEqual([
          'required_score 5',
          ...safe.map((e) => `${e.authenticated ? 'welcomelist_auth' : 'welcomelist_from'} ${e.pattern.replace(/#/g, '\\#')}`),
        ]);
        expect(prefs.split('\n')).toHaveLength(2 + whitelist.length + 1);
      }),
      { numRuns: 1000 },
    );
  });

  test('a threshold that is not a number writes no required_score', () => {
    expect(prefsLines(emitUserPrefs(senders({ settings: { junkFolder: 'Junk', threshold: Number.NaN } })))).toEqual([]);
  });
});

describe('real SpamAssassin', () => {
  const spamassassin = requireBinary('spamassassin');
  let home: string;
  let spamd: Spamd;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'sw-prefs-'));
    spamd = await startSpamd();
  });
  afterAll(async () => {
    await spamd?.cleanup();
    await rm(home, { recursive: true, force: true });
  });

  /**
   * The prefs of 1,000 generated sender lists (valid patterns, and hostile
   * ones full of user_prefs syntax) in one file, so one run checks them all.
   */
  function generatedPrefs(version: 3 | 4): string {
    const hostile = fc.record({ pattern: arbHostilePattern, authenticated: fc.boolean() }, { noNullPrototype: true });
    const lists = fc.sample(
      fc.record({ whitelist: fc.array(fc.oneof(arbWhitelistEntry, hostile), { maxLength: 5 }), blocklist: fc.array(arbBlocklistEntry, { maxLength: 5 }) }),
      { numRuns: 1000, seed: 42 },
    );
    return lists.map((l) => emitUserPrefs(senders(l), { saVersion: version })).join('') + emitUserPrefs(example, { saVersion: version });
  }

  test.each([4, 3] as const)('spamassassin --lint accepts the prefs of 1,000 generated sender lists, hostile ones included (SpamAssassin %i names)', async (version) => {
    const file = join(home, `lint-${version}.prefs`);
    await writeFile(file, generatedPrefs(version));
    const r = await run(spamassassin, ['-L', '--lint', '-p', file], { env: { ...process.env, HOME: home }, timeoutMs: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  test("spamd's per-user parser refuses no line of the prefs, though it refuses admin settings", async () => {
    const owner = await mailOwner();
    const writePrefs = async (user: string, prefs: string) => {
      const dir = join(spamd.vusersDir, user);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'user_prefs'), prefs);
      await chown(dir, owner.uid, owner.gid);
      await chown(join(dir, 'user_prefs'), owner.uid, owner.gid);
    };
    await writePrefs('prefsuser', generatedPrefs(4));
    // The control: a line spamd refuses in a user's prefs must show in its log.
    await writePrefs('controluser', 'bayes_path /tmp/evil\n');
    const message = await readFile(join(fixtures, 'eml', 'plain.eml'), 'utf8');
    for (const user of ['prefsuser', 'controluser']) {
      const r = await run(requireBinary('spamc'), ['-d', spamd.host, '-p', String(spamd.port), '-u', user, '-c'], { input: message });
      expect(r.stdout).toMatch(/^-?\d+\.\d+\/\d+\.\d+/);
    }
    // Every refusal in the log is the control's; none is ours.
    const refusals = spamd.log().split('\n').filter((l) => /failed to parse|not parsing|invalid '|missing '/.test(l));
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.filter((l) => !l.includes('bayes_path'))).toEqual([]);
  });

  describe('end to end', () => {
    const scoring = senders({
      settings: { junkFolder: 'Junk', threshold: 4.5 },
      whitelist: [{ pattern: 'friend@example.com', authenticated: false }],
      blocklist: [{ pattern: '*@spammer.example', action: 'junk' }],
    });
    // Only a spam-score rule, so the Sieve side is decided by SpamAssassin's header alone.
    const spamToJunk = senders({
      rules: [{ name: 'Spam to Junk', enabled: true, combine: 'all', conditions: [{ kind: 'spam-score', atLeast: 4.5 }], actions: [{ kind: 'fileinto', folder: 'Junk' }, { kind: 'stop' }] }],
    });
    let scored: Record<'welcomed' | 'blocked', string>;

    beforeAll(async () => {
      await mkdir(join(home, '.spamassassin'), { recursive: true });
      await writeFile(join(home, '.spamassassin', 'user_prefs'), compileRuleSet(scoring).prefs);
      const score = async (eml: string) => {
        const input = await readFile(join(fixtures, 'eml', eml), 'utf8');
        return (await run(spamassassin, ['-L', '-t'], { input, env: { ...process.env, HOME: home }, timeoutMs: 120_000 })).stdout;
      };
      const [welcomed, blocked] = await Promise.all([score('scoring-welcomed.eml'), score('scoring-blocked.eml')]);
      scored = { welcomed, blocked };
    }, 180_000);

    test('a welcomelisted sender hits USER_IN_WELCOMELIST', () => {
      expect(scored.welcomed).toMatch(/X-Spam-Status: No, score=-\d+\.\d required=4\.5[\s\S]*USER_IN_WELCOMELIST/);
    });

    test('a blocklisted sender hits USER_IN_BLOCKLIST', () => {
      expect(scored.blocked).toMatch(/X-Spam-Status: Yes, score=\d+\.\d required=4\.5[\s\S]*USER_IN_BLOCKLIST/);
    });

    test("the Sieve spam-score test reads SpamAssassin's real header: the blocked message goes to Junk, the welcomed one stays", async () => {
      const sieve = compileRuleSet(spamToJunk).sieve;
      const tools = await pigeonhole();
      try {
        const [blocked, welcomed] = await Promise.all([tools.sieveTest(sieve, scored.blocked), tools.sieveTest(sieve, scored.welcomed)]);
        expect(blocked.actions).toEqual([expect.objectContaining({ type: 'fileinto', folder: 'Junk' })]);
        expect(welcomed.actions).toEqual([]);
        expect(welcomed.implicitKeep).toBe(true);
      } finally {
        await tools.cleanup();
      }
    });
  });
});
