// A Sieve block kept as written, edited in Debian's Chromium against the real
// server app: syntax, extension and forwarding-policy errors appear at their
// line as the user types (the checks a save runs), the save stays held back
// until they are fixed, and what is saved is what the mail server runs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { checkRawBlock } from '../../grammar/raw-block.js';
import { DEFAULT_POLICY } from '../../grammar/policy.js';
import { savePolicy } from '../../server/services/defaults-service.js';
import { saveRules } from '../../server/services/rules-service.js';
import { signIn } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const SLOW = { timeout: 120_000 };
const suite = browserSuite();

const BLOCK = 'if header :contains "list-id" "lists.example.org" {\n  keep;\n}\n';

beforeAll(async () => {
  // The demo user's first sign-in writes the example rules; the block goes after them, as an import would put it.
  const page = await suite.browser.newPage();
  await signIn(page, suite.server.url, 'demo', suite.server.passwords.demo!);
  await page.close();
  const ctx = suite.server.app.ctx;
  const current = ctx.rules.latest('demo')!.ruleSet;
  saveRules(ctx, 'demo', 'demo', { ...current, rules: [...current.rules, { kind: 'raw', name: 'Old list filter', sieve: BLOCK, requires: [], enabled: true }] });
}, 180_000);

async function openBlock(): Promise<Page> {
  const page = await suite.browser.newPage();
  page.setDefaultTimeout(30_000);
  await signIn(page, suite.server.url, 'demo', suite.server.passwords.demo!);
  await page.getByRole('link', { name: 'Old list filter' }).click();
  await page.getByRole('heading', { name: /Edit Sieve block/ }).waitFor();
  return page;
}

const editor = (page: Page) => page.locator('sw-raw-block-editor sw-dsl-editor');
const firstProblem = (page: Page) => editor(page).locator('.diag li').first();
const badLines = (page: Page) => editor(page).locator('.gutter .bad').allInnerTexts();
/** Whether Save is disabled, and what the save bar says beside it (the button's description). */
async function heldBack(page: Page): Promise<{ disabled: boolean; reason: string }> {
  const save = page.getByRole('button', { name: 'Save', exact: true });
  const reason = page.getByRole('region', { name: 'Unsaved changes' }).locator(`#${await save.getAttribute('aria-describedby')}`);
  return { disabled: await save.isDisabled(), reason: await reason.innerText() };
}
const activeScript = () => readFile(join(suite.server.dataDir, 'mail', 'demo', '.dovecot.sieve'), 'utf8').catch(() => '');

