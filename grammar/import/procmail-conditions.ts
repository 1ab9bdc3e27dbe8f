// One procmail regex condition -> one rule-model condition with the same
// meaning, or a reason why Sieve cannot say it.
//
// procmail greps the whole header block, one line per field (continuation
// lines joined with a blank), case-insensitively unless `D`. Sieve's header
// test sees one field's value, unfolded, without the name and without the
// blanks around it. So `^Name:R` becomes `header "name"` with R re-anchored
// at the value: R is derived by the one blank conventionally written after
// the colon (see `derive`), then simplified to `:contains`/`:is` when that
// says exactly the same thing.
import type { Condition } from '../model.js';
import { expandMacros } from './procmail-macros.js';
import { toEre } from './procmail-ere.js';
import {
  RegexSyntaxError,
  containsNode,
  derive,
  isDotStar,
  literalText,
  mkSeq,
  nullable,
  parseProcmailRegex,
  singleChar,
  withoutSplit,
  type RegexNode,
} from './procmail-regex.js';

export interface Area {
  head: boolean;
  body: boolean;
}

export type CondResult =
  | { ok: true; condition: Condition; changes: string[] }
  | { ok: false; reason: string };

const MAX_BRANCHES = 256;
const HEADER_NAME = /^[!-9;-~]+$/;
const NAME_CHAR = /^[!-9;-~]$/;

/** Results by pattern, for one conversion: rcfiles repeat the same conditions many times. */
export type RegexMemo = Map<string, CondResult>;

export function convertRegex(source: string, area: Area, caseSensitive: boolean, memo?: RegexMemo): CondResult {
  const key = `${area.head ? 'H' : ''}${area.body ? 'B' : ''}${caseSensitive ? 'D' : ''}\0${source}`;
  const hit = memo?.get(key);
  if (hit) return hit;
  const result = convertRegexUncached(source, area, caseSensitive);
  memo?.set(key, result);
  return result;
}

function convertRegexUncached(source: string, area: Area, caseSensitive: boolean): CondResult {
  const { pattern } = expandMacros(source);
  let node: RegexNode;
  try {
    node = withoutSplit(parseProcmailRegex(pattern));
  } catch (err) {
    if (err instanceof RegexSyntaxError) return { ok: false, reason: err.message };
    throw err;
  }
  if (matchesAnything(node)) return { ok: true, condition: { kind: 'always' }, changes: [] };
  if (area.head && area.body) {
    return { ok: false, reason: 'searches header and body together (HB); Sieve tests them separately' };
  }
  return area.body ? bodyCondition(node, caseSensitive) : headerCondition(node, caseSensitive);
}

function matchesAnything(n: RegexNode): boolean {
  return nullable(n) && !containsNode(n, (x) => x.t === 'bol' || x.t === 'eol' || x.t === 'wordedge');
}

/** Alternatives of item sequences, distributed until each shows its `Name:` prefix. */
function headerBranches(node: RegexNode): RegexNode[][] | null {
  const done: RegexNode[][] = [];
  const todo: RegexNode[][] = [node.t === 'seq' ? node.items : [node]];
  while (todo.length > 0) {
    if (todo.length + done.length > MAX_BRANCHES) return null;
    const items = todo.pop()!;
    // Scan the literal prefix; stop at ':' or at a character no field name has.
    let k = 0;
    let finished = false;
    while (k < items.length) {
      const it = items[k]!;
      if (it.t === 'bol') {
        k++;
        continue;
      }
      const ch = it.t === 'char' ? singleChar(it.set, true) : null;
      if (ch === null) break;
      if (ch === ':' || !NAME_CHAR.test(ch)) {
        finished = true;
        break;
      }
      k++;
    }
    const it = items[k];
    if (it === undefined || finished) {
      done.push(items);
      continue;
    }
    const before = items.slice(0, k);
    const after = items.slice(k + 1);
    if (it.t === 'seq') todo.push([...before, ...it.items, ...after]);
    else if (it.t === 'alt') for (const b of it.branches) todo.push([...before, ...(b.t === 'seq' ? b.items : [b]), ...after]);
    else if (it.t === 'opt') {
      todo.push([...before, ...after]);
      todo.push([...before, ...(it.node.t === 'seq' ? it.node.items : [it.node]), ...after]);
    } else done.push(items);
  }
  return done.reverse();
}

interface ValueTest {
  key: string;
  names: string[];
  make: (names: string[]) => Condition;
}

