// The whole path with a real mail server: a user signs in to the web UI with
// their Dovecot password, builds the DMARC rule and an "only when
// authenticated" whitelist entry, saves; the server deploys over ManageSieve;
// the script read back over ManageSieve is the one the UI showed, and
// Dovecot's own delivery (dovecot-lda running that active script) files the
// forged mail into Junk and the genuine partner mail into INBOX.
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManageSieveClient } from '../../server/managesieve/client.js';
import { startDovecot, type Dovecot } from '../support/mailstack.js';
import { startAppServer, type AppServer } from './support/app-server.js';
import { launchBrowser, signIn, type Browser } from './support/browser.js';
import { addDmarcRuleAndTrustedSender, message, saveRules } from './support/flows.js';
import { buildWeb } from './support/web-build.js';

let dovecot: Dovecot;
let server: AppServer;
let browser: Browser;

beforeAll(async () => {
  const [dist, dc] = await Promise.all([buildWeb(), startDovecot()]);
  dovecot = dc;
  const endpoint = (port: number) => ({ host: '127.0.0.1', port, tls: 'none', timeoutMs: 10_000 });
  const masterFile = join(dovecot.root, 'sievewright-master.pw');
  await writeFile(masterFile, `${dovecot.master.password}\n`);
  server = await startAppServer(dist, {
    mail: {
      imap: endpoint(dovecot.imapPort),
      managesieve: endpoint(dovecot.sievePort),
      masterUser: { username: dovecot.master.username, passwordFile: masterFile },
    },
    deploy: { target: 'managesieve' },
  });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await dovecot?.cleanup();
});

async function readBack(user: string): Promise<{ active: string | null; script: string }> {
  const client = await ManageSieveClient.connect({ host: '127.0.0.1', port: dovecot.sievePort, tls: 'none', timeoutMs: 10_000 });
  try {
    await client.authenticate(user, dovecot.users[user]!);
    const scripts = await client.listScripts();
    const active = scripts.find((s) => s.active)?.name ?? null;
    return { active, script: active ? await client.getScript(active) : '' };
  } finally {
    await client.logout();
  }
}

/** Messages in a Maildir folder; delivered with keywords they land in cur/, without in new/. */
async function messagesIn(user: string, folder: 'INBOX' | 'Junk'): Promise<number> {
  const base = join(dovecot.home(user), 'Maildir', folder === 'INBOX' ? '' : '.Junk');
  const count = async (sub: string) => (await readdir(join(base, sub)).catch(() => [])).length;
  return (await count('new')) + (await count('cur'));
}

describe('the web UI against a real Dovecot', () => {
  test('rules saved in the browser are deployed over ManageSieve and Dovecot delivers forged mail to Junk and the authenticated partner to INBOX', { timeout: 150_000 }, async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(30_000);
    await signIn(page, server.url, 'alice', dovecot.users.alice!);
    await addDmarcRuleAndTrustedSender(page, server.url);
    await saveRules(page);
    await page.locator('header sw-deploy-status .badge[data-state="deployed"]').waitFor({ timeout: 60_000 });

    const { active, script } = await readBack('alice');
    expect(active).toMatch(/^sievewright/);
    expect(script).toContain('rule:[Forged mail to Junk]');
    expect(script).toContain('friend@partner.example');

    await page.goto(`${server.url}/#/preview`);
    const shown = (await page.locator('sw-preview-screen sw-code-view pre').first().innerText()).replace(/^\d+\s?/gm, '');
    expect(shown.trim()).toBe(script.trim());

    for (const [file, from] of [
      ['forged-bank.eml', 'bounce@bank.example'],
      ['partner-dkim-pass.eml', 'friend@partner.example'],
      ['partner-forged.eml', 'x@elsewhere.example'],
    ] as const) {
      const r = await dovecot.deliver('alice', await message(file), from);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    expect({ inbox: await messagesIn('alice', 'INBOX'), junk: await messagesIn('alice', 'Junk') }).toEqual({ inbox: 1, junk: 2 });
    await page.close();
  });
});
