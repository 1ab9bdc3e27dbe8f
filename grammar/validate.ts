// Semantic checks on a RuleSet, whichever front end produced it (DSL text,
// UI form JSON, importers). Every problem has a stable code. Checks follow
// what the real consumers refuse: Pigeonhole rejects NUL in strings, invalid
// header names, redirect addresses and folder names that are not UTF-8;
// user_prefs treats whitespace and `#` as syntax, so sender patterns and the
// authserv-id may not contain them.
import type { Diagnostic, DiagnosticCode, Severity } from './diagnostics.js';
import { resolveLimits, type SieveLimits } from './limits.js';
import type { Action, Condition, RawBlock, Rule, RuleSet, StringMatch, Vacation } from './model.js';
import * as MODEL from './model.js';
import { parseRawBlock, rawBlockLabel } from './raw-block.js';
import { checkRegex } from './regex/check.js';
import { senderConflicts } from './sender-conflicts.js';

export interface Problem {
  diagnostic: Diagnostic;
  /** The model node the problem concerns (a rule, condition, action, list entry or the settings). */
  node: object;
  /** For the settings node: which setting. */
  field?: string;
}

export interface ValidateOptions {
  /** The server's SIEVE capability list, for raw blocks; default PIGEONHOLE_CAPABILITIES. */
  capabilities?: readonly string[];
  /** The server's limits; default Pigeonhole's (grammar/limits.ts). */
  limits?: Partial<SieveLimits>;
}

export function validateRuleSet(rs: RuleSet, opts: ValidateOptions = {}): Diagnostic[] {
  return findProblems(rs, opts).map((p) => p.diagnostic);
}

/**
 * How deeply the model's conditions may nest (Pigeonhole's 32 levels); how
 * deeply the written script nests, which is what Pigeonhole counts, is
 * checked on the emitted script (script-limits.ts).
 */
export const MAX_CONDITION_DEPTH = 32;

