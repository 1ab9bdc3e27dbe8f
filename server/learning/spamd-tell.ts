// spamd's TELL request (the SPAMC/SPAMD protocol that `spamc -L` speaks),
// sent from Node over TCP. Learning through spamd costs spamd's few
// milliseconds per message; starting a spamc process for each one cost more
// than the learning itself. spamd answers one request per connection.
import { connect } from 'node:net';
import type { Direction } from './decide.js';

export type TellResult = 'learned' | 'already-learned';

export interface SpamdAddress {
  host: string;
  port: number;
}

/** spamd answered with a non-zero status: `code` is its sysexits(3) number. */
export class SpamdStatusError extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(`spamd answered ${code} ${text}`);
    this.name = 'SpamdStatusError';
  }
}

/** The connection failed or closed before a whole answer came. */
export class SpamdConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpamdConnectionError';
  }
}

/**
 * A spamd user name goes into a header line; anything that could end the
 * line or the header block would let a name add headers of its own.
 */
export function isSafeSpamdUser(username: string): boolean {
  return username.length > 0 && username.length <= 255 && !/[\s\x00-\x1f\x7f]/.test(username);
}

export function encodeTell(username: string, direction: Direction, message: Buffer): Buffer {
  if (!isSafeSpamdUser(username)) throw new RangeError(`not a usable spamd user name: ${JSON.stringify(username)}`);
  // "Set: local" on a message learned the other way makes spamd relearn it,
  // as `spamc -L ham` does after a spam.
  const head =
    'TELL SPAMC/1.5\r\n' +
    `Message-class: ${direction}\r\n` +
    'Set: local\r\n' +
    `User: ${username}\r\n` +
    `Content-length: ${message.length}\r\n` +
    '\r\n';
  return Buffer.concat([Buffer.from(head, 'utf8'), message]);
}

/**
 * Reads spamd's answer: "SPAMD/1.1 0 EX_OK", headers, a blank line.
 * `DidSet: local` means the tokens were learned; its absence means spamd
 * had already learned this message this way. Returns null while incomplete.
 */
export function parseTellAnswer(answer: string): TellResult | null {
  const end = answer.indexOf('\r\n');
  if (end < 0) return null;
  const status = /^SPAMD\/\d+\.\d+ (\d+) ?(.*)$/.exec(answer.slice(0, end));
  if (!status) throw new SpamdConnectionError(`not a spamd answer: ${JSON.stringify(answer.slice(0, 80))}`);
  const code = Number(status[1]);
  if (code !== 0) throw new SpamdStatusError(code, status[2]!.trim());
  const headersEnd = answer.indexOf('\r\n\r\n');
  if (headersEnd < 0) return null;
  const headers = answer.slice(end + 2, headersEnd).split('\r\n');
  return headers.some((h) => /^DidSet:\s*\S/i.test(h)) ? 'learned' : 'already-learned';
}

export function tell(address: SpamdAddress, username: string, direction: Direction, message: Buffer, signal: AbortSignal): Promise<TellResult> {
  const request = encodeTell(username, direction, message);
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortError());
      return;
    }
    const socket = connect({ host: address.host, port: address.port });
    let answer = '';
    let settled = false;
    // One listener per request, removed when it ends: a run's signal serves
    // hundreds of requests.
    const onAbort = () => settle(() => reject(abortError()));
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      fn();
    };
    socket.setEncoding('latin1');
    socket.on('connect', () => socket.end(request));
    socket.on('data', (chunk: string) => {
      answer += chunk;
      try {
        const result = parseTellAnswer(answer);
        if (result) settle(() => resolve(result));
      } catch (err) {
        settle(() => reject(err));
      }
    });
    socket.on('end', () => settle(() => reject(new SpamdConnectionError(`spamd at ${address.host}:${address.port} closed the connection before answering${answer ? `: ${JSON.stringify(answer.slice(0, 120))}` : ''}`))));
    socket.on('error', (err) => settle(() => reject(err)));
  });
}

function abortError(): Error {
  return new DOMException('the run was aborted', 'AbortError');
}
