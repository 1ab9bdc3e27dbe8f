// Short IMAP sessions with imapflow: the login check, and the folder list
// and readiness probe that log in and look around. Tells "wrong password"
// apart from "server unreachable" so the user sees the right message and a
// mail outage is not a failed login.
import type { ImapFlow, ImapFlowOptions } from 'imapflow';
import type { Endpoint } from './endpoint.js';
import { imapOptions } from './imap-options.js';

export class MailServerUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MailServerUnavailableError';
  }
}

function isAuthFailure(err: unknown): boolean {
  const e = err as { authenticationFailed?: boolean; serverResponseCode?: string };
  return e.authenticationFailed === true || e.serverResponseCode === 'AUTHENTICATIONFAILED';
}

/**
 * Logs in and runs `use` with the open connection; always logs out. Resolves
 * false on rejected credentials; throws MailServerUnavailableError otherwise.
 */
export async function withImapLogin<T>(ep: Endpoint, auth: ImapFlowOptions['auth'], use: (c: ImapFlow) => Promise<T>): Promise<T | false> {
  // Loaded on first use: the embedded mode never needs it, and it is large.
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow(imapOptions(ep, auth));
  // imapflow emits 'error' on socket trouble; without a listener it would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    client.close();
    if (isAuthFailure(err)) return false;
    throw new MailServerUnavailableError(`IMAP server ${ep.host}:${ep.port} unavailable: ${(err as Error).message}`, { cause: err });
  }
  try {
    return await use(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

export async function checkImapLogin(ep: Endpoint, user: string, pass: string): Promise<boolean> {
  return (await withImapLogin(ep, { user, pass }, async () => true)) === true;
}
