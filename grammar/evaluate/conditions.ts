// Conditions -> predicates over a parsed message, with the meaning of the
// Sieve tests grammar/emit/sieve/tests.ts writes for them.
import { AUTH_RESULTS_HEADER, authPassForDomainRegex, authResultRegex, domainGlobRegex } from '../emit/sieve/auth.js';
import { domainOf, globKey } from '../emit/sieve/sender-lists.js';
import { spamScoreRegex } from '../emit/sieve/spam-score.js';
import { ANY_ADDRESS_HEADERS, type AddressPart, type Combine, type Condition, type SpamSettings, type WhitelistEntry } from '../model.js';
import { addressItems, addressText, envelopeAddress, type AddressItem } from './address.js';
import { compileStringMatch, type ValueTest } from './match.js';
import type { MessageHeader, ParsedMessage } from './message.js';

/** A message with its headers indexed by lower-case name. */
export class MessageView {
  private readonly index = new Map<string, MessageHeader[]>();
  private readonly addresses = new Map<MessageHeader, AddressItem[]>();

  constructor(readonly msg: ParsedMessage) {
    for (const h of msg.headers) {
      const key = h.name.toLowerCase();
      const list = this.index.get(key);
      if (list) list.push(h);
      else this.index.set(key, [h]);
    }
  }

  headers(name: string): readonly MessageHeader[] {
    return this.index.get(name.toLowerCase()) ?? [];
  }

  addressItems(h: MessageHeader): AddressItem[] {
    let items = this.addresses.get(h);
    if (!items) {
      items = addressItems(h.raw);
      this.addresses.set(h, items);
    }
    return items;
  }
}

export type Predicate = (m: MessageView) => boolean;

/** Script-wide facts a condition's meaning depends on. */
export interface ConditionContext {
  settings: SpamSettings;
  spamHeader: string;
}

/** Dovecot's default `recipient_delimiter`, which Pigeonhole's subaddress extension splits on. */
const RECIPIENT_DELIMITER = '+';

/** RFC 5233: `:user` is the local part up to the first delimiter; `:detail` what follows it, absent (the test fails) without one. */
function subaddressPart(localpart: string, part: 'user' | 'detail'): string | null {
  const at = localpart.indexOf(RECIPIENT_DELIMITER);
  if (part === 'user') return at < 0 ? localpart : localpart.slice(0, at);
  return at < 0 ? null : localpart.slice(at + 1);
}

function partOf(item: AddressItem, part: AddressPart): string | null {
  if (item.kind === 'unparsed') return item.text === '' || part === 'all' ? item.text : null;
  switch (part) {
    case 'all':
      return addressText(item.address);
    case 'localpart':
      return item.address.localpart;
    case 'domain':
      return item.address.domain;
    case 'user':
    case 'detail':
      return subaddressPart(item.address.localpart, part);
  }
}

/**
 * Thrown by a test whose outcome the message alone does not decide: spamtest
 * and virustest read the verdict as the server's configuration maps it.
 */
export class ServerDependent extends Error {
  constructor() {
    super('depends on the server\'s spamtest configuration');
  }
}

function addressTest(names: readonly string[], part: AddressPart, test: ValueTest): Predicate {
  return (m) =>
    names.some((n) =>
      m.headers(n).some((h) =>
        m.addressItems(h).some((item) => {
          const v = partOf(item, part);
          return v !== null && test(v);
        }),
      ),
    );
}

function headerTest(names: readonly string[], test: ValueTest): Predicate {
  return (m) => names.some((n) => m.headers(n).some((h) => test(h.value)));
}

function regexHeaderTest(name: string, regex: string): Predicate {
  return headerTest([name], compileStringMatch({ match: 'regex', values: [regex] }));
}

export function spamScorePredicate(atLeast: number, ctx: ConditionContext): Predicate {
  return regexHeaderTest(ctx.spamHeader, spamScoreRegex(atLeast));
}

const never: Predicate = () => false;
const always: Predicate = () => true;

