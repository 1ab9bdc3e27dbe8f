// The layer rules in .ci/eslint.config.js are only worth having if they fire:
// each case lints a snippet as if it lived at `file` and names the rules that
// must report it (none for what the layers allow).
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// From the checkout's root whatever the working directory, as `npm run lint` sees it.
const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root, overrideConfigFile: '.ci/eslint.config.js' });

async function rulesFired(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

const IMPORTS = '@typescript-eslint/no-restricted-imports';

describe('grammar/ imports nothing outside grammar/', () => {
  it.each([
    ['grammar/x.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;", [IMPORTS]],
    ['grammar/x.ts', "import { html } from 'lit';\nexport const h = html;", [IMPORTS]],
    ['grammar/x.ts', "import type { Db } from '../server/store/db.js';\nexport type D = Db;", [IMPORTS]],
    ['grammar/emit/x.ts', "export { openDatabase } from '../../server/store/db.js';", [IMPORTS]],
    ['grammar/a/b/c/x.ts', "export * from '../../../../web/main.js';", [IMPORTS]],
    ['grammar/x.ts', "export const load = () => import('./model.js');", ['no-restricted-syntax']],
    ['grammar/emit/sieve/x.ts', "import type { RuleSet } from '../../model.js';\nexport type R = RuleSet;", []],
    ['grammar/x.ts', "import { Type } from '@sinclair/typebox';\nexport const T = Type.String();", []],
    ['grammar/x.ts', "import { Value } from '@sinclair/typebox/value';\nexport const V = Value;", []],
    ['grammar/x.ts', "import { x } from '@sinclair/typebox-extra';\nexport const X = x;", [IMPORTS]],
  ])('%s: %j', async (file, code, rules) => {
    expect(await rulesFired(file, code)).toEqual(rules);
  });
});

describe('web/ takes server shapes only from the contract', () => {
  it.each([
    ['web/screens/x.ts', "import type { Config } from '../../server/config/schema.js';\nexport type C = Config;", [IMPORTS]],
    ['web/api/types.ts', "import type { Config } from '../../server/config/schema.js';\nexport type C = Config;", [IMPORTS]],
    ['web/api/types.ts', "import type { DefaultsResponse } from '../../server/routes/schemas.js';\nexport type D = DefaultsResponse;", [IMPORTS]],
    ['web/api/types.ts', "import { routes } from '../../server/routes/contract.js';\nexport const r = routes;", [IMPORTS]],
    ['web/api/http.ts', "import type { Routes } from '../../server/routes/contract.js';\nexport type R = Routes;", []],
    ['web/screens/x.ts', "import type { RuleSet } from '../../grammar/model.js';\nexport type R = RuleSet;", []],
  ])('%s: %j', async (file, code, rules) => {
    expect(await rulesFired(file, code)).toEqual(rules);
  });
});

describe('only server/store/ runs SQL', () => {
  const db = 'declare const db: { prepare(s: string): { get(): unknown }; exec(s: string): void };\n';
  it.each([
    ['server/services/x.ts', "import Database from 'better-sqlite3';\nexport const d = Database;", ['no-restricted-imports']],
    ['server/services/x.ts', `${db}export const n = db.prepare('SELECT 1').get();`, ['no-restricted-syntax']],
    ['server/deploy/x.ts', `${db}db.exec(\`DELETE FROM deploy_outbox\`);`, ['no-restricted-syntax']],
    ['web/x.ts', `${db}export const n = db.prepare('SELECT 1').get();`, ['no-restricted-syntax']],
    ['server/services/x.ts', 'export const m = (s: string) => /^a(b)$/.exec(s);', []],
    ['server/store/x.ts', `import Database from 'better-sqlite3';\n${db}export const d = Database;\nexport const n = db.prepare('SELECT 1').get();`, []],
  ])('%s: %j', async (file, code, rules) => {
    expect(await rulesFired(file, code)).toEqual(rules);
  });
});
