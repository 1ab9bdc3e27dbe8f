// Learning that scales with moves, not with users: IMAPSieve (RFC 6785). A
// MOVE/COPY/APPEND into Junk runs a global script that pipes the message to
// the helper as spam; a MOVE/COPY out of Junk, except to Trash, as ham. The
// helper spools the move for `sievewright learn --events`, which stores it
// (the user's learning log) and learns it through spamd, retrying what spamd
// missed; or, bare, hands it to `spamc -L`. Pure text generation; the CLI
// prints it.
import { DOLLAR_SETUP, quote, type StringMode } from '../../grammar/emit/sieve-strings.js';

export type DovecotVersion = '2.3' | '2.4';

/** What the pipe helper hands each move to. */
export type ImapsieveHelper =
  /**
   * A spool directory that `sievewright learn --events` reads: the helper
   * only writes a file, so a MOVE waits for a few milliseconds of shell.
   */
  | { via: 'sievewright'; spool: string; mailGroup: string }
  /** Straight to spamd; a move made while spamd is down is lost. */
  | { via: 'spamc'; spamc: string; spamd: { host: string; port: number } };

export interface ImapsieveOptions {
  version: DovecotVersion;
  junk: string;
  trash: string;
  /** Where the report scripts and the pipe helper are installed. */
  dir: string;
  helper: ImapsieveHelper;
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
if environment :matches "imap.mailbox" "*" { set "mailbox" "\${1}"; }
pipe :copy "sievewright-learn.sh" ["spam", "\${username}", "\${mailbox}"];
`;
  const stopFolders = [quote(o.trash, REPORT_STRINGS), quote(o.junk, REPORT_STRINGS)];
  const dollarSetup = stopFolders.some((q) => q.usesDollar) ? `${DOLLAR_SETUP}\n` : '';
  const reportHam = `# sievewright: a message moved out of ${o.junk} is ham, unless it went to ${o.trash}.
require ["vnd.dovecot.pipe", "copy", "imapsieve", "environment", "variables"];
${dollarSetup}if environment :matches "imap.mailbox" "*" { set "mailbox" "\${1}"; }
if string :is "\${mailbox}" [${stopFolders.map((q) => q.text).join(', ')}] { stop; }
if environment :matches "imap.user" "*" { set "username" "\${1}"; }
pipe :copy "sievewright-learn.sh" ["ham", "\${username}", "\${mailbox}"];
`;
  if (o.helper.via === 'sievewright') {
    checkName('the spool directory', o.helper.spool);
    if (!o.helper.spool.startsWith('/')) throw new Error('the spool directory must be an absolute path');
  }
  const learnSh = helperScript(o.helper);

  const conf = o.version === '2.3' ? conf23(o.junk, spamScript, hamScript, pipeDir) : conf24(o.junk, spamScript, hamScript, pipeDir);
  return {
    conf,
    files: [
      { path: spamScript, mode: '0644', text: reportSpam },
      { path: hamScript, mode: '0644', text: reportHam },
      { path: helper, mode: '0755', text: learnSh },
    ],
    // Global scripts are compiled by root: the mail user cannot write the .svbin beside them.
    install: [
      ...(o.helper.via === 'sievewright'
        ? [`install -d -m 2770 -g ${shellString(o.helper.mailGroup)} ${[o.helper.spool, `${o.helper.spool}/tmp`, `${o.helper.spool}/new`].map(shellString).join(' ')}`]
        : []),
      `sievec ${shellString(spamScript)}`,
      `sievec ${shellString(hamScript)}`,
      'doveadm reload',
    ],
  };
}

/**
 * Runs as the mail user with the message on stdin and "spam|ham USER
 * MAILBOX" as arguments.
 */
function helperScript(h: ImapsieveHelper): string {
  if (h.via === 'sievewright') {
    // The move is on disk (written, synced, renamed into new/) before exit
    // 0; a failure exits non-zero, which Dovecot logs.
    return `#!/bin/sh
# sievewright: spools one move for \`sievewright learn --events\`, which stores
# and learns it. Exit 0 once it is on disk, 1 bad input or no room, 2 wrong class.
kind="$1"; user="$2"; mailbox="$3"
case "$kind" in spam|ham) ;; *) echo "sievewright-learn: not spam or ham: $kind" >&2; exit 2 ;; esac
case "$user" in ''|*/*) echo "sievewright-learn: bad user name: $user" >&2; exit 1 ;; esac
spool=${shellString(h.spool)}
name="$(date +%s%N).$$"
umask 007
head=$(printf '%s\\n%s\\n%s\\n' "$kind" "$user" "$mailbox" | wc -c)
if { printf '%s\\n%s\\n%s\\n' "$kind" "$user" "$mailbox" && cat; } > "$spool/tmp/$name" &&
   [ "$(wc -c < "$spool/tmp/$name")" -gt "$head" ] &&
   sync "$spool/tmp/$name" && mv "$spool/tmp/$name" "$spool/new/$name"; then
  exit 0
fi
rm -f "$spool/tmp/$name"
echo "sievewright-learn: the move of $user was not spooled (empty message, or $spool not writable)" >&2
exit 1
`;
  }
  // Always exits 0: a failed lesson must not fail the user's MOVE; it is
  // logged to stderr (Dovecot's log) instead.
  return `#!/bin/sh
# sievewright: hands one message to spamd (started with --allow-tell).
kind="$1"; user="$2"
case "$kind" in spam|ham) ;; *) echo "sievewright-learn: bad kind $kind" >&2; exit 0 ;; esac
out=$(${shellString(h.spamc)} -d ${shellString(h.spamd.host)} -p ${h.spamd.port} -u "$user" -L "$kind" 2>&1); rc=$?
[ $rc -eq 0 ] || echo "sievewright-learn: spamc -L $kind for $user failed (exit $rc): $out" >&2
exit 0
`;
}

function conf23(junk: string, spam: string, ham: string, pipeDir: string): string {
  return `# sievewright: Junk learning inside Dovecot 2.3 (IMAPSieve).
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
  return `# sievewright: Junk learning inside Dovecot 2.4 (IMAPSieve).
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
  IMAPSieve with --via sievewright (this configuration, the default)
    + costs one file write per move and nothing per user: no polling, no
      IMAP sessions, no master user; the user's MOVE waits for a few
      milliseconds of shell, never for spamd
    + durable: each move is on disk before the MOVE completes; run
      \`sievewright learn --events\` as a service (or \`serve\` with
      learning.source = "imapsieve"): it stores each move in the
      learning log and teaches it (a repeated move teaches nothing twice),
      and keeps what spamd could not take pending until it can
    - needs Pigeonhole's imap_sieve + extprograms and root on the Dovecot
      host; the spool must be on the host where learn --events runs, and
      the user it runs as in the mail group
    - a client that APPENDs into Junk instead of moving also teaches spam;
      setting the $Junk/$NotJunk keywords teaches nothing
  IMAPSieve with --via spamc
    + nothing but spamc on the Dovecot host
    - the MOVE waits for spamc; if spamd is down the lesson is lost (logged,
      never retried); nothing in the sievewright UI
  sievewright learn --user ... (polling; learning.enabled = true)
    + works with any IMAP server that has a master user, no Dovecot changes
    + tells the filter's own Junk filing (keyword) from the user's moves,
      and learns from the $Junk/$NotJunk keywords
    - one IMAP login per user per round: with many thousands of users a
      round takes minutes and keeps Dovecot busy; --idle holds at most
      learning.idleSessions sessions at once
  Use one of them, never both: with IMAPSieve active, run
  \`sievewright learn --events\` instead of polling users, or every move
  goes to SpamAssassin twice.
`;
