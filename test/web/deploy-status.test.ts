// The deploy badge in Chromium against the real server app and the real
// sievec: a version the mail server's compiler refuses reads "Refused by the
// mail server" and names the rule, for the user and in the admin's user
// list; a server with no compiler configured reads "Written, not verified".
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { RuleSet } from '../../grammar/model.js';
import { startAppServer, type AppServer } from './support/app-server.js';
import { launchBrowser, screenshots, signIn, type Browser } from './support/browser.js';
import { buildWeb } from './support/web-build.js';

const SLOW = { timeout: 120_000 };

let dist: string;
let confDir: string;
let browser: Browser;

beforeAll(async () => {
  [dist, browser, confDir] = await Promise.all([buildWeb(), launchBrowser(), mkdtemp(join(tmpdir(), 'sw-web-sievec-'))]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (confDir) await rm(confDir, { recursive: true, force: true });
});

async function signedIn(server: AppServer, user: string): Promise<Page> {
  const page = await browser.newPage();
  page.setDefaultTimeout(30_000);
  await signIn(page, server.url, user, server.passwords[user]!);
  return page;
}

/** Saves rules through the API as the signed-in user (the browser's session and CSRF token). */
async function saveThroughApi(page: Page, server: AppServer, update: (rs: RuleSet) => RuleSet): Promise<void> {
  const { csrfToken } = (await (await page.request.get(`${server.url}/api/session`)).json()) as { csrfToken: string };
  const current = (await (await page.request.get(`${server.url}/api/rules`)).json()) as { ruleSet: RuleSet; version: number };
  const res = await page.request.put(`${server.url}/api/rules`, {
    data: { ruleSet: update(current.ruleSet), baseVersion: current.version },
    headers: { 'x-csrf-token': csrfToken },
  });
  expect(res.status(), await res.text()).toBe(200);
}

async function settledState(page: Page, server: AppServer): Promise<string> {
  await expect
    .poll(async () => ((await (await page.request.get(`${server.url}/api/deploy/status`)).json()) as { state: string }).state, { timeout: 60_000, interval: 250 })
    .not.toBe('pending');
  return ((await (await page.request.get(`${server.url}/api/deploy/status`)).json()) as { state: string }).state;
}

describe("the deploy badge follows the mail server's compiler", () => {
  let server: AppServer;

  beforeAll(async () => {
    // A server without editheader, which the rules' capability list claims.
    const plain = join(confDir, 'plain.conf');
    await writeFile(plain, '');
    server = await startAppServer(dist, { deploy: { verify: { config: plain } } });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  test('a refused version shows "Refused by the mail server" and the rule, for the user and the admin', SLOW, async () => {
    const page = await signedIn(server, 'demo');
    await page.locator('header sw-deploy-status .badge[data-state="deployed"]').waitFor({ timeout: 60_000 });
    await saveThroughApi(page, server, (rs) => ({
      ...rs,
      rules: [...rs.rules, { kind: 'raw', name: 'Tag lists', sieve: 'addheader "X-Tagged" "yes";', requires: ['editheader'], enabled: true }],
    }));
    expect(await settledState(page, server)).toBe('rejected');
    await page.reload();
    const badge = page.locator('header sw-deploy-status .badge');
    await page.locator('header sw-deploy-status .badge[data-state="rejected"]').waitFor();
    expect(await badge.innerText()).toBe('Refused by the mail server');
    const detail = page.locator('sw-preview-screen sw-deploy-status p.error');
    await expect.poll(() => detail.innerText()).toMatch(/^The problem is in the rule “Tag lists” \(script line \d+\)\. .*unknown command 'addheader'/s);
    expect(await detail.innerText()).toContain('Your previous filter stays active until this is fixed.');
    await screenshots(page, 'deploy-rejected');
    await page.close();

    const admin = await signedIn(server, 'admin');
    await admin.goto(`${server.url}/#/admin/users`);
    const demoRow = admin.locator('sw-admin-users tbody tr', { hasText: 'demo' });
    await demoRow.locator('sw-deploy-status .badge[data-state="rejected"]').waitFor();
    expect(await demoRow.locator('sw-deploy-status p.error').innerText()).toMatch(/^The problem is in the rule “Tag lists”/);
    await admin.close();
  });
});

describe('without a Sieve compiler', () => {
  let server: AppServer;

  beforeAll(async () => {
    server = await startAppServer(dist, { deploy: { verify: { sievec: '' } } });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  test('the badge says "Written, not verified" and why, never that the filter is active', SLOW, async () => {
    const page = await signedIn(server, 'demo');
    expect(await settledState(page, server)).toBe('unverified');
    await page.reload();
    await page.locator('header sw-deploy-status .badge[data-state="unverified"]').waitFor();
    expect(await page.locator('header sw-deploy-status .badge').innerText()).toMatch(/^Written, not verified \(version \d+\)$/);
    await expect.poll(() => page.locator('sw-preview-screen sw-deploy-status p.muted').innerText()).toMatch(/did not check this version \(no Sieve compiler is configured/);
    await page.close();
  });
});
