// Names a user writes that are also members of every JavaScript object
// (`constructor`, `__proto__`, `toString`) are plain names to the importers:
// procmail folders (mapped or not), rcfile names, Sieve commands, tests,
// tags and comparators. Through the routes, as a browser sends them.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Rule } from '../../../grammar/model.js';
import { addUser, Client, startApp } from './harness.js';

let app: FastifyInstance;
let alice: Client;

beforeAll(async () => {
  ({ app } = await startApp({ worker: false }));
  await addUser(app, 'alice', 'alice-pw');
  alice = await Client.login(app, 'alice', 'alice-pw');
});

afterAll(async () => {
  await app?.close();
});

const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

function folders(ruleSet: { rules: Rule[] }): string[] {
  return ruleSet.rules.flatMap((r) => r.actions.flatMap((a) => (a.kind === 'fileinto' ? [a.folder] : [])));
}

describe('procmail import', () => {
  test('folders named like Object members become those folders, mapped or not', async () => {
    const text = NAMES.map((n, i) => `:0\n* ^Subject: s${i}\n${n}${i % 2 ? '/' : ''}\n`).join('\n');
    const plain = await alice.post('/api/import/procmail', { text });
    expect(plain.statusCode).toBe(200);
    expect(folders(plain.json().ruleSet)).toEqual(NAMES);
    const mapped = await alice.post('/api/import/procmail', { text, folderMap: { constructor: 'Mapped', toString: 'Also mapped' } });
    expect(mapped.statusCode).toBe(200);
    expect(folders(mapped.json().ruleSet)).toEqual(['Mapped', '__proto__', 'Also mapped', 'hasOwnProperty', 'valueOf']);
  });

  test('a folder map is taken at its word even where a folder is named like an Object member', async () => {
    const res = await alice.post('/api/import/procmail', { text: ':0\n* ^From: a@example.org\nInvoices/\n', folderMap: { Invoices: 'constructor' } });
    expect(res.statusCode).toBe(200);
    expect(folders(res.json().ruleSet)).toEqual(['constructor']);
  });

  test.each(NAMES)('INCLUDERC=%s and a variable test on it are reported, not a crash', async (name) => {
    const res = await alice.post('/api/import/procmail', { text: `INCLUDERC=${name}\n:0\n* ${name} ?? x\nFolder\n` });
    expect(res.statusCode).toBe(200);
    expect(res.json().diagnostics.map((d: { code: string }) => d.code)).toContain('include_missing');
  });
});

describe('Sieve import', () => {
  test.each(NAMES)('%s as a command, a test, a tag, a comparator and a capability is imported as an unknown name', async (name) => {
    const script = `require ["${name}"];\n${name};\nif ${name} { keep; }\nif header :${name} "a" "b" { keep; }\nif header :comparator "${name}" "a" "b" { keep; }\n`;
    const res = await alice.post('/api/import/sieve', { text: script });
    expect(res.statusCode).toBe(200);
    // Nothing here has a model shape: it is all kept as raw Sieve.
    expect(res.json().ruleSet.rules.every((r: { kind?: string }) => r.kind === 'raw')).toBe(true);
  });
});
