import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../grammar/compile.js';
import type { Condition, Rule } from '../../grammar/model.js';
import { convertProcmail } from '../../grammar/import/procmail.js';
import { convertRegex } from '../../grammar/import/procmail-conditions.js';
import { MACROS } from '../../grammar/import/procmail-macros.js';
import { requireBinary } from '../support/programs.js';

const H = { head: true, body: false };
const TO_NAMES = ['to', 'cc', 'bcc', 'resent-to', 'resent-cc', 'resent-bcc', 'original-to', 'original-cc', 'original-bcc', 'original-resent-to', 'original-resent-cc', 'original-resent-bcc', 'x-envelope-to', 'apparently-to', 'apparently-resent-to'];

const rulesOf = (text: string, opts = {}): Rule[] => convertProcmail(text, opts).ruleSet.rules as Rule[];
const statusOf = (text: string, opts = {}) => convertProcmail(text, opts).report.recipes.map((r) => r.status);

describe('procmail macros', () => {
  test('every macro expansion is the one compiled into the procmail binary', () => {
    const binary = readFileSync(requireBinary('procmail')).toString('latin1');
    for (const [token, expansion] of MACROS) {
      expect(binary.includes(`\0${expansion}\0`), token).toBe(true);
    }
  });
});

describe('procmail regex conditions become Sieve tests with the same meaning', () => {
  test.each<[string, boolean, Condition]>([
    ['^From:.*boss@example\\.com', false, { kind: 'header', names: ['from'], test: { match: 'contains', values: ['boss@example.com'] } }],
    ['^(To|Cc):.*dev', false, { kind: 'header', names: ['to', 'cc'], test: { match: 'contains', values: ['dev'] } }],
    ['^X-Spam-Flag: YES', false, { kind: 'header', names: ['x-spam-flag'], test: { match: 'regex', values: ['^YES'] } }],
    ['^Subject:.*a{2}', false, { kind: 'header', names: ['subject'], test: { match: 'contains', values: ['a{2}'] } }],
    ['^Subject: [^ ]*invoice', false, { kind: 'header', names: ['subject'], test: { match: 'regex', values: ['^[^ ]*invoice'] } }],
    ['^List-Id:', false, { kind: 'exists', names: ['list-id'] }],
    ['^Subject:.*', false, { kind: 'exists', names: ['subject'] }],
    ['.*', false, { kind: 'always' }],
    ['^TO_me@example\\.com', false, { kind: 'header', names: TO_NAMES, test: { match: 'regex', values: ['^(.*[^a-zA-Z0-9_.-])?me@example\\.com'] } }],
    ['^TOmutt-user', false, { kind: 'header', names: TO_NAMES, test: { match: 'regex', values: ['^(.*[^a-zA-Z])?mutt-user'] } }],
    ['^X-Loop: me$', true, { kind: 'header', names: ['x-loop'], test: { match: 'is', values: ['me'], caseSensitive: true } }],
  ])('%j (D=%s)', (pattern, caseSensitive, condition) => {
    const r = convertRegex(pattern, H, caseSensitive);
    expect(r.ok && r.condition).toEqual(condition);
  });

  test('alternatives naming different fields become an any-of group', () => {
    const r = convertRegex('^(From|Subject):.*x|^X-Loop: me', H, false);
    expect(r.ok && r.condition).toEqual({
      kind: 'group',
      combine: 'any',
      conditions: [
        { kind: 'header', names: ['from', 'subject'], test: { match: 'contains', values: ['x'] } },
        { kind: 'header', names: ['x-loop'], test: { match: 'regex', values: ['^me'] } },
      ],
    });
  });

  test.each([
    ['justin@example.com', 'not anchored'],
    ['^Subject:.*[PATCH', "unterminated '['"],
    ['^.*$', 'does not start with a header field name'],
  ])('%j is not converted, with a reason', (pattern, reason) => {
    const r = convertRegex(pattern, H, false);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });

  test.each([
    ['^FROM_DAEMON', "mbox 'From ' line"],
    ['^From.*github', "other header lines starting with 'From'"],
    ['To:.*dev@lists', 'without ^'],
    ['^Subject:invoice', 'no blank after the colon'],
  ])('%j converts with the change in meaning stated', (pattern, change) => {
    const r = convertRegex(pattern, H, false);
    expect(r.ok && r.changes.join(' ')).toContain(change);
  });

  test('a plain body text becomes a body test, stating that Sieve searches decoded text', () => {
    const r = convertRegex('^-----BEGIN PGP', { head: false, body: true }, false);
    expect(r.ok && r.condition).toEqual({ kind: 'body', test: { match: 'contains', values: ['-----BEGIN PGP'] } });
    expect(r.ok && r.changes.join(' ')).toContain('decoded');
  });
});

