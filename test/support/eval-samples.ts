// Rule sets and messages for the evaluator's differential test against
// Pigeonhole: fast-check arbitraries drawing keys, addresses and header
// values from shared pools, so conditions match often and the interesting
// corners come up (case, encoded words, folding, several header instances,
// groups and address lists, forged Authentication-Results and spam scores,
// encoded and multipart bodies, conflicting actions, stop, :copy).
import fc from 'fast-check';
import type { Action, BlocklistEntry, Condition, Rule, RuleItem, RuleSet, StringMatch, WhitelistEntry } from '../../grammar/model.js';

export const TRUSTED_ID = 'mx.example.org';

const ADDRESSES = [
  'alice@example.com', 'Bob.Smith@Example.ORG', 'news@shop.example', 'bounce-123@lists.example.net',
  'deals@newegg.com', 'carol@partner.example', 'x@sub.example.com', 'user@example.org', 'ALICE@EXAMPLE.COM', 'info@café.example',
  'bob+lists@example.org', 'carol+@partner.example', 'x+y+z@sub.example.com',
];
const NAMES = ['Alice', 'Bob Smith', '"Smith, Bob"', 'Ünïcode', '=?utf-8?q?Caf=C3=A9?='];
const SUBJECTS = ['Offers of the day', 'Invoice 42', '[dev] build failed', 'Hello', 'café au lait', 'URGENT: act now', '', 'Re: news'];
const BODY_LINES = ['Hello,', 'this is a test message.', 'To unsubscribe click here', 'Café crème', 'invoice attached', 'opt out now', 'regards'];
const FOLDERS = ['INBOX', 'Junk', 'Spam', 'Work', 'Lists/dev', 'Café'];
const REDIRECTS = ['fwd@example.net', 'boss@example.com'];
const PLAIN_KEYS = ['alice', 'example.com', 'EXAMPLE.ORG', 'news', 'deals', 'offers', 'café', 'CAFÉ', 'invoice', 'dev', 'bounce-123@lists.example.net', '', 'unsubscribe', 'hello', 'x', 'Smith', 'lists.example.net', 'shop.example', 'user', 'yes', 'mx.example.org', 'bob', 'lists', 'y+z'];
const GLOB_KEYS = ['*@example.com', '*news*', 'a?ice*', '*', '?*@*.example', 'caf?*', '*[dev]*', '*\\**', 'user+*', '*.org', 'bounce-*@*'];
const REGEX_KEYS = ['^bounce-[0-9]+@', 'example\\.(com|org)$', '^[a-z]+@', 'caf(é|e)', '[[:upper:]]{3}', '^$', 'news|deals', 'o{2,}', '^(yes|no),', 'score=[1-9]', '\\.example$', '^.*$', 'a.c'];
const HEADER_NAMES = ['X-Mailer', 'X-Priority', 'X-Test', 'Subject', 'Received', 'X-Spam-Status', 'Authentication-Results'];
const SPAM_SCORES = ['-2.5', '0.0', '1.9', '4.9', '5.0', '5.1', '6.5', '7.2', '10.0', '12.3', '99.9', '-0.4'];
const AUTH_IDS = [TRUSTED_ID, 'evil.example', 'mx.example.org.evil', 'MX.EXAMPLE.ORG'];
const AUTH_DOMAINS = ['example.com', 'newegg.com', 'shop.example', 'evil.example'];

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);

// ----------------------------------------------------------------- messages

export interface SampleMessage {
  raw: string;
  envelopeFrom: string;
  recipient: string;
}

const mailbox = fc.oneof(
  pick(ADDRESSES),
  fc.tuple(pick(NAMES), pick(ADDRESSES)).map(([n, a]) => `${n} <${a}>`),
  pick(ADDRESSES).map((a) => `${a} (a comment)`),
);
const addressValue = fc.oneof(
  { weight: 6, arbitrary: mailbox },
  { weight: 2, arbitrary: fc.array(mailbox, { minLength: 2, maxLength: 3 }).map((xs) => xs.join(', ')) },
  { weight: 1, arbitrary: fc.array(pick(ADDRESSES), { minLength: 1, maxLength: 2 }).map((xs) => `Team: ${xs.join(', ')};`) },
  { weight: 1, arbitrary: pick(['undisclosed-recipients:;', 'justlocal', '']) },
);

