// Sieve tests -> model conditions. Only what the model says exactly is
// converted; everything else is refused with a reason, so the enclosing rule
// stays verbatim rather than being imported with a test missing (a dropped
// test inside `allof` would widen the rule: roundcube/roundcubemail#5540).
import { ADDRESS_PARTS, ANY_ADDRESS_HEADERS, MATCH_TYPES, RELATIONS, type Relation, type AddressHeader, type AddressPart, type Condition, type MatchType, type StringMatch } from '../model.js';
import { stringValues, type SieveTest } from '../sieve-ast.js';
import { ok, readArgs, refuse, type ArgSpec, type Outcome, type ReadArgs, type TagValue } from './sieve-args.js';
import { ownEntry } from '../own.js';

const MATCH_TAGS: Record<string, TagValue> = { is: 'none', contains: 'none', matches: 'none', regex: 'none', comparator: 'string' };
const MATCH_GROUP: string[] = [...MATCH_TYPES];
const PART_TAGS: Record<string, TagValue> = { all: 'none', localpart: 'none', domain: 'none', user: 'none', detail: 'none' };
const PART_GROUP: string[] = [...ADDRESS_PARTS];

/** Comparators the model can state: the default and case-sensitive octets. */
const COMPARATORS: Record<string, boolean> = { 'i;ascii-casemap': false, 'i;octet': true };

/** Hook for constructs only sievewright's own emitter writes (auth results, spam score). */
export type SpecialTest = (test: SieveTest) => Outcome<Condition> | null;

export function convertTest(test: SieveTest, special?: SpecialTest): Outcome<Condition> {
  const own = special?.(test);
  if (own) return own;
  const name = test.name.toLowerCase();
  if (name === 'anyof' || name === 'allof') {
    if (!test.testList || test.arguments.length > 0) return refuse(`malformed '${name}'`);
    const parts = convertAll(test.tests, special);
    if (!parts.ok) return parts;
    return ok({ kind: 'group', combine: name === 'anyof' ? 'any' : 'all', conditions: parts.value });
  }
  if (name === 'not') {
    const inner = test.tests[0];
    if (test.testList || test.tests.length !== 1 || test.arguments.length > 0 || !inner) return refuse("malformed 'not'");
    const condition = convertTest(inner, special);
    return condition.ok ? ok({ kind: 'not', condition: condition.value }) : condition;
  }
  if (test.tests.length > 0) return refuse(`test '${name}' with nested tests`);
  const converter = ownEntry(SIMPLE_TESTS, name);
  return converter ? converter(test) : refuse(`test '${name}'`);
}

export function convertAll(tests: readonly SieveTest[], special?: SpecialTest): Outcome<Condition[]> {
  const out: Condition[] = [];
  for (const t of tests) {
    const c = convertTest(t, special);
    if (!c.ok) return c;
    out.push(c.value);
  }
  return ok(out);
}

const SIMPLE_TESTS: Record<string, (t: SieveTest) => Outcome<Condition>> = {
  true: (t) => (t.arguments.length === 0 ? ok({ kind: 'always' }) : refuse("malformed 'true'")),
  address: convertAddress,
  envelope: convertEnvelope,
  header: convertHeader,
  body: convertBody,
  exists: (t) => {
    const args = readArgs(t, { tags: {}, positional: ['strings'] });
    if (!args.ok) return args;
    return ok({ kind: 'exists', names: stringValues(args.value.positional[0])! });
  },
  spamtest: (t) => convertVerdict(t, 'spam'),
  virustest: (t) => convertVerdict(t, 'virus'),
  size: (t) => {
    const args = readArgs(t, { tags: { over: 'none', under: 'none' }, positional: ['number'], exclusive: [['over', 'under']] });
    if (!args.ok) return args;
    const over = args.value.tags.has('over');
    if (!over && !args.value.tags.has('under')) return refuse("'size' without :over or :under");
    const n = args.value.positional[0]!;
    if (n.type !== 'number' || !Number.isSafeInteger(n.value)) return refuse("'size' with an out-of-range number");
    return ok({ kind: 'size', comparison: over ? 'over' : 'under', bytes: n.value });
  },
};

/**
 * `spamtest [:percent] :value REL :comparator "i;ascii-numeric" "N"`: only
 * the numeric comparison the model states; `:count`, other comparators
 * (which compare the digits as text) or a key that is not a whole number stay raw.
 */
