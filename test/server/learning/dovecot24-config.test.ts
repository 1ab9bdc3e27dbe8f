// The Dovecot 2.4 output of `sievewright dovecot-config learning`, installed
// into a real Dovecot 2.4 (Debian 13's packages in a chroot, see
// test/support/trixie-dovecot.ts) whose report scripts call spamc against
// the host's real spamd, which must learn from the user's moves.
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { imapsieveConfig } from '../../../server/learning/dovecot-config.js';
import { installImapsieveFiles, JUNK_MOVES_TEACH, junkMoves, userClient } from '../../support/imapsieve-learning.js';
import { startSpamd, type Spamd } from '../../support/spamassassin.js';
import { createDovecot24, type Dovecot24 } from '../../support/trixie-dovecot.js';
import { bayesCounts } from './mail-fixture.js';

// Building the Debian 13 root takes minutes when it is not cached yet (.ci/run builds it first).
const BUILD_TIMEOUT_MS = 20 * 60_000;

describe('dovecot-config learning (installed into Dovecot 2.4)', () => {
  let dovecot: Dovecot24;
  let spamd: Spamd;
  beforeAll(async () => {
    spamd = await startSpamd();
    dovecot = await createDovecot24({ alice: 'alicepw' });
    const cfg = imapsieveConfig({
      version: '2.4',
      junk: 'Junk',
      trash: 'Trash',
      dir: `${dovecot.dir}/sievewright`,
      // The chroot has spamc but no Node: the 2.4 syntax is proven with the spamc helper.
      helper: { via: 'spamc', spamd: { host: spamd.host, port: spamd.port }, spamc: '/usr/bin/spamc' },
    });
    await appendFile(dovecot.hostPath(dovecot.conf), `\n${cfg.conf}`);
    await installImapsieveFiles(cfg, (path) => dovecot.exec('/usr/bin/sievec', ['-c', dovecot.conf, path]), dovecot.hostPath(''));
    await dovecot.start();
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all([dovecot?.cleanup(), spamd?.cleanup()]);
  });

  test('the Dovecot under test is 2.4', () => {
    expect(dovecot.version).toMatch(/^2\.4\.\d/);
  });

  test('moves and APPENDs into Junk teach spam, moves out of Junk ham, and moves to Trash nothing', async () => {
    const c = await userClient(dovecot.host, dovecot.imapPort, 'alice', 'alicepw');
    try {
      await junkMoves(c);
    } finally {
      await c.logout();
    }
    expect(await bayesCounts(join(spamd.vusersDir, 'alice')), dovecot.log().slice(-2000)).toEqual(JUNK_MOVES_TEACH);
  });
});
