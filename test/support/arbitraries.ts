// fast-check arbitraries of valid rule models, in the canonical form the DSL
// parser produces: optional flags (`caseSensitive`, `copy`, `create`,
// `locked`) are either absent or `true`, never `false`. Every model they
// generate passes `validateRuleSet` without errors, so round-trip and
// compiler property tests may assume a valid input.
//
// Free-text fields (match values, reject reasons, vacation messages) get the
// full adversarial treatment, including CR/LF and control characters.
// Single-line fields (rule and folder names, vacation subjects) get
// adversarial text without control characters, and structured fields
// (addresses, header names, keywords, patterns, regexes) get values that are
// valid for their syntax but still carry awkward characters.
import fc from 'fast-check';
import {
  ADDRESS_HEADERS,
  ADDRESS_PARTS,
  AUTH_METHODS,
  AUTH_RESULTS,
  BLOCK_ACTIONS,
  COMBINES,
  MATCH_TYPES,
  RELATIONS,
  type Action,
  type BlocklistEntry,
  type Condition,
  type RawBlock,
  type Rule,
  type RuleItem,
  type RuleSet,
  type SpamSettings,
  type StringMatch,
  type Vacation,
  type WhitelistEntry,
} from '../../grammar/model.js';

/** Plain objects (fc.record defaults to null prototypes), so models compare equal to parsed ones. */
function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true });
}

/** Pieces that break naive quoting in Sieve, user_prefs or the DSL itself. */
const NASTY_PIECES = [
  '"', '\\', '\\"', '""', '\r\n', '\n', '\r', '\t', '${hex:41}', '${unicode:263A}', '${x}', '#', '# comment',
  '";\r\ndiscard;\r\n#', '}\r\nrule "x" {', 'text:\r\n.\r\n', '\u0001', '\u001b[31m', '\u007f', '\u0085',
  '\u2028', '\u2029', '\u00e9', '\u65e5\u672c', '\u{1F600}', '\uFEFF', '*', '?', '\\*', 'require "fileinto";',
];

/** Pieces safe inside single-line fields: no control characters at all. */
const LINE_PIECES = NASTY_PIECES.filter((p) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(p));

const fullUnicode = fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replace(/\u0000/g, ''));

function piecesString(pieces: readonly string[], extra: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const piece = fc.oneof(fc.constantFrom(...pieces), extra, fc.string({ maxLength: 8 }));
  return fc.oneof(
    { weight: 8, arbitrary: fc.array(piece, { maxLength: 6 }).map((parts) => parts.join('')) },
    { weight: 1, arbitrary: fc.tuple(piece, fc.integer({ min: 1000, max: 12_000 })).map(([p, n]) => (p || 'x').repeat(Math.ceil(n / Math.max(1, p.length)))) },
  );
}

/**
 * Any string Sieve can carry: quotes, backslashes, CR/LF, `${...}`, `#`,
 * control characters, non-ASCII and very long strings. Never NUL (Sieve
 * cannot represent it) and never a lone surrogate (not valid UTF-8).
 */
export const arbAdversarialString: fc.Arbitrary<string> = piecesString(NASTY_PIECES, fullUnicode);

/** Adversarial but single-line: no control characters, no line separators. */
export const arbAdversarialLine: fc.Arbitrary<string> = piecesString(
  LINE_PIECES,
  fullUnicode.map((s) => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '')),
);

const nonEmptyLine = arbAdversarialLine.map((s) => (s.trim() === '' ? `x${s}` : s));

const atext = fc.constantFrom(...'abcxyz019!#$%&\'*+/=?^_`{|}~-'.split(''));
const localPart = fc
  .array(fc.string({ unit: atext, minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.join('.'));
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
const domain = fc.array(label, { minLength: 1, maxLength: 3 }).map((labels) => `${labels.join('.')}.example`);

/** A syntactically valid addr-spec with awkward (but legal) local-part characters. */
export const arbAddress: fc.Arbitrary<string> = fc.tuple(localPart, domain).map(([l, d]) => `${l}@${d}`);

// user_prefs treats `#` as a comment and whitespace as a separator, so sender
// patterns keep to the characters real addresses use.
const patternLocal = fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,12}$/);

