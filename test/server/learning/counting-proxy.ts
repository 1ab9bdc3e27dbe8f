// A TCP proxy that counts the bytes of every connection through it, both
// ways: what an IMAP session really costs on the wire.
import { createConnection, createServer, type Server } from 'node:net';

export interface CountingProxy {
  port: number;
  /** Bytes client->server and server->client since the last reset. */
  bytes(): { up: number; down: number };
  reset(): void;
  close(): Promise<void>;
}

export async function countingProxy(target: { host: string; port: number }): Promise<CountingProxy> {
  let up = 0;
  let down = 0;
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    client.on('data', (d: Buffer) => (up += d.length));
    upstream.on('data', (d: Buffer) => (down += d.length));
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    bytes: () => ({ up, down }),
    reset: () => {
      up = 0;
      down = 0;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
