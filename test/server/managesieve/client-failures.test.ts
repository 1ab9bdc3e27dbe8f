// Connection failures the real server cannot be made to produce on demand:
// silence, a drop in the middle of a literal, garbage. A scripted socket
// plays the server; every case must end in a typed error, never a hang.
import net from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { ManageSieveClient } from '../../../server/managesieve/client.js';
import { ManageSieveError } from '../../../server/managesieve/errors.js';

const GREETING = '"IMPLEMENTATION" "scripted"\r\n"SASL" "PLAIN"\r\nOK "ready"\r\n';
let server: net.Server | null = null;

afterEach(() => {
  server?.close();
  server = null;
});

/** A server that greets (or not) and answers every received line with `reply(line)`. */
async function scripted(greeting: string | null, reply: (line: string, sock: net.Socket) => void): Promise<number> {
  server = net.createServer((sock) => {
    if (greeting !== null) sock.write(greeting);
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        reply(line, sock);
      }
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

async function failure(p: Promise<unknown>): Promise<ManageSieveError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(ManageSieveError);
  return e as ManageSieveError;
}

describe('client failure handling', () => {
  test('a server that never greets times out', async () => {
    const port = await scripted(null, () => {});
    const started = Date.now();
    const e = await failure(ManageSieveClient.connect({ host: '127.0.0.1', port, tls: 'none', timeoutMs: 300 }));
    expect(e.kind).toBe('timeout');
    expect(e.transient).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test('a command the server never answers times out and closes the client', async () => {
    const port = await scripted(GREETING, () => {});
    const c = await ManageSieveClient.connect({ host: '127.0.0.1', port, tls: 'none', timeoutMs: 300 });
    const e = await failure(c.listScripts());
    expect(e).toMatchObject({ kind: 'timeout', command: 'LISTSCRIPTS' });
    expect(c.closed).toBe(true);
  });

  test('a connection dropped in the middle of a literal fails every pipelined command', async () => {
    const port = await scripted(GREETING, (line, sock) => {
      if (line.startsWith('GETSCRIPT')) sock.end('{100}\r\nonly part of it');
    });
    const c = await ManageSieveClient.connect({ host: '127.0.0.1', port, tls: 'none', timeoutMs: 5000 });
    const [a, b] = await Promise.allSettled([c.getScript('x'), c.noop()]);
    for (const r of [a, b]) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toMatchObject({ kind: 'closed' });
    }
  });

  test('garbage from the server is a protocol error, not a crash', async () => {
    const port = await scripted(GREETING, (_line, sock) => sock.write('"unterminated\r\n'));
    const c = await ManageSieveClient.connect({ host: '127.0.0.1', port, tls: 'none', timeoutMs: 5000 });
    expect((await failure(c.noop())).kind).toBe('protocol');
  });

  test('STARTTLS demanded from a server that does not offer it is refused before any password is sent', async () => {
    const seen: string[] = [];
    const port = await scripted(GREETING, (line) => seen.push(line));
    const e = await failure(ManageSieveClient.connect({ host: '127.0.0.1', port, tls: 'starttls', timeoutMs: 2000 }));
    expect(e.kind).toBe('tls');
    expect(seen).toEqual([]);
  });

  test('a BYE with a referral carries the referral URL', async () => {
    const port = await scripted(GREETING, (_l, sock) => sock.end('BYE (REFERRAL "sieve://other.example.net") "moved"\r\n'));
    const c = await ManageSieveClient.connect({ host: '127.0.0.1', port, tls: 'none', timeoutMs: 2000 });
    const e = await failure(c.authenticate('a', 'b'));
    expect(e).toMatchObject({ kind: 'response', status: 'BYE', responseCode: 'REFERRAL', responseCodeArgs: ['sieve://other.example.net'], transient: true });
  });
});
