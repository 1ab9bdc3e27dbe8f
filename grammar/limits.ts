// Explicit, configurable limits for parsing untrusted Sieve scripts. They
// keep a hostile or runaway script from exhausting memory or the stack; the
// defaults follow Pigeonhole's own (1 MiB scripts, 32 levels of nesting), so
// anything the mail server would accept is accepted here too.

export interface SieveLimits {
  /** Largest script accepted, in UTF-8 bytes. 0 means no limit. */
  maxScriptBytes: number;
  /** Deepest nesting of blocks, and separately of test lists (`anyof(allof(...))`). */
  maxNestingDepth: number;
  /** Most strings in one string list. */
  maxStringListLength: number;
}

export const DEFAULT_SIEVE_LIMITS: Readonly<SieveLimits> = Object.freeze({
  maxScriptBytes: 1024 * 1024,
  maxNestingDepth: 32,
  maxStringListLength: 100_000,
});

export function resolveLimits(overrides?: Partial<SieveLimits>): SieveLimits {
  return { ...DEFAULT_SIEVE_LIMITS, ...overrides };
}

/** UTF-8 length without allocating an encoded copy of a large script. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