describe('recipe flags are each converted or explained', () => {
  const rc = (flags: string, cond = '^Subject:.*x') => `:0 c\n* ^Subject:.*first\n.First/\n\n:0 ${flags}\n* ${cond}\n.F/\n`;

  test.each(['', 'H', 'w', 'W', 'i', 'r', 'Wi'])('flags %j deliver exactly and stop', (flags) => {
    const rules = rulesOf(rc(flags));
    expect(statusOf(rc(flags))).toEqual(['exact', 'exact']);
    expect(rules[1]!.actions).toEqual([{ kind: 'fileinto', folder: 'F' }, { kind: 'stop' }]);
  });

  test('c delivers a copy and goes on', () => {
    expect(rulesOf(rc('c'))[1]!.actions).toEqual([{ kind: 'fileinto', folder: 'F', copy: true }]);
  });

  test('D makes the comparison case-sensitive', () => {
    const cond = rulesOf(rc('D'))[1]!.conditions[0];
    expect(cond).toMatchObject({ test: { caseSensitive: true } });
  });

  test('B searches the body and HB is reported as not convertible', () => {
    expect(rulesOf(rc('B', 'unsubscribe'))[1]!.conditions[0]).toMatchObject({ kind: 'body' });
    expect(convertProcmail(rc('HB', 'unsubscribe')).report.recipes[1]).toMatchObject({ status: 'not-converted', reason: expect.stringContaining('header and body together') });
  });

  test('A requires the conditions of the last recipe without A; a also requires that it ran', () => {
    const text = ':0 c\n* ^From:.*boss\n.Boss/\n\n:0 A\n* ^Subject:.*x\n.X/\n\n:0 a\n.Y/\n';
    const [, a, small] = rulesOf(text);
    const boss = { kind: 'header', names: ['from'], test: { match: 'contains', values: ['boss'] } };
    expect(a!.conditions).toEqual([boss, { kind: 'header', names: ['subject'], test: { match: 'contains', values: ['x'] } }]);
    expect(small!.conditions).toEqual([boss, boss, { kind: 'header', names: ['subject'], test: { match: 'contains', values: ['x'] } }]);
  });

  test('E runs only when no earlier recipe of the else-chain ran', () => {
    const text = ':0\n* ^Subject:.*a\n.A/\n:0 E\n* ^Subject:.*b\n.B/\n:0 E\n.C/\n';
    const c = rulesOf(text)[2]!;
    const a = { kind: 'header', names: ['subject'], test: { match: 'contains', values: ['a'] } };
    const b = { kind: 'header', names: ['subject'], test: { match: 'contains', values: ['b'] } };
    expect(c.conditions).toEqual([{ kind: 'not', condition: { kind: 'group', combine: 'any', conditions: [a, b] } }]);
  });

  test('e is reported: Sieve actions do not fail the way procmail actions do', () => {
    const text = ':0 w\n| false\n:0 e\n.Failed/\n';
    expect(convertProcmail(text).report.recipes[1]).toMatchObject({ status: 'not-converted', reason: expect.stringContaining('e flag') });
  });

  test.each([
    ['h', 'only the header'],
    ['b', 'only the body'],
  ])('%s on a delivering recipe is a stated change', (flags, reason) => {
    expect(convertProcmail(rc(flags)).report.recipes[1]).toMatchObject({ status: 'changed', reason: expect.stringContaining(reason) });
  });

  test('f marks a filter: SpamAssassin is dropped on purpose, other filters are not converted', () => {
    expect(convertProcmail(':0 fw\n| spamc\n').report.recipes[0]!.status).toBe('dropped-on-purpose');
    expect(convertProcmail(':0 fw\n| formail -I"X-A: b"\n').report.recipes[0]).toMatchObject({ status: 'not-converted', reason: expect.stringContaining('X-A') });
  });

  test('an unknown flag is a warning with its position and the recipe still converts', () => {
    const r = convertProcmail(':0 Z\n* ^Subject:.*x\n.X/\n');
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'unknown_flag', severity: 'warning', start: { line: 1, column: 1 } })]);
    expect(r.report.recipes[0]!.status).toBe('exact');
  });
});

