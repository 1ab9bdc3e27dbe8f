// The two importers report differently (Sieve: per block with line ranges;
// procmail: per recipe with a status). The import screen shows one table,
// so both are brought to one shape here.
import type { RuleSet } from '../../grammar/model.js';
import type { ImportReportLine, ImportResponse } from '../api/types.js';

export type ImportFormat = 'procmail' | 'sieve';

export function guessFormat(text: string): ImportFormat {
  if (/^\s*(require\s|if\s|#\s*sieve)/im.test(text) || /\b(fileinto|elsif|anyof|allof)\b/.test(text)) return 'sieve';
  return 'procmail';
}

export function normalizeReport(report: ImportResponse['report']): ImportReportLine[] {
  if (!Array.isArray(report)) return report.recipes;
  return report.map((s) => ({
    line: s.startLine,
    endLine: s.endLine,
    status: s.kind,
    ...(s.reason ? { reason: s.reason } : {}),
    ...(s.name ? { ruleName: s.name } : {}),
  }));
}

/** Notes that apply to the whole conversion (procmail only). */
export function reportNotes(report: ImportResponse['report']): string[] {
  return Array.isArray(report) ? [] : report.notes;
}

export const STATUS_WORDS: Record<ImportReportLine['status'], { text: string; cls: string }> = {
  exact: { text: 'Converted exactly', cls: 'ok' },
  changed: { text: 'Converted, behaves a little differently', cls: 'warn' },
  'not-converted': { text: 'Not converted', cls: 'bad' },
  'dropped-on-purpose': { text: 'Left out on purpose', cls: '' },
  rule: { text: 'Became a rule', cls: 'ok' },
  raw: { text: 'Kept as Sieve text', cls: 'warn' },
};

/** The imported rules added after the current ones; sender lists merged without duplicates. */
export function appendImported(current: RuleSet, imported: RuleSet): RuleSet {
  const wl = new Set(current.whitelist.map((e) => e.pattern));
  const bl = new Set(current.blocklist.map((e) => e.pattern));
  const names = new Set(current.rules.map((r) => ('name' in r ? r.name : undefined)));
  const rules = imported.rules.map((r) => {
    if (!('name' in r) || r.name === undefined || !names.has(r.name)) return r;
    let n = 2;
    while (names.has(`${r.name} (imported ${n})`)) n++;
    return { ...r, name: `${r.name} (imported ${n})` };
  });
  return {
    ...current,
    whitelist: [...current.whitelist, ...imported.whitelist.filter((e) => !wl.has(e.pattern))],
    blocklist: [...current.blocklist, ...imported.blocklist.filter((e) => !bl.has(e.pattern))],
    rules: [...current.rules, ...rules],
  };
}
