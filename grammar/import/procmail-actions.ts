// A recipe's action line -> rule-model actions. Folder paths become IMAP
// folder names (relative to MAILDIR; Maildir++ `.Folder/` -> `Folder`; MH
// `dir/.` -> `dir`), `$DEFAULT` becomes keep, `/dev/null` discard, `!`
// redirect. Pipes are recognised when they are a known idiom (SpamAssassin,
// formail autoreply, formail -D) and reported otherwise.
import type { Action, Vacation } from '../model.js';
import type { ProcmailAction } from '../procmail-ast.js';
import type { RecipeFlags } from './procmail-flags.js';
import { HOME, expandText, type Env } from './procmail-vars.js';

export type ActionResult =
  | { kind: 'actions'; actions: Action[]; changes: string[]; spamRouting?: boolean }
  /** A Sieve fragment the model has no shape for (duplicate suppression). */
  | { kind: 'raw'; sieve: string; requires: string[]; changes: string[] }
  | { kind: 'skip'; status: 'not-converted' | 'dropped-on-purpose'; reason: string };

export interface ActionOptions {
  /** A Map, not an object: a folder named `constructor` or `__proto__` must not find Object's members. */
  folderMap: ReadonlyMap<string, string>;
  capabilities: readonly string[] | undefined;
}

function clean(path: string): string {
  const parts: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}

function known(env: Env, name: string): string | null {
  const v = env.get(name);
  return v && 'known' in v ? v.known : null;
}

type Dest = { kind: 'keep' } | { kind: 'discard' } | { kind: 'folder'; name: string; change?: string };

/** One destination path, as procmail would resolve it, to where the message lands in IMAP terms. */
export function destination(path: string, env: Env, folderMap: ReadonlyMap<string, string>): Dest {
  if (path === '/dev/null') return { kind: 'discard' };
  const mapped = folderMap.get(path);
  if (mapped !== undefined) return { kind: 'folder', name: mapped };
  const maildir = clean(known(env, 'MAILDIR') ?? HOME);
  const abs = clean(path.startsWith('/') ? path : `${maildir}/${path}`);
  const def = known(env, 'DEFAULT');
  const defAbs = def === null ? null : clean(def.startsWith('/') ? def : `${maildir}/${def}`);
  if (abs === defAbs || abs === clean(known(env, 'ORGMAIL') ?? '')) return { kind: 'keep' };
  let rel: string;
  let change: string | undefined;
  if (abs === maildir) return { kind: 'keep' };
  if (abs.startsWith(`${maildir}/`)) rel = abs.slice(maildir.length + 1);
  else if (abs.startsWith(`${HOME}/`)) {
    rel = abs.slice(HOME.length + 1);
    change = `the path is outside MAILDIR; it became the folder name '${rel}'`;
  } else {
    rel = abs.slice(1);
    const shown = path.replace(HOME, '$HOME').replace('%user%', '$LOGNAME');
    change = `the absolute path ${shown} is outside the user's mail; it became the folder name '${rel.replace('%user%', '$LOGNAME')}'`;
  }
  // Maildir++ keeps subfolders as `.Name` directories with `.` as hierarchy separator.
  const name = rel.startsWith('.') ? rel.slice(1) : rel;
  const relMapped = folderMap.get(rel) ?? folderMap.get(name);
  if (relMapped !== undefined) return { kind: 'folder', name: relMapped };
  if (name === '' || name.toUpperCase() === 'INBOX') return { kind: 'keep' };
  return { kind: 'folder', name, ...(change ? { change } : {}) };
}

function folderActions(text: string, env: Env, flags: RecipeFlags, opts: ActionOptions): ActionResult {
  const expanded = expandText(text, env);
  if ('unknown' in expanded) return { kind: 'skip', status: 'not-converted', reason: `the folder name ${expanded.unknown}` };
  const paths = expanded.text.split(/[ \t]+/).filter((p) => p !== '');
  if (paths.length === 0) return { kind: 'skip', status: 'not-converted', reason: 'the action line names no folder' };
  const actions: Action[] = [];
  const changes: string[] = [];
  let spamRouting = false;
  for (const raw of paths.length > 1 ? paths : [expanded.text.trim()]) {
    const mh = raw.endsWith('/.');
    const d = destination(mh ? raw.slice(0, -2) : raw.replace(/\/+$/, ''), env, opts.folderMap);
    if (d.kind === 'discard') {
      if (!flags.copy) actions.push({ kind: 'discard' });
      continue;
    }
    if (d.kind === 'keep') {
      actions.push({ kind: 'keep' });
      continue;
    }
    if (d.change) changes.push(d.change);
    if (/^(junk|spam|spams|\S*spam\S*)$/i.test(d.name.split(/[/.]/).pop() ?? '')) spamRouting = true;
    actions.push({ kind: 'fileinto', folder: d.name, ...(flags.copy ? { copy: true } : {}) });
  }
  return { kind: 'actions', actions, changes, spamRouting };
}

