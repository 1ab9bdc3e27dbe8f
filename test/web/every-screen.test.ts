// Every screen, user and admin, in Debian's Chromium against the real server
// app: axe-core finds no serious or critical accessibility violation at
// desktop or phone width, the phone layout does not scroll sideways, and a
// screenshot of each is kept at 1280 and 390 px wide in
// test-artifacts/screenshots/ (SCREEN-1280.png, SCREEN-390.png) to be
// looked at. Signed in, the phone layout keeps its header short and every
// destination of the main nav in view. A new screen is one more entry in SCREENS.
import { copyFile, mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { saveRules } from '../../server/services/rules-service.js';
import { SCREENSHOTS, signIn } from './support/browser.js';
import { browserSuite } from './support/suite.js';
import { repoRoot } from './support/web-build.js';

const SLOW = { timeout: 120_000 };
const WIDTHS = [1280, 390] as const;
const AXE = join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js');

interface Screen {
  name: string;
  /** Who is signed in; null: nobody (the sign-in screen). */
  as: 'demo' | 'admin' | null;
  /** The hash route. */
  path: string;
  /** Resolves once the screen shows its content, not a loading message. */
  ready(page: Page): Promise<unknown>;
  /** Puts the screen in the state to judge (e.g. showing its errors). */
  act?(page: Page): Promise<unknown>;
  /** Sets the server up before the user signs in. */
  before?(): Promise<unknown>;
}

const heading = (name: string | RegExp) => (page: Page) => page.getByRole('heading', { name, level: 1 }).waitFor();
const shown = (selector: string) => (page: Page) => page.locator(selector).first().waitFor();

const SCREENS: Screen[] = [
  { name: 'login', as: null, path: '/#/rules', ready: heading('Sign in to sievewright') },
  { name: 'rules', as: 'demo', path: '/#/rules', ready: shown('sw-rules-screen li[data-index]') },
  { name: 'rule-editor', as: 'demo', path: '/#/rules/0', ready: heading('Edit rule 1') },
  { name: 'raw-block-editor', as: 'demo', path: '/#/rules/LAST', ready: shown('sw-raw-block-editor sw-dsl-editor .diag, sw-raw-block-editor sw-dsl-editor .ok') },
  {
    name: 'raw-block-editor-errors',
    as: 'demo',
    path: '/#/rules/LAST',
    ready: shown('sw-raw-block-editor sw-dsl-editor .diag'),
    act: (page) => page.getByLabel('Sieve text').fill('if header :contains "list-id" "x" {\n  fileinto "Lists"\n  redirect "a@elsewhere.example";\n'),
  },
  { name: 'out-of-office', as: 'demo', path: '/#/out-of-office', ready: heading('Out of office') },
  { name: 'forwarding', as: 'demo', path: '/#/forwarding', ready: heading('Forwarding') },
  {
    name: 'forwarding-address',
    as: 'demo',
    path: '/#/forwarding',
    ready: shown('sw-forwarding-screen #verdict'),
    act: (page) => page.getByLabel('Forward to').fill('someone@elsewhere.example'),
  },
  { name: 'senders', as: 'demo', path: '/#/senders', ready: heading('Senders') },
  { name: 'spam', as: 'demo', path: '/#/spam', ready: heading('Spam settings') },
  { name: 'preview', as: 'demo', path: '/#/preview', ready: shown('sw-preview-screen sw-code-view pre') },
  { name: 'text', as: 'demo', path: '/#/text', ready: heading('Rules as text') },
  { name: 'import', as: 'demo', path: '/#/import', ready: heading('Import filters') },
  { name: 'learning', as: 'demo', path: '/#/learning', ready: heading('Learning') },
  { name: 'try', as: 'demo', path: '/#/try', ready: heading('Test on my recent mail') },
  {
    name: 'try-results',
    as: 'demo',
    path: '/#/try',
    ready: heading('Test on my recent mail'),
    act: async (page) => {
      await page.getByRole('button', { name: 'Test my rules' }).click();
      await page.locator('sw-try-screen tbody tr').first().waitFor();
    },
  },
  // Last of the demo user's screens: it leaves a Roundcube script active in their mail home, as a user new to sievewright would have it.
  { name: 'import-offer', as: 'demo', path: '/#/rules', before: activateForeignScript, ready: shown('sw-import-offer section') },
  { name: 'admin-defaults', as: 'admin', path: '/#/admin/defaults', ready: shown('sw-admin-defaults sw-dsl-editor') },
  { name: 'admin-policy', as: 'admin', path: '/#/admin/policy', ready: shown('sw-admin-policy fieldset') },
  { name: 'admin-users', as: 'admin', path: '/#/admin/users', ready: shown('sw-admin-users tbody tr') },
  { name: 'admin-audit', as: 'admin', path: '/#/admin/audit', ready: shown('sw-admin-audit tbody tr') },
  { name: 'admin-learning', as: 'admin', path: '/#/admin/learning', ready: shown('sw-admin-learning .empty, sw-admin-learning table') },
];

const suite = browserSuite();

/** The demo user's active script becomes a Roundcube one that sievewright did not write: the first-sign-in offer's case. */
async function activateForeignScript(): Promise<void> {
  const home = join(suite.server.dataDir, 'mail', 'demo');
  await copyFile(join(repoRoot, 'test', 'web', 'fixtures', 'roundcube-active.sieve'), join(home, 'sieve', 'roundcube.sieve'));
  await rm(join(home, '.dovecot.sieve'), { force: true });
  await symlink(join('sieve', 'roundcube.sieve'), join(home, '.dovecot.sieve'));
}
let lastRule = 0;

beforeAll(async () => {
  // The demo user's first sign-in writes the example rules; an imported Sieve block joins them, so its editor is a screen too.
  const page = await suite.browser.newPage();
  await signIn(page, suite.server.url, 'demo', suite.server.passwords.demo!);
  await page.close();
  const ctx = suite.server.app.ctx;
  const current = ctx.rules.latest('demo')!.ruleSet;
  const sieve = 'if header :contains "list-id" "lists.example.org" {\n  fileinto "Lists";\n}\n';
  saveRules(ctx, 'demo', 'demo', { ...current, rules: [...current.rules, { kind: 'raw', name: 'Old list filter', sieve, requires: ['fileinto'], enabled: true }] });
  lastRule = current.rules.length;
  await mkdir(SCREENSHOTS, { recursive: true });
}, 180_000);

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/** axe-core's serious and critical violations on the page as it is now, shadow roots included. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    // Served from the app's own origin: the CSP (script-src 'self') stays on while axe runs.
    await page.route('**/axe.min.js', (route) => route.fulfill({ path: AXE, contentType: 'text/javascript' }));
    await page.addScriptTag({ url: '/axe.min.js' });
  }
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id} (${v.help}) at ${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`));
}

/** The tallest the app's header may be on a phone: two short rows, leaving the screen to the screen. */
const PHONE_HEADER_MAX = 80;

/** On a phone: the header stays short, and every nav destination lies inside the viewport, none scrolled out of sight. */
function phoneChrome(page: Page): Promise<{ headerShort: boolean; navOutOfView: string[] }> {
  return page.evaluate((max) => {
    const root = document.querySelector('sw-app')!.shadowRoot!;
    const header = root.querySelector('header')!.getBoundingClientRect();
    const navOutOfView = [...root.querySelectorAll('nav a')]
      .filter((a) => {
        const r = a.getBoundingClientRect();
        return r.width === 0 || r.left < 0 || r.right > window.innerWidth || r.top < 0;
      })
      .map((a) => a.textContent ?? '');
    return { headerShort: header.height <= max, navOutOfView };
  }, PHONE_HEADER_MAX);
}

type Cookies = Awaited<ReturnType<BrowserContext['cookies']>>;
/** One sign-in per user for the whole sweep (the browser's one context swaps their cookies): a sign-in per screen would run into the login rate limit. */
const signedIn = new Map<string, Cookies>();

async function open(screen: Screen): Promise<Page> {
  await screen.before?.();
  const page = await suite.browser.newPage();
  page.setDefaultTimeout(30_000);
  await page.context().clearCookies();
  if (screen.as) {
    const cookies = signedIn.get(screen.as);
    if (cookies) await page.context().addCookies(cookies);
    else {
      await signIn(page, suite.server.url, screen.as, suite.server.passwords[screen.as]!);
      signedIn.set(screen.as, await page.context().cookies());
    }
  }
  await page.goto(`${suite.server.url}${screen.path.replace('LAST', String(lastRule))}`);
  await screen.act?.(page);
  await screen.ready(page);
  await page.waitForLoadState('networkidle');
  return page;
}

describe('every screen in Chromium: accessible, usable at phone width, photographed', () => {
  for (const screen of SCREENS) {
    test(`${screen.name}: no serious or critical axe violation at ${WIDTHS.join(' and ')} px; nothing wider than the phone; signed in, a short header and every destination in view`, SLOW, async () => {
      const page = await open(screen);
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 860 });
        await screen.ready(page);
        // Layout settles (media queries, the split view) before it is judged or photographed.
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        expect({ width, violations: await seriousViolations(page) }).toEqual({ width, violations: [] });
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        expect({ width, scrollWidth }).toEqual({ width, scrollWidth: width });
        if (screen.as && width === 390) expect(await phoneChrome(page)).toEqual({ headerShort: true, navOutOfView: [] });
        await page.screenshot({ path: join(SCREENSHOTS, `${screen.name}-${width}.png`), fullPage: true });
      }
      await page.close();
    });
  }
});
