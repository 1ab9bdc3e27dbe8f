// Plain-language wording of the rule model, shared by the list summaries,
// the pickers and the editors, so the same condition reads the same
// everywhere.
import type {
  Action,
  AddressHeader,
  AddressPart,
  AuthMethod,
  AuthResult,
  Combine,
  Condition,
  MatchType,
  Relation,
  SpamSettings,
  StringMatch,
} from '../../grammar/model.js';

const AUTH_SUBJECT: Record<AuthMethod, string> = {
  dmarc: "the sender's domain",
  spf: 'the sending server',
  dkim: 'the DKIM signature',
};

const AUTH_VERB: Record<AuthResult, (m: string) => string> = {
  fail: (m) => `failed ${m}`,
  pass: (m) => `passed ${m}`,
  softfail: (m) => `soft-failed ${m}`,
  neutral: (m) => `got a neutral ${m} result`,
  none: (m) => `has no ${m} result`,
  temperror: (m) => `had a temporary ${m} error`,
  permerror: (m) => `had a permanent ${m} error`,
};

/** "the sender's domain failed DMARC" */
export function authSentence(method: AuthMethod, result: AuthResult): string {
  if (method === 'dkim') {
    if (result === 'none') return 'the message has no DKIM signature';
    return `${AUTH_SUBJECT.dkim} ${result === 'pass' ? 'is valid' : AUTH_VERB[result]('DKIM')}`;
  }
  return `${AUTH_SUBJECT[method]} ${AUTH_VERB[result](method.toUpperCase())}`;
}

export const ADDRESS_HEADER_LABELS: Record<AddressHeader, string> = {
  from: 'the sender (From)',
  to: 'a recipient (To)',
  cc: 'a copy recipient (Cc)',
  bcc: 'a blind copy recipient (Bcc)',
  sender: 'the Sender header',
  'reply-to': 'the Reply-To address',
  any: 'any address in the message',
};

export const ADDRESS_PART_LABELS: Record<AddressPart, string> = {
  all: 'address',
  localpart: 'name before the @',
  domain: 'domain',
  user: 'name before the @ and any +tag',
  detail: 'the +tag after the name',
};

export const MATCH_TYPE_LABELS: Record<MatchType, string> = {
  contains: 'contains',
  is: 'is exactly',
  matches: 'matches the pattern',
  regex: 'matches the regular expression',
};

export const RELATION_LABELS: Record<Relation, string> = {
  gt: 'over',
  ge: 'at least',
  lt: 'under',
  le: 'at most',
  eq: 'exactly',
  ne: 'not',
};

export const COMBINE_LABELS: Record<Combine, string> = {
  all: 'all of these are true',
  any: 'any of these is true',
  none: 'none of these is true',
};

export const CONDITION_KIND_LABELS: Record<Condition['kind'], string> = {
  address: 'Sender or recipient address',
  envelope: 'Envelope address',
  header: 'Any header',
  subject: 'Subject',
  'list-id': 'Mailing list',
  size: 'Message size',
  body: 'Message text',
  exists: 'Header is present',
  auth: 'Authentication result (DMARC, SPF, DKIM)',
  'spam-score': 'Spam score',
  spamtest: 'Server spam or virus verdict',
  always: 'Every message',
  not: 'Not (the opposite of a condition)',
  group: 'Group of conditions',
};

export const ACTION_KIND_LABELS: Record<Action['kind'], string> = {
  fileinto: 'Move to folder',
  redirect: 'Forward to address',
  reject: 'Reject with a message',
  discard: 'Delete silently',
  keep: 'Keep in Inbox',
  'mark-read': 'Mark as read',
  flag: 'Flag',
  keyword: 'Add a label (keyword)',
  vacation: 'Auto-reply (vacation)',
  stop: 'Stop processing further rules',
};

function quoted(test: StringMatch): string {
  const vals = test.values.map((v) => `“${v}”`);
  if (vals.length === 0) return '…';
  return vals.length === 1 ? vals[0]! : `${vals.slice(0, -1).join(', ')} or ${vals[vals.length - 1]}`;
}