describe('editing a raw Sieve block in Chromium', () => {
  test('a syntax error shows at its line as the user types; a command without its require names the fix; the fixed block is saved and deployed', SLOW, async () => {
    const page = await openBlock();
    const area = page.getByLabel('Sieve text');
    expect(await area.inputValue()).toBe(BLOCK);
    await editor(page).locator('.ok').waitFor();

    // A missing semicolon: the parser stops on the next line.
    const broken = 'if header :contains "list-id" "lists.example.org" {\n  fileinto "Lists"\n  stop;\n}\n';
    await area.fill(broken);
    const expected = checkRawBlock({ kind: 'raw', sieve: broken, requires: [], enabled: true }).diagnostics[0]!.start!.line;
    expect(expected).toBeGreaterThan(1);
    await expect.poll(() => firstProblem(page).innerText()).toContain(`Line ${expected},`);
    expect(await badLines(page)).toEqual([String(expected)]);
    expect(await area.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(true);

    // Parses now, but fileinto needs its extension.
    const fixed = broken.replace('"Lists"\n', '"Lists";\n');
    await area.fill(fixed);
    await expect.poll(() => firstProblem(page).innerText()).toContain('Line 2, column 3: command "fileinto" needs the Sieve extension "fileinto"');
    expect(await badLines(page)).toEqual(['2']);

    const requires = page.getByLabel(/^Sieve extensions it uses/);
    // Checked as it is typed, spaces between names kept.
    await requires.pressSequentially('vacation fileinto');
    await editor(page).locator('.ok').waitFor();
    expect(await requires.inputValue()).toBe('vacation fileinto');
    await requires.fill('fileinto');
    expect(await badLines(page)).toEqual([]);

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('region', { name: 'Unsaved changes' }).waitFor({ state: 'detached' });
    // The server checked it again and stored it; the mail server's compiler accepted the script it is in.
    const saved = suite.server.app.ctx.rules.latest('demo')!.ruleSet.rules.at(-1);
    expect(saved).toEqual({ kind: 'raw', name: 'Old list filter', sieve: fixed, requires: ['fileinto'], enabled: true });
    await expect.poll(activeScript, { timeout: 60_000 }).toContain('fileinto "Lists";');
    await page.locator('header sw-deploy-status .badge[data-state="deployed"]').waitFor({ timeout: 60_000 });
    await page.close();
  });

  test('an extension the server does not offer is marked and holds Save back with the reason; taken out, the block can be saved', SLOW, async () => {
    const page = await openBlock();
    await page.getByLabel('Sieve text').fill('fileinto "Lists";\n');
    const requires = page.getByLabel(/^Sieve extensions it uses/);
    await requires.fill('fileinto vnd.example.unoffered');
    await expect.poll(() => firstProblem(page).innerText()).toContain('"vnd.example.unoffered", which the server does not offer');
    // The reason stands in the editor once; the save bar points there.
    expect(await heldBack(page)).toEqual({ disabled: true, reason: expect.stringContaining('Old list filter: see the fields marked above.') });
    await requires.fill('fileinto');
    await editor(page).locator('.ok').waitFor();
    expect((await heldBack(page)).disabled).toBe(false);
    await page.close();
  });

  test('on a 390 px phone a long Sieve line is not cut off: the text box scrolls sideways with the line numbers in view', SLOW, async () => {
    const page = await openBlock();
    await page.setViewportSize({ width: 390, height: 800 });
    await page.getByLabel('Sieve text').fill('if header :contains "list-id" "a-very-long-list-identifier.lists.example.org" {\n  keep;\n}\n');
    const box = await editor(page).locator('.wrap').evaluate((wrap) => {
      const area = wrap.querySelector('textarea')!;
      wrap.scrollLeft = wrap.scrollWidth;
      const gutter = wrap.querySelector('.gutter')!.getBoundingClientRect();
      return {
        pageScrolls: document.documentElement.scrollWidth > window.innerWidth,
        boxScrolls: wrap.scrollWidth > wrap.clientWidth,
        hiddenInTextarea: area.scrollWidth > area.clientWidth,
        gutterInView: gutter.left >= wrap.getBoundingClientRect().left - 1,
      };
    });
    expect(box).toEqual({ pageScrolls: false, boxScrolls: true, hiddenInTextarea: false, gutterInView: true });
    await page.close();
  });

  test('forwarding outside the allowed domains is marked at its line: an error when the policy refuses it (and Save is held back with the reason, as the server would refuse it), a warning when it only raises an alert', SLOW, async () => {
    const ctx = suite.server.app.ctx;
    const forward = 'if true {\n  redirect "me@elsewhere.example";\n}\n';
    savePolicy(ctx, 'admin', { ...DEFAULT_POLICY, allowedRedirectDomains: ['example.org'], redirectOutside: 'refuse' });
    const before = ctx.rules.latest('demo')!.version;
    const page = await openBlock();
    await page.getByLabel('Sieve text').fill(forward);
    await expect.poll(() => firstProblem(page).innerText()).toMatch(/^Line 2, column 3: forwarding to me@elsewhere\.example is not allowed/);
    expect(await badLines(page)).toEqual(['2']);
    // The server would refuse it: Save is held back, and the save bar points to the reason in the editor.
    expect(await heldBack(page)).toEqual({ disabled: true, reason: expect.stringContaining('Old list filter: see the fields marked above.') });
    expect(ctx.rules.latest('demo')!.version).toBe(before);
    await page.close();

    savePolicy(ctx, 'admin', { ...DEFAULT_POLICY, allowedRedirectDomains: ['example.org'], redirectOutside: 'alert' });
    const again = await openBlock();
    await again.getByLabel('Sieve text').fill(forward);
    await expect.poll(() => firstProblem(again).innerText()).toMatch(/^Warning — Line 2, column 3: forwarding to me@elsewhere\.example goes outside the allowed domains .*sends your administrator an alert/);
    // A warning: listed, not marked as an error, and the save goes through.
    expect(await badLines(again)).toEqual([]);
    await again.getByRole('button', { name: 'Save', exact: true }).click();
    await again.getByRole('region', { name: 'Unsaved changes' }).waitFor({ state: 'detached' });
    expect(ctx.rules.latest('demo')!.version).toBe(before + 1);
    savePolicy(ctx, 'admin', DEFAULT_POLICY);
    await again.close();
  });
});
