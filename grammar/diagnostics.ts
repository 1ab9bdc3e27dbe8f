// Diagnostics are data: collected, never thrown one at a time, and printed
// the same way by the CLI, the API and the browser.

export type Severity = 'error' | 'warning' | 'info';

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units like the editor's cursor. */
  column: number;
}

export interface Diagnostic {
  /** Stable machine code, e.g. `syntax`, `unknown-extension`, `bad-address`. */
  code: string;
  severity: Severity;
  message: string;
  start?: Position;
  end?: Position;
  /** Optional related notes (e.g. "rule started here"). */
  notes?: string[];
}

export function error(code: string, message: string, start?: Position, end?: Position): Diagnostic {
  return { code, severity: 'error', message, ...(start ? { start } : {}), ...(end ? { end } : {}) };
}

export function warning(code: string, message: string, start?: Position, end?: Position): Diagnostic {
  return { code, severity: 'warning', message, ...(start ? { start } : {}), ...(end ? { end } : {}) };
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/**
 * `FILE:LINE:COL: severity: message` followed by the source line and a caret
 * under the span (at least one caret; the span is clipped to the line).
 */
export function formatDiagnostic(d: Diagnostic, source: string, file = '<input>'): string {
  if (!d.start) return `${file}: ${d.severity}: ${d.message}`;
  const { line, column } = d.start;
  const head = `${file}:${line}:${column}: ${d.severity}: ${d.message}`;
  const text = source.split(/\r?\n/)[line - 1];
  if (text === undefined) return head;
  const endCol = d.end && d.end.line === line ? Math.max(d.end.column, column + 1) : column + 1;
  const width = Math.max(1, Math.min(endCol, text.length + 1) - column);
  const gutter = String(line).padStart(4);
  const pad = text.slice(0, column - 1).replace(/[^\t]/g, ' ');
  const notes = (d.notes ?? []).map((n) => `\n     = note: ${n}`).join('');
  return `${head}\n${gutter} | ${text}\n     | ${pad}${'^'.repeat(width)}${notes}`;
}

export function formatDiagnostics(diags: readonly Diagnostic[], source: string, file?: string): string {
  return diags.map((d) => formatDiagnostic(d, source, file)).join('\n');
}

/**
 * Drops later diagnostics that say the same thing as an earlier one (same
 * code, severity and message): checking a user's own rules and then the
 * effective set that contains them reports each problem twice otherwise.
 */
export function uniqueDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const key = `${d.severity}\u0000${d.code}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
