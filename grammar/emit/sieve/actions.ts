// Actions -> Sieve commands. Returns the command lines of one rule's block.
// Values are checked by validateRuleSet, not here: an invalid address or
// keyword still comes out as quoted data, which the server may refuse.
//
// Shapes worth knowing when reading a script back:
// - Flag actions (mark read, flag, keyword) come first in the block, as
//   `addflag`, whatever their position in the rule: "file into X and mark
//   read" must mark the copy in X too, and addflag only affects later stores.
// - A fileinto to the Junk folder is bracketed so the copy carries
//   FILTER_JUNK_KEYWORD and later stores do not:
//     addflag "$SievewrightJunk"; fileinto "Junk"; removeflag "$SievewrightJunk";
// - Vacation with dates runs under
//     if allof(currentdate :value "ge" "date" "START", currentdate :value "le" "date" "END") { vacation ...; }

import { FILTER_JUNK_KEYWORD, type Action, type Vacation } from '../../model.js';
import type { Scope } from './scope.js';

function flagLine(flag: string, s: Scope): string {
  s.need('imap4flags');
  return `addflag ${s.str(flag)};`;
}

function fileinto(a: Extract<Action, { kind: 'fileinto' }>, s: Scope): string[] {
  s.need('fileinto');
  const tags = [a.copy ? ':copy' : '', a.create ? ':create' : ''].filter((t) => t !== '');
  if (a.copy) s.need('copy');
  if (a.create) s.need('mailbox');
  const line = `fileinto ${[...tags, s.str(a.folder)].join(' ')};`;
  if (a.folder !== s.ctx.settings.junkFolder) return [line];
  if (!s.has('imap4flags')) {
    s.warn('no_junk_keyword', `without the "imap4flags" extension, mail filed into Junk cannot be told apart from the user's own moves`);
    return [line];
  }
  s.need('imap4flags');
  const keyword = s.str(FILTER_JUNK_KEYWORD);
  return [`addflag ${keyword};`, line, `removeflag ${keyword};`];
}

function vacation(v: Vacation, s: Scope): string[] {
  s.need('vacation');
  const args: string[] = [];
  if (v.days !== undefined) args.push(`:days ${Number.isSafeInteger(v.days) && v.days >= 1 ? v.days : 1}`);
  if (v.subject !== undefined) args.push(`:subject ${s.str(v.subject)}`);
  if (v.from !== undefined) args.push(`:from ${s.str(v.from)}`);
  if (v.addresses !== undefined && v.addresses.length > 0) {
    args.push(`:addresses [${v.addresses.map((a) => s.str(a)).join(', ')}]`);
  }
  const command = `vacation ${[...args, s.str(v.message)].join(' ')};`;
  const window: string[] = [];
  for (const [relation, date] of [['ge', v.start], ['le', v.end]] as const) {
    if (date === undefined) continue;
    s.need('date', 'relational');
    window.push(`currentdate :value "${relation}" "date" ${s.str(date)}`);
  }
  if (window.length === 0) return [command];
  const test = window.length === 1 ? window[0] : `allof(${window.join(', ')})`;
  return [`if ${test} {`, `  ${command}`, '}'];
}

function command(a: Exclude<Action, { kind: 'mark-read' | 'flag' | 'keyword' }>, s: Scope): string[] {
  switch (a.kind) {
    case 'fileinto':
      return fileinto(a, s);
    case 'redirect':
      if (a.copy) s.need('copy');
      return [`redirect ${a.copy ? ':copy ' : ''}${s.str(a.address)};`];
    case 'reject':
      s.need('reject');
      return [`reject ${s.str(a.reason)};`];
    case 'discard':
      return ['discard;'];
    case 'keep':
      return ['keep;'];
    case 'vacation':
      return vacation(a.vacation, s);
    case 'stop':
      return ['stop;'];
  }
}

export function renderActions(actions: readonly Action[], s: Scope): string[] {
  const flags: string[] = [];
  const commands: string[] = [];
  for (const a of actions) {
    if (a.kind === 'mark-read') flags.push(flagLine('\\Seen', s));
    else if (a.kind === 'flag') flags.push(flagLine('\\Flagged', s));
    else if (a.kind === 'keyword') flags.push(flagLine(a.keyword, s));
    else commands.push(...command(a, s));
  }
  return [...flags, ...commands];
}