function encodedWord(text: string, how: 'q' | 'b'): string {
  const bytes = new TextEncoder().encode(text);
  if (how === 'b') return `=?utf-8?b?${Buffer.from(bytes).toString('base64')}?=`;
  let q = '';
  for (const b of bytes) q += (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) ? String.fromCharCode(b) : b === 0x20 ? '_' : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return `=?utf-8?q?${q}?=`;
}

/** A header value written plainly, encoded, folded, or with blanks around it. */
const textValue = (pool: readonly string[]) =>
  fc.tuple(pick(pool), fc.constantFrom('plain', 'q', 'b', 'two-words', 'folded', 'blanks')).map(([text, how]) => {
    switch (how) {
      case 'plain':
        return text;
      case 'q':
      case 'b':
        return text === '' ? text : encodedWord(text, how);
      case 'two-words': {
        const mid = Math.floor(text.length / 2);
        return `${encodedWord(text.slice(0, mid), 'q')} ${encodedWord(text.slice(mid), 'b')}`;
      }
      case 'folded':
        return text.includes(' ') ? text.replace(' ', '\n\t') : `${text}\n ${text}`;
      case 'blanks':
        return ` \t${text}  `;
    }
  });

const spamStatus = fc.tuple(pick(['Yes', 'No', 'yes']), pick(SPAM_SCORES), fc.constantFrom(', ', ',\n\t', ',', '\n\t')).map(
  ([verdict, score, sep]) => (sep === '\n\t' ? `\n\t${verdict}, score=${score} required=5.0 tests=BAYES_50` : `${verdict}${sep}score=${score} required=5.0 tests=BAYES_50`),
);

