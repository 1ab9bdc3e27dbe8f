// Every place a parsed Sieve script sends mail away from the mailbox, with
// where it goes, found on the syntax tree (never on the text: comments,
// multi-line strings, escapes and letter case are the parser's business).
//
// The commands Pigeonhole (2.3 and 2.4) can run that make mail leave:
//   redirect                  core, with or without :copy (and the :notify,
//                             :ret, :by, :bymode, :list tags of extensions)
//   notify                    enotify (RFC 5435): the method URI; and the
//                             deprecated notify draft: :method and :options
//   report                    vnd.dovecot.report: an abuse report with the
//                             message to an address
//   pipe, filter, execute     vnd.dovecot.pipe/filter/execute: the message
//                             goes to a program the server runs
//   include                   another script, which this one cannot see
// Every other command keeps mail in the mailbox or answers the sender only:
// vacation (a reply to the envelope sender; :from and :addresses change its
// From and which of the user's own addresses it answers for, never who gets
// it) and reject/ereject (a refusal to the sender) are replies, not forwards.
// A command Pigeonhole does not know is refused when the script compiles,
// so it cannot send anything. Of the tests, only execute and filter (which
// Pigeonhole also takes as tests) hand the message on; every command and
// every test is walked, in every block and test list at any depth
// (if/elsif/else, foreverypart, allof/anyof/not, ...).
import { readArgs, type ArgSpec } from './import/sieve-args.js';
import type { SieveArgument, SieveCommand, SieveScript, SieveTest } from './sieve-ast.js';

export interface Outbound {
  /** The sending command, lower case. */
  command: string;
  /** Where it goes: a literal address, or the value as written when it is not one. */
  target: string;
  /** Null when `target` is a literal address the allowed domains can judge; otherwise why they cannot. */
  unverifiable: string | null;
  /** Where the command starts in the script (1-based). */
  line: number;
  column: number;
}

/** A plain addr-spec: dot-atom local part and a host name. Anything else (comments, display names, quoting, literals) is not judged. */
const LITERAL_ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/;

/**
 * The address a string stands for when its domain can be read off it
 * exactly: a plain addr-spec, with the white space around it that Pigeonhole
 * skips (a multi-line string ends in a line break). Pigeonhole accepts more
 * (`x@evil.example (ok@corp.example)` goes to x@evil.example), so those
 * forms are not read at all: null.
 */
export function literalAddress(value: string): string | null {
  const address = value.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  return !address.includes('${') && LITERAL_ADDRESS.test(address) ? address : null;
}

const REDIRECT: ArgSpec = {
  tags: { copy: 'none', notify: 'string', ret: 'string', by: 'number', bymode: 'string', bytrace: 'none', list: 'none' },
  positional: ['strings'],
};
const ENOTIFY: ArgSpec = { tags: { from: 'string', importance: 'string', options: 'strings', message: 'string' }, positional: ['string'] };
const DEPRECATED_NOTIFY: ArgSpec = {
  tags: { method: 'string', id: 'string', options: 'strings', message: 'string', low: 'none', normal: 'none', high: 'none' },
  positional: [],
};
const REPORT: ArgSpec = { tags: { headers_only: 'none' }, positional: ['string', 'string', 'string'] };

/** Commands that hand the message to something this check cannot see into. */
const OPAQUE: Record<string, string> = {
  pipe: 'it pipes the message to a program on the server',
  filter: 'it passes the message through a program on the server',
  execute: 'it runs a program on the server',
  include: 'it runs another script, which is not checked here',
};

export function outboundOf(script: SieveScript): Outbound[] {
  const out: Outbound[] = [];
  const add = (node: SieveCommand | SieveTest, found: Destination[]): void => {
    for (const [target, unverifiable] of found) {
      out.push({ command: node.name.toLowerCase(), target, unverifiable, line: node.loc.start.line, column: node.loc.start.column });
    }
  };
  const visitTests = (tests: readonly SieveTest[]): void => {
    for (const t of tests) {
      add(t, programOrScript(t));
      visitTests(t.tests);
    }
  };
  const visit = (commands: readonly SieveCommand[]): void => {
    for (const c of commands) {
      visitTests(c.tests);
      add(c, destinations(c));
      if (c.block) visit(c.block);
    }
  };
  visit(script.commands);
  return out;
}

