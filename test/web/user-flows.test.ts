// The user's side of the web UI in Debian's Chromium against the real server
// app (embedded default: local users, directory deploy target). What the UI
// saved is checked where it ends up: the deployed Sieve script in the mail
// home, run through Pigeonhole's sieve-test.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshots, signIn, unlabelledControls, PHONE } from './support/browser.js';
import { browserSuite } from './support/suite.js';
import { addDmarcRuleAndTrustedSender, fixture, message, saveRules } from './support/flows.js';

const SLOW = { timeout: 120_000 };

const suite = browserSuite({ pigeonhole: true });

async function demoPage(): Promise<Page> {
  const page = await suite.browser.newPage();
  page.setDefaultTimeout(30_000);
  await signIn(page, suite.server.url, 'demo', suite.server.passwords.demo!);
  return page;
}

/** The script the directory target made active for the user. */
function activeScript(user: string): Promise<string> {
  return readFile(join(suite.server.dataDir, 'mail', user, '.dovecot.sieve'), 'utf8');
}

async function waitForDeployed(page: Page, contains: string): Promise<string> {
  await expect.poll(async () => (await activeScript('demo').catch(() => '')).includes(contains), { timeout: 60_000, interval: 250 }).toBe(true);
  await page.locator('header sw-deploy-status .badge[data-state="deployed"]').waitFor({ timeout: 60_000 });
  return activeScript('demo');
}

async function sievePreview(page: Page): Promise<string> {
  const code = page.locator('sw-preview-screen sw-code-view pre').first();
  await code.waitFor();
  return (await code.innerText()).replace(/^\d+\s?/gm, '');
}