const authResults = fc
  .tuple(pick(AUTH_IDS), pick(['dmarc', 'dkim', 'spf']), pick(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror']), pick(AUTH_DOMAINS), fc.constantFrom('plain', 'comment', 'folded', 'second'))
  .map(([id, method, result, domain, how]) => {
    const prop = method === 'dkim' ? `header.d=${domain}` : method === 'dmarc' ? `header.from=${domain}` : `smtp.mailfrom=${domain}`;
    switch (how) {
      case 'plain':
        return `${id}; ${method}=${result} ${prop}`;
      case 'comment':
        return `${id}; spf=fail (${method}=${result} ${prop}) smtp.mailfrom=${domain}`;
      case 'folded':
        return `${id};\n\t${method}=${result} ${prop}`;
      case 'second':
        return `${id} 1; spf=none smtp.mailfrom=${domain};\n\t${method}=${result} ${prop}`;
    }
  });

const header = (name: string, value: fc.Arbitrary<string>) => value.map((v) => `${name}: ${v}`);

const optional = (arb: fc.Arbitrary<string>, max = 1) => fc.array(arb, { maxLength: max });

const body = fc
  .tuple(fc.array(pick(BODY_LINES), { minLength: 0, maxLength: 4 }), fc.constantFrom('7bit', '8bit', 'quoted-printable', 'base64', 'multipart', 'html-only'))
  .map(([lines, how]) => {
    const text = lines.map((l) => `${l}\n`).join('');
    const utf8 = Buffer.from(text, 'utf8');
    switch (how) {
      case '7bit':
        return { headers: ['Content-Type: text/plain; charset=us-ascii'], body: text.replace(/[^\x00-\x7f]/g, 'e') };
      case '8bit':
        return { headers: ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit'], body: text };
      case 'quoted-printable': {
        let qp = '';
        for (const b of utf8) qp += b === 0x0a ? '\n' : b >= 0x20 && b < 0x7f && b !== 0x3d ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
        return { headers: ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'], body: qp };
      }
      case 'base64':
        return { headers: ['Content-Type: text/plain; charset="utf-8"', 'Content-Transfer-Encoding: base64'], body: `${utf8.toString('base64').replace(/.{76}/g, '$&\n')}\n` };
      case 'multipart':
        return {
          headers: ['MIME-Version: 1.0', 'Content-Type: multipart/alternative; boundary="b1"'],
          body: `preamble\n--b1\nContent-Type: text/plain; charset=utf-8\n\n${text}\n--b1\nContent-Type: text/html; charset=utf-8\n\n<p>${lines.join(' ')}</p>\n\n--b1\nContent-Type: application/octet-stream\n\ninvoice attached\n\n--b1--\n`,
        };
      case 'html-only':
        return { headers: ['Content-Type: application/pdf'], body: 'invoice attached\n' };
    }
  });

export const arbMessage: fc.Arbitrary<SampleMessage> = fc
  .record({
    from: optional(header('From', addressValue), 2),
    to: optional(header('To', addressValue)),
    cc: optional(header('Cc', addressValue)),
    sender: optional(header('Sender', addressValue)),
    replyTo: optional(header('Reply-To', addressValue)),
    subject: optional(header('Subject', textValue(SUBJECTS)), 2),
    listId: optional(header('List-Id', pick(['<dev.lists.example.org>', 'Announce <announce.example.org>', 'news.example.com']))),
    spam: optional(header('X-Spam-Status', spamStatus), 2),
    auth: optional(header('Authentication-Results', authResults), 2),
    extra: optional(fc.tuple(pick(['X-Mailer', 'X-Priority', 'X-Test', 'x-test']), textValue(['Outlook 16', '1 (Highest)', 'yes', 'café'])).map(([n, v]) => `${n}: ${v}`), 2),
    body,
    crlf: fc.boolean(),
    envelopeFrom: pick(ADDRESSES.filter((a) => /^[\x00-\x7f]*$/.test(a))),
    recipient: pick(['user@example.org', 'user+lists@example.org', 'other@example.net']),
  })
  .chain((m) =>
    fc.shuffledSubarray([...m.from, ...m.to, ...m.cc, ...m.sender, ...m.replyTo, ...m.subject, ...m.listId, ...m.spam, ...m.auth, ...m.extra], {
      minLength: m.from.length + m.to.length + m.cc.length + m.sender.length + m.replyTo.length + m.subject.length + m.listId.length + m.spam.length + m.auth.length + m.extra.length,
    }).map((headers) => {
      const text = `${[...headers, 'Message-ID: <sample@example.net>', ...m.body.headers].join('\n')}\n\n${m.body.body}`;
      return { raw: m.crlf ? text.replace(/\n/g, '\r\n') : text, envelopeFrom: m.envelopeFrom, recipient: m.recipient };
    }),
  );

// ---------------------------------------------------------------- rule sets

const stringMatch: fc.Arbitrary<StringMatch> = fc
  .tuple(fc.constantFrom('is', 'contains', 'matches', 'regex'), fc.boolean(), fc.integer({ min: 1, max: 2 }), fc.boolean())
  .chain(([match, cs, n, fromOther]) => {
    const pool = match === 'regex' ? REGEX_KEYS : match === 'matches' ? (fromOther ? PLAIN_KEYS : GLOB_KEYS) : fromOther ? [...PLAIN_KEYS, ...ADDRESSES] : PLAIN_KEYS;
    return fc.array(pick(pool), { minLength: n, maxLength: n }).map((values) => ({ match, values, ...(cs ? { caseSensitive: true } : {}) }) as StringMatch);
  });

const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ kind: fc.constant('address' as const), header: pick(['from', 'to', 'cc', 'bcc', 'sender', 'reply-to', 'any'] as const), part: pick(['all', 'localpart', 'domain', 'user', 'detail'] as const), test: stringMatch }),
  fc.record({ kind: fc.constant('envelope' as const), field: pick(['from', 'to'] as const), part: pick(['all', 'localpart', 'domain', 'user', 'detail'] as const), test: stringMatch }),
  fc.record({ kind: fc.constant('header' as const), names: fc.array(pick(HEADER_NAMES), { minLength: 1, maxLength: 2 }), test: stringMatch }),
  fc.record({ kind: fc.constant('subject' as const), test: stringMatch }),
  fc.record({ kind: fc.constant('list-id' as const), test: stringMatch }),
  fc.record({ kind: fc.constant('size' as const), comparison: pick(['over', 'under'] as const), bytes: pick([0, 300, 400, 500, 600, 800, 1000, 2000]) }),
  fc.record({ kind: fc.constant('body' as const), test: stringMatch }),
  fc.record({ kind: fc.constant('exists' as const), names: fc.array(pick(['X-Priority', 'List-Id', 'Cc', 'X-Test', 'X-Spam-Status', 'Sender']), { minLength: 1, maxLength: 2 }) }),
  fc.record({ kind: fc.constant('auth' as const), method: pick(['dmarc', 'spf', 'dkim'] as const), result: pick(['fail', 'pass', 'softfail', 'neutral', 'none', 'temperror', 'permerror'] as const) }),
  fc.record({ kind: fc.constant('spam-score' as const), atLeast: pick([-1, 0, 2.5, 5, 5.05, 6.5, 10, 50]) }),
  fc.constant({ kind: 'always' as const }),
);

const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 8, arbitrary: leaf },
    { weight: 1, arbitrary: tie('c').map((c) => ({ kind: 'not' as const, condition: c })) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('group' as const), combine: pick(['all', 'any', 'none'] as const), conditions: fc.array(tie('c'), { maxLength: 3 }) }) },
  ),
})).c;

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('fileinto' as const), folder: pick(FOLDERS), copy: fc.boolean() }).map((a) => (a.copy ? a : { kind: a.kind, folder: a.folder })) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('redirect' as const), address: pick(REDIRECTS), copy: fc.boolean() }).map((a) => (a.copy ? a : { kind: a.kind, address: a.address })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reject' as const, reason: 'Not wanted here.' }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'discard' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'keep' as const }) },
  { weight: 1, arbitrary: pick([{ kind: 'mark-read' as const }, { kind: 'flag' as const }, { kind: 'keyword' as const, keyword: 'seen-by-rule' }]) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('vacation' as const), vacation: fc.record({ message: pick(['Away until Monday.', 'On leave.']), days: pick([1, 7]), start: pick(['2020-01-01', '2099-01-01']), end: pick(['2020-12-31', '2099-12-31']) }, { requiredKeys: ['message'] }) })
      .filter((a) => a.vacation.start === undefined || a.vacation.end === undefined || a.vacation.start <= a.vacation.end),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'stop' as const }) },
);

