// Admin defaults and policy: saving them (audited), installing the global
// scripts of the locked rules, and re-deploying every user in bulk when the
// part of the defaults that sits in users' scripts changed.
import { compileRuleSet, type CompileOptions } from '../../grammar/compile.js';
import { hasErrors, type Diagnostic } from '../../grammar/diagnostics.js';
import { splitDefaults } from '../../grammar/effective.js';
import { locateError } from '../../grammar/error-location.js';
import { compileGlobalScripts } from '../../grammar/global-scripts.js';
import { printRules } from '../../grammar/emit/rules-text.js';
import { emptyRuleSet, type RuleSet } from '../../grammar/model.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { ALL_ACTIONS, DEFAULT_POLICY, unknownActions, type Policy } from '../../grammar/policy.js';
import { globalScriptPaths } from '../config/paths.js';
import { GlobalScriptRejected, verifyGlobalScripts, writeGlobalScripts } from '../deploy/global-scripts.js';
import { sievecOptions } from '../deploy/targets.js';
import type { DefaultsResponse, GlobalScriptsStatus, SavedDefaults } from '../routes/responses.js';
import type { AppContext } from './context.js';
import { compileGlobal, compileOptions, listUsernames } from './deploy-source.js';
import { AppError } from './errors.js';
import { prepareDeploy } from './rules-service.js';

export function defaultsView(ctx: AppContext): DefaultsResponse {
  const d = ctx.defaults.latest();
  const ruleSet = d?.ruleSet ?? emptyRuleSet();
  return { version: d?.version ?? 0, ruleSet, text: d?.text ?? printRules(ruleSet) };
}

/** The defaults read with validateRuleSet's findings for this server, with positions. */
function parseDefaults(text: string, opts: CompileOptions): { ruleSet: RuleSet; diagnostics: Diagnostic[] } {
  const { ruleSet, diagnostics } = parseRules(text, opts);
  if (!ruleSet || hasErrors(diagnostics)) throw new AppError(422, 'invalid_rules', 'the defaults have errors', { diagnostics });
  return { ruleSet, diagnostics };
}

/** Queues a deploy for every user in the background; returns the job id to follow. */
export function redeployAll(ctx: AppContext, log: (err: unknown) => void): string {
  return ctx.redeploys.start(listUsernames(ctx.db), (u) => prepareDeploy(ctx, u), log);
}

/**
 * Writes the global scripts of the current defaults' locked rules. A failure
 * is reported, not thrown: the defaults are saved either way, and the next
 * save, re-deploy, server start or `push --all` writes them again.
 */
export async function deployGlobalScripts(ctx: Pick<AppContext, 'db' | 'config'>, log: (err: unknown) => void): Promise<GlobalScriptsStatus> {
  const paths = globalScriptPaths(ctx.config);
  const { before, after } = compileGlobal(ctx.db, ctx.config);
  const problems = [...before.diagnostics, ...after.diagnostics].filter((d) => d.severity === 'error');
  if (problems.length > 0) return { ...paths, written: false, error: problems.map((d) => d.message).join('; ') };
  try {
    const { unverified } = await writeGlobalScripts(paths, { before: before.sieve, after: after.sieve }, sievecOptions(ctx.config.deploy));
    return { ...paths, written: true, verified: unverified === null, ...(unverified === null ? {} : { unverifiedReason: unverified }) };
  } catch (err) {
    log(err);
    if (err instanceof GlobalScriptRejected) return { ...paths, written: false, error: `${err.message}; the installed scripts stay as they were` };
    return { ...paths, written: false, error: `writing the global scripts failed: ${(err as Error).message}` };
  }
}

/**
 * Refuses defaults whose locked rules the server's compiler refuses, before
 * anything is saved: installed, such a global script would switch the locked
 * rules off for every user.
 */
async function checkLockedRules(ctx: AppContext, ruleSet: RuleSet): Promise<void> {
  const scripts = compileGlobalScripts(ruleSet, compileOptions(ctx.config));
  try {
    await verifyGlobalScripts({ before: scripts.before.sieve, after: scripts.after.sieve }, sievecOptions(ctx.config.deploy));
  } catch (err) {
    if (!(err instanceof GlobalScriptRejected)) throw err;
    const at = locateError(scripts[err.where].sieve, err.errors.map((e) => e.line));
    throw new AppError(422, 'invalid_rules', `the mail server's Sieve compiler refuses the locked rules: ${err.message}`, {
      script: err.where,
      ...(at.line === null ? {} : { line: at.line }),
      ...(at.rule ? { rule: at.rule.name } : {}),
      diagnostics: [],
    });
  }
}

/** What of the defaults sits in each user's script: a change there means re-deploying everyone. */
function perUserPart(ruleSet: RuleSet | undefined): string {
  return JSON.stringify(ruleSet ? splitDefaults(ruleSet).overridable : null);
}

export async function saveDefaults(
  ctx: AppContext,
  actor: string,
  text: string,
  log: (err: unknown) => void,
): Promise<SavedDefaults> {
  const opts = compileOptions(ctx.config);
  const { ruleSet, diagnostics } = parseDefaults(text, opts);
  const compiled = compileRuleSet(ruleSet, opts, diagnostics);
  if (hasErrors(compiled.diagnostics)) {
    throw new AppError(422, 'invalid_rules', 'the defaults cannot be compiled for this server', { diagnostics: compiled.diagnostics });
  }
  await checkLockedRules(ctx, ruleSet);
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
  const globalScripts = await deployGlobalScripts(ctx, log);
  // A change to locked rules only is the one write above; the job then has no users.
  const usersChanged = perUserPart(previous?.ruleSet) !== perUserPart(ruleSet);
  const jobId = usersChanged ? redeployAll(ctx, log) : ctx.redeploys.start([], () => null, log);
  return { version: saved.version, ruleSet, text, jobId, globalScripts };
}

export function policyView(ctx: AppContext): Policy {
  return ctx.defaults.policy(DEFAULT_POLICY);
}

export function savePolicy(ctx: AppContext, actor: string, policy: Omit<Policy, 'redirectOutside'> & Partial<Pick<Policy, 'redirectOutside'>>): Policy {
  const unknown = unknownActions(policy);
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
