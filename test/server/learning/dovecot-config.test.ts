// The IMAPSieve alternative, as printed by `sievewright dovecot-config
// learning`: the 2.3 output is installed into a real Dovecot 2.3 and a real
// spamd must learn from the user's moves (the 2.4 output likewise, in
// dovecot24-config.test.ts).
import { appendFile, chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { imapsieveConfig } from '../../../server/learning/dovecot-config.js';
import { installImapsieveFiles, JUNK_MOVES_TEACH, junkMoves } from '../../support/imapsieve-learning.js';
import { requireBinary, run } from '../../support/programs.js';
import { startMail, type MailFixture } from './mail-fixture.js';

const spamc = { via: 'spamc', spamc: '/usr/bin/spamc', spamd: { host: '127.0.0.1', port: 783 } } as const;
const base = { junk: 'Junk', trash: 'Trash', dir: '/etc/dovecot/sievewright', helper: spamc };

describe('dovecot-config learning (text)', () => {
  test('the 2.4 variant uses 2.4 blocks: mailbox/imapsieve_from with sieve_script, boolean plugin lists', () => {
    const { conf } = imapsieveConfig({ ...base, version: '2.4' });
    expect(conf).toContain('mailbox "Junk" {\n  sieve_script sievewright-report-spam {\n    type = before\n    cause = copy append');
    expect(conf).toContain('imapsieve_from "Junk" {');
    expect(conf).toContain('sieve_plugins {\n  sieve_imapsieve = yes\n  sieve_extprograms = yes\n}');
    expect(conf).not.toContain('plugin {');
    expect(conf).not.toContain('imapsieve_mailbox');
  });

  test('folder names cannot break out of the Sieve strings or the config value', () => {
    const cfg = imapsieveConfig({ ...base, version: '2.3', junk: 'Sp"am\\x', trash: 'Papier"korb' });
    const ham = cfg.files.find((f) => f.path.endsWith('report-ham.sieve'))!.text;
    expect(ham).toContain('["Papier\\"korb", "Sp\\"am\\\\x"]');
    expect(cfg.conf).toContain('imapsieve_mailbox1_name = "Sp\\"am\\\\x"');
    expect(() => imapsieveConfig({ ...base, version: '2.3', junk: 'Junk\nplugin {' })).toThrow(/single line/);
    expect(() => imapsieveConfig({ ...base, version: '2.3', dir: 'relative/dir' })).toThrow(/absolute/);
  });
});

describe('dovecot-config learning --via spamc (installed into Dovecot 2.3)', () => {
  let mail: MailFixture;
  let dir: string;
  beforeAll(async () => {
    mail = await startMail({ alice: 'alicepw' });
    dir = await mkdtemp(join(tmpdir(), 'sw-imapsieve-'));
    await chmod(dir, 0o755);
    const cfg = imapsieveConfig({ ...base, version: '2.3', dir, helper: { via: 'spamc', spamd: { host: mail.spamd.host, port: mail.spamd.port }, spamc: requireBinary('spamc') } });
    await appendFile(mail.dovecot.conf, `\n${cfg.conf}`);
    await installImapsieveFiles(cfg, (path) => run(requireBinary('sievec'), ['-c', mail.dovecot.conf, path]));
    await mail.dovecot.stop();
    await mail.dovecot.start();
  });
  afterAll(async () => {
    await mail?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('moves and APPENDs into Junk teach spam, moves out of Junk ham, and moves to Trash nothing', async () => {
    const c = await mail.userClient('alice');
    try {
      await junkMoves(c);
    } finally {
      await c.logout();
    }
    expect(await mail.magic('alice'), mail.dovecot.log().slice(-2000)).toEqual(JUNK_MOVES_TEACH);
  });
});
