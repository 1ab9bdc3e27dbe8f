// RuleSet -> rules DSL text, in canonical form: `parseRules(printRules(m))`
// gives back `m` for every valid model in canonical form (optional flags
// absent or true), and `printRules(parseRules(x))` is a fixed point. `#`
// comments and layout of the source are not part of the model and are not
// kept; a rule's own `comment "..."` lines are.
import type { Action, Condition, RawBlock, Rule, RuleSet, StringMatch, Vacation } from '../model.js';

export function printRules(rs: RuleSet): string {
  const blocks = [printSettings(rs)];
  if (rs.whitelist.length > 0) {
    blocks.push(block('whitelist', rs.whitelist.map((e) => `${quote(e.pattern)}${e.authenticated ? ' if authenticated' : ''}`)));
  }
  if (rs.blocklist.length > 0) blocks.push(block('blocklist', rs.blocklist.map((e) => `${quote(e.pattern)} ${e.action}`)));
  for (const item of rs.rules) blocks.push('kind' in item ? printRaw(item) : printRule(item));
  return `${blocks.join('\n\n')}\n`;
}

function block(head: string, lines: readonly string[]): string {
  return `${head} {\n${lines.map((l) => `  ${l}\n`).join('')}}`;
}

function printSettings(rs: RuleSet): string {
  const s = rs.settings;
  const lines = [`junk folder ${quote(s.junkFolder)}`, `spam threshold ${printNumber(s.threshold)}`];
  if (s.spamFilter !== undefined) lines.push(`spam filter ${s.spamFilter ? 'on' : 'off'}`);
  if (s.trustedAuthservId !== undefined) lines.push(`trusted authserv-id ${quote(s.trustedAuthservId)}`);
  return block('settings', lines);
}

function printRule(rule: Rule): string {
  const mods = [rule.locked ? 'locked' : '', rule.placement ?? '', rule.enabled ? '' : 'disabled'].filter(Boolean);
  const head = ['rule', quote(rule.name), ...mods].join(' ');
  const [only] = rule.conditions;
  // `when X` reads as a one-condition "all of"; anything else spells out its group.
  const when =
    rule.combine === 'all' && rule.conditions.length === 1 && only !== undefined && only.kind !== 'group'
      ? printCondition(only, '  ')
      : printGroup(rule.combine, rule.conditions, '  ');
  const lines = [...(rule.comments ?? []).map((c) => `comment ${quote(c)}`), `when ${when}`];
  if (rule.actions.length > 0) lines.push(`then ${rule.actions.map(printAction).join('; ')}`);
  return block(head, lines);
}

function printGroup(combine: string, conditions: readonly Condition[], indent: string): string {
  if (conditions.length === 0) return `${combine} of { }`;
  const inner = `${indent}  `;
  return `${combine} of {\n${conditions.map((c) => `${inner}${printCondition(c, inner)}\n`).join('')}${indent}}`;
}

function printCondition(c: Condition, indent: string): string {
  switch (c.kind) {
    case 'address':
      return `${c.header === 'any' ? 'any address' : c.header}${printPart(c.part)} ${printTest(c.test)}`;
    case 'envelope':
      return `envelope ${c.field}${printPart(c.part)} ${printTest(c.test)}`;
    case 'header':
      return `header ${printStrings(c.names)} ${printTest(c.test)}`;
    case 'subject':
    case 'list-id':
    case 'body':
      return `${c.kind} ${printTest(c.test)}`;
    case 'size':
      return `size ${c.comparison} ${printSize(c.bytes)}`;
    case 'exists':
      return `exists ${printStrings(c.names)}`;
    case 'auth':
      return `${c.method} is ${c.result}`;
    case 'spam-score':
      return `spam score at least ${printNumber(c.atLeast)}`;
    case 'spamtest':
      return `${c.engine} test${c.percent ? ' percent' : ''} ${c.relation} ${c.value}`;
    case 'always':
      return 'always';
    case 'not':
      return `not ${printCondition(c.condition, indent)}`;
    case 'group':
      return printGroup(c.combine, c.conditions, indent);
  }
}

