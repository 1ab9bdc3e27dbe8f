// Field checks the editors show inline, in words, as the user types. They
// are about what a person typed into one field; whole-rule checks come from
// grammar/validate.ts (see problems.ts).
import type { Vacation } from '../../grammar/model.js';
import { domainAllowed } from '../../grammar/policy.js';

const ADDRESS = /^[^\s@"<>,;]+@[^\s@"<>,;]+\.[^\s@"<>,;]+$/;

/** What is wrong with a forwarding address, in words, or null when it is an address. */
export function forwardProblem(address: string): string | null {
  const a = address.trim();
  if (a === '') return 'Type the address to forward to.';
  if (!ADDRESS.test(a)) return `“${a}” is not an email address (it should look like name@example.org).`;
  return null;
}

/**
 * A warning when the address is outside the domains the administrator
 * allows. Whether such a forward is refused or only reported is the
 * server's policy, so this warns rather than blocks.
 */
export function forwardPolicyNotice(address: string, allowedDomains: readonly string[]): string | null {
  const a = address.trim();
  if (allowedDomains.length === 0 || forwardProblem(a)) return null;
  return domainAllowed(a, allowedDomains)
    ? null
    : `Your administrator allows forwarding to ${allowedDomains.join(', ')}. Forwarding elsewhere may be refused when you save, and is reported to them.`;
}

/** Problems with a vacation in words, one per field (absent when the field is fine). */
export interface VacationProblems {
  dates?: string;
  days?: string;
  message?: string;
  addresses?: string;
}

export function vacationProblems(v: Vacation): VacationProblems {
  const out: VacationProblems = {};
  if (v.message.trim() === '') out.message = 'Write the reply message.';
  if (v.start && v.end && v.end < v.start) out.dates = 'The last day cannot be before the first day.';
  if (v.days !== undefined && (!Number.isInteger(v.days) || v.days < 1 || v.days > 365)) out.days = 'Reply to the same sender at most once every 1 to 365 days.';
  const bad = (v.addresses ?? []).filter((a) => forwardProblem(a) !== null);
  if (bad.length) out.addresses = `${bad.map((a) => `“${a}”`).join(', ')} ${bad.length === 1 ? 'is not an email address' : 'are not email addresses'} (they look like name@example.org).`;
  return out;
}

export function thresholdMeaning(t: number): string {
  if (!Number.isFinite(t) || t <= 0) return 'Choose a number above 0.';
  if (t < 3) return `Very strict: mail scoring ${t} or more is treated as spam. Expect some wanted mail in Junk; check it often.`;
  if (t < 5) return `Strict: mail scoring ${t} or more is treated as spam. Catches more spam, with a small risk of wanted mail in Junk.`;
  if (t <= 6) return `Balanced (the usual setting): mail scoring ${t} or more is treated as spam.`;
  if (t <= 10) return `Relaxed: only mail scoring ${t} or more is treated as spam. Less wanted mail in Junk, more spam in the Inbox.`;
  return `Very relaxed: only mail scoring ${t} or more is treated as spam; most spam will reach your Inbox.`;
}

const DOMAIN = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;

export function domainProblems(domains: readonly string[]): string[] {
  return domains.filter((d) => !DOMAIN.test(d)).map((d) => `“${d}” is not a domain name.`);
}
