// The production UI as the real server sends it over HTTP: the build's
// brotli and gzip copies, cache headers by kind of file, the browser
// protection headers, and, in Debian's Chromium, every screen under the
// Content-Security-Policy without a single violation.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { LearningRepository } from '../../server/store/learning-repository.js';
import { signIn } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const SLOW = { timeout: 180_000 };

const suite = browserSuite();

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A GET whose body arrives exactly as sent (fetch would decompress it). */
function get(path: string, acceptEncoding?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${suite.server.url}${path}`, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
  });
}

/** The entry script index.html loads, e.g. /assets/index-B4kejskb.js. */
async function entryScript(): Promise<string> {
  const m = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(await readFile(join(suite.dist, 'index.html'), 'utf8'));
  if (!m) throw new Error('no entry script in index.html');
  return m[1]!;
}

describe('static assets', () => {
  test('a hashed script is sent as brotli or gzip per Accept-Encoding, decompressing to the built file, cached for a year', async () => {
    const path = await entryScript();
    const file = await readFile(join(suite.dist, path));
    const br = await get(path, 'br, gzip');
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.body.length).toBeLessThan(file.length / 2);
    expect(brotliDecompressSync(br.body).equals(file)).toBe(true);

    const gz = await get(path, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(file)).toBe(true);

    const plain = await get(path);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(file)).toBe(true);

    for (const r of [br, gz, plain]) expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  test('index.html, at / and as the fallback of a client-side route, is revalidated on every use', async () => {
    const file = await readFile(join(suite.dist, 'index.html'));
    for (const path of ['/', '/index.html', '/rules/3']) {
      const r = await get(path, 'br');
      expect(r.status, path).toBe(200);
      expect(r.headers['cache-control'], path).toBe('no-cache');
      const body = r.headers['content-encoding'] === 'br' ? brotliDecompressSync(r.body) : r.body;
      expect(body.equals(file), path).toBe(true);
    }
    expect((await get('/', 'br')).headers['content-encoding']).toBe('br');
  });
});

describe('protection headers', () => {
  test('the UI and the API carry the CSP (no inline code, no framing), nosniff, a referrer policy and frame denial', async () => {
    for (const path of ['/', await entryScript(), '/api/session', '/healthz']) {
      const r = await get(path);
      const csp = String(r.headers['content-security-policy']);
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("style-src 'self'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(r.headers['x-content-type-options'], path).toBe('nosniff');
      expect(r.headers['x-frame-options'], path).toBe('DENY');
      expect(r.headers['referrer-policy'], path).toBe('no-referrer');
    }
  });
});

/** Collects the CSP violations Chromium reports on a page, from the console and from the DOM event. */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const console: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) console.push(m.text());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return async () => [...console, ...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations))];
}

const USER_SCREENS: Array<[string, string]> = [
  ['#/rules', 'sw-rules-screen'],
  ['#/rules/0', 'sw-rule-editor'],
  ['#/out-of-office', 'sw-out-of-office-screen sw-vacation-action'],
  ['#/forwarding', 'sw-forwarding-screen'],
  ['#/senders', 'sw-senders-screen'],
  ['#/spam', 'sw-spam-screen'],
  ['#/preview', 'sw-preview-screen sw-code-view'],
  ['#/text', 'sw-text-screen sw-dsl-editor'],
  ['#/import', 'sw-import-screen'],
  ['#/learning', 'sw-learning-screen .key .swatch'],
  ['#/try', 'sw-try-screen fieldset'],
];
const ADMIN_SCREENS: Array<[string, string]> = [
  ['#/admin/defaults', 'sw-admin-defaults'],
  ['#/admin/policy', 'sw-admin-policy'],
  ['#/admin/users', 'sw-admin-users'],
  ['#/admin/audit', 'sw-admin-audit'],
  ['#/admin/learning', 'sw-admin-learning'],
];

describe('the UI under the Content-Security-Policy, in Chromium', () => {
  test('the login screen and every user and admin screen render without a CSP violation; an inline style would be reported', SLOW, async () => {
    // Something learned, so the learning screen draws its chart and key.
    const repo = new LearningRepository(suite.server.app.ctx.db);
    repo.commitPass({
      username: 'demo', folder: 'Junk', cursor: { uidValidity: 1, uidNext: 2, highestModseq: null, messages: 1 }, upsert: [], remove: [],
      events: [{ folder: 'Junk', uidValidity: 1, uid: 1, messageId: '<m1@example.org>', subject: 'Offer', sender: 'x@spam.example', direction: 'spam', reason: 'moved to Junk', sourceFolder: 'INBOX', raw: Buffer.from('Subject: Offer\r\n\r\nx\r\n') }],
    });
    for (const e of repo.pending('demo')) repo.markLearned(e.id, 'learned');

    const page = await suite.browser.newPage();
    page.setDefaultTimeout(30_000);
    const violations = await watchCsp(page);
    await page.goto(suite.server.url);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const seen: string[] = [];
    const visit = async (screens: Array<[string, string]>) => {
      for (const [hash, selector] of screens) {
        await page.goto(`${suite.server.url}/${hash}`);
        await page.locator(selector).first().waitFor();
        seen.push(hash);
      }
    };
    // The demo user has example rules to edit; the admin sees the admin screens.
    await signIn(page, suite.server.url, 'demo', suite.server.passwords.demo!);
    await visit(USER_SCREENS);
    // A download made from a blob: URL still works under the policy.
    await page.goto(`${suite.server.url}/#/preview`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('sw-preview-screen sw-code-view').first().getByRole('button', { name: /^Download/ }).click()]);
    expect(await readFile((await download.path())!, 'utf8')).toContain('rule:[Project mailing list]');
    await signIn(page, suite.server.url, 'admin', suite.server.passwords.admin!);
    await visit(ADMIN_SCREENS);
    expect(seen).toHaveLength(USER_SCREENS.length + ADMIN_SCREENS.length);
    await page.locator('sw-app').waitFor();
    expect(await violations()).toEqual([]);

    // The watcher does see a violation when there is one.
    await page.evaluate(() => document.body.appendChild(document.createElement('div')).setAttribute('style', 'color: red'));
    await expect.poll(async () => (await violations()).join('\n'), { timeout: 10_000 }).toMatch(/style-src/);
    await page.close();
  });
});