describe('actions and folders', () => {
  test.each([
    ['.Lists.dev/', 'Lists.dev'],
    ['lists/linux', 'lists/linux'],
    ['patches/.', 'patches'],
    ['$MAILDIR/.Spam/', 'Spam'],
    ['$HOME/Maildir/.Boss/', 'Boss'],
  ])('folder %j becomes IMAP folder %j', (path, folder) => {
    const rules = rulesOf(`MAILDIR=$HOME/Maildir\n:0\n${path}\n`);
    expect(rules[0]!.actions[0]).toEqual({ kind: 'fileinto', folder });
  });

  test('$DEFAULT keeps, /dev/null discards, ! redirects, several folders each get a copy', () => {
    const rules = rulesOf(':0\n* ^Subject:.*a\n$DEFAULT\n:0\n* ^Subject:.*b\n/dev/null\n:0\n* ^Subject:.*c\n! a@x.example b@x.example\n:0\n* ^Subject:.*d\n.A/ .B/\n');
    expect(rules.map((r) => r.actions)).toEqual([
      [{ kind: 'keep' }, { kind: 'stop' }],
      [{ kind: 'discard' }, { kind: 'stop' }],
      [{ kind: 'redirect', address: 'a@x.example' }, { kind: 'redirect', address: 'b@x.example' }, { kind: 'stop' }],
      [{ kind: 'fileinto', folder: 'A' }, { kind: 'fileinto', folder: 'B' }, { kind: 'stop' }],
    ]);
  });

  test('the folder map renames folders', () => {
    expect(rulesOf(':0\n.Spam/\n', { folderMap: { Spam: 'Junk' } })[0]!.actions[0]).toEqual({ kind: 'fileinto', folder: 'Junk' });
  });

  test('a formail autoreply becomes a vacation reply with the echoed text', () => {
    const text = ':0 c\n* !^FROM_DAEMON\n| (formail -r -A"X-Loop: me"; echo "Away until Monday.") | $SENDMAIL -t\n';
    expect(rulesOf(text)[0]!.actions).toEqual([{ kind: 'vacation', vacation: { message: 'Away until Monday.' } }]);
    expect(convertProcmail(text).report.recipes[0]!.status).toBe('changed');
  });

  test('formail -D becomes a Sieve duplicate test when the server has it, and is reported when it does not', () => {
    const text = ':0 Wh: msgid.lock\n| formail -D 8192 msgid.cache\n';
    expect(convertProcmail(text).ruleSet.rules[0]).toMatchObject({ kind: 'raw', requires: ['duplicate'] });
    const without = convertProcmail(text, { capabilities: ['fileinto'] });
    expect(without.ruleSet.rules).toEqual([]);
    expect(without.report.recipes[0]).toMatchObject({ status: 'not-converted', reason: expect.stringContaining("no 'duplicate'") });
  });

  test('routing X-Spam-Status to a folder makes that folder the Junk folder', () => {
    expect(convertProcmail(':0\n* ^X-Spam-Status: Yes\n.Spam/\n').ruleSet.settings.junkFolder).toBe('Spam');
  });

  test('a $MATCH list folder becomes a regex capture in a Sieve variable', () => {
    const r = convertProcmail(':0\n* ^List-Id:.*<\\/[a-z]+\n.lists.$MATCH/\n');
    expect(r.ruleSet.rules[0]).toMatchObject({
      kind: 'raw',
      requires: ['fileinto', 'regex', 'variables'],
      sieve: 'if header :regex "list-id" "^.*<([a-z]+)" {\n  fileinto "lists.${1}";\n  stop;\n}\n',
    });
    expect(r.report.recipes[0]).toMatchObject({ status: 'changed', reason: expect.stringContaining('$MATCH') });
  });

  test('a folder named by a program\'s output is reported with the reason', () => {
    const r = convertProcmail('DEST=`hmailfilter`\n:0\n* ^Subject:.*x\n$DEST\n');
    expect(r.report.recipes[0]).toMatchObject({ status: 'not-converted', reason: expect.stringContaining('`hmailfilter`') });
  });
});

