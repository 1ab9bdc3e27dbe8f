// "Spam score at or above T" as a regex over SpamAssassin's X-Spam-Status.
//
// Why this test: SpamAssassin writes `X-Spam-Status: Yes, score=5.3
// required=5.0 tests=...` with the score printed to one decimal ("%2.1f"),
// and removes any such header the message arrived with. The alternatives
// fall short: X-Spam-Level stars only express whole points, and the
// spamtest extension depends on server settings and reports a 0..10 scale
// relative to the required score, not the score itself. A regex that
// accepts exactly the printed numbers >= T is exact at the printed precision
// and needs only the "regex" extension.
//
// T is taken in tenths and rounded up: "at least 5.05" can only be decided
// on printed values, and every printed value >= 5.05 is >= 5.1.

export const SPAM_STATUS_HEADER = 'X-Spam-Status';

/** Regex for decimal integers >= n (n >= 0), written without leading zeros. */
function integersAtLeast(n: number): string {
  const s = String(n);
  const alts = [`[1-9][0-9]{${s.length},}`];
  for (let i = 0; i < s.length; i++) {
    const d = Number(s[i]);
    if (d < 9) alts.push(`${s.slice(0, i)}[${d + 1}-9]${'[0-9]'.repeat(s.length - i - 1)}`);
  }
  alts.push(s);
  return alts.join('|');
}

/** Regex for decimal integers 0..n (n >= 0), written without leading zeros. */
function integersAtMost(n: number): string {
  const s = String(n);
  const alts = s.length > 1 ? ['0', `[1-9][0-9]{0,${s.length - 2}}`] : [];
  for (let i = 0; i < s.length; i++) {
    const d = Number(s[i]);
    const low = i === 0 && s.length > 1 ? 1 : 0;
    if (d - 1 >= low) alts.push(`${s.slice(0, i)}[${low}-${d - 1}]${'[0-9]'.repeat(s.length - i - 1)}`);
  }
  alts.push(s);
  return alts.join('|');
}

/** Regex for one-decimal numbers (`-12.3`, `0.0`, `101.3`) whose value is >= tenths/10. */
export function scoreAtLeastRegex(tenths: number): string {
  if (tenths > 0) {
    const whole = Math.floor(tenths / 10);
    const decimal = tenths % 10;
    return `${whole}\\.[${decimal}-9]|(${integersAtLeast(whole + 1)})\\.[0-9]`;
  }
  // Every non-negative score, and negative ones down to -|T|.
  const magnitude = -tenths;
  const whole = Math.floor(magnitude / 10);
  const decimal = magnitude % 10;
  const smallerWholes = whole > 0 ? `|-(${integersAtMost(whole - 1)})\\.[0-9]` : '';
  return `[0-9]+\\.[0-9]|-${whole}\\.[0-${decimal}]${smallerWholes}`;
}

/** The threshold in tenths of a point, rounded up to the printed precision. */
export function thresholdTenths(atLeast: number): number {
  return Math.ceil(Math.round(atLeast * 1000) / 100);
}

/**
 * The X-Spam-Status regex for "score >= atLeast". The verdict word is not
 * trusted, only the score. Whitespace may lead: Pigeonhole keeps the
 * line break's blank when a relay folds the header before the verdict.
 */
export function spamScoreRegex(atLeast: number): string {
  return `^[[:space:]]*(yes|no),[[:space:]]*score=(${scoreAtLeastRegex(thresholdTenths(atLeast))})([[:space:]]|$)`;
}
