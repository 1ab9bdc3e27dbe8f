// The admin's side of the web UI in Debian's Chromium against the real
// server app: defaults edited as text with inline errors, saved, and every
// user re-deployed with a live progress bar; the new locked default then runs
// from the server's global script, not from the demo user's script.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { parseRules } from '../../grammar/parse-rules.js';
import { DEFAULT_POLICY } from '../../grammar/policy.js';
import { LearningRepository } from '../../server/store/learning-repository.js';
import { startAppServer, type AppServer } from './support/app-server.js';
import { launchBrowser, screenshots, signIn, unlabelledControls, PHONE, type Browser } from './support/browser.js';
import { buildWeb } from './support/web-build.js';

const SLOW = { timeout: 120_000 };

let server: AppServer;
let browser: Browser;

beforeAll(async () => {
  server = await startAppServer(await buildWeb());
  browser = await launchBrowser();
  // The demo user signs in once, so there is a second user to re-deploy.
  const page = await browser.newPage();
  await signIn(page, server.url, 'demo', server.passwords.demo!);
  await page.close();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function adminPage(): Promise<Page> {
  const page = await browser.newPage();
  page.setDefaultTimeout(30_000);
  await signIn(page, server.url, 'admin', server.passwords.admin!);
  return page;
}

const demoScript = () => readFile(join(server.dataDir, 'mail', 'demo', '.dovecot.sieve'), 'utf8').catch(() => '');
const globalBefore = () => readFile(join(server.dataDir, 'sieve-global', 'before.sieve'), 'utf8').catch(() => '');

describe('the web UI for an admin, in Chromium against the real server', () => {
  test('an admin edits the defaults as text, sees an error on its line, saves, and re-deploys every user with progress', SLOW, async () => {
    const page = await adminPage();
    await page.getByRole('link', { name: 'Admin' }).click();
    const area = page.getByLabel('Default rules as text');
    const original = await area.inputValue();
    expect(original).toContain('DMARC fail to Junk');

    const broken = `${original.trimEnd()}\n\nrule "Tagged spam" before {\n  when subject contains "[SPAM]"\n  then fileinto\n}\n`;
    await area.fill(broken);
    const diag = page.locator('sw-admin-defaults sw-dsl-editor .diag li').first();
    await diag.waitFor();
    // The line the UI names and marks is the line the parser reports.
    const expected = parseRules(broken).diagnostics[0]?.start?.line;
    expect(expected).toBeGreaterThan(original.split('\n').length);
    expect(await diag.innerText()).toContain(`Line ${expected},`);
    expect(await page.locator('sw-admin-defaults sw-dsl-editor .gutter .bad').allInnerTexts()).toContain(String(expected));
    expect(await page.getByRole('button', { name: 'Save defaults' }).isDisabled()).toBe(true);

    await area.fill(broken.replace('then fileinto\n', 'then fileinto "Junk"; stop\n'));
    await page.locator('sw-admin-defaults sw-dsl-editor .ok').waitFor();
    // The structured view follows the text, and its switches write the text back.
    await page.getByRole('checkbox', { name: /Locked/ }).nth(1).check();
    await expect.poll(() => area.inputValue()).toMatch(/rule "Tagged spam" before locked|rule "Tagged spam" locked before|locked/);
    const versionText = page.locator('sw-admin-defaults [data-testid="defaults-version"]');
    const shownBefore = await versionText.innerText();
    await page.getByRole('button', { name: 'Save defaults' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    // The page shows the version just saved, not the one it loaded.
    const savedVersion = server.app.ctx.defaults.latest()!.version;
    expect(shownBefore).not.toContain(`version ${savedVersion})`);
    await expect.poll(() => versionText.innerText()).toContain(`(version ${savedVersion})`);

    await page.getByRole('button', { name: 'Re-deploy all users' }).click();
    const summary = page.locator('sw-admin-defaults sw-redeploy-panel [data-testid="redeploy-summary"]');
    await expect.poll(() => summary.innerText(), { timeout: 60_000 }).toMatch(/Done\.$/);
    const progress = page.locator('sw-admin-defaults sw-redeploy-panel progress');
    const [value, max] = await progress.evaluate((p: HTMLProgressElement) => [p.value, p.max]);
    expect(max).toBeGreaterThanOrEqual(2);
    expect(value).toBe(max);
    expect(await summary.innerText()).not.toContain('failed');
    await screenshots(page, 'admin-defaults');

    // Locked: one global script for everyone, out of reach of the user's own script.
    expect(await globalBefore()).toContain('rule:[Tagged spam]');
    expect(await demoScript()).toContain('rule:[DMARC fail to Junk]');
    expect(await demoScript()).not.toContain('Tagged spam');
    await page.close();
  });

  test('the demo user sees the new locked default in place and cannot switch it off', SLOW, async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, 'demo', server.passwords.demo!);
    const item = page.locator('sw-rules-screen li.admin').filter({ hasText: 'Tagged spam' });
    await item.waitFor();
    expect(await item.getByText('Locked').count()).toBe(1);
    // The lock is drawn, not an emoji that needs an emoji font.
    expect(await item.locator('.badge svg[data-icon="lock"]').count()).toBe(1);
    expect(await item.innerText()).not.toMatch(/\p{Extended_Pictographic}/u);
    expect(await item.getByRole('checkbox').count()).toBe(0);
    // The preview shows it, read-only, as the script that runs before the user's own.
    await page.goto(`${server.url}/#/preview`);
    const locked = page.locator('sw-preview-screen details.locked');
    await locked.getByText(/locked rules, run before your script/).click();
    expect(await locked.locator('summary svg[data-icon="lock"]').count()).toBe(1);
    expect(await locked.locator('summary').innerText()).not.toMatch(/\p{Extended_Pictographic}/u);
    expect(await locked.locator('sw-code-view pre').innerText()).toContain('rule:[Tagged spam]');
    await page.close();
  });

  test('a forward a user adds to an outside address shows up as an alert in the audit log', SLOW, async () => {
    const user = await browser.newPage();
    await signIn(user, server.url, 'demo', server.passwords.demo!);
    await user.getByRole('button', { name: '+ New rule' }).click();
    await user.getByLabel(/^Rule name/).fill('Forward everything');
    await user.getByRole('button', { name: '+ Add condition' }).click();
    await user.getByLabel(/^Condition type/).selectOption('always');
    await user.getByRole('button', { name: '+ Add action' }).click();
    await user.locator('sw-action-list').getByLabel(/^Action/).selectOption('redirect');
    await user.getByLabel(/^Forward to/).fill('collector@elsewhere.example');
    await user.getByRole('button', { name: 'Done' }).click();
    await user.getByRole('button', { name: 'Save', exact: true }).click();
    await user.getByRole('region', { name: 'Unsaved changes' }).waitFor({ state: 'detached' });
    await user.close();

    const page = await adminPage();
    await page.goto(`${server.url}/#/admin/audit`);
    await page.getByRole('checkbox', { name: /Show only alerts/ }).check();
    const alerts = page.locator('sw-admin-audit tbody tr.alert');
    await alerts.first().waitFor();
    expect(await page.locator('sw-admin-audit tbody tr:not(.alert)').count()).toBe(0);
    expect((await alerts.allInnerTexts()).join('\n')).toContain('collector@elsewhere.example');
    await screenshots(page, 'admin-audit-alerts');
    await page.close();
  });

  test('the users page shows each user with deploy status, and the audit log lists the change', SLOW, async () => {
    const page = await adminPage();
    await page.goto(`${server.url}/#/admin/users`);
    const rows = page.locator('sw-admin-users tbody tr');
    await rows.first().waitFor();
    const users = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')?.textContent?.trim() ?? ''));
    expect(users.some((u) => u.startsWith('demo'))).toBe(true);
    await page.locator('sw-admin-users sw-deploy-status .badge[data-state="deployed"]').first().waitFor();
    await screenshots(page, 'admin-users');

    await page.goto(`${server.url}/#/admin/audit`);
    const audit = page.locator('sw-admin-audit tbody tr');
    await audit.first().waitFor();
    const text = (await audit.allInnerTexts()).join('\n');
    expect(text).toContain('Saved the default rules');
    expect(text).toContain('Forwarding outside the allowed domains in demo’s rules');
    // Words, not the stored codes or JSON.
    expect(text).not.toMatch(/\b(defaults|rules|deploy|policy)\.[a-z-]+\b|[{}[\]]|"\w+":/);
    const labels = await page.locator('sw-admin-audit tbody dl dt').allInnerTexts();
    expect(labels).toEqual(expect.arrayContaining(['Version', 'What happened', 'Address']));
    // Names and times stay on one line, even where the table is tight.
    for (const width of [1280, 700]) {
      await page.setViewportSize({ width, height: 860 });
      const lines = await page.locator('sw-admin-audit td.who, sw-admin-audit td.when').evaluateAll((cells) =>
        cells.map((td) => {
          const range = document.createRange();
          range.selectNodeContents(td.lastChild!);
          return { text: td.textContent, lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size };
        }),
      );
      expect(lines.filter((c) => c.lines !== 1)).toEqual([]);
    }
    await page.setViewportSize({ width: 1280, height: 860 });
    await screenshots(page, 'admin-audit');

    await page.goto(`${server.url}/#/admin/policy`);
    await page.getByRole('button', { name: 'Save policy' }).waitFor();
    await screenshots(page, 'admin-policy');
    await page.close();
  });

  test('learning health says in words that nothing was learned yet, then lists last run, last error and backlog per user', SLOW, async () => {
    const page = await adminPage();
    await page.goto(`${server.url}/#/admin/learning`);
    await page.locator('sw-admin-learning .empty').filter({ hasText: 'Nothing has been learned yet' }).waitFor();
    expect(await page.locator('sw-admin-learning table').count()).toBe(0);
    await screenshots(page, 'admin-learning-empty');

    // Two learner passes as the learning service records them: demo's went
    // well and left two moves to learn, admin's failed.
    const repo = new LearningRepository(server.app.ctx.db);
    const moved = (uid: number) => ({
      folder: 'Junk', uidValidity: 7, uid, messageId: `<m${uid}@example.org>`, subject: `Offer ${uid}`, sender: 'x@spam.example',
      direction: 'spam' as const, reason: 'moved to Junk', sourceFolder: 'INBOX', raw: Buffer.from(`Subject: Offer ${uid}\r\n\r\nbody\r\n`),
    });
    repo.finishRun(repo.startRun('demo'), 'ok', 0, null);
    repo.commitPass({ username: 'demo', folder: 'Junk', cursor: { uidValidity: 7, uidNext: 3, highestModseq: null, messages: 2 }, upsert: [], remove: [], events: [moved(1), moved(2)] });
    repo.finishRun(repo.startRun('admin'), 'error', 0, 'spamd refused the connection');

    await page.reload();
    const rows = page.locator('sw-admin-learning tbody tr');
    await rows.first().waitFor();
    const cells = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
    expect(cells.map((c) => [c[0], c[2], c[3]])).toEqual([
      ['admin', 'spamd refused the connection', 'Nothing waiting'],
      ['demo', 'No errors', '2 messages waiting'],
    ]);
    expect(cells.map((c) => c[1])).toEqual([expect.stringMatching(/^Ran \S/), expect.stringMatching(/^Ran \S/)]);
    await screenshots(page, 'admin-learning');
    await page.close();
  });

  test('the policy screen offers refusing or alerting on forwards outside the allowed domains, and saves the choice', SLOW, async () => {
    const page = await adminPage();
    await page.goto(`${server.url}/#/admin/policy`);
    const refuse = page.getByRole('radio', { name: /Refuse the save/ });
    const alert = page.getByRole('radio', { name: /Allow it and raise an alert/ });
    expect(await alert.isChecked()).toBe(true);
    expect(await page.getByRole('group', { name: /When a user’s rules send mail to any address/ }).count()).toBe(1);
    await page.getByLabel(/^Domains users may forward to/).fill('example.org');
    await expect.poll(() => page.getByRole('group', { name: /to an address outside these domains/ }).count()).toBe(1);
    await refuse.check();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(server.app.ctx.defaults.policy(DEFAULT_POLICY)).toMatchObject({ allowedRedirectDomains: ['example.org'], redirectOutside: 'refuse' });
    // Sieve blocks are one of the actions the policy can allow.
    expect(await page.getByRole('checkbox', { name: 'Sieve blocks (kept as written)' }).isChecked()).toBe(true);
    await screenshots(page, 'admin-policy-refuse');

    await page.reload();
    await expect.poll(() => page.getByRole('radio', { name: /Refuse the save/ }).isChecked()).toBe(true);

    await page.getByRole('radio', { name: /Allow it and raise an alert/ }).check();
    await page.getByLabel(/^Domains users may forward to/).fill('');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(server.app.ctx.defaults.policy(DEFAULT_POLICY)).toMatchObject({ allowedRedirectDomains: [], redirectOutside: 'alert' });
    await page.close();
  });

  test('every admin screen fits 360 px without sideways scrolling and names every control', SLOW, async () => {
    const page = await adminPage();
    await page.setViewportSize(PHONE);
    for (const tab of ['defaults', 'policy', 'users', 'audit', 'learning']) {
      await page.goto(`${server.url}/#/admin/${tab}`);
      await page.locator('sw-admin-screen').waitFor();
      await page.waitForLoadState('networkidle');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect({ tab, width }).toEqual({ tab, width: PHONE.width });
      expect({ tab, unlabelled: await unlabelledControls(page) }).toEqual({ tab, unlabelled: [] });
    }
    await page.close();
  });
});
