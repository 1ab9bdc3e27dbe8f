// The alternative to the watcher: learning inside Dovecot with IMAPSieve
// (RFC 6785). A MOVE/COPY/APPEND into Junk runs a global script that pipes
// the message to `spamc -L spam`; a MOVE/COPY out of Junk, except to Trash,
// pipes it to `spamc -L ham`. Pure text generation; the CLI prints it.
import { DOLLAR_SETUP, quote, type StringMode } from '../../grammar/emit/sieve-strings.js';

export type DovecotVersion = '2.3' | '2.4';

export interface ImapsieveOptions {
  version: DovecotVersion;
  junk: string;
  trash: string;
  spamd: { host: string; port: number };
  /** Where the report scripts and the pipe helper are installed. */
  dir: string;
  spamc: string;
}

export interface ImapsieveFile {
  path: string;
  mode: string;
  text: string;
}

export interface ImapsieveConfig {
  /** Fragment for dovecot.conf (e.g. conf.d/95-sievewright-learning.conf). */
  conf: string;
  files: ImapsieveFile[];
  /** Shell commands to run once as root after installing the files. */
  install: string[];
}

/** The report scripts require "variables": a folder name's `${` must stay literal. */
const REPORT_STRINGS: StringMode = { variables: true, encodedCharacter: false };

