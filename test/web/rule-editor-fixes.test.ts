// The rule editor and the rules list as a user meets them, in Chromium:
// a new rule starts blank and says what to fill in, once per problem and
// beside its field; limits are checked in the form with their reason; the
// focus follows the work; "Install again now" answers; the undo toast
// covers no button. Each screen is checked with axe-core at 1280 and 390 px.
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { emptyRuleSet, type Rule } from '../../grammar/model.js';
import { hashPassword } from '../../server/services/passwords.js';
import { saveRules as saveForUser } from '../../server/services/rules-service.js';
import { signIn } from './support/browser.js';
import { saveRules } from './support/flows.js';
import { browserSuite } from './support/suite.js';
import { checkScreen, focused } from './support/user-checks.js';

const SLOW = { timeout: 120_000 };
const suite = browserSuite();

/** A fresh user per test, with no rules or with `rules`. */
async function freshPage(username: string, rules: Rule[] = []): Promise<Page> {
  const { ctx } = suite.server.app;
  ctx.users.ensure(username, await hashPassword(`${username}-pw`, { N: 2 ** 10, r: 8, p: 1 }));
  if (rules.length) saveForUser(ctx, username, username, { ...emptyRuleSet(), rules });
  const page = await suite.browser.newPage();
  page.setDefaultTimeout(30_000);
  await signIn(page, suite.server.url, username, `${username}-pw`);
  return page;
}

/** How many times `text` is on the page, shadow roots included. */
function countText(page: Page, text: string): Promise<number> {
  return page.getByText(text, { exact: true }).count();
}

