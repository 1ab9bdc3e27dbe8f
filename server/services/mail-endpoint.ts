// Connection options for the configured IMAP / ManageSieve endpoints, shared
// by login checks, readiness probes and folder listing.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { EndpointConfig } from '../config/schema.js';

export function tlsOptions(ep: EndpointConfig): { servername?: string; rejectUnauthorized: boolean; ca?: string } {
  return {
    // SNI carries host names only (RFC 6066); an IP is still checked against the certificate.
    ...(isIP(ep.host) ? {} : { servername: ep.host }),
    rejectUnauthorized: !ep.insecureSkipVerify,
    ...(ep.caFile ? { ca: readFileSync(ep.caFile, 'utf8') } : {}),
  };
}
