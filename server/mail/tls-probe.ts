// Reads a server's TLS certificate to report how many days it has left.
// Speaks just enough IMAP or ManageSieve to reach STARTTLS; the login checks
// in readiness.ts are what prove the service works, this only looks at the
// certificate (so it accepts one that fails verification, to report it).
import net from 'node:net';
import tls from 'node:tls';
import { timeoutOf, tlsOptions, type Endpoint } from './endpoint.js';

export interface CertificateInfo {
  validTo: string;
  daysLeft: number;
  subject: string;
  /** Verification against the configured trust (CA file or system store). */
  trusted: boolean;
}

type Protocol = 'imap' | 'managesieve';

const STARTTLS: Record<Protocol, { greetingDone: RegExp; command: string; ok: RegExp }> = {
  imap: { greetingDone: /^\* (OK|PREAUTH)/m, command: 'a1 STARTTLS\r\n', ok: /^a1 OK/m },
  managesieve: { greetingDone: /^OK/m, command: 'STARTTLS\r\n', ok: /^OK/m },
};

function waitFor(socket: net.Socket, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => finish(new Error('timed out waiting for the server')), timeoutMs);
    const onData = (chunk: Buffer): void => {
      buf += chunk.toString('latin1');
      if (pattern.test(buf)) finish();
      else if (/^(\S+ )?(NO|BAD|BYE)\b/m.test(buf)) finish(new Error(`server refused: ${buf.trim().split('\n').pop()}`));
    };
    const onEnd = (): void => finish(new Error('connection closed'));
    function finish(err?: Error): void {
      clearTimeout(timer);
      socket.off('data', onData).off('error', onEnd).off('close', onEnd);
      if (err) reject(err);
      else resolve();
    }
    socket.on('data', onData).once('error', onEnd).once('close', onEnd);
  });
}

function handshake(opts: tls.ConnectionOptions, timeoutMs: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect(opts);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('TLS handshake timed out'));
    }, timeoutMs);
    s.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export async function probeCertificate(ep: Endpoint, protocol: Protocol): Promise<CertificateInfo | null> {
  if (ep.tls === 'none') return null;
  const timeoutMs = timeoutOf(ep);
  const base = { ...tlsOptions(ep), rejectUnauthorized: false };
  let secure: tls.TLSSocket;
  if (ep.tls === 'implicit') {
    secure = await handshake({ ...base, host: ep.host, port: ep.port }, timeoutMs);
  } else {
    const plain = net.connect({ host: ep.host, port: ep.port });
    try {
      const steps = STARTTLS[protocol];
      await waitFor(plain, steps.greetingDone, timeoutMs);
      const ok = waitFor(plain, steps.ok, timeoutMs);
      plain.write(steps.command);
      await ok;
      secure = await handshake({ ...base, socket: plain }, timeoutMs);
    } catch (err) {
      plain.destroy();
      throw err;
    }
  }
  try {
    const cert = secure.getPeerCertificate();
    const validTo = new Date(cert.valid_to);
    return {
      validTo: validTo.toISOString(),
      daysLeft: Math.floor((validTo.getTime() - Date.now()) / 86_400_000),
      subject: String(cert.subject?.CN ?? ''),
      trusted: secure.authorized || ep.insecureSkipVerify === true,
    };
  } finally {
    secure.destroy();
  }
}
