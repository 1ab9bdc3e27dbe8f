// The admin's locked rules as the two global scripts Dovecot runs around
// every user's own script (sieve_before, sieve_after), compiled by the same
// compiler as a user's script.
//
// Pigeonhole runs the scripts in sequence and goes on to the next one only
// while the message is still kept (implicit or explicit keep): a `fileinto`
// or `redirect` without `:copy`, a `discard` or a `reject` in a script ends
// the delivery there. `stop` ends only the script it is in. So a locked
// "DMARC fail to Junk" before-rule files the message and no user rule runs
// after it, while a locked `stop` that keeps the message does not stop the
// user's rules; validateRuleSet warns about it (locked_stop_continues).
import { compileRuleSet, type CompileOptions, type CompileResult } from './compile.js';
import { splitDefaults } from './effective.js';
import type { RuleSet } from './model.js';

export type GlobalPlacement = 'before' | 'after';

export type GlobalScripts = Record<GlobalPlacement, CompileResult>;

export function compileGlobalScripts(defaults: RuleSet, opts: CompileOptions = {}): GlobalScripts {
  const split = splitDefaults(defaults);
  return { before: compileRuleSet(split.before, opts), after: compileRuleSet(split.after, opts) };
}