export function compileCondition(c: Condition, ctx: ConditionContext): Predicate {
  switch (c.kind) {
    case 'address':
      return addressTest(c.header === 'any' ? ANY_ADDRESS_HEADERS : [c.header], c.part, compileStringMatch(c.test));
    case 'envelope': {
      const test = compileStringMatch(c.test);
      const field = c.field;
      const part = c.part;
      return (m) => {
        const path = m.msg.envelope[field];
        if (path === undefined) return false;
        const v = partOf(envelopeAddress(path), part);
        return v !== null && test(v);
      };
    }
    case 'header':
      return headerTest(c.names, compileStringMatch(c.test));
    case 'subject':
      return headerTest(['subject'], compileStringMatch(c.test));
    case 'list-id':
      return headerTest(['list-id'], compileStringMatch(c.test));
    case 'body': {
      const test = compileStringMatch(c.test);
      return (m) => m.msg.textParts.some(test);
    }
    case 'size': {
      const bytes = Number.isSafeInteger(c.bytes) && c.bytes >= 0 ? c.bytes : 0;
      return c.comparison === 'over' ? (m) => m.msg.size > bytes : (m) => m.msg.size < bytes;
    }
    case 'exists': {
      const names = c.names;
      return (m) => names.every((n) => m.headers(n).length > 0);
    }
    case 'auth': {
      const id = ctx.settings.trustedAuthservId?.trim();
      if (id === undefined || id === '') return never;
      return regexHeaderTest(AUTH_RESULTS_HEADER, authResultRegex(id, c.method, c.result));
    }
    case 'spam-score':
      return Number.isFinite(c.atLeast) ? spamScorePredicate(c.atLeast, ctx) : never;
    case 'spamtest':
      return () => {
        throw new ServerDependent();
      };
    case 'always':
      return always;
    case 'not': {
      const inner = compileCondition(c.condition, ctx);
      return (m) => !inner(m);
    }
    case 'group':
      return combined(c.combine, c.conditions, ctx).test;
  }
}

/**
 * The conditions joined as all / any / none (an empty list holds except for
 * "any"). `decider` names the top-level condition that decided a match: the
 * first one that held, for "any"; none for "all" and "none".
 */
export function combined(combine: Combine, conditions: readonly Condition[], ctx: ConditionContext): { test: Predicate; decider: (m: MessageView) => number | undefined } {
  const preds = conditions.map((c) => compileCondition(c, ctx));
  if (preds.length === 0) {
    const v = combine !== 'any';
    return { test: () => v, decider: () => undefined };
  }
  if (combine === 'any') {
    return { test: (m) => preds.some((p) => p(m)), decider: (m) => { const i = preds.findIndex((p) => p(m)); return i < 0 ? undefined : i; } };
  }
  if (combine === 'all') return { test: (m) => preds.every((p) => p(m)), decider: () => undefined };
  return { test: (m) => !preds.some((p) => p(m)), decider: () => undefined };
}

export function fromMatches(patterns: readonly string[]): Predicate {
  return addressTest(['from'], 'all', compileStringMatch({ match: 'matches', values: patterns.map(globKey) }));
}

/** The whitelist verdict, as grammar/emit/sieve/sender-lists.ts writes it. */
export function whitelistPredicate(entries: readonly WhitelistEntry[], ctx: ConditionContext): Predicate {
  const tests: Predicate[] = [];
  const plain = entries.filter((e) => !e.authenticated).map((e) => e.pattern);
  if (plain.length > 0) tests.push(fromMatches(plain));
  const id = ctx.settings.trustedAuthservId?.trim();
  const authenticated = entries.filter((e) => e.authenticated);
  if (id && authenticated.length > 0) {
    const byDomain = new Map<string, string[]>();
    for (const e of authenticated) {
      const domain = domainOf(e.pattern).toLowerCase();
      byDomain.set(domain, [...(byDomain.get(domain) ?? []), e.pattern]);
    }
    for (const [domain, patterns] of byDomain) {
      const from = fromMatches(patterns);
      const pass = regexHeaderTest(AUTH_RESULTS_HEADER, authPassForDomainRegex(id, domainGlobRegex(domain)));
      tests.push((m) => from(m) && pass(m));
    }
  }
  return (m) => tests.some((t) => t(m));
}
