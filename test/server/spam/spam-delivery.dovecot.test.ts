// The built-in spam filter end to end: each message is scored by a real
// spamd (through spamc, as an MTA would hand it over), then delivered by
// dovecot-lda through the script and user_prefs our compiler emitted.
// Thresholds near a score are set from the score spamd really printed, so
// "at the threshold" and "0.1 below it" are exact whatever rules fire.
import { randomBytes } from 'node:crypto';
import { chown, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../../grammar/compile.js';
import { emptyRuleSet, FILTER_JUNK_KEYWORD, type RuleSet } from '../../../grammar/model.js';
import { mailOwner, requireBinary, run } from '../../support/programs.js';
import { startDovecot, type Dovecot } from '../../support/dovecot.js';
import { startSpamd, type Spamd } from '../../support/spamassassin.js';

const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'] as const;
type User = (typeof USERS)[number];

let dc: Dovecot;
let spamd: Spamd;

beforeAll(async () => {
  [dc, spamd] = await Promise.all([startDovecot({ users: Object.fromEntries(USERS.map((u) => [u, `${u}pw`])) }), startSpamd()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([dc?.cleanup(), spamd?.cleanup()]);
});

function ruleSet(settings: Partial<RuleSet['settings']> = {}, parts: Partial<RuleSet> = {}): RuleSet {
  const rs = emptyRuleSet();
  return { ...rs, ...parts, settings: { ...rs.settings, ...settings } };
}

/**
 * Deploys the compiled rule set as the directory target lays it out: the
 * script as the user's active Sieve, user_prefs where spamd reads them.
 * `extraPrefs` adds per-user SpamAssassin lines a test needs for a score.
 */
async function install(user: User, rs: RuleSet, extraPrefs = ''): Promise<string> {
  const compiled = compileRuleSet(rs);
  expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const owner = await mailOwner();
  const home = dc.home(user);
  await mkdir(join(home, 'sieve'), { recursive: true });
  await writeFile(join(home, 'sieve', 'sievewright.sieve'), compiled.sieve);
  await rm(join(home, '.dovecot.sieve'), { force: true });
  await symlink('sieve/sievewright.sieve', join(home, '.dovecot.sieve'));
  const prefsDir = join(spamd.vusersDir, user);
  await mkdir(prefsDir, { recursive: true });
  await writeFile(join(prefsDir, 'user_prefs'), compiled.prefs + extraPrefs);
  for (const p of [home, join(home, 'sieve'), join(home, 'sieve', 'sievewright.sieve'), prefsDir, join(prefsDir, 'user_prefs')]) {
    await chown(p, owner.uid, owner.gid);
  }
  return compiled.sieve;
}

interface Mail {
  id: string;
  text: string;
}

function mail(from: string, body: string): Mail {
  const id = `<${randomBytes(8).toString('hex')}@sender.example>`;
  const text = [
    `From: ${from}`,
    'To: user@example.test',
    'Subject: Quarterly figures',
    `Message-ID: ${id}`,
    'Date: Thu, 03 Dec 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\r\n');
  return { id, text };
}

/** The message as spamc hands it on, and the score spamd printed in X-Spam-Status. */
async function scan(user: User, m: Mail): Promise<{ text: string; score: number; status: string }> {
  const r = await run(requireBinary('spamc'), ['-d', spamd.host, '-p', String(spamd.port), '-u', user], { input: m.text });
  expect(r.code, r.stderr).toBe(0);
  const status = /^X-Spam-Status:((?:.*)(?:\r?\n[ \t].*)*)/m.exec(r.stdout);
  expect(status, r.stdout.slice(0, 2000)).not.toBeNull();
  const score = Number(/score=(-?\d+\.\d)/.exec(status![1]!)![1]);
  return { text: r.stdout, score, status: status![1]!.trim() };
}

/** Where dovecot-lda stored the message, and its flags, as doveadm sees the mailbox. */
async function storedAs(user: User, m: Mail): Promise<{ mailbox: string; flags: string[] }[]> {
  const r = await run(requireBinary('doveadm'), ['-c', dc.conf, '-f', 'tab', 'fetch', '-u', user, 'mailbox flags', 'mailbox', '*', 'header', 'Message-ID', m.id]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => {
      const [mailbox, flags] = l.split('\t');
      return { mailbox: mailbox!, flags: flags!.split(' ').filter((f) => f !== '' && f !== '\\Recent') };
    });
}

async function deliver(user: User, text: string): Promise<void> {
  const r = await dc.deliver(user, text);
  expect(r.exitCode, `${r.stderr}\n${dc.log().slice(-2000)}`).toBe(0);
}

const stranger = 'Promo <promo@bulk.example>';
const ham = 'Hello, the figures for the quarter are attached as discussed on Monday.';

describe('spam scored by spamd, delivered by dovecot-lda through the emitted script', () => {
  test('from the settings alone: GTUBE goes to Junk with the filter keyword, ordinary mail stays in INBOX', async () => {
    await install('alice', ruleSet());
    const spam = mail(stranger, GTUBE);
    const scanned = await scan('alice', spam);
    expect(scanned.status).toMatch(/^Yes, score=\d{3,}\.\d /);
    await deliver('alice', scanned.text);
    expect(await storedAs('alice', spam)).toEqual([{ mailbox: 'Junk', flags: [FILTER_JUNK_KEYWORD] }]);

    const plain = mail(stranger, ham);
    const plainScanned = await scan('alice', plain);
    expect(plainScanned.score).toBeLessThan(5);
    await deliver('alice', plainScanned.text);
    expect(await storedAs('alice', plain)).toEqual([{ mailbox: 'INBOX', flags: [] }]);
  });

  /**
   * Scores `m` with `scorePrefs` in the user's prefs, then installs the
   * threshold `thresholdFor(score)` and delivers the scanned message.
   */
  async function scoreThenDeliver(user: User, m: Mail, scorePrefs: string, thresholdFor: (score: number) => number): Promise<number> {
    await install(user, ruleSet(), scorePrefs);
    const scanned = await scan(user, m);
    await install(user, ruleSet({ threshold: thresholdFor(scanned.score) }), scorePrefs);
    await deliver(user, scanned.text);
    return scanned.score;
  }

  const plus01 = (score: number) => Math.round(score * 10 + 1) / 10;

  test('a score exactly at the threshold goes to Junk; 0.1 below the threshold stays in INBOX', async () => {
    // Per-user scores (allowed in user_prefs) for the two rules an ordinary local message hits: about 5.0.
    const near = 'score NO_RECEIVED 2.5\nscore NO_RELAYS 2.5\n';
    const at = mail(stranger, ham);
    const score = await scoreThenDeliver('bob', at, near, (s) => s);
    expect(score).toBeGreaterThan(4);
    expect(await storedAs('bob', at)).toEqual([{ mailbox: 'Junk', flags: [FILTER_JUNK_KEYWORD] }]);

    const below = mail(stranger, ham);
    await scoreThenDeliver('bob', below, near, plus01);
    expect(await storedAs('bob', below)).toEqual([{ mailbox: 'INBOX', flags: [] }]);
  });

  test('negative scores compare as numbers: -N at threshold -N is spam, at threshold -N+0.1 it is not', async () => {
    const negative = 'score NO_RECEIVED -3.6\nscore NO_RELAYS -3.6\n';
    const at = mail(stranger, ham);
    const score = await scoreThenDeliver('carol', at, negative, (s) => s);
    expect(score).toBeLessThan(-1);
    expect(await storedAs('carol', at)).toEqual([{ mailbox: 'Junk', flags: [FILTER_JUNK_KEYWORD] }]);

    const above = mail(stranger, ham);
    await scoreThenDeliver('carol', above, negative, plus01);
    expect(await storedAs('carol', above)).toEqual([{ mailbox: 'INBOX', flags: [] }]);
  });

  test('a whitelisted sender\'s GTUBE mail, far above the threshold, stays in INBOX', async () => {
    await install('dave', ruleSet({}, { whitelist: [{ pattern: '*@partner.example', authenticated: false }] }));
    const trusted = mail('Partner <boss@partner.example>', GTUBE);
    const scanned = await scan('dave', trusted);
    expect(scanned.score).toBeGreaterThan(100);
    await deliver('dave', scanned.text);
    expect(await storedAs('dave', trusted)).toEqual([{ mailbox: 'INBOX', flags: [] }]);

    const other = mail(stranger, GTUBE);
    await deliver('dave', (await scan('dave', other)).text);
    expect(await storedAs('dave', other)).toEqual([{ mailbox: 'Junk', flags: [FILTER_JUNK_KEYWORD] }]);
  });

  test('with "spam filter off", GTUBE mail stays in INBOX', async () => {
    const script = await install('erin', ruleSet({ spamFilter: false }));
    expect(script).not.toContain('X-Spam-Status');
    const spam = mail(stranger, GTUBE);
    await deliver('erin', (await scan('erin', spam)).text);
    expect(await storedAs('erin', spam)).toEqual([{ mailbox: 'INBOX', flags: [] }]);
  });

  test('a sender\'s own low X-Spam-Status is replaced by spamd\'s, so it cannot rescue spam', async () => {
    await install('frank', ruleSet());
    const forged = mail(stranger, GTUBE);
    forged.text = `X-Spam-Status: No, score=-50.0 required=5.0 tests=NONE\r\n${forged.text}`;
    const scanned = await scan('frank', forged);
    // spamd wraps spam with the original attached (report_safe): only the outer header block is the message's.
    const headers = scanned.text.slice(0, scanned.text.search(/\r?\n\r?\n/));
    expect(headers.match(/^X-Spam-Status:/gm)).toHaveLength(1);
    expect(headers).not.toContain('score=-50.0');
    await deliver('frank', scanned.text);
    expect(await storedAs('frank', forged)).toEqual([{ mailbox: 'Junk', flags: [FILTER_JUNK_KEYWORD] }]);
  });
});
