// The harness itself: if these fail, every test on the real Dovecot is suspect.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connect } from 'node:net';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startDovecot, type Dovecot } from './dovecot.js';

const MSG = 'From: a@example.org\r\nTo: alice@example.test\r\nSubject: hello invoice\r\nMessage-ID: <h1@example.org>\r\n\r\nbody\r\n';

describe('private Dovecot', () => {
  let dc: Dovecot;
  beforeAll(async () => { dc = await startDovecot({ tls: true }); });
  afterAll(async () => { await dc?.cleanup(); });

  test('greets on ManageSieve with the Sieve capabilities and STARTTLS', async () => {
    const banner = await new Promise<string>((resolve, reject) => {
      const s = connect(dc.sievePort, '127.0.0.1');
      let buf = '';
      s.on('data', (d) => { buf += d; if (/^OK /m.test(buf)) { s.destroy(); resolve(buf); } });
      s.on('error', reject);
    });
    expect(banner).toMatch(/"SIEVE" ".*fileinto.*vacation.*"/);
    expect(banner).toMatch(/"STARTTLS"/);
    expect(dc.caPem).toMatch(/BEGIN CERTIFICATE/);
  });

  test('delivers through dovecot-lda with the active script and can be killed and restarted', async () => {
    const r = await dc.deliver('alice', MSG);
    expect(r.exitCode).toBe(0);
    expect(readdirSync(join(dc.home('alice'), 'Maildir/new'))).toHaveLength(1);
    await dc.kill();
    expect(dc.isRunning()).toBe(false);
    await dc.start();
    expect(dc.isRunning()).toBe(true);
  });

  test('sieve-test runs with the server config', async () => {
    const r = await dc.tools.sieveTest('require ["spamtest", "relational", "comparator-i;ascii-numeric"];\nif spamtest :value "ge" :comparator "i;ascii-numeric" "1" { discard; }\n', MSG);
    expect(r.exitCode).toBe(0);
    expect(r.implicitKeep).toBe(true);
  });
});