describe('includes and control flow', () => {
  test('INCLUDERC text supplied by the caller is converted in place; a missing one is reported', () => {
    const text = 'INCLUDERC=$HOME/lists.rc\n:0\n* ^Subject:.*x\n.X/\n';
    const withInclude = convertProcmail(text, { includes: { '$HOME/lists.rc': ':0\n* ^List-Id:\n.Lists/\n' } });
    expect(withInclude.ruleSet.rules.map((r) => r.name)).toEqual(['procmail line 1 ($HOME/lists.rc)', 'procmail line 2']);
    expect(withInclude.report.recipes[0]).toMatchObject({ file: '$HOME/lists.rc', status: 'exact' });
    const without = convertProcmail(text);
    expect(without.report.recipes[0]).toMatchObject({ line: 1, status: 'not-converted' });
    expect(without.diagnostics[0]).toMatchObject({ code: 'include_missing', start: { line: 1, column: 1 } });
  });

  test('a block flattens into rules that carry the block conditions', () => {
    const rules = rulesOf(':0\n* ^List-Id:\n{\n  :0\n  * ^Subject:.*x\n  .X/\n}\n');
    expect(rules[0]!.conditions).toEqual([{ kind: 'exists', names: ['list-id'] }, { kind: 'header', names: ['subject'], test: { match: 'contains', values: ['x'] } }]);
  });

  test('the OR idiom of weighted conditions becomes any-of', () => {
    const rules = rulesOf(':0\n* 9876543210^0 ^Subject:.*a\n* 9876543210^0 ^Subject:.*b\n.X/\n');
    expect(rules[0]!.conditions[0]).toMatchObject({ kind: 'group', combine: 'any' });
  });

  test('counting matches (x > 0) is reported as not convertible', () => {
    expect(convertProcmail(':0 B\n* 1^1 viagra\n.X/\n').report.recipes[0]).toMatchObject({ status: 'not-converted', reason: expect.stringContaining('every match') });
  });

  test('a syntax error is reported with line and column and the other recipes still convert', () => {
    const r = convertProcmail(':0\n* ^Subject:.*a\n.A/\n\n* ^Subject:.*b\n:0\n* ^Subject:.*c\n.C/\n');
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'syntax', start: { line: 5, column: 1 } })]);
    expect(r.ruleSet.rules).toHaveLength(2);
  });

  test('every converted rule set compiles to Sieve', () => {
    const text = readFileSync(new URL('../fixtures/procmail/cases/18-flag-E.procmailrc', import.meta.url), 'utf8');
    expect(compileRuleSet(convertProcmail(text).ruleSet)).toMatchObject({ ok: true, diagnostics: [] });
  });
});