type Destination = [target: string, unverifiable: string | null];

function destinations(c: SieveCommand): Destination[] {
  const name = c.name.toLowerCase();
  if (name in OPAQUE) return programOrScript(c);
  if (name === 'redirect') {
    const args = readArgs(c, REDIRECT);
    return args.ok ? strings(args.value.positional).flatMap(address) : everyString(c);
  }
  if (name === 'notify') {
    const modern = readArgs(c, ENOTIFY);
    if (modern.ok) return strings(modern.value.positional).flatMap(methodUri);
    const old = readArgs(c, DEPRECATED_NOTIFY);
    if (!old.ok) return everyString(c);
    const { tags } = old.value;
    const method = tags.get('method');
    const methodName = method?.type === 'string' ? method.value : 'mailto';
    const options = tags.get('options');
    const recipients = (options ? strings([options]) : []).flatMap(address);
    return methodName.toLowerCase() === 'mailto' ? recipients : [[methodName, 'it notifies by a method other than mailto'], ...recipients];
  }
  if (name === 'report') {
    const args = readArgs(c, REPORT);
    return args.ok ? strings(args.value.positional.slice(2)).flatMap(address) : everyString(c);
  }
  return [];
}

/** Tags of execute that take a value (the other tags of these commands take none). */
const VALUED_TAGS = new Set(['input', 'output']);

/** A program or included script, named by its first positional string. */
function programOrScript(node: SieveCommand | SieveTest): Destination[] {
  const name = node.name.toLowerCase();
  const why = OPAQUE[name];
  if (why === undefined) return [];
  let target = name;
  for (let i = 0; i < node.arguments.length; i++) {
    const a = node.arguments[i]!;
    if (a.type === 'tag' && VALUED_TAGS.has(a.name.toLowerCase())) i++;
    else if (a.type === 'string') {
      target = a.value;
      break;
    }
  }
  return [[target, why]];
}

function strings(args: readonly SieveArgument[]): string[] {
  return args.flatMap((a) => (a.type === 'string' ? [a.value] : a.type === 'string-list' ? a.items.map((s) => s.value) : []));
}

/** Arguments the check could not sort out: every string in them may be where mail goes. */
function everyString(c: SieveCommand): Destination[] {
  return strings(c.arguments).flatMap((s) => (/^mailto:/i.test(s) ? methodUri(s) : address(s)));
}

const BUILT = 'it is built from variables or encoded characters';

/** Why a target cannot be judged by its domain, or null for a literal address. */
export function addressProblem(value: string): string | null {
  if (value.includes('${')) return BUILT;
  return literalAddress(value) === null ? 'it is not a plain address' : null;
}

function address(value: string): Destination[] {
  return [[literalAddress(value) ?? value, addressProblem(value)]];
}

function methodUri(uri: string): Destination[] {
  if (uri.includes('${')) return [[uri, BUILT]];
  const recipients = mailtoRecipients(uri);
  if (recipients === null) return [[uri, /^mailto:/i.test(uri) ? 'it is not a readable mailto: URI' : 'it notifies by a method other than mailto']];
  return recipients.flatMap(address);
}

/** Header fields of a mailto: URI that add recipients (RFC 6068; Pigeonhole ignores bcc, counted all the same). */
const RECIPIENT_FIELDS = new Set(['to', 'cc', 'bcc']);

/** Every recipient of a mailto: URI (RFC 6068), percent-decoded; null when it is not one or cannot be decoded. */
export function mailtoRecipients(uri: string): string[] | null {
  const m = /^mailto:([^?]*)(?:\?(.*))?$/is.exec(uri);
  if (!m) return null;
  const split = (list: string): string[] => list.split(',').filter((a) => a !== '');
  try {
    const out = split(decodeURIComponent(m[1]!));
    for (const field of m[2]?.split('&') ?? []) {
      const eq = field.indexOf('=');
      const name = decodeURIComponent(eq < 0 ? field : field.slice(0, eq)).toLowerCase();
      if (RECIPIENT_FIELDS.has(name)) out.push(...split(decodeURIComponent(eq < 0 ? '' : field.slice(eq + 1))));
    }
    return out;
  } catch {
    // decodeURIComponent throws URIError on a malformed percent sequence.
    return null;
  }
}