describe('the rule editor, in Chromium', () => {
  test('"+ New rule" opens a blank rule titled "New rule" with the focus in its name; each missing part is said once in the form\'s words, and Save waits until it is complete', SLOW, async () => {
    const page = await freshPage('newcomer');
    await page.getByRole('button', { name: '+ New rule' }).click();
    const editor = page.locator('sw-rule-editor');
    await editor.getByRole('heading', { name: 'New rule', exact: true }).waitFor();
    await expect.poll(() => focused(page)).toBe('input.name: New rule');
    expect(await editor.locator('sw-condition-editor').count()).toBe(0);
    expect(await editor.locator('sw-action-list ol.cards > li').count()).toBe(0);
    expect(await editor.locator('.errors').count()).toBe(0);
    expect(await page.getByText(/when always/).count()).toBe(0);
    expect(await page.getByText(/Add at least one condition/).count()).toBe(1);
    expect(await page.getByText(/Add at least one action/).count()).toBe(1);
    const save = page.getByRole('button', { name: 'Save', exact: true });
    expect(await save.isDisabled()).toBe(true);
    expect(await checkScreen(page, 'rule-editor-new')).toEqual([]);

    // An empty name: one message, under the field.
    await editor.getByLabel(/^Rule name/).fill('');
    expect(await countText(page, 'Give the rule a name, so you can find it in the list.')).toBe(1);
    await editor.getByLabel(/^Rule name/).fill('Keep receipts');
    await editor.getByRole('button', { name: '+ Add condition' }).click();
    await editor.getByLabel(/, value 1$/).fill('receipt');
    await editor.getByRole('button', { name: '+ Add action' }).click();
    await expect.poll(() => save.isDisabled()).toBe(false);

    // "Done" goes back to the list with the focus on the rule, not the page body.
    await editor.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => focused(page)).toMatch(/^li: ⠿ 1\. Keep receipts /);
    await page.close();
  });

  test('a rule name over 200 characters: the field stops at 200 and says why; one pasted in text mode is pointed out in the list and the preview names the rule, and Save waits', SLOW, async () => {
    const page = await freshPage('longname');
    await page.getByRole('button', { name: '+ New rule' }).click();
    const name = page.locator('sw-rule-editor').getByLabel(/^Rule name/);
    await name.fill('n'.repeat(250));
    expect((await name.inputValue()).length).toBe(200);
    expect(await page.getByText('Up to 200 characters, so the list stays readable.').count()).toBe(1);
    await page.getByRole('button', { name: 'Discard changes' }).click();

    await page.goto(`${suite.server.url}/#/text`);
    const area = page.getByLabel('Rules as text');
    await area.fill(`${await area.inputValue()}\nrule "${'L'.repeat(230)}" {\n  when subject contains "x"\n  then keep\n}\n`);
    await page.locator('sw-dsl-editor .ok').waitFor();
    await page.goto(`${suite.server.url}/#/rules`);
    const row = page.locator('sw-rules-screen li[data-index="0"]');
    await row.getByText('The name is 230 characters long; names can have at most 200, so the list stays readable.').waitFor();
    expect(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(true);
    await page.goto(`${suite.server.url}/#/preview`);
    await page.getByText('The preview could not be made: Rule 1: the name is longer than 200 characters.').waitFor();
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.close();
  });

  test('"Another folder…" starts an empty, focused, wide field; an auto-reply whose last day is before its first is told once, beside the dates', SLOW, async () => {
    const page = await freshPage('folders', [
      { name: 'Newsletters', enabled: true, combine: 'all', conditions: [{ kind: 'subject', test: { match: 'contains', values: ['news'] } }], actions: [{ kind: 'fileinto', folder: 'Junk' }] },
    ]);
    await page.goto(`${suite.server.url}/#/rules/0`);
    const editor = page.locator('sw-rule-editor');
    await editor.getByRole('heading', { name: 'Edit rule 1' }).waitFor();
    await expect.poll(() => focused(page)).toBe('h1: Edit rule 1');
    const folder = editor.locator('sw-folder-action').first();
    await folder.locator('select').selectOption({ label: 'Another folder…' });
    const typed = folder.getByLabel('Folder name');
    expect(await typed.inputValue()).toBe('');
    await expect.poll(() => focused(page)).toBe('input.folder: ');
    await typed.pressSequentially('Lists/dev');
    await expect.poll(() => editor.locator('.sentence').innerText()).toContain('move to “Lists/dev”');
    expect((await typed.boundingBox())!.width).toBeGreaterThan(250);

    await editor.getByRole('button', { name: '+ Add action' }).click();
    const last = editor.locator('sw-action-list ol.cards > li').last();
    await last.locator('select').first().selectOption('vacation');
    await last.getByLabel('Last day').fill('2026-08-01');
    await last.getByLabel('First day').fill('2026-08-10');
    const said = page.getByText('The last day cannot be before the first day.', { exact: true });
    await expect.poll(() => said.count()).toBe(1);
    const message = last.getByLabel('Message', { exact: true });
    expect((await said.boundingBox())!.y).toBeLessThan((await message.boundingBox())!.y);
    expect(await page.getByText(/ends \(2026-08-01\) before it starts/).count()).toBe(0);
    expect(await checkScreen(page, 'rule-editor-problems')).toEqual([]);
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.close();
  });

  test('after Save the focus is on the screen\'s title; the undo toast sits above the screen, covers no button, and takes the focus; "Install again now" says what it did', SLOW, async () => {
    const page = await freshPage('toast');
    await page.getByRole('button', { name: '+ New rule' }).click();
    const editor = page.locator('sw-rule-editor');
    await editor.getByRole('button', { name: '+ Add condition' }).click();
    await editor.getByLabel(/, value 1$/).fill('invoice');
    await editor.getByRole('button', { name: '+ Add action' }).click();
    await saveRules(page);
    // Saved, the new rule is a rule like the others.
    await expect.poll(() => focused(page)).toMatch(/^h1: Edit rule \d+$/);
    await page.goto(`${suite.server.url}/#/rules`);

    await page.getByRole('button', { name: 'Delete New rule' }).click();
    const toast = page.locator('sw-app .toast');
    await toast.waitFor();
    await expect.poll(() => focused(page)).toBe('button: Undo');
    for (const name of ['Save', 'Discard changes']) {
      const button = (await page.getByRole('button', { name, exact: true }).boundingBox())!;
      const box = (await toast.boundingBox())!;
      const overlaps = box.x < button.x + button.width && button.x < box.x + box.width && box.y < button.y + button.height && button.y < box.y + box.height;
      expect(overlaps, name).toBe(false);
    }
    expect(await checkScreen(page, 'rules-undo-toast')).toEqual([]);
    await toast.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('link', { name: 'New rule' }).waitFor();
    expect(await page.getByRole('region', { name: 'Unsaved changes' }).count()).toBe(0);

    await page.goto(`${suite.server.url}/#/preview`);
    const install = page.getByRole('button', { name: 'Install again now' });
    await install.click();
    await page.getByText(/^Installed again: version \d+ is active on the mail server\.$/).waitFor({ timeout: 60_000 });
    await page.close();
  });
});
