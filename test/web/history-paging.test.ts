// The history panel reads the history one page at a time: the newest 50
// versions first, then "Show older versions" for each next page, until the
// oldest is shown. In Debian's Chromium against the real server app.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emptyRuleSet, type RuleSet } from '../../grammar/model.js';
import { launchBrowser, signIn, type Browser } from './support/browser.js';
import { startAppServer, type AppServer } from './support/app-server.js';
import { buildWeb } from './support/web-build.js';

let server: AppServer;
let browser: Browser;

function version(n: number): RuleSet {
  return { ...emptyRuleSet(), rules: [{ name: `Version ${n}`, enabled: true, combine: 'all', conditions: [{ kind: 'always' }], actions: [{ kind: 'keep' }] }] };
}

beforeAll(async () => {
  server = await startAppServer(await buildWeb());
  browser = await launchBrowser();
  // The demo user starts with version 1; 119 more make 120, three pages.
  for (let n = 2; n <= 120; n++) server.app.ctx.rules.save('demo', version(n), 'demo', `version ${n}`);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the history panel', () => {
  test('shows 50 versions, then 50 more and the last 20 with "Show older versions", which then goes away', { timeout: 120_000 }, async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(30_000);
    await signIn(page, server.url, 'demo', server.passwords.demo!);
    await page.goto(`${server.url}/#/preview`);
    const rows = page.locator('sw-history-panel tbody tr');
    const older = page.getByRole('button', { name: 'Show older versions' });
    const versions = async () => (await rows.locator('td:first-child').allInnerTexts()).map(Number);

    await expect.poll(() => rows.count()).toBe(50);
    expect((await versions())[0]).toBe(120);
    await older.click();
    await expect.poll(() => rows.count()).toBe(100);
    await older.click();
    await expect.poll(() => rows.count()).toBe(120);
    expect(await versions()).toEqual(Array.from({ length: 120 }, (_, i) => 120 - i));
    expect(await older.count()).toBe(0);
    // An old version from a later page restores like any other.
    await page.getByRole('button', { name: 'Restore version 3', exact: true }).click();
    await expect.poll(() => server.app.ctx.rules.latest('demo')?.ruleSet.rules[0]).toMatchObject({ name: 'Version 3' });
    await page.close();
  });
});
