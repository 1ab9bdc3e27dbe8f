// "Test on my recent mail" in Debian's Chromium against the real server app
// in its embedded default: the demo user's example messages, the draft's
// example rule tested on them, applied to the INBOX with progress (files
// really move in the demo Maildir), undone, and a rule created from a
// listed message opening in the rule editor with its conditions.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { maildirOf } from '../../server/services/recent-mail.js';
import { PHONE, screenshots, signIn, unlabelledControls } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();

const inFolder = async (dir: string) => (await Promise.all(['new', 'cur'].map((s) => readdir(join(dir, s)).catch(() => [])))).flat().length;

describe('test on my recent mail', () => {
  test('test the draft, apply a rule with progress, undo, create a rule from a message', { timeout: 120_000 }, async () => {
    const { server, browser } = suite;
    const root = maildirOf(server.app.ctx, 'demo');
    const page = await browser.newPage();
    page.setDefaultTimeout(30_000);
    page.on('dialog', (d) => void d.accept());
    await signIn(page, server.url, 'demo', server.passwords.demo!);
    await page.goto(`${server.url}/#/try`);
    await page.getByRole('button', { name: 'Test my rules' }).click();

    const ruleLine = page.locator('sw-try-screen li[data-rule="0"]');
    await expect.poll(() => ruleLine.innerText()).toContain('Project mailing list: This rule would have moved 3 of your last 12 messages');
    const rows = page.locator('sw-try-screen tbody tr');
    expect(await rows.count()).toBe(12);
    const listMail = rows.filter({ hasText: 'Nightly build failed' });
    expect(await listMail.locator('td.dest').innerText()).toBe('Lists/Dev');
    expect(await listMail.innerText()).toContain('Project mailing list');
    // On a phone the results fit without sideways scrolling, every control named.
    await page.setViewportSize(PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(PHONE.width);
    expect(await unlabelledControls(page)).toEqual([]);
    await screenshots(page, 'screen-try');

    // Apply: the dry-run count, the confirmation, progress to the end.
    await page.getByRole('checkbox', { name: 'Project mailing list' }).check();
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByRole('button', { name: 'Apply 3 changes' }).click();
    const progress = page.getByRole('status', { name: 'Apply progress' });
    await expect.poll(() => progress.innerText()).toContain('Done: 3 changes made');
    expect(await page.locator('sw-try-screen progress').getAttribute('value')).toBe('3');
    expect(await inFolder(join(root, '.Lists.Dev'))).toBe(3);
    expect(await inFolder(root)).toBe(9);

    // The undo list: what moved where, and the run among the earlier ones.
    await page.getByText('What changed where').click();
    await expect.poll(() => progress.locator('details li').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('Nightly build failed from ci@dev.lists.example.org: moved to Lists/Dev')]));
    await expect.poll(() => page.getByRole('table', { name: 'Earlier runs' }).locator('tbody tr').count()).toBe(1);

    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect.poll(() => progress.innerText()).toContain('Undone: 3 changes taken back');
    expect(await inFolder(join(root, '.Lists.Dev'))).toBe(0);
    expect(await inFolder(root)).toBe(12);

    // A rule from a listed message: the editor opens on it with its sender, list id and subject.
    await rows.filter({ hasText: 'Winter sale' }).getByRole('button', { name: 'Create a rule from this message' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/rules\/1$/);
    const editor = page.locator('sw-rule-editor');
    expect(await editor.getByLabel('Rule name').inputValue()).toBe('news.shop.example');
    const sentence = editor.locator('p.sentence');
    await expect.poll(() => sentence.innerText()).toContain('news@shop.example');
    expect(await sentence.innerText()).toContain('news.shop.example');
    expect(await sentence.innerText()).toContain('Winter sale');
    // Conditions to keep or drop: dropping the subject leaves sender and list.
    await editor.getByRole('button', { name: 'Remove condition 3' }).click();
    await expect.poll(() => sentence.innerText()).not.toContain('Winter sale');
    expect(await sentence.innerText()).toContain('news.shop.example');
    await page.close();
  });
});
