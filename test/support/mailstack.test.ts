// The harness itself: if these fail, every real-program test is suspect.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connect } from 'node:net';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseSieveTestOutput, pigeonhole, run, requireBinary, startDovecot, startSpamd, type Dovecot, type PigeonholeTools } from './mailstack.js';

const MSG = 'From: a@example.org\r\nTo: alice@example.test\r\nSubject: hello invoice\r\nMessage-ID: <h1@example.org>\r\n\r\nbody\r\n';

describe('pigeonhole tools', () => {
  let tools: PigeonholeTools;
  beforeAll(async () => { tools = await pigeonhole(); });
  afterAll(async () => { await tools.cleanup(); });

  test('sievec accepts a valid script and reports the line of an invalid one', async () => {
    const good = await tools.sievec('require "fileinto";\nfileinto "A";\n');
    expect(good).toEqual({ ok: true, errors: '' });
    const bad = await tools.sievec('fileinto "A";\n');
    expect(bad.ok).toBe(false);
    expect(bad.errors).toMatch(/line 1: error: unknown command 'fileinto'/);
  });

  test('sieve-test reports fileinto with flags, redirect :copy and implicit keep', async () => {
    const r = await tools.sieveTest(
      'require ["fileinto","imap4flags","copy","mailbox","spamtest","editheader"];\nif header :contains "subject" "invoice" { fileinto :create :flags "$X" "Invoices"; redirect :copy "acct@example.test"; }\n',
      MSG,
    );
    expect(r.exitCode).toBe(0);
    expect(r.actions).toEqual([
      expect.objectContaining({ type: 'fileinto', folder: 'Invoices', create: true, flags: ['$X'] }),
      expect.objectContaining({ type: 'redirect', address: 'acct@example.test', preserveKeep: true }),
    ]);
    expect(r.implicitKeep).toBe(false);
  });

  test('a script with no actions leaves implicit keep', async () => {
    const r = await tools.sieveTest('if false { discard; }\n', MSG);
    expect(r.actions).toEqual([]);
    expect(r.implicitKeep).toBe(true);
  });

  test('the output parser reads vacation, reject and discard', () => {
    const out = '\nPerformed actions:\n\n * send vacation message:\n    => seconds : 259200\n    => subject : hi\n\nSTART MESSAGE\naway\nEND MESSAGE\n * discard\n\nImplicit keep:\n\n  (none)\n';
    const p = parseSieveTestOutput(out);
    expect(p.actions.map((a) => a.type)).toEqual(['vacation', 'discard']);
    expect(p.actions[0]).toMatchObject({ subject: 'hi', message: 'away' });
    expect(p.implicitKeep).toBe(false);
  });
});

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

describe('private spamd', () => {
  test('answers, learns with spamc -L and keeps per-user Bayes files', async () => {
    const sd = await startSpamd();
    try {
      const r = await run(requireBinary('spamc'), ['-d', sd.host, '-p', String(sd.port), '-u', 'alice', '-L', 'spam'], { input: MSG });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Message successfully un\/learned/);
      expect(existsSync(join(sd.vusersDir, 'alice'))).toBe(true);
    } finally {
      await sd.cleanup();
    }
  });
});
