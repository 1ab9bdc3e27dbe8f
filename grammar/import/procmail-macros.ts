// The expansions procmail substitutes for its special tokens, copied from
// the procmail 3.22 binary (`strings /usr/bin/procmail`), which matches the
// MISCELLANEOUS section of procmailrc(5). The tab inside `[%@>\t ]` is real.
// `^TO_` must be tried before `^TO`, as procmail does.

export const MACROS: ReadonlyArray<readonly [token: string, expansion: string]> = [
  [
    '^TO_',
    '(^((Original-)?(Resent-)?(To|Cc|Bcc)|(X-Envelope|Apparently(-Resent)?)-To):(.*[^-a-zA-Z0-9_.])?)',
  ],
  [
    '^TO',
    '(^((Original-)?(Resent-)?(To|Cc|Bcc)|(X-Envelope|Apparently(-Resent)?)-To):(.*[^a-zA-Z])?)',
  ],
  [
    '^FROM_DAEMON',
    '(^(Mailing-List:|Precedence:.*(junk|bulk|list)|To: Multiple recipients of |(((Resent-)?(From|Sender)|X-Envelope-From):|>?From )([^>]*[^(.%@a-z0-9])?(Post(ma?(st(e?r)?|n)|office)|(send)?Mail(er)?|daemon|m(mdf|ajordomo)|n?uucp|LIST(SERV|proc)|NETSERV|o(wner|ps)|r(e(quest|sponse)|oot)|b(ounce|bs\\.smtp)|echo|mirror|s(erv(ices?|er)|mtp(error)?|ystem)|A(dmin(istrator)?|MMGR|utoanswer))(([^).!:a-z0-9][-_a-z0-9]*)?[%@>\t ][^<)]*(\\(.*\\).*)?)?$([^>]|$)))',
  ],
  [
    '^FROM_MAILER',
    '(^(((Resent-)?(From|Sender)|X-Envelope-From):|>?From )([^>]*[^(.%@a-z0-9])?(Post(ma(st(er)?|n)|office)|(send)?Mail(er)?|daemon|mmdf|n?uucp|ops|r(esponse|oot)|(bbs\\.)?smtp(error)?|s(erv(ices?|er)|ystem)|A(dmin(istrator)?|MMGR))(([^).!:a-z0-9][-_a-z0-9]*)?[%@>\t ][^<)]*(\\(.*\\).*)?)?$([^>]|$))',
  ],
];

/** Replaces every macro token in a condition's regex, left to right. */
export function expandMacros(pattern: string): { pattern: string; used: string[] } {
  const used: string[] = [];
  let out = '';
  let i = 0;
  outer: while (i < pattern.length) {
    if (pattern[i] === '\\') {
      out += pattern.slice(i, i + 2);
      i += 2;
      continue;
    }
    for (const [token, expansion] of MACROS) {
      if (pattern.startsWith(token, i)) {
        out += expansion;
        used.push(token);
        i += token.length;
        continue outer;
      }
    }
    out += pattern[i];
    i++;
  }
  return { pattern: out, used };
}
