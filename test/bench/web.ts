// Web UI: production bundle size (gzip) of what a user downloads on first
// load, next to the lazy chunks; and the time Chromium takes to render a
// 500-rule list, next to plain DOM (innerHTML of the same rows) as the
// reference in the same run. Targets: first load <= 60 KB gzip, render < 100 ms.
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildWeb } from '../web/support/web-build.js';
import { startAppServer } from '../web/support/app-server.js';
import { launchBrowser } from '../web/support/browser.js';

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

const gz = (dir: string, file: string) => gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** Files loaded before the first screen: the entry and its static imports. */
function firstLoad(manifest: Record<string, ManifestChunk>): Set<string> {
  const out = new Set<string>();
  const visit = (key: string) => {
    const c = manifest[key];
    if (!c || out.has(c.file)) return;
    out.add(c.file);
    for (const f of c.css ?? []) out.add(f);
    for (const i of c.imports ?? []) visit(i);
  };
  for (const [key, c] of Object.entries(manifest)) if (c.isEntry) visit(key);
  return out;
}

function bundleTable(dist: string): void {
  const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const first = firstLoad(manifest);
  const rows = Object.values(manifest).map((c) => ({ file: c.file, gzip: gz(dist, c.file), first: first.has(c.file) }));
  const firstTotal = rows.filter((r) => r.first).reduce((a, r) => a + r.gzip, 0) + gz(dist, 'index.html');
  console.log('| chunk | gzip | loaded |');
  console.log('| --- | ---: | --- |');
  for (const r of rows.sort((a, b) => b.gzip - a.gzip)) console.log(`| ${r.file} | ${kb(r.gzip)} | ${r.first ? 'first load' : 'on demand'} |`);
  console.log(`\nuser UI first load (index.html + entry + static imports): **${kb(firstTotal)} gzip** (target <= 60 KB)\n`);
}

async function renderTable(dist: string): Promise<void> {
  const server = await startAppServer(dist);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    // tsx keeps function names with a `__name` helper that does not exist in
    // the page the measuring function is sent to.
    await page.addInitScript('globalThis.__name = (f) => f');
    await page.goto(server.url);
    await page.waitForFunction(() => customElements.get('sw-rules-screen') !== undefined);
    const result = await page.evaluate(async (n: number) => {
      const rules = Array.from({ length: n }, (_, i) => ({
        name: `Rule ${i + 1}`,
        enabled: i % 7 !== 0,
        combine: i % 3 === 0 ? 'any' : 'all',
        conditions: [
          { kind: 'address', header: 'from', part: 'domain', test: { match: 'is', values: [`sender${i}.example.org`] } },
          { kind: 'subject', test: { match: 'contains', values: ['invoice', `ticket ${i}`] } },
        ],
        actions: [{ kind: 'fileinto', folder: `Archive/${i}` }, { kind: 'stop' }],
      }));
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const lit: number[] = [];
      const plain: number[] = [];
      for (let round = 0; round < 7; round++) {
        const el = document.createElement('sw-rules-screen') as HTMLElement & { rules: unknown; updateComplete: Promise<unknown> };
        el.rules = rules;
        const t0 = performance.now();
        document.body.append(el);
        await el.updateComplete;
        void el.getBoundingClientRect().height;
        lit.push(performance.now() - t0);
        el.remove();

        const div = document.createElement('div');
        const t1 = performance.now();
        div.innerHTML = `<ol>${rules
          .map(
            (r, i) =>
              `<li tabindex="0" draggable="true"><span>⠿</span><div><a href="#/rules/${i}">${r.name}</a><p>If the domain of the sender (From) is exactly “sender${i}.example.org” and the subject contains “invoice” or “ticket ${i}”: move to “Archive/${i}”, then stop.</p></div><div><label><input type="checkbox" ${r.enabled ? 'checked' : ''}>On</label><button>↑</button><button>↓</button><button>Duplicate</button><button>Delete</button></div></li>`,
          )
          .join('')}</ol>`;
        document.body.append(div);
        void div.getBoundingClientRect().height;
        plain.push(performance.now() - t1);
        div.remove();
      }
      return { lit: median(lit), plain: median(plain), litFirst: lit[0]! };
    }, 500);
    console.log('| render 500 rules in Chromium (median of 7, incl. layout) | ms |');
    console.log('| --- | ---: |');
    console.log(`| sievewright rules list (Lit) | ${result.lit.toFixed(1)} |`);
    console.log(`| reference: plain innerHTML of the same rows | ${result.plain.toFixed(1)} |`);
    console.log(`\nrules list: ${result.lit.toFixed(1)} ms (target < 100 ms)`);
  } finally {
    await browser.close();
    await server.close();
  }
}

export async function run(): Promise<void> {
  const dist = await buildWeb();
  try {
    bundleTable(dist);
    await renderTable(dist);
  } finally {
    await rm(dist, { recursive: true, force: true });
  }
}
