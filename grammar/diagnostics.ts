// Diagnostics are data: collected, never thrown one at a time, and printed
// the same way by the CLI, the API and the browser.

export type Severity = 'error' | 'warning' | 'info';

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units like the editor's cursor. */
  column: number;
}

/**
 * Every diagnostic's code: one closed set in snake_case, the style of the
 * HTTP API's error codes, so a client can switch on it.
 */
export type DiagnosticCode =
  | 'after_stop'
  | 'bad_address'
  | 'bad_address_header'
  | 'bad_address_part'
  | 'bad_auth'
  | 'bad_authserv_id'
  | 'bad_block_action'
  | 'bad_capability'
  | 'bad_combine'
  | 'bad_date'
  | 'bad_days'
  | 'bad_envelope_field'
  | 'bad_header_name'
  | 'bad_keyword'
  | 'bad_match_type'
  | 'bad_pattern'
  | 'bad_placement'
  | 'bad_regex'
  | 'bad_score'
  | 'bad_size'
  | 'bad_spam_filter'
  | 'bad_spam_header'
  | 'bad_threshold'
  | 'bad_unicode'
  | 'bad_wildcard'
  | 'control_character'
  | 'duplicate_pattern'
  | 'duplicate_rule_name'
  | 'duplicate_setting'
  | 'empty_folder'
  | 'empty_group'
  | 'empty_list'
  | 'empty_name'
  | 'empty_rule_name'
  | 'empty_value'
  | 'import_junk_keyword'
  | 'import_reordered'
  | 'include_missing'
  | 'locked_stop_continues'
  | 'missing_action'
  | 'no_actions'
  | 'no_junk_keyword'
  | 'no_trusted_authserv_id'
  | 'nul_character'
  | 'policy'
  | 'policy_alert'
  | 'raw_missing_require'
  | 'raw_require'
  | 'regex_not_posix'
  | 'regex_too_big'
  | 'script_too_large'
  | 'syntax'
  | 'too_deep'
  | 'too_many_errors'
  | 'too_many_values'
  | 'trusted_and_blocked'
  | 'unclosed_block'
  | 'unknown_flag'
  | 'unknown_kind'
  | 'unsupported_extension'
  | 'vacation_dates';

export interface Diagnostic {
  /** Stable machine code, e.g. `syntax`, `unknown-extension`, `bad_address`. */
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  start?: Position;
  end?: Position;
  /** Optional related notes (e.g. "rule started here"). */
  notes?: string[];
}

export function error(code: DiagnosticCode, message: string, start?: Position, end?: Position): Diagnostic {
  return { code, severity: 'error', message, ...(start ? { start } : {}), ...(end ? { end } : {}) };
}

export function warning(code: DiagnosticCode, message: string, start?: Position, end?: Position): Diagnostic {
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
