// Which Sieve extension each command, test and tag belongs to, as the
// server sees it: Pigeonhole refuses a script that uses one without
// `require`-ing it. Each entry lists the capabilities any one of which makes
// the name known (`imapflags` is the older draft of `imap4flags`,
// `spamtestplus` includes `spamtest`). Core RFC 5228 names and names no
// extension here defines are absent: what they need is unknown, so nothing is
// claimed about them. (grammar/import/sieve-requires.ts answers the opposite
// question, which `require`s a block may keep, and errs on keeping.)

const COMMANDS: Readonly<Record<string, readonly string[]>> = {
  fileinto: ['fileinto'],
  reject: ['reject'],
  ereject: ['ereject'],
  vacation: ['vacation'],
  setflag: ['imap4flags', 'imapflags'],
  addflag: ['imap4flags', 'imapflags'],
  removeflag: ['imap4flags', 'imapflags'],
  mark: ['imapflags'],
  unmark: ['imapflags'],
  set: ['variables'],
  include: ['include'],
  return: ['include'],
  global: ['include'],
  addheader: ['editheader'],
  deleteheader: ['editheader'],
  notify: ['enotify', 'notify'],
  error: ['ihave'],
  foreverypart: ['foreverypart'],
  break: ['foreverypart'],
  extracttext: ['extracttext'],
  debug_log: ['vnd.dovecot.debug'],
};

const TESTS: Readonly<Record<string, readonly string[]>> = {
  envelope: ['envelope'],
  body: ['body'],
  date: ['date'],
  currentdate: ['date'],
  mailboxexists: ['mailbox'],
  spamtest: ['spamtest', 'spamtestplus'],
  virustest: ['virustest'],
  duplicate: ['duplicate', 'vnd.dovecot.duplicate'],
  environment: ['environment'],
  ihave: ['ihave'],
  string: ['variables'],
  hasflag: ['imap4flags', 'imapflags'],
  valid_notify_method: ['enotify'],
  notify_method_capability: ['enotify'],
};

const TAGS: Readonly<Record<string, readonly string[]>> = {
  regex: ['regex'],
  count: ['relational'],
  value: ['relational'],
  copy: ['copy'],
  create: ['mailbox'],
  flags: ['imap4flags', 'imapflags'],
  user: ['subaddress'],
  detail: ['subaddress'],
  index: ['index'],
  last: ['index'],
  mime: ['mime'],
  anychild: ['mime'],
  seconds: ['vacation-seconds'],
};

/** Commands whose own tag of the same name needs nothing more (vacation's `:mime`, RFC 5230). */
const OWN_TAGS: Readonly<Record<string, readonly string[]>> = {
  mime: ['vacation'],
  // editheader's own (RFC 5293 §5-6), not the index extension's.
  index: ['deleteheader'],
  last: ['addheader', 'deleteheader'],
};

/** Comparators every server has without a `require` (RFC 5228 §2.7.3). */
const BUILTIN_COMPARATORS = new Set(['i;octet', 'i;ascii-casemap']);

export type SieveNameKind = 'command' | 'test' | 'tag';

/**
 * The capabilities that provide `name` (any one suffices), or null when it
 * needs none we know of. For a tag, `owner` is the command or test it is given to.
 */
export function extensionsFor(kind: SieveNameKind, name: string, owner = ''): readonly string[] | null {
  const key = name.toLowerCase();
  if (kind === 'tag' && OWN_TAGS[key]?.includes(owner.toLowerCase())) return null;
  const table = kind === 'command' ? COMMANDS : kind === 'test' ? TESTS : TAGS;
  return Object.hasOwn(table, key) ? table[key]! : null;
}

/** The capability a `:comparator` needs, or null for the built-in ones. */
export function comparatorExtension(comparator: string): string | null {
  const lower = comparator.toLowerCase();
  return BUILTIN_COMPARATORS.has(lower) ? null : `comparator-${lower}`;
}