/** A sender pattern for the whitelist or blocklist: an address, possibly with `*` wildcards. */
export const arbSenderPattern: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(patternLocal, domain).map(([l, d]) => `${l}@${d}`),
  domain.map((d) => `*@${d}`),
  fc.tuple(patternLocal, domain).map(([l, d]) => `${l}*@*.${d}`),
);

const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,20}$/);
const keyword = fc.stringMatching(/^[A-Za-z$][A-Za-z0-9$_.+-]{0,20}$/);
const isoDate = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

/** Literal text turned into a POSIX extended regex that matches it exactly. */
const regexValue = fc
  .string({ unit: fc.constantFrom(...'ab9 .-*+?()[]{}|^$\\/@\u00e9'.split('')), maxLength: 12 })
  .map((s) => s.replace(/[.[\](){}*+?|^$\\]/g, '\\$&'));

/** A wildcard pattern may not end in an unpaired backslash (validateRuleSet refuses it). */
function closeEscape(pattern: string): string {
  return /(?<!\\)(?:\\\\)*\\$/.test(pattern) ? `${pattern}\\` : pattern;
}

function arbStringMatch(freeText: fc.Arbitrary<string>): fc.Arbitrary<StringMatch> {
  const match = fc.constantFrom(...MATCH_TYPES);
  return fc
    .record({ match, caseSensitive: fc.boolean() })
    .chain(({ match, caseSensitive }) =>
      // An empty value is refused (it would match every message).
      fc.array((match === 'regex' ? regexValue : match === 'matches' ? freeText.map(closeEscape) : freeText).filter((v) => v !== ''), { minLength: 1, maxLength: 3 }).map((values) => ({
        match,
        values,
        ...(caseSensitive ? { caseSensitive: true } : {}),
      })),
    );
}

const addressHeader = fc.constantFrom(...ADDRESS_HEADERS);
const addressPart = fc.constantFrom(...ADDRESS_PARTS);
const authMethod = fc.constantFrom(...AUTH_METHODS);
const authResult = fc.constantFrom(...AUTH_RESULTS);
const combine = fc.constantFrom(...COMBINES);
const score = fc.integer({ min: -100, max: 500 }).map((n) => n / 10);
const size = fc.oneof(
  fc.integer({ min: 0, max: 50_000_000 }),
  fc.integer({ min: 1, max: 4096 }).map((n) => n * 1024),
  fc.integer({ min: 1, max: 100 }).map((n) => n * 1024 * 1024),
);

/** Conditions that contain no other condition. */
export const arbLeafCondition: fc.Arbitrary<Condition> = fc.oneof(
  record({ kind: fc.constant('address' as const), header: addressHeader, part: addressPart, test: arbStringMatch(arbAdversarialString) }),
  record({ kind: fc.constant('envelope' as const), field: fc.constantFrom<'from' | 'to'>('from', 'to'), part: addressPart, test: arbStringMatch(arbAdversarialString) }),
  record({ kind: fc.constant('header' as const), names: fc.array(headerName, { minLength: 1, maxLength: 3 }), test: arbStringMatch(arbAdversarialString) }),
  record({ kind: fc.constant('subject' as const), test: arbStringMatch(arbAdversarialString) }),
  record({ kind: fc.constant('list-id' as const), test: arbStringMatch(arbAdversarialString) }),
  record({ kind: fc.constant('size' as const), comparison: fc.constantFrom<'over' | 'under'>('over', 'under'), bytes: size }),
  record({ kind: fc.constant('body' as const), test: arbStringMatch(arbAdversarialString) }),
  record({ kind: fc.constant('exists' as const), names: fc.array(headerName, { minLength: 1, maxLength: 3 }) }),
  record({ kind: fc.constant('auth' as const), method: authMethod, result: authResult }),
  record({ kind: fc.constant('spam-score' as const), atLeast: score }),
  fc
    .tuple(fc.constantFrom<'spam' | 'virus'>('spam', 'virus'), fc.boolean(), fc.constantFrom(...RELATIONS), fc.nat({ max: 100 }))
    .map(([engine, percent, relation, n]): Condition => {
      const on = engine === 'spam' && percent;
      return { kind: 'spamtest', engine, ...(on ? { percent: true } : {}), relation, value: n % ((engine === 'virus' ? 5 : on ? 100 : 10) + 1) };
    }),
  fc.constant<Condition>({ kind: 'always' }),
);

