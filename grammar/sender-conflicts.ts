// Senders both trusted and blocked. The emitted script exempts trusted mail
// from the blocklist, so such a block silently does nothing; the user should
// hear of it. Patterns are compared the way the script compares them:
// `address :all :matches` with the default i;ascii-casemap comparator, where
// `*` is any run of characters, `?` is one character, every other character
// (backslash included, see emit/sieve/sender-lists.ts) stands for itself, and
// only ASCII letters compare case-insensitively.
import type { BlocklistEntry, WhitelistEntry } from './model.js';

export interface SenderConflict {
  trusted: WhitelistEntry;
  blocked: BlocklistEntry;
}

const WILDCARD = /[*?]/;

export function senderConflicts(whitelist: readonly WhitelistEntry[], blocklist: readonly BlocklistEntry[]): SenderConflict[] {
  const out: SenderConflict[] = [];
  const wildcards = whitelist.filter((w) => WILDCARD.test(w.pattern));
  const byPattern = new Map<string, WhitelistEntry>();
  for (const w of whitelist) if (!byPattern.has(asciiLower(w.pattern))) byPattern.set(asciiLower(w.pattern), w);
  for (const blocked of blocklist) {
    const same = byPattern.get(asciiLower(blocked.pattern));
    const trusted = same ?? wildcards.find((w) => covers(w.pattern, blocked.pattern));
    if (trusted) out.push({ trusted, blocked });
  }
  return out;
}

/** ASCII-only case folding, as i;ascii-casemap does (non-ASCII letters stay as they are). */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/**
 * Whether every address `blocked` matches is also matched by `trusted`. The
 * blocked pattern's own wildcards are treated as symbols only a `*` of the
 * trusted pattern can stand for (and a `?` for a `?`), so a true answer is
 * always right; for a blocked pattern without wildcards it is exact.
 */
export function covers(trusted: string, blocked: string): boolean {
  const t = [...asciiLower(trusted)];
  const b = [...asciiLower(blocked)];
  // row[j]: t[0..i) matches b[0..j).
  let row = new Array<boolean>(b.length + 1).fill(false);
  row[0] = true;
  for (const tc of t) {
    const next = new Array<boolean>(b.length + 1).fill(false);
    if (tc === '*') {
      next[0] = row[0]!;
      for (let j = 1; j <= b.length; j++) next[j] = row[j]! || next[j - 1]!;
    } else {
      for (let j = 1; j <= b.length; j++) {
        const bc = b[j - 1]!;
        const one = tc === '?' ? bc !== '*' : bc === tc && bc !== '*' && bc !== '?';
        next[j] = row[j - 1]! && one;
      }
    }
    row = next;
  }
  return row[b.length]!;
}
