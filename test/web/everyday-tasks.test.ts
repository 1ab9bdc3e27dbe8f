// Everyday tasks as mail users know them from webmail, in Chromium against
// the real server app: an out-of-office reply with dates, forwarding under
// each of the administrator's policies, finding a rule among 500. What is
// saved is checked where it ends up: the deployed script, run through
// Pigeonhole's sieve-test. Every screen is checked with axe-core and
// photographed at 1280 and 390 px (test-artifacts/screenshots).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { emptyRuleSet, type Rule } from '../../grammar/model.js';
import { DEFAULT_POLICY, type Policy } from '../../grammar/policy.js';
import { hashPassword } from '../../server/services/passwords.js';
import { saveRules as saveForUser } from '../../server/services/rules-service.js';
import { signIn } from './support/browser.js';
import { saveRules } from './support/flows.js';
import { browserSuite } from './support/suite.js';
import { checkScreen, focused } from './support/user-checks.js';

const SLOW = { timeout: 180_000 };
const suite = browserSuite({ pigeonhole: true });

async function userPage(username: string): Promise<Page> {
  const { ctx } = suite.server.app;
  if (!ctx.users.get(username)) ctx.users.ensure(username, await hashPassword(`${username}-pw`, { N: 2 ** 10, r: 8, p: 1 }));
  const page = await suite.browser.newPage();
  page.setDefaultTimeout(30_000);
  await signIn(page, suite.server.url, username, `${username}-pw`);
  return page;
}

function activeScript(user: string): Promise<string> {
  return readFile(join(suite.server.dataDir, 'mail', user, '.dovecot.sieve'), 'utf8');
}

async function waitForDeployed(page: Page, user: string, contains: string): Promise<string> {
  await expect.poll(async () => (await activeScript(user).catch(() => '')).includes(contains), { timeout: 60_000, interval: 250 }).toBe(true);
  await page.locator('header sw-deploy-status .badge[data-state="deployed"]').waitFor({ timeout: 60_000 });
  return activeScript(user);
}

/** Today plus `days`, as YYYY-MM-DD (UTC; the ranges used are wide enough for any time zone). */
function day(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const inWords = (iso: string) => `${Number(iso.slice(8))} ${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;

const mail = (to: string) => `From: Friend <friend@partner.example>\r\nTo: ${to}\r\nSubject: Lunch?\r\nMessage-ID: <lunch-${Date.now()}@partner.example>\r\n\r\nHello\r\n`;

async function sievePreview(page: Page): Promise<string> {
  await page.goto(`${suite.server.url}/#/preview`);
  const code = page.locator('sw-preview-screen sw-code-view pre').first();
  await code.waitFor();
  return (await code.innerText()).replace(/^\d+\s?/gm, '');
}