const rule: fc.Arbitrary<Rule> = fc.record({
  name: pick(['Lists', 'Boss', 'Shop', 'Auth', 'Catch', 'Big mail']),
  enabled: fc.constantFrom(true, true, true, true, false),
  combine: pick(['all', 'any', 'none'] as const),
  conditions: fc.array(condition, { maxLength: 3 }),
  actions: fc.array(action, { minLength: 1, maxLength: 3 }),
});

const rawBlock: fc.Arbitrary<RuleItem> = fc.record({ kind: fc.constant('raw' as const), name: fc.constant('Imported'), sieve: fc.constant('keep;'), requires: fc.constant([] as string[]), enabled: fc.boolean() });

const whitelistEntry: fc.Arbitrary<WhitelistEntry> = fc.record({ pattern: pick(['*@example.com', 'alice@example.com', 'deals@newegg.com', '*@*.example', 'news@shop.example', 'info@café.example']), authenticated: fc.boolean() });
const blocklistEntry: fc.Arbitrary<BlocklistEntry> = fc.record({ pattern: pick(['*@shop.example', 'deals@newegg.com', '*@example.org', 'bounce-*@*', '*smith@*']), action: pick(['junk', 'discard', 'reject'] as const) });

export const arbRuleSet: fc.Arbitrary<RuleSet> = fc.record({
  settings: fc.record({ junkFolder: pick(['Junk', 'Spam']), threshold: pick([5, 6.5, 0, -2, 10, 2.3]), trustedAuthservId: fc.constant(TRUSTED_ID), spamFilter: fc.constantFrom(true, true, false) }),
  whitelist: fc.array(whitelistEntry, { maxLength: 2 }),
  blocklist: fc.array(blocklistEntry, { maxLength: 2 }),
  rules: fc.array(fc.oneof({ weight: 30, arbitrary: rule }, { weight: 1, arbitrary: rawBlock }), { minLength: 1, maxLength: 6 }),
});
