// How much of a script an import kept verbatim: its code lines (lines of
// top-level commands other than `require` that hold something besides
// comments and blanks), and how many of them lie in raw blocks. The measure
// the import is judged by: the lower, the more of a script the user can edit
// as rules.
import type { SieveScript } from '../sieve-ast.js';
import type { ImportReportEntry } from './sieve.js';

export interface RawShare {
  codeLines: number;
  rawLines: number;
}

export function rawShare(text: string, script: SieveScript, report: readonly ImportReportEntry[]): RawShare {
  const inComment = new Uint8Array(text.length);
  for (const c of script.comments) inComment.fill(1, c.loc.start.offset, c.loc.end.offset);
  const code = new Set<number>();
  let line = 1;
  const spans = script.commands.filter((c) => c.name.toLowerCase() !== 'require').map((c) => c.loc);
  let s = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') {
      line++;
      continue;
    }
    while (s < spans.length && spans[s]!.end.offset <= i) s++;
    const span = spans[s];
    if (span && i >= span.start.offset && inComment[i] === 0 && !/\s/.test(ch)) code.add(line);
  }
  const raw = new Set<number>();
  for (const e of report) {
    if (e.kind !== 'raw') continue;
    for (let l = e.startLine; l <= e.endLine; l++) if (code.has(l)) raw.add(l);
  }
  return { codeLines: code.size, rawLines: raw.size };
}
