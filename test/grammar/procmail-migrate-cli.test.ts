// `sievewright migrate procmail` end to end, through the real bin script.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { run } from '../../server/cli/migrate.js';
import { Outbox } from '../../server/deploy/outbox.js';
import { RulesRepository } from '../../server/store/rules-repository.js';
import { openDatabase } from '../../server/store/db.js';

const BIN = fileURLToPath(new URL('../../server/cli/bin.js', import.meta.url));
const CASES = fileURLToPath(new URL('../fixtures/procmail/cases/', import.meta.url));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'migrate', ...args], { env: { ...process.env, FORCE_COLOR: '0' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-migrate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sievewright migrate procmail', () => {
  test('writes NAME.rules and NAME.sieve per file, a line per file, a summary and the JSON report', async () => {
    await writeFile(join(dir, 'map.json'), JSON.stringify({ Boss: 'Work/Boss' }));
    const out = join(dir, 'out');
    const r = await cli(['procmail', join(CASES, '01-from-subject.procmailrc'), join(CASES, '24-header-and-body.procmailrc'), '--out', out, '--report', join(dir, 'report.json'), '--folder-map', join(dir, 'map.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('01-from-subject.procmailrc -> 01-from-subject: 2 exact, 0 changed, 0 not converted, 0 dropped on purpose; fully converted');
    expect(r.stdout).toContain('2 file(s), 1 fully converted; recipes: 3 exact, 0 changed, 1 not converted, 0 dropped on purpose');
    expect((await readdir(out)).sort()).toEqual(['01-from-subject.rules', '01-from-subject.sieve', '24-header-and-body.rules', '24-header-and-body.sieve']);
    expect(await readFile(join(out, '01-from-subject.sieve'), 'utf8')).toContain('fileinto "Work/Boss";');
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(report.summary).toEqual({ files: 2, filesFullyConverted: 1, recipes: { exact: 3, changed: 0, 'not-converted': 1, 'dropped-on-purpose': 0 } });
    expect(report.files[1].report.recipes[0]).toMatchObject({ line: 1, status: 'not-converted', reason: expect.stringContaining('HB') });
  });

  test('a file with syntax errors is still converted, its errors shown with line:column and a caret, and the exit code is 1', async () => {
    const r = await cli(['procmail', join(CASES, '43-bad-lines.procmailrc'), '--out', join(dir, 'bad')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('43-bad-lines.procmailrc:5:1: error: condition line outside a recipe');
    expect(r.stderr).toContain('^');
    expect(await readdir(join(dir, 'bad'))).toContain('43-bad-lines.sieve');
  });

  // In-process from here: the bin's startup is proven above.
  async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    try {
      return { code: await run(args), stdout, stderr };
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  }

  test.each([
    [['procmail', 'x.procmailrc'], '--out DIR is required'],
    [['sieve', 'x', '--out', 'o'], 'only "procmail"'],
    [['procmail', '--out', 'o'], 'at least one procmailrc'],
    [['procmail', 'x', '--out', 'o', '--bogus'], "Unknown option '--bogus'"],
  ])('wrong usage %j exits 2 with a message', async (args, message) => {
    const r = await inProcess(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  test('an unreadable input is reported and exits 1', async () => {
    const r = await inProcess(['procmail', join(dir, 'missing.procmailrc'), '--out', join(dir, 'o2')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('missing.procmailrc: cannot read: ENOENT');
  });

  test('the same base name twice gets distinct outputs', async () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    await Promise.all([a, b].map((d) => mkdir(d, { recursive: true })));
    await writeFile(join(a, 'alice.procmailrc'), ':0\n* ^Subject:.*x\n.X/\n');
    await writeFile(join(b, 'alice.procmailrc'), ':0\n* ^Subject:.*y\n.Y/\n');
    const r = await inProcess(['procmail', join(a, 'alice.procmailrc'), join(b, 'alice.procmailrc'), '--out', join(dir, 'o3')]);
    expect(r.code).toBe(0);
    expect((await readdir(join(dir, 'o3'))).sort()).toEqual(['alice-2.rules', 'alice-2.sieve', 'alice.rules', 'alice.sieve']);
  });

  test('--deploy saves each file as its user\'s rules and queues a deploy in the outbox', async () => {
    const src = join(dir, 'users');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'erin.procmailrc'), ':0\n* ^Subject:.*invoice\n.Invoices/\n');
    const dataDir = join(dir, 'data');
    process.env.SIEVEWRIGHT_SERVER__DATA_DIR = dataDir;
    try {
      const r = await inProcess(['procmail', join(src, 'erin.procmailrc'), '--out', join(dir, 'o4'), '--deploy']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('erin.procmailrc -> erin: 1 exact');
      expect(r.stdout).toContain('deploy queued');
    } finally {
      delete process.env.SIEVEWRIGHT_SERVER__DATA_DIR;
    }
    const db = openDatabase(join(dataDir, 'sievewright.db'));
    try {
      const saved = new RulesRepository(db).latest('erin');
      expect(saved?.ruleSet.rules).toHaveLength(1);
      const status = new Outbox(db).status('erin');
      expect(status.state).toBe('pending');
      expect(status.pendingVersion).toBe(saved?.version);
    } finally {
      db.close();
    }
  });
});
