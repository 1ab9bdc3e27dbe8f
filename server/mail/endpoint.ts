// A mail server endpoint (IMAP or ManageSieve) as every connection to it
// sees it: whoever connects (login check, deploy, learning, folder list,
// readiness) gets the same certificate checks, SNI name and time limit.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { EndpointConfig } from '../config/schema.js';

/** As configured; tools and tests may leave the rest to the schema's defaults. */
export type Endpoint = Pick<EndpointConfig, 'host' | 'port' | 'tls'> & Partial<Pick<EndpointConfig, 'caFile' | 'insecureSkipVerify' | 'timeoutMs'>>;

/** config/schema.ts's default, for endpoints that did not come through it. */
const DEFAULT_TIMEOUT_MS = 15_000;

export function timeoutOf(ep: Endpoint): number {
  return ep.timeoutMs ?? DEFAULT_TIMEOUT_MS;
}

export function tlsOptions(ep: Endpoint): { servername?: string; rejectUnauthorized: boolean; ca?: string } {
  return {
    // SNI carries host names only (RFC 6066); an IP is still checked against the certificate.
    ...(isIP(ep.host) ? {} : { servername: ep.host }),
    rejectUnauthorized: !ep.insecureSkipVerify,
    ...(ep.caFile ? { ca: readFileSync(ep.caFile, 'utf8') } : {}),
  };
}

