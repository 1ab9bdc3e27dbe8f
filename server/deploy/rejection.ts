// A script the server's compiler refused, as a DeployError that names the
// user's rule: every target reports its server's error lines through here,
// so the status shows the same thing whichever server refused.
import { locateError } from '../../grammar/error-location.js';
import { DeployError } from './outcome.js';

/** `lines` are the script lines the server's errors name, in its order. */
export function scriptRejected(script: string, message: string, lines: readonly (number | null)[], cause?: unknown): DeployError {
  const at = locateError(script, lines);
  return new DeployError(message, 'rejected', false, at.line ?? undefined, {
    ...(cause === undefined ? {} : { cause }),
    ...(at.rule ? { rule: at.rule.name } : {}),
  });
}

/** Where the error is, in words: `rule "Tag lists", line 7` (empty when neither is known). */
export function errorPlace(rule: string | null, line: number | null, lineWord = 'line'): string {
  return [rule === null ? null : `rule "${rule}"`, line === null ? null : `${lineWord} ${line}`].filter((p) => p !== null).join(', ');
}
