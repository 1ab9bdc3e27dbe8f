// The administrator's forwarding policy in the user's words: stated before
// the address is typed, and the verdict on the address typed. The domain
// test is the server's own (grammar/policy.ts); an empty list of domains
// allows none, so every forward is then "outside".
import { domainAllowed } from '../../grammar/policy.js';
import type { RulesResponse } from '../api/types.js';
import { forwardProblem } from './checks.js';

/** The parts of the policy that decide a forward. */
export type ForwardPolicy = Pick<RulesResponse['policy'], 'allowedRedirectDomains' | 'redirectOutside' | 'allowedActions'>;

export function forwardingAllowed(policy: ForwardPolicy): boolean {
  return policy.allowedActions.includes('redirect');
}

/** What the administrator allows, said before the user types an address. */
export function forwardPolicyStatement(policy: ForwardPolicy): string {
  if (!forwardingAllowed(policy)) return 'Your administrator does not allow forwarding on this server.';
  const domains = policy.allowedRedirectDomains;
  if (domains.length === 0) {
    return policy.redirectOutside === 'refuse'
      ? 'Your administrator does not allow forwarding mail to any address: a forward is refused when you save.'
      : 'You may forward to any address. Your administrator is told about each new forwarding address, to review it.';
  }
  const list = `You may forward to addresses at ${domains.join(', ')}.`;
  return policy.redirectOutside === 'refuse'
    ? `${list} Forwarding to any other address is refused when you save.`
    : `${list} Forwarding elsewhere is allowed, but your administrator is told about it, to review it.`;
}

export type ForwardVerdict = { level: 'error' | 'notice'; text: string } | null;

/** What will happen to a forward to `address`: refused (error), reviewed (notice), or nothing to say. */
export function forwardVerdict(address: string, policy: ForwardPolicy): ForwardVerdict {
  const problem = forwardProblem(address);
  if (problem) return { level: 'error', text: problem };
  if (!forwardingAllowed(policy)) return { level: 'error', text: 'Your administrator does not allow forwarding, so this cannot be saved.' };
  const a = address.trim();
  const domains = policy.allowedRedirectDomains;
  if (domains.length > 0 && domainAllowed(a, domains)) return null;
  const where = domains.length ? `outside the domains your administrator allows (${domains.join(', ')})` : 'an address your administrator has not allowed';
  return policy.redirectOutside === 'refuse'
    ? { level: 'error', text: `${a} is ${where}: the server refuses to save this forward, to keep your mail from leaving without their approval.` }
    : { level: 'notice', text: `${a} is ${where}: the forward works, and your administrator is told about it, to review it.` };
}
