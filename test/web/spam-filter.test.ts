// The built-in spam filter in the UI, in Debian's Chromium against the real
// server app: the rules screen shows it as a read-only step where it runs,
// and the Spam settings switch saves, is deployed, and changes what the
// deployed script does to a scored message under Pigeonhole's sieve-test.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshots, signIn, unlabelledControls } from './support/browser.js';
import { browserSuite } from './support/suite.js';
import { saveRules } from './support/flows.js';

const SLOW = { timeout: 120_000 };
const STEP = '# sievewright:spam';

const suite = browserSuite({ pigeonhole: true });

function activeScript(): Promise<string> {
  return readFile(join(suite.server.dataDir, 'mail', 'demo', '.dovecot.sieve'), 'utf8').catch(() => '');
}

/** Waits until the directory target's active script satisfies `ok`, and returns it. */
async function deployedWhen(ok: (script: string) => boolean): Promise<string> {
  await expect.poll(async () => ok(await activeScript()), { timeout: 60_000, interval: 250 }).toBe(true);
  return activeScript();
}

async function spamFiledInto(script: string): Promise<string[]> {
  const eml = await readFile(new URL('../fixtures/eml/spam-filter-at-threshold.eml', import.meta.url), 'utf8');
  const r = await suite.tools.sieveTest(script, eml);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.actions.filter((a) => a.type === 'fileinto').map((a) => a.folder!);
}

const card = (page: Page) => page.locator('sw-rules-screen li[data-builtin="spam-filter"]');

describe('the built-in spam filter in the web UI', () => {
  test('the rules screen shows the step read-only before the user\'s rules, linking to the Spam settings', SLOW, async () => {
    const page = await suite.browser.newPage();
    page.setDefaultTimeout(30_000);
    await signIn(page, suite.server.url, 'demo', suite.server.passwords.demo!);
    const step = card(page);
    await expect.poll(() => step.locator('.name').innerText()).toBe('Spam score ≥ 5.0 → Junk');
    expect(await step.locator('.badge').innerText()).toBe('Built in');
    expect(await step.locator('input, button').count()).toBe(0);
    // It is listed under "Before your rules", above the user's first rule.
    const stepBox = (await step.boundingBox())!;
    const firstRule = (await page.locator('sw-rules-screen li[data-index="0"]').boundingBox())!;
    expect(stepBox.y).toBeLessThan(firstRule.y);
    await screenshots(page, 'rules-spam-step');

    // The first start deployed the demo user's rules: spam from the settings alone goes to Junk.
    expect(await spamFiledInto(await deployedWhen((s) => s.includes(STEP)))).toEqual(['Junk']);

    await step.getByRole('link', { name: 'Change in Spam settings' }).click();
    await page.getByRole('heading', { name: 'Spam settings' }).waitFor();
    expect(page.url()).toMatch(/#\/spam$/);
    await page.close();
  });

  test('switching the filter off on the Spam screen saves, deploys a script that keeps spam, and shows the step as off; on again restores it', SLOW, async () => {
    const page = await suite.browser.newPage();
    page.setDefaultTimeout(30_000);
    await signIn(page, suite.server.url, 'demo', suite.server.passwords.demo!);
    await page.goto(`${suite.server.url}/#/spam`);
    const toggle = page.getByLabel('Move spam to the Junk folder');
    expect(await toggle.isChecked()).toBe(true);
    expect(await unlabelledControls(page)).toEqual([]);

    await toggle.uncheck();
    await page.getByText('Off: spam stays wherever your rules put it').waitFor();
    await screenshots(page, 'spam-filter-off');
    await saveRules(page);
    expect(suite.server.app.ctx.rules.latest('demo')?.ruleSet.settings.spamFilter).toBe(false);
    const off = await deployedWhen((s) => s !== '' && !s.includes(STEP));
    expect(await spamFiledInto(off)).not.toContain('Junk');

    await page.goto(`${suite.server.url}/#/rules`);
    await expect.poll(() => card(page).locator('.summary').innerText()).toBe('Off: spam is left to your rules.');

    await page.goto(`${suite.server.url}/#/spam`);
    await page.getByLabel('Move spam to the Junk folder').check();
    await saveRules(page);
    expect(suite.server.app.ctx.rules.latest('demo')?.ruleSet.settings).not.toHaveProperty('spamFilter');
    expect(await spamFiledInto(await deployedWhen((s) => s.includes(STEP)))).toEqual(['Junk']);
    await page.close();
  });
});
