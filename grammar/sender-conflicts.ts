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

const LAST_WILDCARD = /[*?](?!.*[*?])/s;

export function senderConflicts(whitelist: readonly WhitelistEntry[], blocklist: readonly BlocklistEntry[]): SenderConflict[] {
  const out: SenderConflict[] = [];
  const byPattern = new Map<string, WhitelistEntry>();
  // A trusted wildcard can only cover a blocked pattern that ends in the
  // literal text after its last wildcard: indexed by that text, each blocked
  // pattern is compared only with the few that may cover it.
  const byTail = new Map<string, WhitelistEntry[]>();
  for (const w of whitelist) {
    const lower = asciiLower(w.pattern);
    if (!byPattern.has(lower)) byPattern.set(lower, w);
    const last = LAST_WILDCARD.exec(lower);
    if (!last) continue;
    const tail = lower.slice(last.index + 1);
    const same = byTail.get(tail);
    if (same) same.push(w);
    else byTail.set(tail, [w]);
  }
  for (const blocked of blocklist) {
    const lower = asciiLower(blocked.pattern);
    let trusted = byPattern.get(lower);
    for (let start = lower.length; !trusted && start >= 0; start--) {
      trusted = byTail.get(lower.slice(start))?.find((w) => covers(w.pattern, blocked.pattern));
    }
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