function forwardActions(text: string, env: Env, flags: RecipeFlags): ActionResult {
  const expanded = expandText(text, env);
  if ('unknown' in expanded) return { kind: 'skip', status: 'not-converted', reason: `the forward address ${expanded.unknown}` };
  const words = expanded.text.split(/[ \t,]+/).filter((w) => w !== '');
  const options = words.filter((w) => w.startsWith('-'));
  const addresses = words.filter((w) => !w.startsWith('-'));
  if (addresses.length === 0) return { kind: 'skip', status: 'not-converted', reason: 'the forward names no address' };
  const changes = options.length > 0 ? [`sendmail options ${options.join(' ')} are not used by Sieve redirect`] : [];
  const actions: Action[] = addresses.map((address) => ({ kind: 'redirect', address, ...(flags.copy ? { copy: true } : {}) }));
  return { kind: 'actions', actions, changes };
}

const SPAMASSASSIN = /(^|[\s/|;(])(spamassassin|spamc)(\s|$|;|\))/;
const OTHER_SPAM_FILTERS = /\b(bogofilter|spambayes|sb_filter(\.py)?|crm114?|mailreaver|dspam|spamprobe|annoyance-filter|qsf|bmf|ifile|spamoracle)\b|\$SPAMBAYES\b/i;

function vacationFrom(command: string): Vacation {
  const echo = /\becho\s+(["'])(.*?)\1/s.exec(command);
  const cat = /\bcat\s+(?:-\s+)?([^\s;|)]+)/.exec(command);
  const subject = /-[IA]\s*["']Subject:\s*([^"']*)["']/i.exec(command);
  const message = echo ? echo[2]! : cat ? `(the reply text from ${cat[1]})` : '(the reply text of the procmail autoreply)';
  return { message, ...(subject ? { subject: subject[1]!.trim() } : {}) };
}

function pipeActions(command: string, capture: string | undefined, flags: RecipeFlags, opts: ActionOptions): ActionResult {
  const short = command.length > 60 ? `${command.slice(0, 57)}...` : command;
  if (capture !== undefined) {
    return { kind: 'skip', status: 'not-converted', reason: `sets $${capture} from the output of \`${short}\`; Sieve cannot run programs` };
  }
  if (SPAMASSASSIN.test(command)) {
    return {
      kind: 'skip',
      status: 'dropped-on-purpose',
      reason: 'SpamAssassin filter: the mail server already scans incoming mail; spam routing belongs to the rule set\'s spam settings',
    };
  }
  if (OTHER_SPAM_FILTERS.test(command)) {
    return { kind: 'skip', status: 'not-converted', reason: `runs another spam filter (\`${short}\`); Sieve cannot run it, so its verdict is not available to later rules` };
  }
  if (/\bformail\b[^|;]*\s-[a-zA-Z]*D\b/.test(command) && !flags.filter) {
    const caps = opts.capabilities;
    if (caps !== undefined && !caps.includes('duplicate')) {
      return { kind: 'skip', status: 'not-converted', reason: "duplicate suppression (formail -D); the server's Sieve has no 'duplicate' extension" };
    }
    if (flags.copy) {
      return { kind: 'skip', status: 'not-converted', reason: 'duplicate check whose result only later recipes use (formail -D with the c flag); the rule model cannot carry that result' };
    }
    return {
      kind: 'raw',
      sieve: 'if duplicate {\n  discard;\n  stop;\n}\n',
      requires: ['duplicate'],
      changes: ["Sieve's duplicate test remembers Message-IDs for a time (server default); formail -D kept a cache of a fixed size"],
    };
  }
  if (/\bformail\b[^|]*\s-[a-zA-Z]*r/.test(command) && /sendmail/i.test(command)) {
    return {
      kind: 'actions',
      actions: [{ kind: 'vacation', vacation: vacationFrom(command) }],
      changes: [
        'the formail autoreply becomes a Sieve vacation reply: it answers each sender once per period and never answers lists or automated mail',
      ],
    };
  }
  if (flags.filter) {
    const edits = [...command.matchAll(/-[IAia]\s*["']?([A-Za-z0-9-]+):/g)].map((m) => m[1]);
    const what = /\bformail\b/.test(command) && edits.length > 0 ? `rewrites header field(s) ${[...new Set(edits)].join(', ')}` : `filters the message through \`${short}\``;
    return { kind: 'skip', status: 'not-converted', reason: `${what}; Sieve rules cannot change the message, so later rules see it unchanged` };
  }
  return {
    kind: 'skip',
    status: 'not-converted',
    reason: `runs the program \`${short}\`; Sieve cannot run programs${flags.copy ? '' : ' (procmail stopped here when the program succeeded; the converted rules go on to the next rule)'}`,
  };
}

export function convertAction(action: ProcmailAction, env: Env, flags: RecipeFlags, opts: ActionOptions): ActionResult {
  switch (action.kind) {
    case 'folder':
      return folderActions(action.text, env, flags, opts);
    case 'forward':
      return forwardActions(action.text, env, flags);
    case 'pipe':
      return pipeActions(action.command, action.capture, flags, opts);
    case 'block':
    case 'missing':
      return { kind: 'skip', status: 'not-converted', reason: 'the recipe has no action line' };
  }
}