describe('everyday tasks, in Chromium against the real server', () => {
  test('out of office: the form starts with the account\'s address, the dates show in the summary, the rules list, the Sieve preview and the deployed script, and Pigeonhole replies only between them', SLOW, async () => {
    const user = 'ana@example.org';
    const page = await userPage(user);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Out of office' }).click();
    const screen = page.locator('sw-out-of-office-screen');
    await screen.getByRole('heading', { name: 'Out of office' }).waitFor();
    expect(await screen.getByLabel(/^My addresses it answers for/).inputValue()).toBe(user);
    expect(await screen.locator('.summary').innerText()).toBe('Off: no automatic replies are sent.');
    expect(await checkScreen(page, 'out-of-office-empty')).toEqual([]);

    const [start, end] = [day(-1), day(7)];
    await screen.getByLabel('First day').fill(start);
    await screen.getByLabel('Last day').fill(end);
    await screen.getByLabel(/^Reply to the same sender at most once every/).fill('3');
    await screen.getByLabel('Subject').fill('Away this week');
    // Not complete without a message: said once, under the message box, and the save is held back.
    const save = page.getByRole('button', { name: 'Save', exact: true });
    expect(await screen.getByText('Write the reply message.').count()).toBe(1);
    expect(await save.isDisabled()).toBe(true);
    await screen.getByLabel('Message', { exact: true }).fill('I am away and will answer when I am back.');
    await expect.poll(() => save.isDisabled()).toBe(false);
    expect(await screen.getByLabel('Reply automatically').isChecked()).toBe(true);
    expect(await screen.locator('.summary').innerText()).toBe(
      `On: mail to you gets an automatic reply from ${inWords(start)} to ${inWords(end)}, at most once every 3 days per sender.`,
    );
    expect(await checkScreen(page, 'out-of-office-filled')).toEqual([]);
    await saveRules(page);
    // The save bar had the focus; it goes to the screen's title, not the page body.
    await expect.poll(() => focused(page)).toBe('h1: Out of office');

    await page.goto(`${suite.server.url}/#/rules`);
    const row = page.locator('sw-rules-screen li[data-index="0"]');
    await expect.poll(() => row.locator('.name').innerText()).toBe('Out of office');
    await expect.poll(() => row.locator('.summary').innerText()).toBe(`If every message: reply with an auto-reply from ${inWords(start)} to ${inWords(end)}.`);
    await row.getByRole('link', { name: 'Change in Out of office' }).waitFor();

    const preview = await sievePreview(page);
    expect(preview).toContain(`if allof(currentdate :value "ge" "date" "${start}", currentdate :value "le" "date" "${end}") {`);
    expect(preview).toContain(`vacation :days 3 :subject "Away this week" :addresses ["${user}"] "I am away and will answer when I am back.";`);

    const script = await waitForDeployed(page, user, `"${end}"`);
    const during = await suite.tools.sieveTest(script, mail(user), { envelopeFrom: 'friend@partner.example', recipient: user });
    expect(during.exitCode, during.stderr).toBe(0);
    expect(during.actions.filter((a) => a.type === 'vacation')).toHaveLength(1);
    expect(during.implicitKeep || during.actions.some((a) => a.type === 'keep')).toBe(true);

    // Moved to start the day after tomorrow: Pigeonhole's currentdate test holds the reply back today.
    await page.goto(`${suite.server.url}/#/out-of-office`);
    await page.locator('sw-out-of-office-screen').getByLabel('Last day').fill(day(9));
    await page.locator('sw-out-of-office-screen').getByLabel('First day').fill(day(2));
    await saveRules(page);
    const later = await waitForDeployed(page, user, `"${day(9)}"`);
    const before = await suite.tools.sieveTest(later, mail(user), { envelopeFrom: 'friend@partner.example', recipient: user });
    expect(before.exitCode, before.stderr).toBe(0);
    expect(before.actions.filter((a) => a.type === 'vacation')).toEqual([]);
    await page.close();
  });

  const policies: Array<[string, Partial<Policy>, string, string | null]> = [
    [
      'allowed domains, others refused',
      { allowedRedirectDomains: ['corp.example'], redirectOutside: 'refuse' },
      'You may forward to addresses at corp.example. Forwarding to any other address is refused when you save.',
      'the server refuses to save this forward',
    ],
    [
      'allowed domains, others reviewed',
      { allowedRedirectDomains: ['corp.example'], redirectOutside: 'alert' },
      'You may forward to addresses at corp.example. Forwarding elsewhere is allowed, but your administrator is told about it, to review it.',
      'the forward works, and your administrator is told about it',
    ],
    [
      'any address, each reviewed',
      { allowedRedirectDomains: [], redirectOutside: 'alert' },
      'You may forward to any address. Your administrator is told about each new forwarding address, to review it.',
      'the forward works, and your administrator is told about it',
    ],
  ];

  test.each(policies)('forwarding, %s: the policy is stated before the address, an address outside is judged as typed, and what is saved forwards in the deployed script', SLOW, async (mode, policy, statement, outside) => {
    const user = `fwd-${mode.split(' ')[0]}-${policy.redirectOutside}`;
    suite.server.app.ctx.defaults.setPolicy({ ...DEFAULT_POLICY, ...policy });
    const page = await userPage(user);
    await page.goto(`${suite.server.url}/#/forwarding`);
    const screen = page.locator('sw-forwarding-screen');
    await screen.getByRole('heading', { name: 'Forwarding' }).waitFor();
    const said = screen.locator('#policy');
    expect(await said.innerText()).toBe(statement);
    // Stated before the field, and read out with it.
    const address = screen.getByLabel('Forward to');
    expect((await said.boundingBox())!.y).toBeLessThan((await address.boundingBox())!.y);
    expect(await address.getAttribute('aria-describedby')).toContain('policy');
    expect(await checkScreen(page, `forwarding-${policy.redirectOutside}-${policy.allowedRedirectDomains!.length ? 'domains' : 'any'}`)).toEqual([]);

    await address.fill('me@elsewhere.example');
    const verdict = screen.locator('#verdict');
    expect(await verdict.innerText()).toContain(outside!);
    const refused = policy.redirectOutside === 'refuse';
    if (refused) {
      // Held back before the server is asked, with the server's reason beside the button.
      const save = page.getByRole('button', { name: 'Save', exact: true });
      await expect.poll(() => save.isDisabled()).toBe(true);
      const reason = page.getByRole('region', { name: 'Unsaved changes' }).locator(`#${await save.getAttribute('aria-describedby')}`);
      expect(await reason.innerText()).toContain('Forward all mail: forwarding to me@elsewhere.example is not allowed (allowed domains: corp.example)');
      expect(await checkScreen(page, 'forwarding-refused')).toEqual([]);
      await address.fill('me@mail.corp.example');
      await expect.poll(() => verdict.count()).toBe(0);
    }
    await screen.getByLabel(/^Do not keep a copy/).check();
    await saveRules(page);
    const target = refused ? 'me@mail.corp.example' : 'me@elsewhere.example';
    const script = await waitForDeployed(page, user, target);
    const result = await suite.tools.sieveTest(script, mail(`${user}@example.org`), { envelopeFrom: 'friend@partner.example' });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.actions.filter((a) => a.type === 'redirect').map((a) => a.address)).toEqual([target]);
    // No copy kept: nothing is stored here, and the user's own rules do not run.
    expect(result.implicitKeep).toBe(false);
    expect(result.actions.filter((a) => a.type === 'keep' || a.type === 'fileinto')).toEqual([]);
    const alerts = suite.server.app.ctx.audit.list({ target: user }).filter((e) => e.action === 'rules.redirect-outside');
    expect(alerts).toHaveLength(refused ? 0 : 1);

    // Keeping a copy: the forward and the copy in the mailbox.
    await screen.getByLabel(/^Keep a copy/).check();
    await saveRules(page);
    await expect.poll(async () => (await activeScript(user)).includes(':copy'), { timeout: 60_000 }).toBe(true);
    const copy = await suite.tools.sieveTest(await activeScript(user), mail(`${user}@example.org`), { envelopeFrom: 'friend@partner.example' });
    expect(copy.actions.filter((a) => a.type === 'redirect').map((a) => a.address)).toEqual([target]);
    expect(copy.implicitKeep || copy.actions.some((a) => a.type === 'keep')).toBe(true);

    await page.goto(`${suite.server.url}/#/rules`);
    // Polled: a row skipped by content-visibility reads as empty until its first paint.
    await expect.poll(() => page.locator('sw-rules-screen li[data-index="0"] .summary').innerText()).toBe(`If every message: send a copy to ${target}.`);
    suite.server.app.ctx.defaults.setPolicy(DEFAULT_POLICY);
    await page.close();
  });

  test('finding a rule among 500: the search box filters by name, by a value a condition looks for and by folder, and the list shrinks to what matches', SLOW, async () => {
    const user = 'many';
    const rule = (i: number): Rule => ({
      name: `Rule ${i}`,
      enabled: true,
      combine: 'all',
      conditions: [{ kind: 'address', header: 'from', part: 'all', test: { match: 'contains', values: [`sender${i}@example.org`] } }],
      actions: [{ kind: 'fileinto', folder: `Projects/p${i % 25}` }],
    });
    const page = await userPage(user);
    saveForUser(suite.server.app.ctx, user, user, { ...emptyRuleSet(), rules: Array.from({ length: 500 }, (_, i) => rule(i + 1)) });
    await page.reload();
    const list = page.locator('sw-rules-screen ol.rules > li[data-index]');
    await expect.poll(() => list.count()).toBe(500);
    const tall = await page.evaluate(() => document.documentElement.scrollHeight);
    const search = page.getByRole('searchbox', { name: 'Find a rule' });
    const status = page.locator('sw-rules-screen .search [role="status"]');

    await search.fill('rule 417');
    await expect.poll(() => list.count()).toBe(1);
    expect(await list.locator('.name').innerText()).toBe('Rule 417');
    await search.fill('SENDER23@');
    await expect.poll(() => list.count()).toBe(1);
    expect(await list.locator('.name').innerText()).toBe('Rule 23');
    await search.fill('projects/p7');
    await expect.poll(() => list.count()).toBe(20);
    expect(await status.innerText()).toBe('Showing 20 of 500 rules.');
    expect(await list.first().locator('.pos').innerText()).toBe('7.');
    const short = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(short).toBeLessThan(tall / 10);
    expect(await checkScreen(page, 'rules-search')).toEqual([]);
    // A rule found opens with its own number.
    await list.first().locator('a.name').click();
    await page.getByRole('heading', { name: 'Edit rule 7' }).waitFor();
    await page.goBack();
    await search.fill('nothing like this');
    await expect.poll(() => status.innerText()).toBe('No rule matches.');
    await page.close();
  });
});
