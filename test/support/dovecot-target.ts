// sievewright's ManageSieve deploy target aimed at a test Dovecot from
// dovecot.ts: plain TCP, its master user acting for each user, the Sieve
// script only (no user_prefs), under the script name the product uses.
import { ManageSieveTarget } from '../../server/deploy/managesieve-target.js';
import type { Dovecot } from './dovecot.js';

export function dovecotSieveTarget(dc: Dovecot, opts: { timeoutMs: number; takeOver: boolean }): ManageSieveTarget {
  return new ManageSieveTarget({
    endpoint: { host: dc.host, port: dc.sievePort, tls: 'none', timeoutMs: opts.timeoutMs },
    master: dc.master,
    scriptName: 'sievewright',
    takeOver: opts.takeOver,
    prefs: null,
  });
}