// The model's own lists, as sets: a value from outside the types (JSON, an importer) is looked up as any string.
const MATCH_TYPES = new Set<string>(MODEL.MATCH_TYPES);
const COMBINES = new Set<string>(MODEL.COMBINES);
const ADDRESS_HEADERS = new Set<string>(MODEL.ADDRESS_HEADERS);
const ADDRESS_PARTS = new Set<string>(MODEL.ADDRESS_PARTS);
const AUTH_METHODS = new Set<string>(MODEL.AUTH_METHODS);
const AUTH_RESULTS = new Set<string>(MODEL.AUTH_RESULTS);
const BLOCK_ACTIONS = new Set<string>(MODEL.BLOCK_ACTIONS);
const RELATIONS = new Set<string>(MODEL.RELATIONS);
const TEST_ENGINES = new Set<string>(MODEL.TEST_ENGINES);

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const ADDRESS = new RegExp(`^${ATOM}(?:\\.${ATOM})*@${LABEL}(?:\\.${LABEL})*$`);
/** RFC 5322 field name: printable ASCII without spaces or ":". */
export const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
/** IMAP atom (RFC 3501): printable ASCII except atom-specials. */
const KEYWORD = /^[^\s(){%*"\\\]\u0000-\u001f\u007f-\uffff]+$/;
const SENDER_PATTERN = /^[^\s#"\\\u0000-\u001f\u007f-\u009f]+$/;
const AUTHSERV_ID = /^[^\s;"()\\\u0000-\u001f\u007f-\u009f]+$/;
/** Comparator capabilities hold a ";" (`comparator-i;ascii-numeric`). */
const CAPABILITY = /^[A-Za-z0-9][A-Za-z0-9._:;-]*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const LONE_TRAILING_BACKSLASH = /(?<!\\)(?:\\\\)*\\$/;

export function findProblems(rs: RuleSet, opts: ValidateOptions = {}): Problem[] {
  const limits = resolveLimits(opts.limits);
  const out: Problem[] = [];
  const report = (node: object, code: DiagnosticCode, message: string, severity: Severity = 'error', field?: string): void => {
    out.push({ diagnostic: { code, severity, message }, node, ...(field ? { field } : {}) });
  };
  checkSettings(rs, report);
  for (const [list, entries] of [['whitelist', rs.whitelist], ['blocklist', rs.blocklist]] as const) {
    const seen = new Set<string>();
    for (const entry of entries) {
      if (!SENDER_PATTERN.test(entry.pattern)) {
        report(entry, 'bad_pattern', `${list} pattern ${show(entry.pattern)} must be a non-empty address pattern without spaces, quotes, backslashes, "#" or control characters`);
      }
      const key = entry.pattern.toLowerCase();
      if (seen.has(key)) report(entry, 'duplicate_pattern', `${list} pattern ${show(entry.pattern)} is listed twice`, 'warning');
      seen.add(key);
      if ('action' in entry && !BLOCK_ACTIONS.has(entry.action)) report(entry, 'bad_block_action', `unknown blocklist action ${show(entry.action)}`);
    }
  }
  checkSenderLists(rs, limits, report);
  const names = new Set<string>();
  rs.rules.forEach((item, index) => {
    if ('kind' in item) return checkRaw(item, index, opts, report);
    if (names.has(item.name)) report(item, 'duplicate_rule_name', `rule name ${show(item.name)} is used by an earlier rule`);
    names.add(item.name);
    checkRule(item, limits, report);
  });
  return out;
}

type Report = (node: object, code: DiagnosticCode, message: string, severity?: Severity, field?: string) => void;
type Fail = (code: DiagnosticCode, message: string) => void;

/**
 * Reports errors on `node`, each message led by the rule's name. The name is
 * quoted only when there is a problem: a big rule set has none, and quoting
 * every rule's name was a good part of its validation time.
 */
function failIn(rule: Rule, node: object, report: Report): Fail {
  return (code, message) => report(node, code, `${ruleWhere(rule)}: ${message}`);
}

function ruleWhere(rule: Rule): string {
  return `rule ${show(rule.name)}`;
}

/**
 * The emitted script matches the trusted senders with one string list and the
 * blocked ones with one list per block action; a trusted sender that is also
 * blocked makes the block do nothing for that sender.
 */
function checkSenderLists(rs: RuleSet, limits: SieveLimits, report: Report): void {
  const lists: Array<[string, readonly object[]]> = [
    ['trusted senders', rs.whitelist.filter((e) => !e.authenticated)],
    ...[...BLOCK_ACTIONS].map((action): [string, readonly object[]] => [`blocked senders (${action})`, rs.blocklist.filter((e) => e.action === action)]),
  ];
  for (const [what, entries] of lists) {
    if (entries.length > limits.maxStringListLength) {
      report(entries[limits.maxStringListLength]!, 'too_many_values', `${entries.length} ${what} make one Sieve string list; at most ${limits.maxStringListLength} are allowed`);
    }
  }
  for (const { trusted, blocked } of senderConflicts(rs.whitelist, rs.blocklist)) {
    const both = `trusted sender ${show(trusted.pattern)} and blocked sender ${show(blocked.pattern)}`;
    const why = 'mail from a trusted sender is never blocked, so this block does nothing';
    report(trusted, 'trusted_and_blocked', `${both}: ${why}`, 'warning');
    report(blocked, 'trusted_and_blocked', `${both}: ${why}`, 'warning');
  }
}

function checkSettings(rs: RuleSet, report: Report): void {
  const s = rs.settings;
  checkLine(s.junkFolder, 'the junk folder name', 'empty_folder', (code, msg) => report(s, code, msg, 'error', 'junkFolder'));
  if (!Number.isFinite(s.threshold)) report(s, 'bad_threshold', 'the spam threshold must be a finite number', 'error', 'threshold');
  if (s.spamFilter !== undefined && typeof s.spamFilter !== 'boolean') {
    report(s, 'bad_spam_filter', 'the spam filter setting must be on (true) or off (false)', 'error', 'spamFilter');
  }
  if (s.trustedAuthservId !== undefined && !AUTHSERV_ID.test(s.trustedAuthservId)) {
    report(s, 'bad_authserv_id', `trusted authserv-id ${show(s.trustedAuthservId)} must be one token without spaces, ";", quotes or control characters`, 'error', 'trustedAuthservId');
  }
}

/** Single-line names: non-empty, no control characters, valid Unicode. */
function checkLine(value: string, what: string, emptyCode: DiagnosticCode, fail: Fail): void {
  if (value.trim() === '') fail(emptyCode, `${what} is empty`);
  else if (CONTROL.test(value)) fail('control_character', `${what} ${show(value)} contains a control character or line break`);
  else checkText(value, what, fail);
}

/** Free text: anything Sieve can carry, i.e. no NUL and no lone surrogate. */
function checkText(value: string, what: string, fail: Fail): void {
  const problem = textProblem(value);
  if (problem) fail(problem.code, `${what} ${problem.why}`);
}

function textProblem(value: string): { code: DiagnosticCode; why: string } | null {
  if (value.includes('\u0000')) return { code: 'nul_character', why: 'contains a NUL character, which Sieve cannot represent' };
  if (LONE_SURROGATE.test(value)) return { code: 'bad_unicode', why: 'contains an unpaired surrogate, which is not valid Unicode' };
  return null;
}

function checkRule(rule: Rule, limits: SieveLimits, report: Report): void {
  checkLine(rule.name, 'rule name', 'empty_rule_name', (code, msg) => report(rule, code, msg));
  if (!COMBINES.has(rule.combine)) report(rule, 'bad_combine', `${ruleWhere(rule)}: unknown combination ${show(rule.combine)}`);
  if (rule.conditions.length === 0) report(rule, 'empty_group', `${ruleWhere(rule)} has no conditions (use "when always" for every message)`);
  if (rule.placement !== undefined && rule.placement !== 'before' && rule.placement !== 'after') {
    report(rule, 'bad_placement', `${ruleWhere(rule)}: placement must be "before" or "after"`);
  }
  for (const comment of rule.comments ?? []) {
    // A comment is one `#` line of the script: a line break would end it.
    if (CONTROL.test(comment)) report(rule, 'control_character', `${ruleWhere(rule)}: a comment contains a control character or line break`);
    else checkText(comment, `${ruleWhere(rule)} comment`, (code, msg) => report(rule, code, msg));
  }
  for (const condition of rule.conditions) checkCondition(condition, rule, 1, limits, report);
  if (rule.actions.length === 0) report(rule, 'no_actions', `${ruleWhere(rule)} has no actions, so it changes nothing`, 'warning');
  rule.actions.forEach((action, i) => {
    if (action.kind === 'stop' && i < rule.actions.length - 1) report(rule.actions[i + 1] as Action, 'after_stop', `${ruleWhere(rule)}: actions after "stop" never run`, 'warning');
    checkAction(action, rule, report);
  });
  // A locked before-rule runs in Dovecot's sieve_before script: its `stop` ends only that script, and the
  // user's script still runs unless the message is no longer kept (see grammar/global-scripts.ts).
  if (rule.locked && rule.enabled && rule.placement !== 'after' && rule.actions.some((a) => a.kind === 'stop') && !rule.actions.some(cancelsKeep)) {
    report(rule, 'locked_stop_continues', `${ruleWhere(rule)}: "stop" in a locked rule ends only the administrator's script; the user's own rules still run, since the message is still kept (file, forward or discard it to end its delivery)`, 'warning');
  }
}

/** Cancels the implicit keep, which is what ends Dovecot's sequence of scripts. */
function cancelsKeep(a: Action): boolean {
  return ((a.kind === 'fileinto' || a.kind === 'redirect') && a.copy !== true) || a.kind === 'discard' || a.kind === 'reject';
}

function checkCondition(c: Condition, rule: Rule, depth: number, limits: SieveLimits, report: Report): void {
  const fail = failIn(rule, c, report);
  if (depth > MAX_CONDITION_DEPTH) return fail('too_deep', `conditions are nested more than ${MAX_CONDITION_DEPTH} levels deep`);
  switch (c.kind) {
    case 'address':
    case 'envelope':
      if (c.kind === 'address' && !ADDRESS_HEADERS.has(c.header)) fail('bad_address_header', `unknown address header ${show(c.header)}`);
      if (c.kind === 'envelope' && c.field !== 'from' && c.field !== 'to') fail('bad_envelope_field', `envelope field must be "from" or "to"`);
      if (!ADDRESS_PARTS.has(c.part)) fail('bad_address_part', `unknown address part ${show(c.part)}`);
      return checkMatch(c.test, limits, fail);
    case 'header':
      checkHeaderNames(c.names, limits, fail);
      return checkMatch(c.test, limits, fail);
    case 'subject':
    case 'list-id':
    case 'body':
      return checkMatch(c.test, limits, fail);
    case 'exists':
      return checkHeaderNames(c.names, limits, fail);
    case 'size':
      if (c.comparison !== 'over' && c.comparison !== 'under') fail('bad_size', 'size comparison must be "over" or "under"');
      if (!Number.isSafeInteger(c.bytes) || c.bytes < 0) fail('bad_size', `size ${c.bytes} must be a whole number of bytes, 0 or more`);
      return;
    case 'auth':
      if (!AUTH_METHODS.has(c.method)) fail('bad_auth', `unknown authentication method ${show(c.method)}`);
      if (!AUTH_RESULTS.has(c.result)) fail('bad_auth', `unknown authentication result ${show(c.result)}`);
      return;
    case 'spam-score':
      if (!Number.isFinite(c.atLeast)) fail('bad_score', 'spam score must be a finite number');
      return;
    case 'spamtest': {
      if (!TEST_ENGINES.has(c.engine)) fail('bad_score', `unknown verdict ${show(c.engine)}: "spam" or "virus"`);
      if (!RELATIONS.has(c.relation)) fail('bad_score', `unknown relation ${show(c.relation)}: gt, ge, lt, le, eq or ne`);
      if (c.percent && c.engine !== 'spam') fail('bad_score', 'only the spam test has a percent form');
      // The ranges the tests yield (RFC 5235 §3, §4; RFC 3685 for virustest).
      const max = c.engine === 'virus' ? 5 : c.percent ? 100 : 10;
      if (!Number.isSafeInteger(c.value) || c.value < 0 || c.value > max) fail('bad_score', `${c.engine} test value must be a whole number from 0 to ${max}, not ${show(c.value)}`);
      return;
    }
    case 'always':
      return;
    case 'not':
      return checkCondition(c.condition, rule, depth + 1, limits, report);
    case 'group':
      if (!COMBINES.has(c.combine)) fail('bad_combine', `unknown combination ${show(c.combine)}`);
      if (c.conditions.length === 0) fail('empty_group', `"${c.combine} of" has no conditions`);
      for (const inner of c.conditions) checkCondition(inner, rule, depth + 1, limits, report);
      return;
    default:
      fail('unknown_kind', `unknown condition kind ${show((c as { kind: unknown }).kind)}`);
  }
}

function checkListLength(what: string, length: number, limits: SieveLimits, fail: Fail): void {
  if (length > limits.maxStringListLength) fail('too_many_values', `${length} ${what} make one Sieve string list; at most ${limits.maxStringListLength} are allowed`);
}

function checkHeaderNames(names: readonly string[], limits: SieveLimits, fail: Fail): void {
  if (names.length === 0) fail('empty_list', 'the list of header names is empty');
  checkListLength('header names', names.length, limits, fail);
  for (const name of names) {
    if (!HEADER_NAME.test(name)) fail('bad_header_name', `${show(name)} is not a header name (printable ASCII without spaces or ":")`);
  }
}

function checkMatch(test: StringMatch, limits: SieveLimits, fail: Fail): void {
  if (!MATCH_TYPES.has(test.match)) return fail('bad_match_type', `unknown match type ${show(test.match)}`);
  if (test.values.length === 0) fail('empty_list', 'the list of values to match is empty');
  checkListLength('values', test.values.length, limits, fail);
  // "contains" an empty string (or an empty regex) holds for every message: a
  // rule left blank would catch all mail. `is ""` asks for an empty header and stays.
  if ((test.match === 'contains' || test.match === 'regex') && test.values.includes('')) fail('empty_value', 'a value to match is empty; type what to look for');
  for (const value of test.values) {
    const problem = textProblem(value);
    if (problem) fail(problem.code, `value ${show(value)} ${problem.why}`);
    if (test.match === 'regex') checkRegexValue(value, test.caseSensitive === true, fail);
    // Pigeonhole 0.5's :matches panics at delivery on a key ending in an unpaired backslash.
    if (test.match === 'matches' && LONE_TRAILING_BACKSLASH.test(value)) {
      fail('bad_wildcard', `wildcard pattern ${show(value)} ends in a backslash that escapes nothing (a literal backslash is written as two)`);
    }
  }
}

/** Pigeonhole compiles regexes with glibc's POSIX extended dialect; regex/check.ts knows it. */
function checkRegexValue(value: string, caseSensitive: boolean, fail: Fail): void {
  const problem = checkRegex(value, { caseSensitive });
  if (problem) fail(problem.code, `regular expression ${show(value)}: ${problem.message}`);
}

function checkAction(a: Action, rule: Rule, report: Report): void {
  const fail = failIn(rule, a, report);
  switch (a.kind) {
    case 'fileinto':
      return checkLine(a.folder, 'folder name', 'empty_folder', fail);
    case 'redirect':
      return checkAddress(a.address, 'redirect address', fail);
    case 'reject':
      return checkText(a.reason, 'reject reason', fail);
    case 'keyword':
      if (!KEYWORD.test(a.keyword)) fail('bad_keyword', `keyword ${show(a.keyword)} must be an IMAP keyword (printable ASCII, no spaces, no ( ) { % * " \\ ])`);
      return;
    case 'vacation':
      return checkVacation(a.vacation, fail);
    case 'discard':
    case 'keep':
    case 'mark-read':
    case 'flag':
    case 'stop':
      return;
    default:
      fail('unknown_kind', `unknown action kind ${show((a as { kind: unknown }).kind)}`);
  }
}

function checkAddress(value: string, what: string, fail: Fail): void {
  if (!ADDRESS.test(value)) fail('bad_address', `${what} ${show(value)} is not an e-mail address such as name@example.org`);
}

function checkVacation(v: Vacation, fail: Fail): void {
  if (v.days !== undefined && (!Number.isInteger(v.days) || v.days < 1 || v.days > 365)) fail('bad_days', `vacation days must be a whole number from 1 to 365, not ${v.days}`);
  if (v.subject !== undefined) {
    if (CONTROL.test(v.subject)) fail('control_character', 'vacation subject contains a control character or line break');
    else checkText(v.subject, 'vacation subject', fail);
  }
  if (v.from !== undefined) checkAddress(v.from, 'vacation from address', fail);
  for (const address of v.addresses ?? []) checkAddress(address, 'vacation address', fail);
  checkText(v.message, 'vacation message', fail);
  for (const date of [v.start, v.end]) {
    if (date !== undefined && !isDate(date)) fail('bad_date', `${show(date)} is not a date in the form YYYY-MM-DD`);
  }
  if (v.start !== undefined && v.end !== undefined && isDate(v.start) && isDate(v.end) && v.end < v.start) {
    fail('vacation_dates', `vacation ends (${v.end}) before it starts (${v.start})`);
  }
}

function isDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** A raw block is copied into the script as it is: the server must be able to read and run it. */
function checkRaw(raw: RawBlock, index: number, opts: ValidateOptions, report: Report): void {
  const where = rawBlockLabel(raw, index);
  if (raw.name !== undefined) checkLine(raw.name, 'raw block name', 'empty_name', (code, msg) => report(raw, code, msg));
  let unreadable = false;
  checkText(raw.sieve, `${where} content`, (code, msg) => {
    unreadable = true;
    report(raw, code, msg);
  });
  const badNames = raw.requires.filter((req) => !CAPABILITY.test(req));
  for (const req of badNames) report(raw, 'bad_capability', `${where}: ${show(req)} is not a Sieve capability name`);
  // A switched-off block is emitted as comments, so the server never reads it.
  if (!raw.enabled || unreadable || badNames.length > 0) return;
  // Positions inside the block are in the messages; a diagnostic's own position is the rule set's.
  for (const { code, severity, message } of parseRawBlock(raw, where, opts).diagnostics) report(raw, code, message, severity);
}

/** A value quoted for a message, shortened so a 10,000-character string does not flood the output. */
function show(value: unknown): string {
  const text = JSON.stringify(String(value));
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text;
}
