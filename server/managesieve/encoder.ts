// The one place that turns command arguments into ManageSieve wire text
// (RFC 5804 section 4). Strings go out quoted when the grammar allows it
// and as non-synchronizing literals `{N+}` otherwise: client-to-server
// literals are always `{N+}` in RFC 5804, so a command never waits for
// the server between its parts and commands can be pipelined.

/** RFC 5804: `quoted = DQUOTE *1024QUOTED-CHAR DQUOTE`. */
const MAX_QUOTED_OCTETS = 1024;

export type Argument = string | number | { literal: string };

/** Quoted when short and free of CR, LF and NUL (which QUOTED-CHAR excludes); a literal otherwise. */
export function encodeString(value: string): string {
  if (!/[\r\n\0]/.test(value) && Buffer.byteLength(value, 'utf8') <= MAX_QUOTED_OCTETS) {
    return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  }
  return encodeLiteral(value);
}

/** `{N+}CRLF` followed by the octets; N counts UTF-8 octets, not UTF-16 code units. */
export function encodeLiteral(value: string): string {
  return `{${Buffer.byteLength(value, 'utf8')}+}\r\n${value}`;
}

export function encodeNumber(value: number): string {
  // RFC 5804: number = 1*DIGIT, 0 to 4,294,967,295.
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`not a ManageSieve number: ${value}`);
  }
  return String(value);
}

function encodeArgument(arg: Argument): string {
  if (typeof arg === 'number') return encodeNumber(arg);
  if (typeof arg === 'string') return encodeString(arg);
  return encodeLiteral(arg.literal);
}

/** A whole command line, CRLF-terminated. Script bodies should be passed as `{ literal }`. */
export function encodeCommand(verb: string, args: readonly Argument[] = []): string {
  if (!/^[A-Z]+$/.test(verb)) throw new RangeError(`not a ManageSieve command: ${verb}`);
  return [verb, ...args.map(encodeArgument)].join(' ') + '\r\n';
}
