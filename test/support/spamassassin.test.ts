// The harness itself: if these fail, every test on the real spamd is suspect.
import { describe, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary, run } from './programs.js';
import { startSpamd } from './spamassassin.js';

const MSG = 'From: a@example.org\r\nTo: alice@example.test\r\nSubject: hello invoice\r\nMessage-ID: <h1@example.org>\r\n\r\nbody\r\n';

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