/** A Dovecot config value: quoted, so names with spaces survive. */
function confString(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function shellString(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function checkName(what: string, value: string): void {
  if (!value || /[\r\n\0]/.test(value)) throw new Error(`${what} must be a non-empty single line`);
}

export function imapsieveConfig(o: ImapsieveOptions): ImapsieveConfig {
  checkName('the Junk folder', o.junk);
  checkName('the Trash folder', o.trash);
  checkName('the directory', o.dir);
  if (!o.dir.startsWith('/')) throw new Error('the directory must be an absolute path');
  const spamScript = `${o.dir}/report-spam.sieve`;
  const hamScript = `${o.dir}/report-ham.sieve`;
  const pipeDir = `${o.dir}/pipe`;
  const helper = `${pipeDir}/sievewright-learn.sh`;

  const reportSpam = `# sievewright: a message the user moved or copied into ${o.junk} is spam.
require ["vnd.dovecot.pipe", "copy", "imapsieve", "environment", "variables"];
if environment :matches "imap.user" "*" { set "username" "\${1}"; }
pipe :copy "sievewright-learn.sh" ["spam", "\${username}"];
`;
  const stopFolders = [quote(o.trash, REPORT_STRINGS), quote(o.junk, REPORT_STRINGS)];
  const dollarSetup = stopFolders.some((q) => q.usesDollar) ? `${DOLLAR_SETUP}\n` : '';
  const reportHam = `# sievewright: a message moved out of ${o.junk} is ham, unless it went to ${o.trash}.
require ["vnd.dovecot.pipe", "copy", "imapsieve", "environment", "variables"];
${dollarSetup}if environment :matches "imap.mailbox" "*" { set "mailbox" "\${1}"; }
if string :is "\${mailbox}" [${stopFolders.map((q) => q.text).join(', ')}] { stop; }
if environment :matches "imap.user" "*" { set "username" "\${1}"; }
pipe :copy "sievewright-learn.sh" ["ham", "\${username}"];
`;
  // Runs as the mail user with the message on stdin. Always exits 0: a
  // failed lesson must not fail the user's MOVE; it is logged to stderr
  // (Dovecot's log) instead.
  const learnSh = `#!/bin/sh
# sievewright: hands one message to spamd (started with --allow-tell).
kind="$1"; user="$2"
case "$kind" in spam|ham) ;; *) echo "sievewright-learn: bad kind $kind" >&2; exit 0 ;; esac
out=$(${shellString(o.spamc)} -d ${shellString(o.spamd.host)} -p ${o.spamd.port} -u "$user" -L "$kind" 2>&1); rc=$?
[ $rc -eq 0 ] || echo "sievewright-learn: spamc -L $kind for $user failed (exit $rc): $out" >&2
exit 0
`;

  const conf = o.version === '2.3' ? conf23(o.junk, spamScript, hamScript, pipeDir) : conf24(o.junk, spamScript, hamScript, pipeDir);
  return {
    conf,
    files: [
      { path: spamScript, mode: '0644', text: reportSpam },
      { path: hamScript, mode: '0644', text: reportHam },
      { path: helper, mode: '0755', text: learnSh },
    ],
    // Global scripts are compiled by root: the mail user cannot write the .svbin beside them.
    install: [`sievec ${shellString(spamScript)}`, `sievec ${shellString(hamScript)}`, 'doveadm reload'],
  };
}

function conf23(junk: string, spam: string, ham: string, pipeDir: string): string {
  return `# sievewright: Junk learning inside Dovecot 2.3 (IMAPSieve + spamc).
protocol imap {
  mail_plugins = $mail_plugins imap_sieve
}
plugin {
  sieve_plugins = sieve_imapsieve sieve_extprograms
  sieve_global_extensions = +vnd.dovecot.pipe +vnd.dovecot.environment
  sieve_pipe_bin_dir = ${pipeDir}

  # into Junk (MOVE is COPY + EXPUNGE for IMAPSieve)
  imapsieve_mailbox1_name = ${confString(junk)}
  imapsieve_mailbox1_causes = COPY APPEND
  imapsieve_mailbox1_before = file:${spam}

  # out of Junk, to anywhere
  imapsieve_mailbox2_name = *
  imapsieve_mailbox2_from = ${confString(junk)}
  imapsieve_mailbox2_causes = COPY
  imapsieve_mailbox2_before = file:${ham}
}
`;
}

function conf24(junk: string, spam: string, ham: string, pipeDir: string): string {
  return `# sievewright: Junk learning inside Dovecot 2.4 (IMAPSieve + spamc).
protocol imap {
  mail_plugins {
    imap_sieve = yes
  }
}
sieve_plugins {
  sieve_imapsieve = yes
  sieve_extprograms = yes
}
sieve_global_extensions {
  vnd.dovecot.pipe = yes
  vnd.dovecot.environment = yes
}
sieve_pipe_bin_dir = ${pipeDir}

# into Junk
mailbox ${confString(junk)} {
  sieve_script sievewright-report-spam {
    type = before
    cause = copy append
    path = ${spam}
  }
}
# out of Junk, to anywhere
imapsieve_from ${confString(junk)} {
  sieve_script sievewright-report-ham {
    type = before
    cause = copy
    path = ${ham}
  }
}
`;
}

export const WHEN_TO_CHOOSE = `When to choose which
  sievewright learn (the watcher; learning.enabled = true)
    + works with any IMAP server that has a master user (CONDSTORE/QRESYNC
      make idle polls cheap; plain UIDs work too), no Dovecot changes
    + durable: every lesson is recorded before it is taught and retried if
      spamd is down; exactly once per direction, across restarts
    + users see what their moves taught (learning log, weekly counts) and
      admins see per-user health and backlog; batched sa-learn possible
    + tells the filter's own Junk filing (keyword) from the user's moves
    - lessons arrive up to one poll interval late; a message moved into
      Junk and out again between two polls is not seen
  IMAPSieve (this configuration)
    + immediate, no polling, no extra service or master user
    - needs Pigeonhole's imap_sieve + extprograms and root on the Dovecot host
    - the user's MOVE waits for spamc (15-30 ms measured); if spamd is down
      the lesson is lost (logged, never retried); nothing in the sievewright UI
    - a client that APPENDs into Junk instead of moving also teaches spam
  Use one of them, never both: with IMAPSieve active, keep
  learning.enabled = false, or every move goes to SpamAssassin twice.
`;
