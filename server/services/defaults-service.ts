// Admin defaults and policy: saving them (audited) and re-deploying every
// affected user in bulk.
import { hasErrors } from '../../grammar/diagnostics.js';
import { compileRuleSet } from '../../grammar/compile.js';
import { printRules } from '../../grammar/emit/rules-text.js';
import { emptyRuleSet, type RuleSet } from '../../grammar/model.js';
import { parseRules } from '../../grammar/parse-rules.js';
import type { DefaultsResponse } from '../routes/schemas.js';
import type { Policy } from '../store/defaults-repository.js';
import type { AppContext } from './context.js';
import { compileOptions, listUsernames } from './deploy-source.js';
import { AppError } from './errors.js';
import { ALL_ACTIONS, DEFAULT_POLICY } from './policy.js';
import { queueDeploy } from './rules-service.js';

export function defaultsView(ctx: AppContext): DefaultsResponse {
  const d = ctx.defaults.latest();
  const ruleSet = d?.ruleSet ?? emptyRuleSet();
  return { version: d?.version ?? 0, ruleSet, text: d?.text ?? printRules(ruleSet) };
}

export function parseDefaults(text: string): RuleSet {
  const { ruleSet, diagnostics } = parseRules(text);
  // parseRules already carries validateRuleSet's findings, with positions.
  if (!ruleSet || hasErrors(diagnostics)) throw new AppError(422, 'invalid_rules', 'the defaults have errors', { diagnostics });
  return ruleSet;
}

/** Queues a deploy for every user in the background; returns the job id to follow. */
export function redeployAll(ctx: AppContext, log: (err: unknown) => void): string {
  return ctx.redeploys.start(listUsernames(ctx.db), (u) => queueDeploy(ctx, u), log);
}

export function saveDefaults(ctx: AppContext, actor: string, text: string, log: (err: unknown) => void): DefaultsResponse & { jobId: string } {
  const ruleSet = parseDefaults(text);
  const compiled = compileRuleSet(ruleSet, compileOptions(ctx.config));
  if (hasErrors(compiled.diagnostics)) {
    throw new AppError(422, 'invalid_rules', 'the defaults cannot be compiled for this server', { diagnostics: compiled.diagnostics });
  }
  const previous = ctx.defaults.latest();
  const saved = ctx.defaults.save(ruleSet, text, actor);
  const before = new Set(previous?.ruleSet.rules.map((r) => r.name) ?? []);
  const after = ruleSet.rules.map((r) => r.name);
  ctx.audit.append({
    actor,
    action: 'defaults.save',
    target: 'defaults',
    details: {
      version: saved.version,
      rules: after.length,
      added: after.filter((n) => !before.has(n)),
      removed: [...before].filter((n) => !after.includes(n)),
    },
  });
  const jobId = redeployAll(ctx, log);
  return { version: saved.version, ruleSet, text, jobId };
}

export function policyView(ctx: AppContext): Policy {
  return ctx.defaults.policy(DEFAULT_POLICY);
}

export function savePolicy(ctx: AppContext, actor: string, policy: Omit<Policy, 'redirectOutside'> & Partial<Pick<Policy, 'redirectOutside'>>): Policy {
  const unknown = policy.allowedActions.filter((a) => !ALL_ACTIONS.includes(a));
  if (unknown.length) {
    // Shaped like a schema refusal, so a client shows it against the field.
    const issue = { path: '/allowedActions', message: `unknown actions: ${unknown.join(', ')} (known: ${ALL_ACTIONS.join(', ')})` };
    throw new AppError(400, 'invalid_request', `invalid body: ${issue.path} ${issue.message}`, { unknown, issues: [issue] });
  }
  const full: Policy = { ...policy, redirectOutside: policy.redirectOutside ?? policyView(ctx).redirectOutside };
  ctx.defaults.setPolicy(full);
  ctx.audit.append({ actor, action: 'policy.save', target: 'policy', details: { ...full } });
  return full;
}
