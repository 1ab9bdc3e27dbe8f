// The global scripts of the locked rules go through the server's sievec
// before they replace the installed ones: a locked rule Pigeonhole refuses
// must not switch the locked rules off for every user.
import { readFileSync, writeFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { globalScriptPaths } from '../../../server/config/paths.js';
import { sievecConfig } from '../../support/pigeonhole.js';
import { ADMIN, addUser, Client, startApp } from './harness.js';

const LOCKED = (subject: string) => `rule "Archive copy" locked {\n  when subject contains "${subject}"\n  then fileinto "Archive"\n}\n`;

/** Locked rules whose before-script is larger than `bytes`. */
function bigLocked(bytes: number): string {
  const values = Array.from({ length: Math.ceil(bytes / 40) }, (_, i) => `"invoice number ${String(i).padStart(20, '0')}"`);
  return `rule "Invoices" locked {\n  when subject contains [${values.join(', ')}]\n  then fileinto "Invoices"\n}\n`;
}

describe('with the server compiler configured', () => {
  let app: FastifyInstance;
  let admin: Client;
  let sievecConf: string;
  beforeAll(async () => {
    // The server's Pigeonhole has a 4 KiB script limit, but sievewright was not told (maxScriptSize 0):
    // only sievec can find that the big locked rule does not fit.
    ({ app } = await startApp({ env: { SIEVEWRIGHT_DEPLOY__MAX_SCRIPT_SIZE: '0' } }));
    sievecConf = app.ctx.config.deploy.verify.config!;
    writeFileSync(sievecConf, sievecConfig('4K'));
    await addUser(app, ADMIN, 'root-pw');
    admin = await Client.login(app, ADMIN, 'root-pw');
  });
  afterAll(async () => {
    await app.close();
  });

  test('accepted locked rules are installed and reported verified', async () => {
    const res = await admin.put('/api/admin/defaults', { text: LOCKED('first') });
    expect(res.statusCode).toBe(200);
    expect(res.json().globalScripts).toMatchObject({ written: true, verified: true });
    expect(readFileSync(globalScriptPaths(app.ctx.config).before, 'utf8')).toContain('"first"');
  });

  test('locked rules sievec refuses are not saved, and the installed scripts stay', async () => {
    const before = readFileSync(globalScriptPaths(app.ctx.config).before, 'utf8');
    const versionBefore = (await admin.get('/api/admin/defaults')).json().version;
    const res = await admin.put('/api/admin/defaults', { text: bigLocked(8 * 1024) });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'invalid_rules', details: { script: 'before' } });
    expect(res.json().error.message).toMatch(/refuses the locked rules[^]*too large/);
    expect((await admin.get('/api/admin/defaults')).json().version).toBe(versionBefore);
    expect(readFileSync(globalScriptPaths(app.ctx.config).before, 'utf8')).toBe(before);
  });

  test('re-deploy all reports a refused install without replacing the scripts', async () => {
    // The refusal can also come later: the server's limit shrinks after the defaults were saved.
    const before = readFileSync(globalScriptPaths(app.ctx.config).before, 'utf8');
    writeFileSync(sievecConf, sievecConfig('64'));
    try {
      const res = await admin.post('/api/admin/redeploy', {});
      expect(res.statusCode).toBe(202);
      expect(res.json().globalScripts).toMatchObject({ written: false, error: expect.stringMatching(/rejected the before script: sieve script is too large[^]*stay as they were/) });
      expect(readFileSync(globalScriptPaths(app.ctx.config).before, 'utf8')).toBe(before);
    } finally {
      writeFileSync(sievecConf, sievecConfig('4K'));
    }
  });
});

test('without a compiler the scripts are installed and say they are not verified', async () => {
  const { app } = await startApp({ env: { SIEVEWRIGHT_DEPLOY__VERIFY__SIEVEC: '' } });
  try {
    await addUser(app, ADMIN, 'root-pw');
    const admin = await Client.login(app, ADMIN, 'root-pw');
    const res = await admin.put('/api/admin/defaults', { text: LOCKED('second') });
    expect(res.json().globalScripts).toMatchObject({ written: true, verified: false, unverifiedReason: expect.stringMatching(/no Sieve compiler/) });
    expect(readFileSync(globalScriptPaths(app.ctx.config).before, 'utf8')).toContain('"second"');
  } finally {
    await app.close();
  }
});
