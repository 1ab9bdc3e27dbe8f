// Checks the user-side screens share: axe-core's accessibility rules run in
// the page, and screenshots at 1280 and 390 px kept as test artifacts.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DESKTOP, SCREENSHOTS } from './browser.js';
import { repoRoot } from './web-build.js';

const AXE = join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js');
let axeSource: Promise<string> | undefined;

interface AxeResult {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }>;
}

/**
 * Serious and critical axe-core violations on the page as it is now, one
 * line each. Evaluated through the debugging protocol: the app's
 * Content-Security-Policy refuses inline scripts, so a script tag would not run.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  axeSource ??= readFile(AXE, 'utf8');
  const source = await axeSource;
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(source);
  const result = (await page.evaluate(() => (window as unknown as { axe: { run(ctx: Document, o: object): Promise<unknown> } }).axe.run(document, { resultTypes: ['violations'] }))) as AxeResult;
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

export const NARROW = { width: 390, height: 844 };

/** Full-page screenshots NAME-1280.png and NAME-390.png, checked with axe-core at both widths. */
export async function checkScreen(page: Page, name: string): Promise<string[]> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const before = page.viewportSize() ?? DESKTOP;
  const found: string[] = [];
  for (const [size, label] of [[DESKTOP, '1280'], [NARROW, '390']] as const) {
    await page.setViewportSize(size);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${label}.png`), fullPage: true });
    found.push(...(await seriousA11yViolations(page)).map((v) => `${label} px: ${v}`));
    // Nothing may be wider than the phone's screen: a layout that only shrinks scrolls sideways.
    if (label === '390') {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) found.push(`390 px: the page is ${overflow} px wider than the screen`);
    }
  }
  await page.setViewportSize(before);
  return found;
}

/** The focused element, looking through shadow roots: "tag.class" and its text or value. */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let a: Element | null = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    if (!a) return '';
    const value = a instanceof HTMLInputElement ? a.value : (a.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 60);
    return `${a.localName}${a.classList.length ? `.${[...a.classList].join('.')}` : ''}: ${value}`;
  });
}
