// What one part of the script (a rule, the whitelist, the blocklist) needs
// while it is rendered: the extensions it uses, the problems found, and the
// string quoting of the whole script.

import { error, warning, type Diagnostic, type DiagnosticCode } from '../../diagnostics.js';
import type { SpamSettings } from '../../model.js';
import { quote, type StringMode } from '../sieve-strings.js';

/** Script-wide facts, decided before any part is rendered. */
export interface ScriptContext {
  readonly caps: ReadonlySet<string>;
  readonly mode: StringMode;
  readonly settings: SpamSettings;
  /** The header SpamAssassin's verdict is read from (SieveOptions.spamHeader). */
  readonly spamHeader: string;
  readonly diagnostics: Diagnostic[];
  /** Set when some string needed DOLLAR_VARIABLE. */
  usesDollar: boolean;
}

export class Scope {
  readonly requires = new Set<string>();

  /** `label` names the part in diagnostics, e.g. `rule "Lists"`. */
  constructor(readonly ctx: ScriptContext, readonly label: string) {}

  need(...extensions: string[]): void {
    for (const e of extensions) this.requires.add(e);
  }

  has(extension: string): boolean {
    return this.ctx.caps.has(extension);
  }

  error(code: DiagnosticCode, message: string): void {
    this.ctx.diagnostics.push(error(code, `${this.label}: ${message}`));
  }

  warn(code: DiagnosticCode, message: string): void {
    this.ctx.diagnostics.push(warning(code, `${this.label}: ${message}`));
  }

  /**
   * A Sieve string literal for data. What Sieve cannot carry (NUL, lone
   * surrogates) is replaced; validateRuleSet reports it.
   */
  str(value: string): string {
    const q = quote(value, this.ctx.mode);
    if (q.usesDollar) this.ctx.usesDollar = true;
    return q.text;
  }

  /** A string or a string list (`"a"` or `["a", "b"]`). */
  list(values: readonly string[]): string {
    if (values.length === 1) return this.str(values[0]!);
    return `[${values.map((v) => this.str(v)).join(', ')}]`;
  }

  /** Reports every extension this part needs that the server lacks. */
  checkCapabilities(): void {
    const missing: string[] = [];
    for (const ext of this.requires) if (!this.ctx.caps.has(ext)) missing.push(ext);
    for (const ext of missing.sort()) this.error('unsupported_extension', `needs the Sieve extension "${ext}", which the server does not offer`);
  }
}
