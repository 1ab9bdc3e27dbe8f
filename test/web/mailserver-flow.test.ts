// The whole path with a real mail server: a user signs in to the web UI with
// their Dovecot password, builds the DMARC rule and an "only when
// authenticated" whitelist entry, saves; the server deploys over ManageSieve;
// the script read back over ManageSieve is the one the UI showed, and
// Dovecot's own delivery (dovecot-lda running that active script) files the
// forged mail into Junk and the genuine partner mail into INBOX. A user
// whose server already runs a script written elsewhere is offered to import
// it, and the server keeps that script active until the user chooses to
// replace it (no `deploy.takeOver` here: the consent is the user's own).
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManageSieveClient } from '../../server/managesieve/client.js';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { startAppServer, type AppServer } from './support/app-server.js';
import { launchBrowser, screenshots, signIn, type Browser } from './support/browser.js';
import { addDmarcRuleAndTrustedSender, fixture, message, saveRules } from './support/flows.js';
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

async function asUser<T>(user: string, fn: (client: ManageSieveClient) => Promise<T>): Promise<T> {
  const client = await ManageSieveClient.connect({ host: '127.0.0.1', port: dovecot.sievePort, tls: 'none', timeoutMs: 10_000 });
  try {
    await client.authenticate(user, dovecot.users[user]!);
    return await fn(client);
  } finally {
    await client.logout();
  }
}

async function readBack(user: string): Promise<{ active: string | null; script: string }> {
  return asUser(user, async (client) => {
    const active = (await client.listScripts()).find((s) => s.active)?.name ?? null;
    return { active, script: active ? await client.getScript(active) : '' };
  });
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

  test('a user whose server runs a Roundcube script is offered to import it; "Not now" hides it for the session, accepting fills the draft, saving leaves that script active and the status brings the offer back, and "Replace" switches it off and ours on', { timeout: 150_000 }, async () => {
    const foreign = await fixture('roundcube-active.sieve');
    await asUser('bob', async (client) => {
      await client.putScript('roundcube', foreign);
      await client.setActive('roundcube');
    });

    const page = await browser.newPage();
    page.setDefaultTimeout(30_000);
    await signIn(page, server.url, 'bob', dovecot.users.bob!);
    const offer = page.locator('sw-import-offer');
    await offer.waitFor();
    expect(await offer.locator('section').innerText()).toContain('“roundcube”');
    await offer.getByRole('button', { name: 'Not now' }).click();
    await offer.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('heading', { name: 'My rules' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await offer.count()).toBe(0);
    await page.close();

    // A new session offers it again.
    const second = await browser.newPage();
    second.setDefaultTimeout(30_000);
    await signIn(second, server.url, 'bob', dovecot.users.bob!);
    const banner = second.locator('sw-import-offer');
    await banner.waitFor();
    const report = await banner.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ status: tr.getAttribute('data-status'), cells: [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '') })),
    );
    expect(report).toEqual([
      { status: 'rule', cells: ['3–6', 'Became a rule', 'Newsletters', ''] },
      { status: 'raw', cells: ['8–12', 'Kept as Sieve text', 'Drop duplicates', "test 'duplicate'"] },
    ]);
    expect(await banner.locator('section').innerText()).toMatch(/1 part becomes a rule you can edit, and 1 part stays as Sieve text/);
    await screenshots(second, 'import-offer');

    await banner.getByRole('button', { name: 'Add to my rules' }).click();
    await banner.getByText('The rules from “roundcube” are now in your draft').waitFor();
    expect(await banner.getByRole('button', { name: 'Add to my rules' }).count()).toBe(0);
    const names = second.locator('sw-rules-screen ol.rules li[data-index] .name');
    expect(await names.allInnerTexts()).toEqual(['Newsletters', 'Drop duplicates']);
    expect(await second.locator('sw-rules-screen li[data-index="1"]').getByText('Imported Sieve, kept as is').count()).toBe(1);
    await second.getByRole('region', { name: 'Unsaved changes' }).waitFor();
    await screenshots(second, 'import-offer-accepted');
    expect(await readBack('bob')).toEqual({ active: 'roundcube', script: foreign });

    // Saving alone does not displace the user's script; the status says where to replace it.
    await saveRules(second);
    await second.locator('header sw-deploy-status .badge[data-state="failed"]').waitFor({ timeout: 60_000 });
    expect(await second.evaluate(() => fetch('/api/deploy/status').then((r) => r.json()))).toMatchObject({
      errorCode: 'foreign_active',
      error: expect.stringMatching(/'roundcube'.*replace it from the offer/),
    });
    expect(await readBack('bob')).toEqual({ active: 'roundcube', script: foreign });

    // Put off again, the offer comes back from the status that points at it.
    await banner.getByRole('button', { name: 'Not now' }).click();
    await banner.waitFor({ state: 'detached' });
    await second.locator('sw-preview-screen sw-deploy-status').getByRole('button', { name: 'Show the offer' }).click();
    await banner.getByRole('button', { name: 'Replace “roundcube”' }).waitFor();

    await banner.getByRole('button', { name: 'Replace “roundcube”' }).click();
    await banner.waitFor({ state: 'detached' });
    await second.locator('header sw-deploy-status .badge[data-state="deployed"]').waitFor({ timeout: 60_000 });
    const deployed = await readBack('bob');
    expect(deployed.active).toMatch(/^sievewright/);
    expect(deployed.script).toContain('rule:[Newsletters]');
    expect(deployed.script).toContain('if duplicate');
    expect(await asUser('bob', async (c) => ({ scripts: await c.listScripts(), kept: await c.getScript('roundcube') }))).toMatchObject({
      scripts: expect.arrayContaining([{ name: 'roundcube', active: false }]),
      kept: foreign,
    });
    await second.close();

    // Once sievewright's own script is active there is nothing left to offer.
    const third = await browser.newPage();
    await signIn(third, server.url, 'bob', dovecot.users.bob!);
    await third.waitForLoadState('networkidle');
    expect(await third.evaluate(() => fetch('/api/import/server-script').then((r) => r.json()))).toEqual({ found: false });
    expect(await third.locator('sw-import-offer').count()).toBe(0);
    await third.close();
  });
});
