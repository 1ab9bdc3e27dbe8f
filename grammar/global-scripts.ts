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
// user's rules; the compile says so as a warning.
import { compileRuleSet, type CompileOptions, type CompileResult } from './compile.js';
import { warning, type Diagnostic } from './diagnostics.js';
import { splitDefaults } from './effective.js';
import { isRawBlock, type Action, type RuleSet } from './model.js';

export type GlobalPlacement = 'before' | 'after';

export type GlobalScripts = Record<GlobalPlacement, CompileResult>;

/** Cancels the implicit keep, which is what ends Pigeonhole's script sequence. */
function cancelsKeep(a: Action): boolean {
  switch (a.kind) {
    case 'fileinto':
    case 'redirect':
      return a.copy !== true;
    case 'discard':
    case 'reject':
      return true;
    default:
      return false;
  }
}

function stopNotes(rs: RuleSet): Diagnostic[] {
  return rs.rules.flatMap((r) =>
    !isRawBlock(r) && r.enabled && r.actions.some((a) => a.kind === 'stop') && !r.actions.some(cancelsKeep)
      ? [
          warning(
            'locked-stop-continues',
            `rule ${JSON.stringify(r.name)}: "stop" in a locked rule ends only the administrator's script; the user's own rules still run, since the message is still kept (file, forward or discard it to end its delivery)`,
          ),
        ]
      : [],
  );
}

export function compileGlobalScripts(defaults: RuleSet, opts: CompileOptions = {}): GlobalScripts {
  const split = splitDefaults(defaults);
  const before = compileRuleSet(split.before, opts);
  const after = compileRuleSet(split.after, opts);
  return { before: { ...before, diagnostics: [...before.diagnostics, ...stopNotes(split.before)] }, after };
}
