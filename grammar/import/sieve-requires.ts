// Which of a script's `require`d capabilities a verbatim block needs. A raw
// block keeps only those, so deleting it later does not leave stray requires
// behind; a capability this table does not know is always kept, because
// keeping one too many is harmless (the original script required it) while
// keeping one too few breaks the script.
import { FILTER_JUNK_KEYWORD } from '../model.js';
import { stringValues, type SieveArgument, type SieveCommand, type SieveTest } from '../sieve-ast.js';
import { ownEntry } from '../own.js';

interface Usage {
  commands: Set<string>;
  tests: Set<string>;
  tags: Set<string>;
  comparators: Set<string>;
  /** Some string contains `${`: variables or encoded characters. */
  substitution: boolean;
  /** Some variable of the `global.` namespace is named, which the include extension defines. */
  globalNamespace: boolean;
}

type Detector = (u: Usage) => boolean;

const any = (set: Set<string>, ...names: string[]): boolean => names.some((n) => set.has(n));

const DETECTORS: Record<string, Detector> = {
  fileinto: (u) => any(u.commands, 'fileinto'),
  reject: (u) => any(u.commands, 'reject'),
  ereject: (u) => any(u.commands, 'ereject'),
  envelope: (u) => any(u.tests, 'envelope'),
  'encoded-character': (u) => u.substitution,
  variables: (u) => u.substitution || any(u.commands, 'set') || any(u.tests, 'string'),
  vacation: (u) => any(u.commands, 'vacation'),
  'vacation-seconds': (u) => any(u.tags, 'seconds'),
  relational: (u) => any(u.tags, 'count', 'value'),
  regex: (u) => any(u.tags, 'regex'),
  imap4flags: (u) => any(u.commands, 'setflag', 'addflag', 'removeflag') || any(u.tests, 'hasflag') || any(u.tags, 'flags'),
  imapflags: (u) => any(u.commands, 'setflag', 'addflag', 'removeflag', 'mark', 'unmark'),
  copy: (u) => any(u.tags, 'copy'),
  body: (u) => any(u.tests, 'body'),
  subaddress: (u) => any(u.tags, 'user', 'detail'),
  date: (u) => any(u.tests, 'date', 'currentdate'),
  index: (u) => any(u.tags, 'index', 'last'),
  mailbox: (u) => any(u.tests, 'mailboxexists') || any(u.tags, 'create'),
  spamtest: (u) => any(u.tests, 'spamtest'),
  spamtestplus: (u) => any(u.tests, 'spamtest'),
  virustest: (u) => any(u.tests, 'virustest'),
  include: (u) => any(u.commands, 'include', 'return', 'global') || u.globalNamespace,
  editheader: (u) => any(u.commands, 'addheader', 'deleteheader'),
  duplicate: (u) => any(u.tests, 'duplicate'),
  enotify: (u) => any(u.commands, 'notify') || any(u.tests, 'valid_notify_method', 'notify_method_capability'),
  environment: (u) => any(u.tests, 'environment'),
  ihave: (u) => any(u.tests, 'ihave') || any(u.commands, 'error'),
  foreverypart: (u) => any(u.commands, 'foreverypart', 'break'),
  mime: (u) => any(u.commands, 'foreverypart', 'break', 'replace', 'enclose') || any(u.tags, 'mime', 'anychild'),
  extracttext: (u) => any(u.commands, 'extracttext'),
};

export function requiresFor(commands: readonly SieveCommand[], scriptRequires: readonly string[]): string[] {
  const usage = usageOf(commands);
  return scriptRequires.filter((cap) => {
    const lower = cap.toLowerCase();
    if (lower.startsWith('comparator-')) return usage.comparators.has(lower.slice('comparator-'.length));
    const detect = ownEntry(DETECTORS, lower);
    return detect ? detect(usage) : true;
  });
}

/** Whether a string in these commands would be expanded under `variables` or `encoded-character`. */
export function usesSubstitution(commands: readonly SieveCommand[]): boolean {
  return usageOf(commands).substitution;
}

/** Whether these commands touch the internal flag variable (imap4flags). */
export function touchesFlags(commands: readonly SieveCommand[]): boolean {
  return any(usageOf(commands).commands, 'setflag', 'addflag', 'removeflag', 'mark', 'unmark');
}

/** Whether these commands set the keyword the emitter marks Junk filing with. */
export function hasJunkKeyword(commands: readonly SieveCommand[]): boolean {
  return commands.some(
    (c) =>
      (c.name.toLowerCase() === 'addflag' && c.arguments.some((a) => (stringValues(a) ?? []).includes(FILTER_JUNK_KEYWORD))) ||
      hasJunkKeyword(c.block ?? []),
  );
}

function usageOf(commands: readonly SieveCommand[]): Usage {
  const usage: Usage = { commands: new Set(), tests: new Set(), tags: new Set(), comparators: new Set(), substitution: false, globalNamespace: false };
  for (const c of commands) visitCommand(c, usage);
  return usage;
}

function visitCommand(c: SieveCommand, u: Usage): void {
  const name = c.name.toLowerCase();
  u.commands.add(name);
  const first = c.arguments.find((a) => a.type !== 'tag');
  if (name === 'set' && first?.type === 'string' && namesGlobal(first.value)) u.globalNamespace = true;
  visitArguments(c.arguments, u);
  for (const t of c.tests) visitTest(t, u);
  for (const inner of c.block ?? []) visitCommand(inner, u);
}

function visitTest(t: SieveTest, u: Usage): void {
  u.tests.add(t.name.toLowerCase());
  visitArguments(t.arguments, u);
  for (const inner of t.tests) visitTest(inner, u);
}

function visitArguments(args: readonly SieveArgument[], u: Usage): void {
  args.forEach((arg, i) => {
    if (arg.type === 'tag') {
      const tag = arg.name.toLowerCase();
      u.tags.add(tag);
      const next = args[i + 1];
      if (tag === 'comparator' && next?.type === 'string') u.comparators.add(next.value.toLowerCase());
    } else if (arg.type === 'string' || arg.type === 'string-list') {
      for (const value of arg.type === 'string' ? [arg.value] : arg.items.map((s) => s.value)) {
        if (!value.includes('${')) continue;
        u.substitution = true;
        if (referencesGlobal(value)) u.globalNamespace = true;
      }
    }
  });
}

/** A variable name in the `global.` namespace (RFC 5229 namespaces are case-insensitive). */
export function namesGlobal(name: string): boolean {
  return /^global\./i.test(name);
}

/** A string that refers to a `global.` variable, `${global.NAME}`. */
export function referencesGlobal(value: string): boolean {
  return /\$\{global\./i.test(value);
}
