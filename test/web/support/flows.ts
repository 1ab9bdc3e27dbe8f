// Steps shared by the browser tests: what a user clicks to get the DMARC
// story in place, saving, and the test messages.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshots } from './browser.js';

export const fixture = (name: string) => readFile(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

/**
 * A test message. The fixtures' Authentication-Results come from
 * `mx.test.example`; the server trusts the host's own name (the admin's
 * first-run default), so the messages are addressed to that.
 */
export const message = async (name: string) => (await fixture(name)).replaceAll('mx.test.example', hostname());

/** New rule "Forged mail to Junk" (DMARC fail -> Junk) and friend@partner.example trusted only when authenticated. */
export async function addDmarcRuleAndTrustedSender(page: Page, baseUrl: string, shots = false): Promise<void> {
  await page.goto(`${baseUrl}/#/rules`);
  await page.getByRole('button', { name: '+ New rule' }).click();
  await page.getByRole('heading', { name: 'New rule', exact: true }).waitFor();
  await page.getByLabel(/^Rule name/).fill('Forged mail to Junk');
  await page.getByRole('button', { name: '+ Add condition' }).click();
  await page.getByLabel(/^Condition type/).selectOption('auth');
  await page.getByRole('button', { name: '+ Add action' }).click();
  await page.getByLabel(/^When/).selectOption({ label: "the sender's domain failed DMARC" });
  await expect.poll(() => page.locator('sw-rule-editor .sentence').innerText()).toBe("If the sender's domain failed DMARC: move to “Junk”.");
  if (shots) await screenshots(page, 'rule-editor');
  await page.getByRole('button', { name: 'Done' }).click();

  await page.goto(`${baseUrl}/#/senders`);
  const trusted = page.locator('sw-senders-screen section').first();
  await trusted.getByLabel(/^Sender/).fill('Friend <friend@partner.example>');
  await trusted.locator('form.add select[name=mode]').selectOption({ label: 'only when authenticated' });
  await trusted.getByRole('button', { name: 'Add', exact: true }).click();
  await expect.poll(() => trusted.getByLabel('Trust friend@partner.example').inputValue()).toBe('auth');
}

export async function saveRules(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('region', { name: 'Unsaved changes' }).waitFor({ state: 'detached' });
}
