// The one place that turns data into Sieve string literals. Every user
// string reaches the script through `quote`, so this file alone decides
// whether input can become code.
//
// Sieve quoted strings (RFC 5228 §2.4.2) need `\` and `"` escaped; any other
// octet is data, except:
// - NUL: Pigeonhole rejects it ("encountered NUL character"); it cannot be
//   carried, so it is replaced (validateRuleSet reports it).
// - lone CR: rejected ("stray carriage-return"). Line breaks of any kind are
//   written as LF, which Pigeonhole reads as CRLF: a line break in the model
//   is a CRLF in the Sieve value, as RFC 5228 intends for multi-line text.
// - unpaired UTF-16 surrogates have no UTF-8 form; replaced likewise.
// - `${`: when the script requires "variables", every string is expanded at
//   run time, and with "encoded-character" it is decoded at parse time
//   (before variable expansion), so `${hex:24}` would not help. A literal
//   `${` is therefore written as `${sw_dollar}{`, where `sw_dollar` holds "$"
//   (set once at the top, see DOLLAR_SETUP): expansion is a single pass, so
//   the result is the literal text. With only "encoded-character" active,
//   `${hex:24}{` does the job.

export interface StringMode {
  /** The script requires "variables": `${name}` would expand. */
  variables: boolean;
  /** The script requires "encoded-character": `${hex:..}` would decode. */
  encodedCharacter: boolean;
}

export const PLAIN_STRINGS: StringMode = { variables: false, encodedCharacter: false };

// Global: used with replace and match only, which reset lastIndex.
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const DOLLAR_VARIABLE = 'sw_dollar';

/** The command that defines DOLLAR_VARIABLE; emitted when a string needed it. */
export const DOLLAR_SETUP = `set "${DOLLAR_VARIABLE}" "$";`;

/** Result of quoting: the literal and whether it referenced DOLLAR_VARIABLE. */
export interface Quoted {
  text: string;
  usesDollar: boolean;
}

/** Anything quote changes; most strings hold none and are only scanned once. */
const CHANGED_BY_QUOTE = /[\0\r\\"\uD800-\uDFFF]|\$\{/;
/** Characters Sieve cannot carry as they are; rare, so their passes are skipped for most strings. */
const NEEDS_REPAIR = /[\0\r\uD800-\uDFFF]/;
const NEEDS_ESCAPE = /[\\"]/;

/**
 * Quotes `s` as a Sieve string literal. NUL and lone surrogates become
 * U+FFFD so the output stays valid Sieve whatever the input.
 */
export function quote(s: string, mode: StringMode): Quoted {
  if (!CHANGED_BY_QUOTE.test(s)) return { text: `"${s}"`, usesDollar: false };
  let body = s;
  if (NEEDS_REPAIR.test(body)) {
    body = body.replace(/\0/g, '\uFFFD').replace(LONE_SURROGATES, '\uFFFD').replace(/\r\n?/g, '\n');
  }
  // Regexes are full of backslashes: a replacement pattern, not a callback per one.
  if (NEEDS_ESCAPE.test(body)) body = body.replace(/[\\"]/g, '\\$&');
  let usesDollar = false;
  if (body.includes('${')) {
    if (mode.variables) {
      usesDollar = true;
      body = body.split('${').join(`\${${DOLLAR_VARIABLE}}{`);
    } else if (mode.encodedCharacter) {
      body = body.split('${').join('${hex:24}{');
    }
  }
  return { text: `"${body}"`, usesDollar };
}

/**
 * The value Pigeonhole reads from `quote(s)`: what quote replaces is
 * replaced, and every line break is CRLF. (`${` expansion gives the literal
 * text back, so it changes nothing.)
 */
export function sieveValue(s: string): string {
  if (!/[\0\r\n\uD800-\uDFFF]/.test(s)) return s;
  return s.replace(/\0/g, '\uFFFD').replace(LONE_SURROGATES, '\uFFFD').replace(/\r\n?|\n/g, '\r\n');
}

/** Escapes POSIX extended-regex metacharacters so `s` matches itself under `:regex`. */
export function escapeRegex(s: string): string {
  return s.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&');
}

/**
 * Text for a `#` comment, which ends at the first line break: control
 * characters (CR and LF among them) become spaces, and what `quote` would
 * replace becomes U+FFFD.
 */
export function commentText(s: string): string {
  if (!NOT_COMMENT_TEXT.test(s)) return s;
  return s
    .replace(LONE_SURROGATES, '\uFFFD')
    .replace(/[\x00-\x1f\x7f]/g, ' ');
}

const NOT_COMMENT_TEXT = /[\x00-\x1f\x7f\uD800-\uDFFF]/;
