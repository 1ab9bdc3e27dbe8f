// A raw Sieve block checked as the user types, with the checks a save runs
// on the server: the block's syntax and extensions against the server's
// capability list and the block's requires (grammar/raw-block.ts), the rest
// of the model's checks on it (grammar/validate.ts), and the forwarding
// policy on its syntax tree (grammar/policy.ts). Positions are the block's
// own lines and columns, so the editor marks the line they are on.
import { error, warning, type Diagnostic, type Position } from '../../grammar/diagnostics.js';
import { emptyRuleSet, type RawBlock, type RuleSet } from '../../grammar/model.js';
import { checkPolicy, describeOutgoing, type Policy } from '../../grammar/policy.js';
import { checkRawBlock, parseRawBlock, rawBlockLabel } from '../../grammar/raw-block.js';
import { validateRuleSet } from '../../grammar/validate.js';

export interface ServerRules {
  capabilities: readonly string[];
  policy: Policy;
}

const alone = (raw: RawBlock): RuleSet => ({ ...emptyRuleSet(), rules: [raw] });

const at = (p: { line?: number; column?: number }): Position | undefined =>
  p.line !== undefined ? { line: p.line, column: p.column ?? 1 } : undefined;

/**
 * `syntaxRefused`: the block does not parse and is on, so its syntax errors
 * already refuse it; the policy's "it cannot be checked because it does not
 * parse" (the one finding with a line when nothing parses) adds nothing.
 */
function policyFindings(raw: RawBlock, policy: Policy, syntaxRefused: boolean): Diagnostic[] {
  const report = checkPolicy(alone(raw), undefined, policy);
  return [
    // The rule count is the whole set's business, not this block's.
    ...report.violations.filter((v) => v.index !== undefined && !(syntaxRefused && v.line !== undefined)).map((v) => error('policy', v.message, at(v))),
    ...(syntaxRefused ? [] : report.alerts).map((o) =>
      warning('policy', `${describeOutgoing(o, policy.allowedRedirectDomains, false)}; saving it sends your administrator an alert`, at(o)),
    ),
  ];
}

export function rawBlockChecks(raw: RawBlock, server: ServerRules): Diagnostic[] {
  const opts = { capabilities: server.capabilities };
  const located = checkRawBlock(raw, opts);
  // The model's other findings (name, requires names, characters): what
  // validate reports beyond the block's parse, which `located` already has with positions.
  const parsed = new Set(parseRawBlock(raw, rawBlockLabel(raw, 0), opts).diagnostics.map((d) => d.message));
  const other = validateRuleSet(alone(raw), opts).filter((d) => !parsed.has(d.message));
  // A switched-off block is written as comments: the server does not read it, so nothing in it holds a save back.
  const own = raw.enabled ? located.diagnostics : located.diagnostics.map((d) => ({ ...d, severity: 'warning' as const }));
  return [...own, ...other, ...policyFindings(raw, server.policy, raw.enabled && located.script === null)];
}
