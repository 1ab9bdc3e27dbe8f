// Debian's Chromium driven by playwright-core (never a downloaded browser),
// headless, with a fresh profile, no network beyond loopback.
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { requireBinary } from '../../support/programs.js';
import { repoRoot } from './web-build.js';

export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 360, height: 740 };
export const SCREENSHOTS = join(repoRoot, 'test-artifacts', 'screenshots');

export interface Browser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = requireBinary('chromium');
  const profile = await mkdtemp(join(tmpdir(), 'sw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: DESKTOP,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Saves the page at desktop width and at 360 px as NAME-desktop.png and NAME-360.png. */
export async function screenshots(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const before = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-360.png`), fullPage: true });
  await page.setViewportSize(before);
}

/** Signs in from a clean slate (no session cookie left by an earlier test). */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${baseUrl}/#/rules`);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const refused = page.locator('sw-login-screen [role="alert"]');
  await Promise.race([page.getByRole('heading', { name: 'My rules' }).waitFor(), refused.waitFor()]);
  if (await refused.count()) throw new Error(`sign-in as ${username} refused: ${await refused.innerText()}`);
}

const CONTROL = /^\s*- (textbox|searchbox|combobox|checkbox|radio|button|spinbutton|slider)\b(?! ")/;

/** Form controls on the page without an accessible name (as a screen reader would meet them). */
export async function unlabelledControls(page: Page): Promise<string[]> {
  const tree = await page.locator('body').ariaSnapshot();
  return tree.split('\n').filter((line) => CONTROL.test(line)).map((line) => line.trim());
}
