// The compiler's front door: a RuleSet in, the Sieve script and the
// SpamAssassin user_prefs out, with every problem as a diagnostic. The
// RuleSet is validated here, so `ok` means both outputs may be deployed.

import { hasErrors, type Diagnostic } from './diagnostics.js';
import { emitSieve, type LineMapEntry } from './emit/sieve.js';
import { emitUserPrefs } from './emit/user-prefs.js';
import { resolveLimits, type SieveLimits } from './limits.js';
import type { RuleSet } from './model.js';
import { checkScriptLimits } from './script-limits.js';
import { validateRuleSet } from './validate.js';

export interface CompileOptions {
  /** The server's SIEVE capability list; default: Pigeonhole's (PIGEONHOLE_CAPABILITIES). */
  capabilities?: readonly string[];
  /** SpamAssassin directive names: 4 (default) or 3. */
  saVersion?: 3 | 4;
  /** The server's limits (script size, nesting, list lengths); default Pigeonhole's. */
  limits?: Partial<SieveLimits>;
  /** The header holding SpamAssassin's verdict (SieveOptions.spamHeader). */
  spamHeader?: string;
}

export interface CompileResult {
  ok: boolean;
  sieve: string;
  prefs: string;
  /** validateRuleSet's findings, then the Sieve emitter's (capabilities, settings), then the script's limits. */
  diagnostics: Diagnostic[];
  /** Per rule of `RuleSet.rules`, its lines in `sieve`, to map a server's `line N:` back. */
  lineMap: LineMapEntry[];
}

/**
 * `validated`: validateRuleSet's findings for `rs` and these options when the
 * caller already has them (parseRules reports them, with positions), so the
 * rule set is not validated a second time.
 */
export function compileRuleSet(rs: RuleSet, opts: CompileOptions = {}, validated?: readonly Diagnostic[]): CompileResult {
  const caps = opts.capabilities ? { capabilities: opts.capabilities } : {};
  const limits = resolveLimits(opts.limits);
  const sieve = emitSieve(rs, { ...caps, ...(opts.spamHeader !== undefined ? { spamHeader: opts.spamHeader } : {}) });
  const prefs = emitUserPrefs(rs, opts.saVersion ? { saVersion: opts.saVersion } : {});
  const semantic = validated ?? validateRuleSet(rs, { ...caps, limits });
  const diagnostics = [...semantic, ...sieve.diagnostics, ...checkScriptLimits(rs, sieve, limits)];
  return { ok: !hasErrors(diagnostics), sieve: sieve.sieve, prefs, diagnostics, lineMap: sieve.lineMap };
}
