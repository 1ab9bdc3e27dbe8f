// A TCP proxy that counts the bytes of every connection through it, both
// ways: what an IMAP session really costs on the wire.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface CountingProxy {
  port: number;
  /** Bytes client->server and server->client since the last reset. */
  bytes(): { up: number; down: number };
  /** What went each way, per connection opened since the last reset, in order. */
  transcripts(): Array<{ up: string; down: string }>;
  reset(): void;
  close(): Promise<void>;
}

interface Conn {
  up: Buffer[];
  down: Buffer[];
}

export async function countingProxy(target: { host: string; port: number }): Promise<CountingProxy> {
  // Only connections opened since the last reset count, so a late byte of an
  // earlier session (its LOGOUT's BYE, say) cannot land in the next measurement.
  let conns: Conn[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const conn: Conn = { up: [], down: [] };
    conns.push(conn);
    const upstream = createConnection(target);
    sockets.add(client).add(upstream);
    client.on('data', (d: Buffer) => conn.up.push(d));
    upstream.on('data', (d: Buffer) => conn.down.push(d));
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const size = (bufs: Buffer[]) => bufs.reduce((n, b) => n + b.length, 0);
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    bytes: () => ({ up: conns.reduce((n, c) => n + size(c.up), 0), down: conns.reduce((n, c) => n + size(c.down), 0) }),
    transcripts: () => conns.map((c) => ({ up: Buffer.concat(c.up).toString('latin1'), down: Buffer.concat(c.down).toString('latin1') })),
    reset: () => {
      conns = [];
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
