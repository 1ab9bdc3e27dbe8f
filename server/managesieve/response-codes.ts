// The response codes of RFC 5804 (section 1.3), the server's protocol
// words: kept as the server spells them, upper-case with `/` for sub-codes.
export const RESPONSE_CODES = [
  'AUTH-TOO-WEAK',
  'ENCRYPT-NEEDED',
  'QUOTA',
  'QUOTA/MAXSCRIPTS',
  'QUOTA/MAXSIZE',
  'REFERRAL',
  'SASL',
  'TRANSITION-NEEDED',
  'TRYLATER',
  'ACTIVE',
  'NONEXISTENT',
  'ALREADYEXISTS',
  'TAG',
  'WARNINGS',
] as const;

export type ResponseCode = (typeof RESPONSE_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(RESPONSE_CODES);

/**
 * The code a server's word stands for. A client must tolerate codes it does
 * not know: an unknown sub-code counts as its parent (`QUOTA/X` is `QUOTA`),
 * anything else as no code at all (the server's text still says it).
 */
export function responseCode(word: string): ResponseCode | undefined {
  const upper = word.toUpperCase();
  if (KNOWN.has(upper)) return upper as ResponseCode;
  const parent = upper.split('/')[0] ?? '';
  return upper.includes('/') && KNOWN.has(parent) ? (parent as ResponseCode) : undefined;
}
