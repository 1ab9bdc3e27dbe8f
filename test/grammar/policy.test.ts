// The forward policy's pure parts: which Sieve commands send mail and where,
// how the policy judges them, and where a finding sits in the rules text.
// The bypasses themselves are proved against sieve-test in
// test/server/policy-bypasses.test.ts and policy-property.test.ts.
import { describe, expect, test } from 'vitest';
import { parseSieve } from '../../grammar/import/sieve-parse.js';
import { emptyRuleSet, type RawBlock, type RuleSet } from '../../grammar/model.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { checkPolicy, DEFAULT_POLICY, domainAllowed, outgoingOf, type Policy } from '../../grammar/policy.js';
import { itemPositions, sievePointInText } from '../../grammar/rules-positions.js';
import { literalAddress, mailtoRecipients, outboundOf } from '../../grammar/sieve-outbound.js';

const REFUSE: Policy = { ...DEFAULT_POLICY, allowedRedirectDomains: ['corp.example'], redirectOutside: 'refuse' };
const ALERT: Policy = { ...REFUSE, redirectOutside: 'alert' };

function raw(sieve: string, extra: Partial<RawBlock> = {}): RuleSet {
  return { ...emptyRuleSet(), rules: [{ kind: 'raw', name: 'R', sieve, requires: [], enabled: true, ...extra }] };
}

function outbound(sieve: string): Array<[string, string, string | null, number]> {
  const parsed = parseSieve(sieve);
  if (!parsed.value) throw new Error(JSON.stringify(parsed.diagnostics));
  return outboundOf(parsed.value).map((o) => [o.command, o.target, o.unverifiable, o.line]);
}

describe('what sends mail, read off the syntax tree', () => {
  test('redirect tags with values are not targets; an unknown tag makes every string a target', () => {
    expect(outbound('redirect :copy :notify "success" :ret "full" "ok@corp.example";')).toEqual([['redirect', 'ok@corp.example', null, 1]]);
    expect(outbound('redirect :future "x@evil.example" "ok@corp.example";').map((o) => o[1])).toEqual(['x@evil.example', 'ok@corp.example']);
  });

  test('programs and included scripts cannot be judged by an address', () => {
    expect(outbound('pipe :try "mailer" ["a"];\nexecute :pipe "x";\nfilter "f";\ninclude :global "g";')).toEqual([
      ['pipe', 'mailer', 'it pipes the message to a program on the server', 1],
      ['execute', 'x', 'it runs a program on the server', 2],
      ['filter', 'f', 'it passes the message through a program on the server', 3],
      ['include', 'g', 'it runs another script, which is not checked here', 4],
    ]);
  });

  test('execute and filter used as tests hand the message on too, at any depth of a test list', () => {
    expect(outbound('if anyof (true, not execute :input "data" :output "v" "prog") {\n  keep;\n} elsif filter "f" {\n  stop;\n}')).toEqual([
      ['execute', 'prog', 'it runs a program on the server', 1],
      ['filter', 'f', 'it passes the message through a program on the server', 3],
    ]);
  });

  test('notify: every mailto recipient counts; other methods and a non-mailto deprecated method are outside', () => {
    expect(outbound('notify :importance "1" "mailto:a@corp.example,b@corp.example?To=c@corp.example&subject=x@evil.example";').map((o) => o[1])).toEqual([
      'a@corp.example',
      'b@corp.example',
      'c@corp.example',
    ]);
    expect(outbound('notify "xmpp:x@evil.example";')).toEqual([['notify', 'xmpp:x@evil.example', 'it notifies by a method other than mailto', 1]]);
    expect(outbound('notify :method "sms" :options "ok@corp.example";').map((o) => [o[1], o[2]])).toEqual([
      ['sms', 'it notifies by a method other than mailto'],
      ['ok@corp.example', null],
    ]);
  });

  test('replies to the sender, keeping, filing and unknown commands send nothing; tests are not commands', () => {
    const script = [
      'vacation :from "me@elsewhere.example" :addresses ["me@other.example"] "away";',
      'reject "no"; ereject "no";',
      'if address :is "to" "x@evil.example" { fileinto "F"; keep; frobnicate "x@evil.example"; }',
    ].join('\n');
    expect(outbound(script)).toEqual([]);
  });

  test('mailto recipients are percent-decoded; a malformed URI is not read', () => {
    expect(mailtoRecipients('MAILTO:x%40evil.example?cc=a%2Cb@c.example&bcc=')).toEqual(['x@evil.example', 'a', 'b@c.example']);
    expect(mailtoRecipients('mailto:%zz@evil.example')).toBeNull();
    expect(mailtoRecipients('tel:+1')).toBeNull();
  });

  test('a literal address is a plain addr-spec, with the white space around it Pigeonhole skips', () => {
    expect(literalAddress(' a.b+c@Mail.Corp.example\n')).toBe('a.b+c@Mail.Corp.example');
    for (const s of ['x@evil.example (ok@corp.example)', 'Name <x@corp.example>', '"a b"@corp.example', 'x@[192.0.2.1]', 'x@corp${hex:2e}example', 'no-at']) {
      expect(literalAddress(s), s).toBeNull();
    }
  });

  test('domains: *. and a leading dot mean the domain itself and its subdomains', () => {
    expect(domainAllowed('a@corp.example', ['*.corp.example'])).toBe(true);
    expect(domainAllowed('a@mail.corp.example', ['.corp.example'])).toBe(true);
    expect(domainAllowed('a@evilcorp.example', ['corp.example'])).toBe(false);
  });
});