/** Any condition, including `not` and nested all/any/none groups (depth at most 4). */
export const arbCondition: fc.Arbitrary<Condition> = fc.letrec<{ cond: Condition }>((tie) => ({
  cond: fc.oneof(
    { depthSize: 'small', maxDepth: 4, withCrossShrink: true },
    { weight: 6, arbitrary: arbLeafCondition },
    { weight: 1, arbitrary: record({ kind: fc.constant('not' as const), condition: tie('cond') }) },
    {
      weight: 1,
      arbitrary: record({
        kind: fc.constant('group' as const),
        combine,
        conditions: fc.array(tie('cond'), { minLength: 1, maxLength: 3 }),
      }),
    },
  ),
})).cond;

const optional = <K extends string, T>(key: K, arb: fc.Arbitrary<T>): fc.Arbitrary<Partial<Record<K, T>>> =>
  fc.option(arb, { nil: undefined }).map((v) => (v === undefined ? {} : ({ [key]: v } as Record<K, T>)));

const flag = <K extends string>(key: K): fc.Arbitrary<Partial<Record<K, true>>> =>
  fc.boolean().map((b) => (b ? ({ [key]: true } as Record<K, true>) : {}));

export const arbVacation: fc.Arbitrary<Vacation> = fc
  .tuple(
    record({ message: arbAdversarialString }),
    optional('days', fc.integer({ min: 1, max: 365 })),
    optional('subject', arbAdversarialLine),
    optional('from', arbAddress),
    optional('addresses', fc.array(arbAddress, { maxLength: 3 })),
    fc.option(fc.tuple(isoDate, isoDate), { nil: undefined }),
    fc.constantFrom<'both' | 'start' | 'end'>('both', 'start', 'end'),
  )
  .map(([base, days, subject, from, addresses, dates, which]) => {
    const [a, b] = dates ?? [];
    const [start, end] = a !== undefined && b !== undefined && a > b ? [b, a] : [a, b];
    return {
      ...base,
      ...days,
      ...subject,
      ...from,
      ...addresses,
      ...(start !== undefined && which !== 'end' ? { start } : {}),
      ...(end !== undefined && which !== 'start' ? { end } : {}),
    };
  });

export const arbAction: fc.Arbitrary<Action> = fc.oneof(
  fc.tuple(record({ kind: fc.constant('fileinto' as const), folder: nonEmptyLine }), flag('copy'), flag('create')).map(([a, c, k]) => ({ ...a, ...c, ...k })),
  fc.tuple(record({ kind: fc.constant('redirect' as const), address: arbAddress }), flag('copy')).map(([a, c]) => ({ ...a, ...c })),
  record({ kind: fc.constant('reject' as const), reason: arbAdversarialString }),
  fc.constant<Action>({ kind: 'discard' }),
  fc.constant<Action>({ kind: 'keep' }),
  fc.constant<Action>({ kind: 'mark-read' }),
  fc.constant<Action>({ kind: 'flag' }),
  record({ kind: fc.constant('keyword' as const), keyword }),
  record({ kind: fc.constant('vacation' as const), vacation: arbVacation }),
  fc.constant<Action>({ kind: 'stop' }),
);

/** A rule; its name is made unique by `arbRuleSet`, not here. */
export const arbRule: fc.Arbitrary<Rule> = fc
  .tuple(
    record({
      name: nonEmptyLine,
      enabled: fc.boolean(),
      combine,
      conditions: fc.array(arbCondition, { minLength: 1, maxLength: 4 }),
      actions: fc.array(arbAction, { minLength: 1, maxLength: 4 }),
    }),
    flag('locked'),
    optional('placement', fc.constantFrom<'before' | 'after'>('before', 'after')),
    optional('comments', fc.array(nonEmptyLine, { minLength: 1, maxLength: 2 })),
  )
  .map(([rule, locked, placement, comments]) => ({ ...rule, ...locked, ...placement, ...comments }));