function headerCondition(node: RegexNode, caseSensitive: boolean): CondResult {
  const branches = headerBranches(node);
  if (branches === null) return { ok: false, reason: 'the regular expression has too many alternatives to convert' };
  const changes = new Set<string>();
  const tests: ValueTest[] = [];
  const shared = new Map<RegexNode, Map<number, ReturnType<typeof valueTest>>>();
  for (const items of branches) {
    const anchored = items[0]?.t === 'bol';
    let k = anchored ? 1 : 0;
    let name = '';
    let stop: string | null = null;
    while (k < items.length) {
      const it = items[k]!;
      stop = it.t === 'char' ? singleChar(it.set, true) : null;
      if (stop === null || !NAME_CHAR.test(stop)) break;
      if (stop === ':') break;
      name += stop;
      k++;
    }
    if (stop === ' ' && /^>?From$/i.test(name)) {
      changes.add("the mbox 'From ' line is not visible to Sieve; that alternative was left out");
      continue;
    }
    if (!HEADER_NAME.test(name) || (!anchored && stop !== ':')) {
      return anchored
        ? { ok: false, reason: `the pattern does not start with a header field name (^${name}...)` }
        : { ok: false, reason: 'the pattern is not anchored at the start of a header line (^Name:), so it can match inside any header field; Sieve can only test named fields' };
    }
    if (!anchored) {
      changes.add(`without ^ the pattern also matched '${name}:' inside other header lines (such as X-${name}: or Reply-${name}:); the rule tests the ${name} field only`);
    }
    let rest: RegexNode;
    if (stop === ':') rest = mkSeq(items.slice(k + 1));
    else {
      // `^From.*x`: the name runs on into the rest of the line. For the field
      // itself that is `From:` followed by the rest; other lines that merely
      // start with the same letters are what changes.
      const afterColon = k < items.length ? derive(mkSeq(items.slice(k)), 58, caseSensitive) : null;
      if (afterColon === null) return { ok: false, reason: `the pattern does not name a header field (no ':' after ^${name})` };
      changes.add(`^${name} without ':' also matched other header lines starting with '${name}'${/^from$/i.test(name) ? " and the mbox 'From ' line" : ''}; the rule tests the ${name} field only`);
      rest = afterColon;
    }
    if (caseSensitive && /[a-z]/i.test(name)) {
      changes.add('Sieve compares header field names without regard to case, even with the D flag');
    }
    // Alternatives of the field name (^TO_ has fifteen) share the node objects
    // after the colon, so their value test is worked out once.
    const first = rest.t === 'seq' ? rest.items[0] : rest;
    const size = rest.t === 'seq' ? rest.items.length : 1;
    const memoKey = first === undefined ? null : (shared.get(first)?.get(size) ?? null);
    const test = memoKey ?? valueTest(rest, caseSensitive, changes);
    if (first !== undefined && memoKey === null) {
      if (!shared.has(first)) shared.set(first, new Map());
      shared.get(first)!.set(size, test);
    }
    if ('reason' in test) return { ok: false, reason: test.reason };
    const lower = name.toLowerCase();
    const same = tests.find((t) => t.key === test.key);
    if (same) {
      if (!same.names.includes(lower)) same.names.push(lower);
    } else tests.push({ ...test, names: [lower] });
  }
  if (tests.length === 0) return { ok: false, reason: 'every alternative tests the mbox From_ line, which Sieve cannot see' };
  const conds = tests.map((t) => t.make(t.names));
  const condition: Condition = conds.length === 1 ? conds[0]! : { kind: 'group', combine: 'any', conditions: conds };
  return { ok: true, condition, changes: [...changes] };
}

function valueTest(
  rest: RegexNode,
  caseSensitive: boolean,
  changes: Set<string>,
): Omit<ValueTest, 'names'> | { reason: string } {
  const exists = { key: 'exists', make: (names: string[]): Condition => ({ kind: 'exists', names }) };
  if (matchesAnything(rest)) return exists;
  let value = derive(rest, 32, caseSensitive);
  if (value === null) {
    // `^Subject:x` (no blank after the colon) never matches a conventional
    // header; compare against the value as if no blank were written.
    changes.add('the pattern expects no blank after the colon; Sieve ignores blanks there');
    value = rest;
  }
  if (containsNode(value, (x) => x.t === 'bol')) {
    return { reason: 'the pattern continues across a header line boundary, which Sieve cannot test' };
  }
  const items = value.t === 'seq' ? [...value.items] : [value];
  const leadingAny = items.length > 0 && isDotStar(items[0]!);
  if (leadingAny) items.shift();
  while (items.length > 0 && isDotStar(items[items.length - 1]!)) items.pop();
  // `^X-Header: .*`: what is left matches any value, so the header being there decides.
  if (items.length === 0) return exists;
  const anchoredEnd = items.length > 0 && items[items.length - 1]!.t === 'eol';
  const core = anchoredEnd ? items.slice(0, -1) : items;
  const lit = literalText(mkSeq(core), caseSensitive);
  const cs = caseSensitive ? { caseSensitive: true } : {};
  const header = (match: 'contains' | 'is' | 'regex', v: string) => (names: string[]): Condition => ({
    kind: 'header',
    names,
    test: { match, values: [v], ...cs },
  });
  if (lit !== null && lit !== '' && leadingAny && !anchoredEnd) {
    return { key: `contains:${lit}`, make: header('contains', lit) };
  }
  if (lit !== null && !leadingAny && anchoredEnd) {
    return { key: `is:${lit}`, make: header('is', lit) };
  }
  const ere = (leadingAny ? '' : '^') + toEre(mkSeq(items));
  return { key: `regex:${ere}`, make: header('regex', ere) };
}

function bodyCondition(node: RegexNode, caseSensitive: boolean): CondResult {
  const items = node.t === 'seq' ? [...node.items] : [node];
  const changes: string[] = [];
  while (items.length > 0 && (isDotStar(items[0]!) || items[0]!.t === 'bol')) {
    if (items[0]!.t === 'bol') changes.push('the pattern is anchored at the start of a line; the Sieve rule finds the text anywhere in the body');
    items.shift();
  }
  while (items.length > 0 && (isDotStar(items[items.length - 1]!) || items[items.length - 1]!.t === 'eol')) {
    if (items[items.length - 1]!.t === 'eol') changes.push('the pattern is anchored at the end of a line; the Sieve rule finds the text anywhere in the body');
    items.pop();
  }
  const lit = literalText(mkSeq(items), caseSensitive);
  if (lit === null || lit === '') {
    return { ok: false, reason: 'body regular expressions other than plain text cannot be matched line by line in Sieve' };
  }
  changes.push("Sieve's body test searches the decoded text parts of the message; procmail searched the raw body");
  return {
    ok: true,
    condition: { kind: 'body', test: { match: 'contains', values: [lit], ...(caseSensitive ? { caseSensitive: true } : {}) } },
    changes,
  };
}
