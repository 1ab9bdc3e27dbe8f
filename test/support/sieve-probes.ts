// Messages derived from a Sieve script's own keys: for each header, address,
// envelope, exists and body test, one message (with its envelope) the test
// is meant to match, so running a script and its re-emitted form on them
// exercises every rule, not only the ones some fixed messages happen to hit.
import type { SieveArgument, SieveCommand, SieveScript, SieveTest } from '../../grammar/sieve-ast.js';
import { stringValues } from '../../grammar/sieve-ast.js';
import { FILTER_JUNK_KEYWORD } from '../../grammar/model.js';
import type { SieveTestResult } from './pigeonhole.js';

export interface Probe {
  name: string;
  text: string;
  envelopeFrom: string;
  recipient: string;
}

const BASE: Record<string, string> = {
  from: 'Someone <someone@example.org>',
  to: 'alice@example.test',
  subject: 'Hello',
  date: 'Mon, 02 Jan 2023 10:00:00 +0000',
  'message-id': '<probe@example.org>',
};

/**
 * What a delivery does, for comparison. Filing into Junk gains the Junk
 * keyword on purpose (the import reports it); every other difference counts.
 */
export function behaviour(r: SieveTestResult): unknown {
  return {
    exitCode: r.exitCode,
    implicitKeep: r.implicitKeep,
    implicitKeepFlags: r.implicitKeepFlags?.filter((f) => f !== FILTER_JUNK_KEYWORD) ?? [],
    actions: r.actions.map((a) => ({ ...a, text: undefined, flags: a.flags?.filter((f) => f !== FILTER_JUNK_KEYWORD) ?? [] })),
  };
}

export function probes(script: SieveScript): Probe[] {
  const out: Probe[] = [];
  const visitTest = (t: SieveTest): void => {
    const probe = probeFor(t);
    if (probe) out.push({ ...probe, name: `${t.name} at line ${t.loc.start.line}` });
    t.tests.forEach(visitTest);
  };
  const visitCommand = (c: SieveCommand): void => {
    c.tests.forEach(visitTest);
    c.block?.forEach(visitCommand);
  };
  script.commands.forEach(visitCommand);
  return out;
}

/** A value a key is meant to match: wildcards filled in. */
function sample(key: string, match: string): string | null {
  if (match === 'regex') return null;
  return match === 'matches' ? key.replace(/\\(.)/g, '$1').replace(/\*/g, 'x').replace(/\?/g, 'y') : key;
}

function probeFor(t: SieveTest): Omit<Probe, 'name'> | null {
  const name = t.name.toLowerCase();
  const tags = t.arguments.filter((a): a is Extract<SieveArgument, { type: 'tag' }> => a.type === 'tag').map((a) => a.name.toLowerCase());
  const lists = t.arguments.filter((a) => a.type !== 'tag' && a.type !== 'number').map((a) => stringValues(a) ?? []);
  // The comparator's name and relational operators are strings too: the test's own operands are the last two.
  const match = tags.find((m) => ['is', 'contains', 'matches', 'regex'].includes(m)) ?? 'is';
  const headers = { ...BASE };
  let envelopeFrom = 'sender@example.com';
  let recipient = 'alice@example.test';
  let body = 'Hello.';
  if (name === 'exists') {
    for (const h of lists[lists.length - 1] ?? []) headers[h.toLowerCase()] = 'x';
  } else if (name === 'body') {
    const key = sample(lists[lists.length - 1]?.[0] ?? '', match);
    if (key === null) return null;
    body = key;
  } else if (name === 'header' || name === 'address' || name === 'envelope') {
    if (tags.includes('count') || tags.includes('value') || lists.length < 2) return null;
    const field = (lists[lists.length - 2]![0] ?? '').toLowerCase();
    const raw = sample(lists[lists.length - 1]![0] ?? '', match);
    if (raw === null || field === '') return null;
    const value = name === 'header' ? raw : addressFor(raw, tags);
    if (name === 'envelope') {
      if (field === 'from') envelopeFrom = value;
      else recipient = value;
    } else headers[field] = value;
  } else return null;
  const text = `${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}\r\n`;
  return { text, envelopeFrom, recipient };
}

function addressFor(key: string, tags: readonly string[]): string {
  if (tags.includes('domain')) return `someone@${key}`;
  if (tags.includes('localpart') || tags.includes('user')) return `${key}@example.test`;
  if (tags.includes('detail')) return `alice+${key}@example.test`;
  return key.includes('@') ? key : `${key}@example.test`;
}
