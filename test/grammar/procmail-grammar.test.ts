import { describe, expect, test } from 'vitest';
import { parse } from '../../grammar/generated/procmail.js';
import type { ProcmailItem, Recipe } from '../../grammar/procmail-ast.js';

const recipes = (items: ProcmailItem[]): Recipe[] => items.filter((i): i is Recipe => i.kind === 'recipe');
const one = (text: string): Recipe => recipes(parse(text).items)[0]!;

describe('procmailrc grammar', () => {
  test('assignments keep quoting, variable references and backquoted commands apart', () => {
    const { items } = parse('MAILDIR = $HOME/Mail\nLOG="from ${SENDER:-nobody}\n"\nRAW=\'$not\'\nDATE=`date +%Y`\nVERBOSE\n');
    expect(items.map((i) => (i.kind === 'assignment' ? [i.name, i.value] : i.kind))).toEqual([
      ['MAILDIR', [{ kind: 'var', name: 'HOME', quoted: false }, { kind: 'text', text: '/Mail' }]],
      ['LOG', [{ kind: 'text', text: 'from ' }, { kind: 'var', name: 'SENDER', op: ':-', alt: [{ kind: 'text', text: 'nobody' }], quoted: true }, { kind: 'text', text: '\n' }]],
      ['RAW', [{ kind: 'text', text: '$not' }]],
      ['DATE', [{ kind: 'command', command: 'date +%Y' }]],
      ['VERBOSE', null],
    ]);
  });

  test('several assignments and a closing brace may share one line', () => {
    const r = one(':0\n* ^Subject: x\n{ EXITCODE=75 HOST }\n');
    expect(r.action.kind).toBe('block');
    if (r.action.kind !== 'block') return;
    expect(r.action.closed).toBe(true);
    expect(r.action.items.map((i) => (i.kind === 'assignment' ? `${i.name}=${i.value === null ? 'unset' : 'set'}` : i.kind))).toEqual(['EXITCODE=set', 'HOST=unset']);
  });

  test.each([
    [':0', 0, '', null],
    [':0:', 0, '', ''],
    [':0 Wh: msgid.lock', 0, 'Wh', 'msgid.lock'],
    [':0fhw', 0, 'fhw', null],
    [':0 H B :', 0, 'HB', ''],
    [':0: # comment after the lock', 0, '', ''],
    [':2', 2, '', null],
  ])('recipe line %j reads as number %d, flags %j, lock %j', (line, number, flags, lock) => {
    const r = one(`${line}\n* ^Subject: x\nfolder\n`);
    expect([r.number, r.flags, r.lock]).toEqual([number, flags, lock]);
  });

  test('an old-style :N recipe reads the next N lines as conditions, with or without *', () => {
    expect(one(':2\n^From:.*boss\n^Subject:.*x\nfolder\n').conditions.map((c) => c.body)).toEqual([
      { kind: 'regex', pattern: '^From:.*boss' },
      { kind: 'regex', pattern: '^Subject:.*x' },
    ]);
    expect(one(':1\n* ^Subject:.*x\nfolder\n').action).toEqual({ kind: 'folder', text: 'folder' });
  });

  test('condition lines distinguish negation, expansion, programs, sizes, variables and weights', () => {
    const r = one(':0\n* ! ^From: x\n*$ ^TO_$ME\n* ? test -f x\n* < 1000\n* > 20\n* MODE ?? ^yes\n* B ?? unsubscribe\n* -100^0 ^Precedence: bulk\n* 9876543210^0 ! ^X-Loop: me\nfolder\n');
    expect(r.conditions.map((c) => [c.weight ?? null, c.body])).toEqual([
      [null, { kind: 'not', body: { kind: 'regex', pattern: '^From: x' } }],
      [null, { kind: 'expand', text: '^TO_$ME' }],
      [null, { kind: 'program', command: 'test -f x' }],
      [null, { kind: 'size', comparison: '<', bytes: 1000 }],
      [null, { kind: 'size', comparison: '>', bytes: 20 }],
      [null, { kind: 'variable', name: 'MODE', body: { kind: 'regex', pattern: '^yes' } }],
      [null, { kind: 'variable', name: 'B', body: { kind: 'regex', pattern: 'unsubscribe' } }],
      [{ w: -100, x: 0 }, { kind: 'regex', pattern: '^Precedence: bulk' }],
      [{ w: 9876543210, x: 0 }, { kind: 'not', body: { kind: 'regex', pattern: '^X-Loop: me' } }],
    ]);
  });

  test('backslash-newline joins condition and action lines, dropping the next line\'s indentation', () => {
    const r = one(':0\n* ^From:.*(a|\\\n     b)\n! one@x.example \\\n  two@x.example\n');
    expect(r.conditions[0]!.body).toEqual({ kind: 'regex', pattern: '^From:.*(a|b)' });
    expect(r.action).toEqual({ kind: 'forward', text: 'one@x.example two@x.example' });
  });

  test.each([
    ['folder', 'Mail/lists # where lists go', { kind: 'folder', text: 'Mail/lists' }],
    ['maildir', '.Lists.dev/', { kind: 'folder', text: '.Lists.dev/' }],
    ['several folders', '.A/ .B/', { kind: 'folder', text: '.A/ .B/' }],
    ['forward', '! a@x.example', { kind: 'forward', text: 'a@x.example' }],
    ['pipe', '| formail -D 8192 msgid.cache', { kind: 'pipe', command: 'formail -D 8192 msgid.cache' }],
    ['capture', 'SUBJ=| formail -xSubject:', { kind: 'pipe', command: 'formail -xSubject:', capture: 'SUBJ' }],
  ])('an action line with a %s', (_name, line, action) => {
    expect(one(`:0\n${line}\n`).action).toEqual(action);
  });

  test('nesting blocks nest, with comments and blank lines between the parts of a recipe', () => {
    const r = one(':0\n# why\n* ^List-Id: x\n\n{\n  :0\n  * ^Subject: y\n  {\n    :0:\n    inner\n  }\n}\n');
    expect(r.action.kind).toBe('block');
    const inner = r.action.kind === 'block' ? recipes(r.action.items)[0]! : null;
    expect(inner?.action.kind).toBe('block');
    const innermost = inner?.action.kind === 'block' ? recipes(inner.action.items)[0] : undefined;
    expect(innermost?.action).toEqual({ kind: 'folder', text: 'inner' });
    expect(innermost?.span.start).toEqual({ line: 9, column: 5 });
  });

  test('an unreadable line becomes a bad item with its position, and parsing goes on', () => {
    const { items } = parse(':0\n* ^Subject: a\n.A/\n\n* ^Subject: b\n.B/\n\n:0\n* ^Subject: c\n.C/\n}\n');
    const bad = items.filter((i) => i.kind === 'bad');
    expect(bad.map((b) => [b.span.start.line, b.span.start.column, b.message])).toEqual([
      [5, 1, 'condition line outside a recipe (missing ":0" line?)'],
      [6, 1, 'expected a variable assignment or a recipe starting with ":0"'],
      [11, 1, 'unmatched closing brace (no block is open)'],
    ]);
    expect(recipes(items).map((r) => r.action)).toEqual([
      { kind: 'folder', text: '.A/' },
      { kind: 'folder', text: '.C/' },
    ]);
  });

  test('a recipe without an action and a block without its brace are recorded, not thrown', () => {
    const { items } = parse(':0\n* ^Subject: a\n\n:0\n* ^Subject: b\n{\n  :0\n  .X/\n');
    const [first, second] = recipes(items);
    expect(first!.action).toEqual({ kind: 'missing' });
    expect(second!.action).toMatchObject({ kind: 'block', closed: false });
  });
});
