// The harness itself: if these fail, every test on the real sievec and sieve-test is suspect.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseSieveTestOutput, pigeonhole, type PigeonholeTools } from './pigeonhole.js';

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
