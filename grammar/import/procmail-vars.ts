// procmail's environment as far as it is known while converting: values set
// by literal assignments are known; values from programs (backquotes,
// `VAR=| cmd`) or from the delivery environment (LOGNAME, HOST) are not,
// and anything that depends on them is reported rather than guessed.
import { parse } from '../generated/procmail.js';
import type { WordPart } from '../procmail-ast.js';

export type VarValue = { known: string } | { unknown: string };
export type Env = Map<string, VarValue>;

/** Stands for the user's home directory; folder paths below it become relative names. */
export const HOME = '/home/%user%';

export function initialEnv(): Env {
  const env: Env = new Map();
  const set = (k: string, v: string) => env.set(k, { known: v });
  set('HOME', HOME);
  set('MAILDIR', HOME);
  set('ORGMAIL', '/var/mail/%user%');
  set('DEFAULT', '/var/mail/%user%');
  set('SENDMAIL', '/usr/sbin/sendmail');
  set('SENDMAILFLAGS', '-oi');
  set('SHELL', '/bin/sh');
  set('LOCKEXT', '.lock');
  set('MSGPREFIX', 'msg.');
  for (const k of ['LOGNAME', 'USER', 'HOST', 'MATCH', 'LASTFOLDER']) {
    env.set(k, { unknown: `$${k} is only known when mail is delivered` });
  }
  return env;
}

export type Expanded = { text: string } | { unknown: string };

const REGEX_MAGIC = /[\\^$.|?*+()[\]{}]/g;

export function expandParts(parts: readonly WordPart[], env: Env): Expanded {
  let text = '';
  for (const p of parts) {
    if (p.kind === 'text') text += p.text;
    else if (p.kind === 'command') return { unknown: `uses the output of the program \`${p.command.trim()}\`` };
    else {
      const v = env.get(p.name);
      const isSet = v !== undefined && !('known' in v && v.known === '' && p.op?.startsWith(':'));
      if (p.op === ':-' || p.op === '-') {
        if (!isSet) {
          const alt = expandParts(p.alt ?? [], env);
          if ('unknown' in alt) return alt;
          text += alt.text;
          continue;
        }
      } else if (p.op === ':+' || p.op === '+') {
        if (v && 'unknown' in v) return { unknown: v.unknown };
        if (isSet) {
          const alt = expandParts(p.alt ?? [], env);
          if ('unknown' in alt) return alt;
          text += alt.text;
        }
        continue;
      }
      if (v === undefined) continue; // unset expands to nothing, as in sh
      if ('unknown' in v) return { unknown: v.unknown };
      text += p.regexQuote ? v.known.replace(REGEX_MAGIC, '\\$&') : v.known;
    }
  }
  return { text };
}

/** Expands `$VAR` references in action or `$`-condition text. */
export function expandText(text: string, env: Env): Expanded {
  let parts: WordPart[];
  try {
    parts = parse(text, { startRule: 'Word' });
  } catch {
    return { unknown: `cannot read the quoting in ${JSON.stringify(text)}` };
  }
  return expandParts(parts, env);
}

/** Variables a text refers to that are not set (they expand to nothing). */
export function unsetVariables(text: string, env: Env): string[] {
  let parts: WordPart[];
  try {
    parts = parse(text, { startRule: 'Word' });
  } catch {
    return [];
  }
  return [...new Set(parts.flatMap((p) => (p.kind === 'var' && !p.op && !env.has(p.name) && /^[A-Za-z_]/.test(p.name) ? [p.name] : [])))];
}
