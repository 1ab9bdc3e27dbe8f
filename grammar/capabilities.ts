// Sieve capability lists: what a server says it can run (the ManageSieve
// SIEVE capability, RFC 5804 §1.7) and the default we assume without one.

/**
 * Pigeonhole 0.5's default personal-script extensions, plus the ones a
 * typical deployment switches on (`sieve_extensions = +editheader +spamtest
 * +spamtestplus +virustest`). Used when the caller passes no list.
 */
export const PIGEONHOLE_CAPABILITIES: readonly string[] = [
  'fileinto', 'reject', 'envelope', 'encoded-character', 'vacation', 'subaddress',
  'comparator-i;ascii-numeric', 'relational', 'regex', 'imap4flags', 'copy', 'include',
  'variables', 'body', 'enotify', 'environment', 'mailbox', 'date', 'index', 'ihave',
  'duplicate', 'mime', 'foreverypart', 'extracttext',
  'editheader', 'spamtest', 'spamtestplus', 'virustest',
];

/** Capability names compare case-insensitively (RFC 5228 §6). */
export function capabilitySet(caps: readonly string[]): ReadonlySet<string> {
  return new Set(caps.map((c) => c.toLowerCase()));
}
