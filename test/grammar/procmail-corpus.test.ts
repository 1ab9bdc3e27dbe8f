// The shared corpus of 97 real procmailrc files (../shared/corpus/procmail
// beside the project): every file parses, every recipe is accounted for in
// the report, and everything not converted exactly says why.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../grammar/compile.js';
import { parse } from '../../grammar/generated/procmail.js';
import { convertProcmail } from '../../grammar/import/procmail.js';
import { summarize } from '../../grammar/import/procmail-report.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/procmail/', import.meta.url));
const files = readdirSync(CORPUS).filter((f) => f.endsWith('.procmailrc')).sort();

describe('the shared procmailrc corpus', () => {
  test('holds the 97 files listed in its index', () => {
    const index = readFileSync(`${CORPUS}index.tsv`, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[0]);
    expect(files).toEqual(index.sort());
    expect(files).toHaveLength(97);
  });

  test.each(files)('%s parses, and every recipe line has a report entry, with a reason unless exact', (file) => {
    const text = readFileSync(`${CORPUS}${file}`, 'utf8');
    expect(() => parse(text)).not.toThrow();
    const result = convertProcmail(text);
    const lines = text.split('\n');
    const recipeLines = lines.flatMap((l, i) => (/^\s*:\d/.test(l) ? [i + 1] : []));
    const reported = result.report.recipes.filter((r) => r.file === undefined && /^\s*:\d/.test(lines[r.line - 1] ?? '')).map((r) => r.line);
    expect(reported).toEqual(recipeLines);
    for (const r of result.report.recipes) {
      if (r.status !== 'exact') expect(r.reason, `${file}:${r.line}`).toMatch(/\w/);
    }
    for (const d of result.diagnostics) {
      expect(d.start, d.message).toBeDefined();
      expect(d.start!.line).toBeLessThanOrEqual(lines.length);
    }
    expect(compileRuleSet(result.ruleSet).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  test('the summary adds up across files', () => {
    const reports = files.map((f) => convertProcmail(readFileSync(`${CORPUS}${f}`, 'utf8')).report);
    const summary = summarize(reports);
    const total = reports.reduce((n, r) => n + r.recipes.length, 0);
    expect(Object.values(summary.recipes).reduce((a, b) => a + b, 0)).toBe(total);
    expect(summary.filesFullyConverted).toBe(reports.filter((r) => r.fullyConverted).length);
    expect(summary.files).toBe(97);
  });
});
