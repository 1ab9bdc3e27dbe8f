// imapflow's options for an endpoint, for every IMAP connection the server
// opens. The socket timeout matters as much as the connect ones: a server
// that stops answering mid-command must fail the login, listing or learning
// pass rather than hold it forever.
import type { ImapFlowOptions } from 'imapflow';
import { timeoutOf, tlsOptions, type Endpoint } from './endpoint.js';

export function imapOptions(ep: Endpoint, auth: ImapFlowOptions['auth'], extra: Partial<ImapFlowOptions> = {}): ImapFlowOptions {
  const timeoutMs = timeoutOf(ep);
  return {
    host: ep.host,
    port: ep.port,
    secure: ep.tls === 'implicit',
    doSTARTTLS: ep.tls === 'starttls' ? true : ep.tls === 'none' ? false : undefined,
    auth,
    tls: tlsOptions(ep),
    logger: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // IDLE is started only where a connection is meant to wait (learning/idle.ts).
    disableAutoIdle: true,
    ...extra,
  };
}
