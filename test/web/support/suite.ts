// The set-up most browser test files share: the UI built once, the app
// serving it on a temp data directory, Chromium, and (when asked) Pigeonhole's
// tools to run the deployed script. Fields are filled in beforeAll.
import { afterAll, beforeAll } from 'vitest';
import { pigeonhole, type PigeonholeTools } from '../../support/pigeonhole.js';
import { startAppServer, type AppServer } from './app-server.js';
import { launchBrowser, type Browser } from './browser.js';
import { buildWeb } from './web-build.js';

export interface BrowserSuite {
  dist: string;
  server: AppServer;
  browser: Browser;
  /** Only with `{ pigeonhole: true }`. */
  tools: PigeonholeTools;
}

export function browserSuite(opts: { pigeonhole?: boolean } = {}): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    const [dist, tools] = await Promise.all([buildWeb(), opts.pigeonhole ? pigeonhole() : undefined]);
    suite.dist = dist;
    if (tools) suite.tools = tools;
    suite.server = await startAppServer(dist);
    suite.browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
    await suite.tools?.cleanup();
  });
  return suite;
}
