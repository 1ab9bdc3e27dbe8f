// A rule set the request schema refused, described in the user's words:
// which rule (by its position in the list, as the rules screen numbers it)
// and which field, and what is wrong with it ("Rule 8: the name is longer
// than 200 characters"). The schema's own report names a JSON path and,
// for a union such as a rule item or a condition, the first variant that
// failed, which is rarely the one the user meant ("/ruleSet/rules/7 must
// have required property 'kind'").
import type { TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value';
import type { Issue } from './errors.js';
import { ApiModel } from './schemas.js';

/**
 * The first problem of `ruleSet` in words, with the JSON path of the field
 * (under the request body), or null when its parts pass their schemas.
 */
export function describeRuleSetIssue(ruleSet: unknown): Issue | null {
  if (!isObject(ruleSet)) return null;
  const rules = Array.isArray(ruleSet.rules) ? ruleSet.rules : [];
  for (const [i, item] of rules.entries()) {
    const raw = isObject(item) && item.kind === 'raw';
    const issue = firstIssue(raw ? ApiModel.RawBlock : ApiModel.Rule, item);
    if (issue) return { path: `/ruleSet/rules/${i}${issue.path}`, message: `${ruleLabel(item, i, raw)}: ${fieldWords(issue.path, raw)} ${problemWords(issue)}.` };
  }
  const parts: Array<[string, string, TSchema, unknown]> = [['Spam settings', '/ruleSet/settings', ApiModel.SpamSettings, ruleSet.settings]];
  for (const [list, label, schema] of [
    ['whitelist', 'Trusted sender', ApiModel.WhitelistEntry],
    ['blocklist', 'Blocked sender', ApiModel.BlocklistEntry],
  ] as const) {
    const entries = ruleSet[list];
    if (Array.isArray(entries)) entries.forEach((entry, i) => parts.push([`${label} ${i + 1}`, `/ruleSet/${list}/${i}`, schema, entry]));
  }
  for (const [label, at, schema, value] of parts) {
    const issue = firstIssue(schema, value);
    if (issue) return { path: `${at}${issue.path}`, message: `${label}: ${settingWords(issue.path)} ${problemWords(issue)}.` };
  }
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function ruleLabel(item: unknown, index: number, raw: boolean): string {
  const what = raw ? 'Sieve block' : 'Rule';
  const name = isObject(item) ? item.name : undefined;
  // A name is quoted only when it helps find the rule: not an overlong one (often the problem itself).
  return typeof name === 'string' && name.trim() !== '' && name.length <= 60 ? `${what} ${index + 1} (“${name}”)` : `${what} ${index + 1}`;
}

/**
 * The first error, looking into unions: of a union's variants, the one whose
 * `kind` matched what was sent (so a long value in a subject condition is
 * reported as that, not as "not an address condition").
 */
function firstIssue(schema: TSchema, value: unknown): ValueError | null {
  return pick(Value.Errors(schema, value).First());
}

function pick(error: ValueError | undefined): ValueError | null {
  if (!error) return null;
  if (error.type !== ValueErrorType.Union) return error;
  for (const variant of error.errors) {
    const errors = [...variant];
    if (!errors.some((e) => e.path === `${error.path}/kind`)) return pick(errors[0]) ?? error;
  }
  return error;
}

const RULE_FIELDS: Record<string, string> = {
  name: 'the name',
  enabled: 'the on/off switch',
  combine: 'the choice of all, any or none',
  conditions: 'the list of conditions',
  actions: 'the list of actions',
  sieve: 'the Sieve text',
  requires: 'the list of extensions it needs',
  placement: 'the placement',
  locked: 'the lock',
};

const INNER_FIELDS: Record<string, string> = {
  test: 'the comparison',
  values: 'the values',
  names: 'the header names',
  match: 'how to compare',
  bytes: 'the size',
  folder: 'the folder',
  address: 'the address',
  reason: 'the message to the sender',
  keyword: 'the label',
  vacation: 'the auto-reply',
  message: 'the reply message',
  subject: 'the reply subject',
  from: 'the reply’s sender address',
  addresses: 'the addresses it answers for',
  days: 'the days between replies',
  start: 'the first day',
  end: 'the last day',
  copy: 'the copy option',
  create: 'the create option',
};

/** "/conditions/0/test/values/1" as "condition 1, value 2". */
function fieldWords(path: string, raw: boolean): string {
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0) return raw ? 'the block' : 'the rule';
  const words: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const next = parts[i + 1];
    const numbered = next !== undefined && /^\d+$/.test(next);
    if (part === 'conditions' && numbered) words.push(`condition ${Number(next) + 1}`);
    else if (part === 'actions' && numbered) words.push(`action ${Number(next) + 1}`);
    else if (part === 'values' && numbered) words.push(`value ${Number(next) + 1}`);
    else if (part === 'names' && numbered) words.push(`header name ${Number(next) + 1}`);
    else if (part === 'addresses' && numbered) words.push(`address ${Number(next) + 1}`);
    else if (part === 'requires' && numbered) words.push(`extension ${Number(next) + 1}`);
    else {
      if (part === 'condition' || part === 'test' || part === 'vacation') continue;
      words.push((words.length === 0 ? RULE_FIELDS[part] : undefined) ?? INNER_FIELDS[part] ?? RULE_FIELDS[part] ?? `the field “${part}”`);
      continue;
    }
    i++;
  }
  const last = parts.at(-1)!;
  // "condition 1" alone (a wrong kind) reads as that condition.
  return words.length === 0 ? `the field “${last}”` : words.join(', ');
}

const SETTINGS: Record<string, string> = {
  junkFolder: 'the junk folder',
  threshold: 'the spam score threshold',
  trustedAuthservId: 'the trusted mail server name',
  spamFilter: 'the spam filter switch',
  pattern: 'the address or pattern',
  authenticated: 'the “only when authenticated” option',
  action: 'what to do with its mail',
};

function settingWords(path: string): string {
  const last = path.split('/').filter(Boolean).at(-1);
  return last === undefined ? 'the entry' : (SETTINGS[last] ?? `the field “${last}”`);
}

function problemWords(e: ValueError): string {
  const schema = e.schema as { maxLength?: number; maxItems?: number; minimum?: number };
  switch (e.type) {
    case ValueErrorType.StringMaxLength:
      return `is longer than ${schema.maxLength} characters`;
    case ValueErrorType.ArrayMaxItems:
      return `has more than ${schema.maxItems} entries`;
    case ValueErrorType.ObjectRequiredProperty:
      return 'is missing';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not a part of a rule the server knows';
    case ValueErrorType.Union:
    case ValueErrorType.Literal:
      return 'is not one of the choices the server knows';
    case ValueErrorType.String:
      return 'must be text';
    case ValueErrorType.Boolean:
      return 'must be on or off';
    case ValueErrorType.Integer:
      return 'must be a whole number';
    case ValueErrorType.Number:
      return 'must be a number';
    case ValueErrorType.Array:
      return 'must be a list';
    case ValueErrorType.Object:
      return 'must be a set of fields';
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `must be at least ${schema.minimum}`;
    default:
      return `is not valid (${e.message})`;
  }
}