function convertVerdict(t: SieveTest, engine: 'spam' | 'virus'): Outcome<Condition> {
  const tags: Record<string, TagValue> = { value: 'string', comparator: 'string', ...(engine === 'spam' ? { percent: 'none' } : {}) };
  const args = readArgs(t, { tags, positional: ['string'] });
  if (!args.ok) return args;
  const relation = args.value.tags.get('value');
  const comparator = args.value.tags.get('comparator');
  const key = args.value.positional[0];
  const rel = relation?.type === 'string' ? (RELATIONS as readonly string[]).find((r) => r === relation.value.toLowerCase()) : undefined;
  if (!rel) return refuse(`'${t.name}' without a :value relation`);
  if (comparator?.type !== 'string' || comparator.value.toLowerCase() !== 'i;ascii-numeric') return refuse(`'${t.name}' comparing as text, not as a number`);
  if (key?.type !== 'string' || !/^[0-9]{1,3}$/.test(key.value)) return refuse(`'${t.name}' with a key that is not a whole number`);
  const percent = args.value.tags.has('percent');
  return ok({ kind: 'spamtest', engine, ...(percent ? { percent } : {}), relation: rel as Relation, value: Number(key.value) });
}

export function stringMatch(args: ReadArgs, keys: string[]): Outcome<StringMatch> {
  const match = (MATCH_GROUP.find((t) => args.tags.has(t)) ?? 'is') as MatchType;
  const comparatorArg = args.tags.get('comparator');
  let caseSensitive = false;
  if (comparatorArg) {
    const name = comparatorArg.type === 'string' ? comparatorArg.value.toLowerCase() : '';
    const sensitive = ownEntry(COMPARATORS, name);
    if (sensitive === undefined) return refuse(`comparator '${name}'`);
    caseSensitive = sensitive;
  }
  return ok({ match, values: keys, ...(caseSensitive ? { caseSensitive } : {}) });
}

function matchSpec(extra: Record<string, TagValue>, extraGroups: string[][] = []): ArgSpec {
  return { tags: { ...MATCH_TAGS, ...extra }, positional: ['strings', 'strings'], exclusive: [MATCH_GROUP, ...extraGroups] };
}

function addressPart(args: ReadArgs): AddressPart {
  return (PART_GROUP.find((t) => args.tags.has(t)) ?? 'all') as AddressPart;
}

/** Conditions over several headers become one condition per header, any of which may hold. */
function anyOf(conditions: Condition[]): Condition {
  return conditions.length === 1 ? conditions[0]! : { kind: 'group', combine: 'any', conditions };
}

function convertAddress(t: SieveTest): Outcome<Condition> {
  const args = readArgs(t, matchSpec(PART_TAGS, [PART_GROUP]));
  if (!args.ok) return args;
  const [headerArg, keyArg] = args.value.positional;
  const headers = stringValues(headerArg)!.map((h) => h.toLowerCase());
  const test = stringMatch(args.value, stringValues(keyArg)!);
  if (!test.ok) return test;
  const part = addressPart(args.value);
  const unknown = headers.find((h) => !ANY_ADDRESS_HEADERS.includes(h as Exclude<AddressHeader, 'any'>));
  if (unknown !== undefined) return refuse(`'address' on header '${unknown}'`);
  if (headers.length === ANY_ADDRESS_HEADERS.length && new Set(headers).size === ANY_ADDRESS_HEADERS.length) {
    return ok({ kind: 'address', header: 'any', part, test: test.value });
  }
  return ok(anyOf([...new Set(headers)].map((h) => ({ kind: 'address', header: h as AddressHeader, part, test: test.value }))));
}

function convertEnvelope(t: SieveTest): Outcome<Condition> {
  const args = readArgs(t, matchSpec(PART_TAGS, [PART_GROUP]));
  if (!args.ok) return args;
  const [fieldArg, keyArg] = args.value.positional;
  const fields = stringValues(fieldArg)!.map((h) => h.toLowerCase());
  const test = stringMatch(args.value, stringValues(keyArg)!);
  if (!test.ok) return test;
  const part = addressPart(args.value);
  const unknown = fields.find((f) => f !== 'from' && f !== 'to');
  if (unknown !== undefined) return refuse(`'envelope' on '${unknown}'`);
  return ok(anyOf([...new Set(fields)].map((f) => ({ kind: 'envelope', field: f as 'from' | 'to', part, test: test.value }))));
}

function convertHeader(t: SieveTest): Outcome<Condition> {
  const args = readArgs(t, matchSpec({}));
  if (!args.ok) return args;
  const [namesArg, keyArg] = args.value.positional;
  const names = stringValues(namesArg)!;
  const test = stringMatch(args.value, stringValues(keyArg)!);
  if (!test.ok) return test;
  if (names.length === 1) {
    const only = names[0]!.toLowerCase();
    if (only === 'subject') return ok({ kind: 'subject', test: test.value });
    if (only === 'list-id') return ok({ kind: 'list-id', test: test.value });
  }
  return ok({ kind: 'header', names, test: test.value });
}

function convertBody(t: SieveTest): Outcome<Condition> {
  // Only the default `:text` transform; `:raw` and `:content` mean something else.
  const args = readArgs(t, { tags: { ...MATCH_TAGS, text: 'none' }, positional: ['strings'], exclusive: [MATCH_GROUP] });
  if (!args.ok) return args;
  const test = stringMatch(args.value, stringValues(args.value.positional[0])!);
  return test.ok ? ok({ kind: 'body', test: test.value }) : test;
}
