// Capability lines (RFC 5804 section 1.7) into a typed record. Unknown
// capabilities are kept so a caller can still look at them.
import { lineStrings, type DataLine } from './response.js';

export interface Capabilities {
  implementation: string | null;
  /** SASL mechanisms, upper-cased. Empty after authentication (servers drop it). */
  sasl: string[];
  /** Sieve extensions the server supports, lower-cased. */
  sieve: string[];
  starttls: boolean;
  maxRedirects: number | null;
  /** Notification methods (enotify), e.g. `mailto`. */
  notify: string[];
  language: string | null;
  version: string | null;
  /** The authenticated user (sent after AUTHENTICATE). */
  owner: string | null;
  /** Every capability by upper-cased name, including unknown ones. */
  raw: Record<string, string>;
}

const words = (value: string | undefined): string[] => (value ?? '').split(/\s+/).filter((w) => w.length > 0);

export function parseCapabilities(lines: readonly DataLine[]): Capabilities {
  const raw: Record<string, string> = {};
  for (const line of lines) {
    const [name, value] = lineStrings(line);
    if (name) raw[name.toUpperCase()] = value ?? '';
  }
  const maxRedirects = raw.MAXREDIRECTS === undefined ? NaN : Number(raw.MAXREDIRECTS);
  return {
    implementation: raw.IMPLEMENTATION ?? null,
    sasl: words(raw.SASL).map((m) => m.toUpperCase()),
    sieve: words(raw.SIEVE).map((e) => e.toLowerCase()),
    starttls: 'STARTTLS' in raw,
    maxRedirects: Number.isInteger(maxRedirects) ? maxRedirects : null,
    notify: words(raw.NOTIFY).map((m) => m.toLowerCase()),
    language: raw.LANGUAGE ?? null,
    version: raw.VERSION ?? null,
    owner: raw.OWNER ?? null,
    raw,
  };
}