function matchPhrase(test: StringMatch): string {
  return `${MATCH_TYPE_LABELS[test.match]} ${quoted(test)}`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

export function describeCondition(c: Condition): string {
  switch (c.kind) {
    case 'address':
      return `${c.part === 'all' ? '' : `the ${ADDRESS_PART_LABELS[c.part]} of `}${ADDRESS_HEADER_LABELS[c.header]} ${matchPhrase(c.test)}`;
    case 'envelope':
      return `the envelope ${c.field === 'from' ? 'sender' : 'recipient'}${c.part === 'all' ? '' : ` ${ADDRESS_PART_LABELS[c.part]}`} ${matchPhrase(c.test)}`;
    case 'header':
      return `the header ${c.names.join(' or ') || '…'} ${matchPhrase(c.test)}`;
    case 'subject':
      return `the subject ${matchPhrase(c.test)}`;
    case 'list-id':
      return `the mailing list ${matchPhrase(c.test)}`;
    case 'size':
      return `the message is ${c.comparison} ${formatBytes(c.bytes)}`;
    case 'body':
      return `the message text ${matchPhrase(c.test)}`;
    case 'exists':
      return `the header ${c.names.join(' and ') || '…'} is present`;
    case 'auth':
      return authSentence(c.method, c.result);
    case 'spam-score':
      return `the spam score is at least ${c.atLeast}`;
    case 'spamtest':
      return `the server's ${c.engine} verdict${c.percent ? ' (in percent)' : ''} is ${RELATION_LABELS[c.relation]} ${c.value}`;
    case 'always':
      return 'every message';
    case 'not':
      return `not (${describeCondition(c.condition)})`;
    case 'group': {
      const joiner = c.combine === 'all' ? ' and ' : ' or ';
      const inner = c.conditions.map(describeCondition).join(joiner) || 'nothing';
      return c.combine === 'none' ? `none of (${inner})` : `(${inner})`;
    }
  }
}

export function describeAction(a: Action): string {
  switch (a.kind) {
    case 'fileinto':
      return `${a.copy ? 'copy' : 'move'} to “${a.folder}”${a.create ? ' (created if missing)' : ''}`;
    case 'redirect':
      return `${a.copy ? 'send a copy' : 'forward'} to ${a.address || '…'}`;
    case 'reject':
      return 'reject it';
    case 'discard':
      return 'delete it silently';
    case 'keep':
      return 'keep it in the Inbox';
    case 'mark-read':
      return 'mark it as read';
    case 'flag':
      return 'flag it';
    case 'keyword':
      return `label it “${a.keyword}”`;
    case 'vacation':
      return `reply with an auto-reply${replyDates(a.vacation.start, a.vacation.end)}`;
    case 'stop':
      return 'stop';
  }
}

export function describeRule(r: { combine: Combine; conditions: Condition[]; actions: Action[] }): string {
  const joiner = r.combine === 'all' ? ' and ' : ' or ';
  let when = r.conditions.map(describeCondition).join(joiner);
  if (r.conditions.length === 0) when = 'every message';
  if (r.combine === 'none' && r.conditions.length > 0) when = `none of: ${when}`;
  const then = r.actions.map(describeAction).join(', then ') || 'do nothing';
  return `If ${when}: ${then}.`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "2026-12-03" as "3 December 2026", the same in every browser locale (the preview and tests read it). */
export function formatDay(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  const month = MONTHS[(m ?? 0) - 1];
  return month && d && y ? `${d} ${month} ${y}` : iso;
}

/** When an auto-reply answers, for its summary; the dates are inclusive. */
export function replyDates(start: string | undefined, end: string | undefined): string {
  if (start && end) return ` from ${formatDay(start)} to ${formatDay(end)}`;
  if (start) return ` from ${formatDay(start)} on`;
  if (end) return ` until ${formatDay(end)}`;
  return '';
}

/** A score as SpamAssassin prints it: one decimal at least (5 -> "5.0"). */
export function formatScore(score: number): string {
  return Number.isInteger(score) ? score.toFixed(1) : String(score);
}

/** The built-in spam filter step, as the rules screen names it. */
export function spamFilterTitle(s: SpamSettings): string {
  return `Spam score ≥ ${formatScore(s.threshold)} → ${s.junkFolder}`;
}

/** A policy's action name in words: the rule actions, and `raw` for Sieve blocks kept as written. */
export function actionLabel(kind: string): string {
  if (kind === 'raw') return 'Sieve blocks (kept as written)';
  return (ACTION_KIND_LABELS as Record<string, string>)[kind] ?? kind;
}
