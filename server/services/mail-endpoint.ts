// Connection options for the configured IMAP / ManageSieve endpoints, shared
// by login checks, readiness probes and folder listing.
import { readFileSync } from 'node:fs';
import type { EndpointConfig } from '../config/schema.js';

export function tlsOptions(ep: EndpointConfig): { servername: string; rejectUnauthorized: boolean; ca?: string } {
  return {
    servername: ep.host,
    rejectUnauthorized: !ep.insecureSkipVerify,
    ...(ep.caFile ? { ca: readFileSync(ep.caFile, 'utf8') } : {}),
  };
}