describe('the policy on raw blocks', () => {
  test('a violation names the block and the line; an unnamed block by its position', () => {
    const rs = raw('keep;\nif true {\n  redirect "x@evil.example";\n}');
    expect(checkPolicy(rs, undefined, REFUSE).violations).toEqual([
      { rule: 'R', index: 0, line: 3, column: 3, message: 'forwarding to x@evil.example is not allowed (allowed domains: corp.example) (line 3 of the raw block)' },
    ]);
    const unnamed = raw('redirect "x@evil.example";', { name: undefined });
    expect(checkPolicy(unnamed, undefined, REFUSE).violations[0]?.rule).toBe('raw block 1');
  });

  test('a block that does not parse cannot be checked: refused, or raised as an alert', () => {
    const rs = raw('redirect "x@evil.example"');
    expect(checkPolicy(rs, undefined, REFUSE).violations[0]?.message).toMatch(/^this raw block cannot be checked: its Sieve does not parse/);
    expect(checkPolicy(rs, undefined, ALERT).alerts).toHaveLength(1);
  });

  test('a disabled block is checked too: enabling it later would not be a new forward', () => {
    expect(checkPolicy(raw('redirect "x@evil.example";', { enabled: false }), undefined, REFUSE).violations).toHaveLength(1);
  });

  test('an allowed literal address passes under refuse and raises nothing under alert', () => {
    const rs = raw('redirect :copy "ok@corp.example";\nnotify "mailto:boss@mail.corp.example";');
    expect(checkPolicy(rs, undefined, REFUSE)).toEqual({ violations: [], alerts: [] });
    expect(checkPolicy(rs, undefined, ALERT)).toEqual({ violations: [], alerts: [] });
  });

  test('an alert is raised again when the destination changes, not when it moves', () => {
    const before = raw('redirect "x@evil.example";');
    expect(checkPolicy(raw('keep;\nREDIRECT "X@evil.example";'), before, ALERT).alerts).toEqual([]);
    expect(checkPolicy(raw('redirect "y@evil.example";'), before, ALERT).alerts.map((a) => a.address)).toEqual(['y@evil.example']);
  });

  test('rules and raw blocks are listed in order with what sends', () => {
    const rs: RuleSet = {
      ...raw('include "other";'),
      rules: [
        { name: 'Fwd', enabled: true, combine: 'all', conditions: [], actions: [{ kind: 'keep' }, { kind: 'redirect', address: ' ok@corp.example ' }] },
        ...raw('include "other";').rules,
      ],
    };
    expect(outgoingOf(rs).map((o) => [o.rule, o.via, o.address, o.action ?? o.line])).toEqual([
      ['Fwd', 'redirect', 'ok@corp.example', 1],
      ['R', 'include', 'other', 1],
    ]);
  });
});

describe('where a raw block line sits in the rules text', () => {
  test('| lines with comments between them, and a first line on the head line', () => {
    const text = 'rule "A" {\n  when always\n  then redirect "x@evil.example"\n}\nraw "B" requires ["copy"] { | keep;\n  # a comment | not Sieve\n\n  |   redirect "y@evil.example";\n}\n';
    expect(parseRules(text).diagnostics).toEqual([]);
    const items = itemPositions(text)!;
    expect(items[0]!.actions[0]).toEqual({ line: 3, column: 8 });
    expect(items[1]!.start).toEqual({ line: 5, column: 1 });
    expect(sievePointInText(items[1]!, 1, 1)).toEqual({ line: 5, column: 31 });
    expect(sievePointInText(items[1]!, 2, 3)).toEqual({ line: 8, column: 7 });
  });

  test('an escaped string: each line begins after a \\n or \\u{a} escape', () => {
    const text = 'raw "C" sieve "keep;\\n# \\"\\\\\\"x\\";\\u{a}redirect \\"y@evil.example\\";"\n';
    const rs = parseRules(text).ruleSet!;
    expect((rs.rules[0] as RawBlock).sieve.split('\n')).toHaveLength(3);
    const item = itemPositions(text)![0]!;
    const third = sievePointInText(item, 3, 5);
    expect(text.split('\n')[third.line - 1]!.slice(third.column - 1).startsWith('redirect')).toBe(true);
  });

  test('a text with syntax errors has no positions', () => {
    expect(itemPositions('rule {')).toBeNull();
  });
});