function printPart(part: string): string {
  return part === 'all' ? '' : ` ${part}`;
}

function printTest(test: StringMatch): string {
  return `${test.match} ${printStrings(test.values)}${test.caseSensitive ? ' case-sensitive' : ''}`;
}

function printAction(a: Action): string {
  switch (a.kind) {
    case 'fileinto':
      return `fileinto ${quote(a.folder)}${a.copy ? ' copy' : ''}${a.create ? ' create' : ''}`;
    case 'redirect':
      return `redirect ${quote(a.address)}${a.copy ? ' copy' : ''}`;
    case 'reject':
      return `reject ${quote(a.reason)}`;
    case 'keyword':
      return `keyword ${quote(a.keyword)}`;
    case 'mark-read':
      return 'mark read';
    case 'vacation':
      return printVacation(a.vacation);
    case 'discard':
    case 'keep':
    case 'flag':
    case 'stop':
      return a.kind;
  }
}

function printVacation(v: Vacation): string {
  const parts = ['vacation'];
  if (v.days !== undefined) parts.push(`days ${v.days}`);
  if (v.subject !== undefined) parts.push(`subject ${quote(v.subject)}`);
  if (v.from !== undefined) parts.push(`from ${quote(v.from)}`);
  if (v.addresses !== undefined) parts.push(`addresses ${printList(v.addresses)}`);
  if (v.start !== undefined) parts.push(`start ${printDate(v.start)}`);
  if (v.end !== undefined) parts.push(`end ${printDate(v.end)}`);
  parts.push(`message ${quote(v.message)}`);
  return parts.join(' ');
}

function printRaw(raw: RawBlock): string {
  const head = ['raw'];
  if (raw.name !== undefined) head.push(quote(raw.name));
  if (raw.requires.length > 0) head.push(`requires ${printList(raw.requires)}`);
  if (!raw.enabled) head.push('disabled');
  // `|` lines keep the script readable; content a text file cannot show
  // faithfully (CR, control characters, invisible separators) goes in a string.
  if (RAW_UNSAFE.test(raw.sieve) || LONE_SURROGATE.test(raw.sieve)) return `${head.join(' ')} sieve ${quote(raw.sieve)}`;
  const lines = raw.sieve.split('\n').map((line) => (line === '' ? '  |' : `  | ${line}`));
  return `${head.join(' ')} {\n${lines.join('\n')}\n}`;
}

/** Characters `|` lines cannot carry faithfully (tab and line feed they can). */
const RAW_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Characters written as escapes inside strings (besides `"` and `\`). */
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/;
const PLAIN_STRING = /^[^"\\\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]*$/;
const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r' };

/** A DSL string literal; anything invisible or unpaired is written as `\u{...}`. */
export function quote(value: string): string {
  if (PLAIN_STRING.test(value)) return `"${value}"`;
  let out = '"';
  for (const ch of value) {
    const escape = ESCAPES[ch];
    if (escape !== undefined) out += escape;
    else if (ch.length === 1 && UNPRINTABLE.test(ch)) out += `\\u{${ch.charCodeAt(0).toString(16).toUpperCase()}}`;
    else out += ch;
  }
  return `${out}"`;
}

function printStrings(values: readonly string[]): string {
  return values.length === 1 ? quote(values[0] as string) : printList(values);
}

function printList(values: readonly string[]): string {
  return `[${values.map(quote).join(', ')}]`;
}

/** Integers keep a `.0` so thresholds read as scores; every finite double round-trips. */
function printNumber(n: number): string {
  if (Object.is(n, -0)) return '-0.0';
  const text = String(n);
  return Number.isInteger(n) && !/e/i.test(text) ? `${text}.0` : text;
}

const UNITS: ReadonlyArray<[string, number]> = [['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]];

function printSize(bytes: number): string {
  for (const [unit, size] of UNITS) if (bytes > 0 && bytes % size === 0) return `${bytes / size}${unit}`;
  return String(bytes);
}

function printDate(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : quote(value);
}
