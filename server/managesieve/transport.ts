// The socket adapter: plain TCP, implicit TLS, and the in-place STARTTLS
// upgrade. Protocol logic lives in client.ts; this only moves bytes and
// reports the end of the connection exactly once.
import net from 'node:net';
import tls from 'node:tls';
import { ManageSieveError } from './errors.js';

export interface TlsOptions {
  /** PEM of a private CA, trusted in addition to the system's root certificates. */
  ca?: string | Buffer;
  /** Certificate checking is on unless explicitly turned off (tests, lab setups). */
  rejectUnauthorized?: boolean;
  /** Name the certificate must carry; defaults to the host when it is a name. */
  servername?: string;
}

export interface TransportHandlers {
  data(chunk: Buffer): void;
  /** Called once, when the connection ends for any reason. */
  end(error: ManageSieveError): void;
}

export class Transport {
  private socket: net.Socket;
  private ended = false;

  private constructor(
    socket: net.Socket,
    private readonly handlers: TransportHandlers,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  static async open(
    opts: { host: string; port: number; implicitTls: boolean; tls: TlsOptions; timeoutMs: number },
    handlers: TransportHandlers,
  ): Promise<Transport> {
    const socket = opts.implicitTls
      ? tls.connect({ host: opts.host, port: opts.port, ...tlsSettings(opts.host, opts.tls) })
      : net.connect({ host: opts.host, port: opts.port });
    socket.setNoDelay(true);
    await settle(socket, opts.implicitTls ? 'secureConnect' : 'connect', opts.timeoutMs, `connect to ${opts.host}:${opts.port}`);
    return new Transport(socket, handlers);
  }

  /** Writes made in the same tick (pipelined commands) leave in one segment. */
  write(data: string): void {
    if (this.ended) return;
    const socket = this.socket;
    if (!socket.writableCorked) {
      socket.cork();
      process.nextTick(() => socket.uncork());
    }
    socket.write(data, 'utf8');
  }

  /** Wraps the open socket in TLS (after the server said OK to STARTTLS). */
  async upgrade(host: string, opts: TlsOptions, timeoutMs: number): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    const secure = tls.connect({ socket: plain, ...tlsSettings(host, opts) });
    this.socket = secure;
    try {
      await settle(secure, 'secureConnect', timeoutMs, 'TLS handshake');
    } catch (e) {
      this.fail(e as ManageSieveError);
      throw e;
    }
    this.attach(secure);
  }

  destroy(reason?: ManageSieveError): void {
    this.fail(reason ?? new ManageSieveError('connection closed by the client', { kind: 'closed' }));
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      if (!this.ended) this.handlers.data(chunk);
    });
    socket.on('error', (err) => this.fail(asError(err, 'connection error')));
    socket.on('close', () => this.fail(new ManageSieveError('connection closed by the server', { kind: 'closed' })));
  }

  private fail(error: ManageSieveError): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.destroy();
    this.handlers.end(error);
  }
}

function tlsSettings(host: string, opts: TlsOptions): tls.ConnectionOptions {
  const settings: tls.ConnectionOptions = { rejectUnauthorized: opts.rejectUnauthorized ?? true };
  // Node's `ca` replaces the default roots; keep them so a private CA only adds trust.
  if (opts.ca !== undefined) settings.ca = [...tls.rootCertificates, opts.ca];
  const servername = opts.servername ?? (net.isIP(host) ? undefined : host);
  if (servername !== undefined) settings.servername = servername;
  return settings;
}

function asError(err: unknown, what: string): ManageSieveError {
  if (err instanceof ManageSieveError) return err;
  const e = err as NodeJS.ErrnoException;
  const isTls = typeof e.code === 'string' && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|ERR_TLS/.test(e.code);
  return new ManageSieveError(`${what}: ${e.message}`, { kind: isTls ? 'tls' : 'closed', cause: err });
}

/** Resolves on `event`, rejects on error, close or after `timeoutMs`. */
function settle(socket: net.Socket, event: string, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      socket.destroy();
      reject(new ManageSieveError(`${what} timed out after ${timeoutMs} ms`, { kind: 'timeout' }));
    }, timeoutMs);
    const onOk = () => {
      cleanup();
      resolve();
    };
    const onError = (err: unknown) => {
      cleanup();
      socket.destroy();
      reject(asError(err, what));
    };
    const onClose = () => onError(new ManageSieveError(`${what}: connection closed`, { kind: 'closed' }));
    const cleanup = () => {
      clearTimeout(timer);
      socket.off(event, onOk);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    socket.once(event, onOk);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}
