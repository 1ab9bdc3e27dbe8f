// Sender patterns as people paste them: one per line or separated by commas,
// possibly "Name <addr@example.org>", possibly a bare domain.

const PATTERN = /^[^\s@<>"(),;:]*@[^\s@<>"(),;:]+$/;

/** A single sender pattern normalised, or null when it is not one. */
export function normalizeSender(raw: string): string | null {
  let s = raw.trim();
  const angle = /<([^>]*)>/.exec(s);
  if (angle) s = angle[1]!.trim();
  s = s.replace(/^mailto:/i, '').toLowerCase();
  if (s === '') return null;
  if (!s.includes('@') && /^[a-z0-9*][a-z0-9.*-]*\.[a-z]{2,}$/.test(s)) s = `*@${s}`;
  if (s.startsWith('@')) s = `*${s}`;
  return PATTERN.test(s) ? s : null;
}

export interface BulkParse {
  patterns: string[];
  rejected: string[];
}

/** Splits pasted text into patterns, dropping duplicates (also of `existing`). */
export function parseSenderList(text: string, existing: readonly string[] = []): BulkParse {
  const seen = new Set(existing.map((e) => e.toLowerCase()));
  const patterns: string[] = [];
  const rejected: string[] = [];
  for (const piece of text.split(/[\n,;]+/)) {
    if (piece.trim() === '') continue;
    const p = normalizeSender(piece);
    if (!p) rejected.push(piece.trim());
    else if (!seen.has(p)) {
      seen.add(p);
      patterns.push(p);
    }
  }
  return { patterns, rejected };
}

export function matchesSearch(pattern: string, query: string): boolean {
  return query.trim() === '' || pattern.toLowerCase().includes(query.trim().toLowerCase());
}