describe('the web UI for a user, in Chromium against the real server', () => {
  test('a newcomer signs in as the demo user and sees the example rules, their preview and the deploy status at once', SLOW, async () => {
    const login = await suite.browser.newPage();
    await login.goto(suite.server.url);
    await login.getByRole('button', { name: 'Sign in' }).click();
    await login.getByText('Enter your mail address or user name and your password.').waitFor();
    await screenshots(login, 'login');
    await login.close();
    const page = await demoPage();
    await expect.poll(() => page.getByRole('link', { name: 'Project mailing list' }).count()).toBe(1);
    await expect.poll(() => page.getByText('Set by your administrator').count()).toBeGreaterThan(0);
    await page.getByRole('complementary', { name: 'Preview' }).waitFor();
    expect(await sievePreview(page)).toContain('rule:[Project mailing list]');
    // The first start queued the demo user's deploy to the directory target.
    await page.locator('header sw-deploy-status .badge[data-state="deployed"]').waitFor({ timeout: 60_000 });
    expect(await activeScript('demo')).toContain('rule:[Project mailing list]');
    await page.close();
  });

  test('a user adds "DMARC fail to Junk" and trusts a sender only when authenticated; the deployed script sorts forged mail into Junk and the real sender into INBOX', SLOW, async () => {
    const page = await demoPage();

    await addDmarcRuleAndTrustedSender(page, suite.server.url, true);
    await saveRules(page);

    const script = await waitForDeployed(page, 'Forged mail to Junk');
    expect(script).toContain('friend@partner.example');

    const [forged, partner, partnerForged] = await Promise.all([
      message('forged-bank.eml').then((m) => suite.tools.sieveTest(script, m, { envelopeFrom: 'bounce@bank.example' })),
      message('partner-dkim-pass.eml').then((m) => suite.tools.sieveTest(script, m, { envelopeFrom: 'friend@partner.example' })),
      message('partner-forged.eml').then((m) => suite.tools.sieveTest(script, m, { envelopeFrom: 'x@elsewhere.example' })),
    ]);
    expect([forged.exitCode, partner.exitCode, partnerForged.exitCode], forged.stderr + partner.stderr).toEqual([0, 0, 0]);
    expect(forged.actions.filter((a) => a.type === 'fileinto').map((a) => a.folder)).toEqual(['Junk']);
    expect(partner.actions.some((a) => a.type === 'fileinto')).toBe(false);
    expect(partner.implicitKeep || partner.actions.some((a) => a.type === 'keep')).toBe(true);
    expect(partnerForged.actions.filter((a) => a.type === 'fileinto').map((a) => a.folder)).toEqual(['Junk']);

    await page.goto(`${suite.server.url}/#/preview`);
    await page.locator('sw-preview-screen sw-deploy-status .badge[data-state="deployed"]').waitFor();
    await page.close();
  });

  test('moving a rule with Alt+ArrowUp or by drag-and-drop and switching one off changes the preview', SLOW, async () => {
    const page = await demoPage();
    const names = () => page.locator('sw-rules-screen ol.rules li[data-index] a.name').allInnerTexts();
    await expect.poll(names).toEqual(['Project mailing list', 'Forged mail to Junk']);
    const before = await sievePreview(page);
    expect(before.indexOf('rule:[Project mailing list]')).toBeLessThan(before.indexOf('rule:[Forged mail to Junk]'));

    await page.locator('sw-rules-screen li[data-index="1"]').focus();
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(names).toEqual(['Forged mail to Junk', 'Project mailing list']);
    // Focus follows the moved rule, so it can be moved again at once.
    expect(await page.locator('sw-rules-screen li[data-index="0"]').evaluate((li) => li === (li.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    await expect
      .poll(async () => {
        const s = await sievePreview(page);
        return s.indexOf('rule:[Forged mail to Junk]') < s.indexOf('rule:[Project mailing list]');
      })
      .toBe(true);

    // Drag-and-drop does the same with the mouse: drop the first rule on the lower half of the second.
    const second = page.locator('sw-rules-screen li[data-index="1"]');
    const box = (await second.boundingBox())!;
    await page.locator('sw-rules-screen li[data-index="0"]').dragTo(second, { targetPosition: { x: 20, y: box.height - 8 } });
    await expect.poll(names).toEqual(['Project mailing list', 'Forged mail to Junk']);

    await page.getByLabel('Off — Project mailing list').or(page.getByLabel('On — Project mailing list')).uncheck();
    // A rule that is off stays in the script as `if false`, its test kept as a comment.
    await expect.poll(async () => /rule:\[Project mailing list\]\s*if false/.test(await sievePreview(page))).toBe(true);
    await saveRules(page);
    const script = await waitForDeployed(page, 'Forged mail to Junk');
    await expect.poll(async () => /rule:\[Project mailing list\]\s*if false/.test(await activeScript('demo'))).toBe(true);
    expect(script).toContain('Forged mail to Junk');
    await page.close();
  });

  test('a procmailrc import shows a report per line and, once accepted and saved, is deployed', SLOW, async () => {
    const page = await demoPage();
    await page.goto(`${suite.server.url}/#/import`);
    await page.getByLabel(/^Or paste the text/).fill(await fixture('import.procmailrc'));
    await page.getByRole('button', { name: 'Convert' }).click();
    const report = page.locator('sw-import-screen table tbody tr');
    await report.first().waitFor();
    const rows = await report.evaluateAll((trs) => trs.map((tr) => ({ status: tr.getAttribute('data-status'), line: tr.querySelector('td')?.textContent })));
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.some((r) => r.status === 'not-converted')).toBe(true);
    await screenshots(page, 'import');
    await page.getByRole('button', { name: 'Add to my rules' }).click();
    await page.getByRole('heading', { name: 'My rules' }).waitFor();
    const names = await page.locator('sw-rules-screen ol.rules li[data-index] a.name').allInnerTexts();
    expect(names.length).toBeGreaterThanOrEqual(4);
    await saveRules(page);
    const script = await waitForDeployed(page, 'announce');
    expect(script).toContain('Newsletters');
    await page.close();
  });

  test('text mode points at the line of an error and switching back to the form keeps the rules', SLOW, async () => {
    const page = await demoPage();
    await page.goto(`${suite.server.url}/#/text`);
    const area = page.getByLabel('Rules as text');
    const original = await area.inputValue();
    expect(original).toContain('Forged mail to Junk');
    const broken = `${original}\nrule "Broken" {\n  when subject frobnicates "x"\n  then discard\n}\n`;
    await area.fill(broken);
    const brokenLine = broken.split('\n').findIndex((l) => l.includes('frobnicates')) + 1;
    const first = page.locator('sw-dsl-editor .diag li').first();
    await first.waitFor();
    expect(await first.innerText()).toContain(`Line ${brokenLine}`);
    await screenshots(page, 'text-mode');
    await area.fill(`${original}\nrule "From the text" {\n  when subject contains "hello"\n  then fileinto "Greetings"\n}\n`);
    await page.locator('sw-dsl-editor .ok').waitFor();
    await page.getByRole('link', { name: 'My rules' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'From the text' }).count()).toBe(1);
    await page.getByRole('link', { name: 'Text mode' }).click();
    expect(await page.getByLabel('Rules as text').inputValue()).toContain('From the text');
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.close();
  });

  test('deleting a rule can be undone', SLOW, async () => {
    const page = await demoPage();
    const names = () => page.locator('sw-rules-screen ol.rules li[data-index] a.name').allInnerTexts();
    const before = await names();
    await page.getByRole('button', { name: `Delete ${before[0]}` }).click();
    await expect.poll(names).toEqual(before.slice(1));
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(names).toEqual(before);
    // Back to exactly what is saved: nothing left to save.
    await page.getByRole('region', { name: 'Unsaved changes' }).waitFor({ state: 'detached' });
    await page.close();
  });

  test('the rule editor explains mistakes in words and holds back the save until they are fixed', SLOW, async () => {
    const page = await demoPage();
    await page.goto(`${suite.server.url}/#/rules/0`);
    const actions = page.locator('sw-action-list');
    await actions.getByRole('button', { name: '+ Add action' }).click();
    await actions.getByLabel(/^Action/).last().selectOption('vacation');
    await page.getByLabel(/^First day/).fill('2026-08-10');
    await page.getByLabel(/^Last day/).fill('2026-08-01');
    await page.getByLabel(/^Last day/).blur();
    await page.getByText('The last day cannot be before the first day.').first().waitFor();
    // The end picker cannot offer a day before the start.
    expect(await page.getByLabel(/^Last day/).getAttribute('min')).toBe('2026-08-10');
    await page.getByRole('region', { name: 'Unsaved changes' }).getByText(/needs attention before saving/).waitFor();
    expect(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(true);
    await screenshots(page, 'rule-editor-errors');

    await page.getByLabel(/^Last day/).fill('2026-08-20');
    await page.getByLabel(/^Last day/).blur();
    await expect.poll(() => page.getByText('The last day cannot be before the first day.').count()).toBe(0);
    await actions.getByLabel(/^Action/).last().selectOption('redirect');
    await actions.getByLabel(/^Forward to/).fill('nobody');
    await page.getByText('“nobody” is not an email address (it should look like name@example.org).').waitFor();
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.close();
  });

  test('a rule\'s notes are edited in the rule editor and deployed as comments in its block', SLOW, async () => {
    const page = await demoPage();
    await page.goto(`${suite.server.url}/#/rules/0`);
    const notes = page.getByLabel(/^Notes/);
    await notes.fill('Filed for the boss\nsince 2024');
    await page.getByRole('button', { name: 'Done' }).click();
    await saveRules(page);
    const script = await waitForDeployed(page, '# Filed for the boss');
    expect(script).toContain("{\n  # Filed for the boss\n  # since 2024\n");
    expect((await suite.tools.sievec(script)).ok).toBe(true);
    await page.goto(`${suite.server.url}/#/rules/0`);
    expect(await page.getByLabel(/^Notes/).inputValue()).toBe('Filed for the boss\nsince 2024');
    await page.close();
  });

  test('a condition on the server\'s spam verdict is set in the rule editor and deployed as a numeric spamtest', SLOW, async () => {
    const page = await demoPage();
    await page.goto(`${suite.server.url}/#/rules/0`);
    const editor = page.locator('sw-rule-editor');
    await editor.getByLabel(/^Condition type/).first().selectOption('spamtest');
    const verdict = editor.locator('sw-spamtest-condition');
    await verdict.getByLabel(/^Is/).selectOption('gt');
    await verdict.getByLabel(/^Value/).fill('7');
    await verdict.getByLabel(/^Value/).blur();
    await verdict.getByLabel(/^In percent/).check();
    await editor.getByText("the server's spam verdict (in percent) is over 7").first().waitFor();
    await page.getByRole('button', { name: 'Done' }).click();
    await saveRules(page);
    const script = await waitForDeployed(page, 'spamtest :percent :value "gt"');
    expect(script).toContain('spamtest :percent :value "gt" :comparator "i;ascii-numeric" "7"');
    expect((await suite.tools.sievec(script)).ok).toBe(true);
    await page.close();
  });

  test('an earlier version is restored from the history and deployed again', SLOW, async () => {
    const page = await demoPage();
    await page.goto(`${suite.server.url}/#/preview`);
    const restore = page.getByRole('button', { name: 'Restore version 1' });
    await restore.click();
    await expect.poll(() => page.locator('sw-history-panel tbody tr').first().innerText()).toMatch(/current/);
    await page.getByRole('link', { name: 'My rules' }).click();
    await expect.poll(() => page.locator('sw-rules-screen ol.rules li[data-index] a.name').allInnerTexts()).toEqual(['Project mailing list']);
    await expect.poll(async () => (await activeScript('demo')).includes('Forged mail to Junk'), { timeout: 60_000 }).toBe(false);
    expect(await activeScript('demo')).toContain('rule:[Project mailing list]');
    await page.close();
  });

  test('every user screen fits 360 px without sideways scrolling, names every control, and is saved as a screenshot', SLOW, async () => {
    const page = await demoPage();
    for (const screen of ['rules', 'rules/0', 'out-of-office', 'forwarding', 'senders', 'spam', 'preview', 'text', 'import', 'learning']) {
      await page.goto(`${suite.server.url}/#/${screen}`);
      await page.setViewportSize(PHONE);
      await page.locator('sw-app main section').first().waitFor();
      await page.waitForLoadState('networkidle');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect({ screen, width }).toEqual({ screen, width: PHONE.width });
      expect({ screen, unlabelled: await unlabelledControls(page) }).toEqual({ screen, unlabelled: [] });
      await screenshots(page, `screen-${screen.replace('/', '-')}`);
    }
    await page.close();
  });

  test('"+ New rule" starts blank, says what to fill in and holds back the save until the rule has a condition with a value and an action', SLOW, async () => {
    const page = await demoPage();
    const save = page.getByRole('button', { name: 'Save', exact: true });
    const editor = page.locator('sw-rule-editor');
    await page.getByRole('button', { name: '+ New rule' }).click();
    await page.getByRole('heading', { name: 'New rule', exact: true }).waitFor();
    expect(await editor.locator('sw-condition-editor').count()).toBe(0);
    expect(await editor.locator('sw-action-list ol.cards > li').count()).toBe(0);
    await editor.getByText(/^Add at least one condition: which messages should this act on\?/).waitFor();
    await editor.getByText('Add at least one action: what should happen to the message?').waitFor();
    await page.getByRole('region', { name: 'Unsaved changes' }).getByText(/needs attention before saving/).waitFor();
    expect(await save.isDisabled()).toBe(true);

    await page.getByLabel(/^Rule name/).fill('Shop newsletter');
    await editor.getByRole('button', { name: '+ Add condition' }).click();
    const emptyValue = editor.getByText('Type what to look for: an empty value would match every message.');
    await emptyValue.waitFor();
    expect(await save.isDisabled()).toBe(true);
    await editor.getByLabel(/, value 1$/).fill('newsletter@shop.example');
    await expect.poll(() => emptyValue.count()).toBe(0);
    // Still no action: the rule is not finished.
    expect(await save.isDisabled()).toBe(true);
    await editor.getByRole('button', { name: '+ Add action' }).click();
    await expect.poll(() => save.isDisabled()).toBe(false);
    await screenshots(page, 'rule-editor-new-rule');
    await page.getByRole('button', { name: 'Done' }).click();
    await saveRules(page);

    // What was deployed files only the newsletter into Junk.
    const script = await waitForDeployed(page, 'Shop newsletter');
    const mail = (from: string) => `From: ${from}\r\nTo: demo@example.org\r\nSubject: Offers\r\nMessage-ID: <${from}>\r\n\r\nHello\r\n`;
    const [newsletter, other] = await Promise.all([
      suite.tools.sieveTest(script, mail('newsletter@shop.example')),
      suite.tools.sieveTest(script, mail('friend@partner.example')),
    ]);
    expect([newsletter.exitCode, other.exitCode], newsletter.stderr + other.stderr).toEqual([0, 0]);
    expect(newsletter.actions.filter((a) => a.type === 'fileinto').map((a) => a.folder)).toEqual(['Junk']);
    expect(other.actions.filter((a) => a.type === 'fileinto').map((a) => a.folder)).toEqual([]);
    await page.close();
  });

  test('a save the mail server could not run (a script over its 1 MiB limit) is refused with the largest rules named, and a broken raw block is shown at its line inside the block', SLOW, async () => {
    const page = await demoPage();
    await page.goto(`${suite.server.url}/#/text`);
    const area = page.getByLabel('Rules as text');
    const original = await area.inputValue();
    await area.fill(`${original}\nraw "Hand-written" {\n  | if header :contains "subject" "x" {\n  |   discard;\n}\n`);
    await expect.poll(() => page.locator('sw-dsl-editor .diag li').first().innerText()).toContain('raw block "Hand-written", line 2, column 11: a "{" is never closed');

    // Twenty values of 60,000 characters: each within what the API takes for one value, together over 1 MiB.
    const values = Array.from({ length: 20 }, (_, i) => `"${String.fromCharCode(97 + i).repeat(60_000)}"`).join(', ');
    await area.fill(`${original}\nrule "Huge" {\n  when subject contains [${values}]\n  then discard\n}\n`);
    await page.locator('sw-dsl-editor .ok').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const refusal = page.getByRole('region', { name: 'Unsaved changes' });
    await expect
      .poll(() => refusal.innerText())
      .toMatch(/the Sieve script would be \d+ bytes, but the server accepts at most 1048576 \(sieve_max_script_size\); the largest parts: rule "Huge" \(\d+ bytes\)/);
    await screenshots(page, 'save-refused-script-too-large');
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.close();
  });

  test('a sender both trusted and blocked is pointed out next to both entries', SLOW, async () => {
    const page = await demoPage();
    await page.goto(`${suite.server.url}/#/senders`);
    const [trusted, blocked] = [page.locator('sw-senders-screen section').first(), page.locator('sw-senders-screen section').nth(1)];
    await trusted.getByLabel(/^Sender/).fill('*@shop.example');
    await trusted.getByRole('button', { name: 'Add', exact: true }).click();
    await blocked.getByLabel(/^Sender/).fill('Offers <Offers@Shop.example>');
    await blocked.getByRole('button', { name: 'Add', exact: true }).click();
    await trusted.getByText('Also blocked as offers@shop.example: mail from a trusted sender is never blocked, so that block does nothing.').waitFor();
    await blocked.getByText('Also trusted as *@shop.example: mail from a trusted sender is never blocked, so this block does nothing.').waitFor();
    await screenshots(page, 'senders-trusted-and-blocked');
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.close();
  });
});