/** Valid Sieve snippets with the extensions they need, for raw blocks a compiler can pass through. */
const RAW_SNIPPETS: ReadonlyArray<{ sieve: string; requires: string[] }> = [
  { sieve: 'if header :contains "subject" "x" {\n  discard;\n}\n', requires: [] },
  { sieve: 'if true {\r\n  fileinto "a\\"b";\r\n}', requires: ['fileinto'] },
  { sieve: 'addflag "\\Seen";', requires: ['imap4flags'] },
  { sieve: '# only a comment, no newline at the end', requires: [] },
  { sieve: 'if header :regex "subject" "^a+$" { keep; }\n\n', requires: ['regex'] },
];

/** Raw block content that is adversarial rather than valid Sieve, for DSL round trips. */
export const arbRawSieveText: fc.Arbitrary<string> = fc.oneof(arbAdversarialString, fc.constantFrom(...RAW_SNIPPETS.map((s) => s.sieve)));

/** A raw Sieve block holding valid Sieve, so compiled output stays acceptable to sievec. */
export const arbRawBlock: fc.Arbitrary<RawBlock> = fc
  .tuple(fc.constantFrom(...RAW_SNIPPETS), fc.boolean(), optional('name', nonEmptyLine))
  .map(([snippet, enabled, name]) => ({ kind: 'raw' as const, sieve: snippet.sieve, requires: [...snippet.requires], enabled, ...name }));

export const arbSettings: fc.Arbitrary<SpamSettings> = fc
  .tuple(
    record({ junkFolder: nonEmptyLine, threshold: score }),
    optional('trustedAuthservId', domain),
    optional('spamFilter', fc.boolean()),
  )
  .map(([s, id, filter]) => ({ ...s, ...id, ...filter }));

export const arbWhitelistEntry: fc.Arbitrary<WhitelistEntry> = record({ pattern: arbSenderPattern, authenticated: fc.boolean() });
export const arbBlocklistEntry: fc.Arbitrary<BlocklistEntry> = record({
  pattern: arbSenderPattern,
  action: fc.constantFrom(...BLOCK_ACTIONS),
});

/** Rule names must be unique within a set; a numeric suffix keeps generated ones apart. */
function uniqueNames(items: RuleItem[]): RuleItem[] {
  const seen = new Set<string>();
  return items.map((item, i) => {
    if ('kind' in item) return item;
    let name = item.name;
    while (seen.has(name)) name = `${name} ${i}`;
    seen.add(name);
    return { ...item, name };
  });
}

export const arbRuleSet: fc.Arbitrary<RuleSet> = fc
  .record({
    settings: arbSettings,
    whitelist: fc.array(arbWhitelistEntry, { maxLength: 5 }),
    blocklist: fc.array(arbBlocklistEntry, { maxLength: 5 }),
    rules: fc.array(fc.oneof({ weight: 6, arbitrary: arbRule }, { weight: 1, arbitrary: arbRawBlock }), { maxLength: 6 }),
  })
  .chain((rs) => {
    const model = { ...rs, rules: uniqueNames(rs.rules) };
    // Authentication results are only trusted from a named authserv-id, so a
    // model that relies on them must name one to be compilable.
    if (model.settings.trustedAuthservId !== undefined || !needsAuthservId(model)) return fc.constant(model);
    return domain.map((id) => ({ ...model, settings: { ...model.settings, trustedAuthservId: id } }));
  });

function needsAuthservId(rs: RuleSet): boolean {
  const usesAuth = (c: Condition): boolean =>
    c.kind === 'auth' || (c.kind === 'not' && usesAuth(c.condition)) || (c.kind === 'group' && c.conditions.some(usesAuth));
  return rs.whitelist.some((e) => e.authenticated) || rs.rules.some((r) => !('kind' in r) && r.conditions.some(usesAuth));
}
