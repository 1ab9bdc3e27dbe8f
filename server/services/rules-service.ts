// A user's rules: read, check, save as a new version (audited, policy
// applied, deploy queued), restore, preview. Handlers stay thin; the rules
// for what may be saved live here.
import { PIGEONHOLE_CAPABILITIES } from '../../grammar/capabilities.js';
import { hasErrors, uniqueDiagnostics, type Diagnostic } from '../../grammar/diagnostics.js';
import { printRules } from '../../grammar/emit/rules-text.js';
import { overridableDefaults } from '../../grammar/effective.js';
import { emptyRuleSet, type RuleSet } from '../../grammar/model.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { checkPolicy, DEFAULT_POLICY, describeOutgoing } from '../../grammar/policy.js';
import { summarizeChange } from '../../grammar/rule-diff.js';
import { validateRuleSet } from '../../grammar/validate.js';
import type { PreviewResponse, RulesResponse } from '../routes/responses.js';
import type { RulesInput } from '../routes/schemas.js';
import type { AuditAction } from '../store/audit-actions.js';
import type { RuleVersion, SavedVersion } from '../store/rules-repository.js';
import type { QueuedJob } from '../deploy/outbox.js';
import type { AppContext } from './context.js';
import { compileEffective, compileForUser, compileGlobal, compileOptions } from './deploy-source.js';
import { AppError } from './errors.js';

function rejectRules(message: string, diagnostics: Diagnostic[]): AppError {
  return new AppError(422, 'invalid_rules', message, { diagnostics });
}

/** A user's own rule set as received, with validateRuleSet's findings when they were made while reading it. */
export interface RulesFromInput {
  ruleSet: RuleSet;
  semantic?: Diagnostic[];
}

/**
 * The model from either input form. Text is validated as it is read (every
 * finding with line and column) and not again; a JSON rule set is validated
 * by the save (after its size check) or the preview.
 */
export function ruleSetFromInput(ctx: AppContext, input: RulesInput): RulesFromInput {
  if ('ruleSet' in input) return { ruleSet: input.ruleSet };
  const { ruleSet, diagnostics } = parseRules(input.text, compileOptions(ctx.config));
  if (!ruleSet || hasErrors(diagnostics)) throw rejectRules('the rules text has errors', diagnostics);
  return { ruleSet, semantic: diagnostics };
}

export function rulesView(ctx: AppContext, username: string): RulesResponse {
  const current = ctx.rules.latest(username);
  const ruleSet = current?.ruleSet ?? emptyRuleSet();
  const defaults = ctx.defaults.latest()?.ruleSet ?? emptyRuleSet();
  return {
    version: current?.version ?? 0,
    ruleSet,
    defaults: { rules: defaults.rules, disabled: ctx.users.get(username)?.disabledDefaults ?? [] },
    updatedAt: current?.createdAt ?? null,
    // So the editor can warn before a save is refused or raised as an alert.
    policy: ctx.defaults.policy(DEFAULT_POLICY),
    capabilities: [...(compileOptions(ctx.config).capabilities ?? PIGEONHOLE_CAPABILITIES)],
  };
}

export function rulesText(ctx: AppContext, username: string): string {
  return printRules(ctx.rules.latest(username)?.ruleSet ?? emptyRuleSet());
}

export function ownFindings(ctx: AppContext, { ruleSet, semantic }: RulesFromInput): Diagnostic[] {
  return semantic ?? validateRuleSet(ruleSet, compileOptions(ctx.config));
}

/** Semantic check of the user's own set, then a compile of the effective set. */
function checkRuleSet(ctx: AppContext, username: string, own: RulesFromInput): void {
  const semantic = ownFindings(ctx, own);
  if (hasErrors(semantic)) throw rejectRules('the rules have errors', semantic);
  const compiled = compileEffective(ctx.db, ctx.config, username, own.ruleSet);
  if (!compiled.ok || hasErrors(compiled.diagnostics)) throw rejectRules('the rules cannot be compiled for this server', compiled.diagnostics);
}

/** The user's deploy as their rules and the defaults make it now; null when it does not compile. */
export function prepareDeploy(ctx: AppContext, username: string): QueuedJob | null {
  const job = compileForUser(ctx.db, ctx.config, username);
  if (hasErrors(job.diagnostics)) return null;
  return { username, version: job.version, sieve: job.sieve, prefs: job.prefs };
}

export function queueDeploy(ctx: AppContext, username: string): boolean {
  const job = prepareDeploy(ctx, username);
  if (job) ctx.outbox.enqueue(job);
  return job !== null;
}

/** Refused before any other check: the size bounds what every later step and the history cost. */
function checkSize(ctx: AppContext, ruleSet: RuleSet): void {
  const bytes = Buffer.byteLength(JSON.stringify(ruleSet), 'utf8');
  const max = ctx.config.rules.maxBytes;
  if (bytes > max) {
    throw new AppError(413, 'rules_too_large', `the rules take ${bytes} bytes as JSON; at most ${max} bytes may be saved`, { bytes, maxBytes: max });
  }
}

/** Saves a change as the next version; an unchanged rule set is returned as it is (no version, audit entry or deploy). */
export function saveRules(
  ctx: AppContext,
  username: string,
  actor: string,
  ruleSet: RuleSet,
  opts: { baseVersion?: number; action?: AuditAction; summary?: string; semantic?: Diagnostic[] } = {},
): SavedVersion {
  checkSize(ctx, ruleSet);
  ctx.users.ensure(username);
  const previous = ctx.rules.latest(username);
  const policy = ctx.defaults.policy(DEFAULT_POLICY);
  const report = checkPolicy(ruleSet, previous?.ruleSet, policy);
  if (report.violations.length) {
    throw new AppError(422, 'policy_violation', report.violations.map((v) => (v.rule ? `${v.rule}: ${v.message}` : v.message)).join('; '), {
      violations: report.violations,
    });
  }
  checkRuleSet(ctx, username, { ruleSet, semantic: opts.semantic });
  const summary = opts.summary ?? summarizeChange(previous?.ruleSet, ruleSet);
  const saved = ctx.rules.save(username, ruleSet, actor, summary, opts.baseVersion);
  if (!saved.added) return saved;
  ctx.audit.append({ actor, action: opts.action ?? 'rules.save', target: username, details: { version: saved.version, summary } });
  for (const a of report.alerts) {
    ctx.audit.append({
      actor,
      action: 'rules.redirect-outside',
      target: username,
      details: {
        version: saved.version,
        rule: a.rule,
        address: a.address,
        via: a.via,
        ...(a.line !== undefined ? { line: a.line } : {}),
        message: describeOutgoing(a, policy.allowedRedirectDomains, false),
      },
      alert: true,
    });
  }
  queueDeploy(ctx, username);
  return saved;
}

export function restoreVersion(ctx: AppContext, username: string, version: number): RuleVersion {
  const old = ctx.rules.get(username, version);
  if (!old) throw new AppError(404, 'not_found', `there is no version ${version}`);
  return saveRules(ctx, username, username, old.ruleSet, { action: 'rules.restore', summary: `restored version ${version}` });
}

export function preview(ctx: AppContext, username: string, own: RulesFromInput): PreviewResponse {
  const semantic = ownFindings(ctx, own);
  const { sieve, prefs, diagnostics, lineMap } = compileEffective(ctx.db, ctx.config, username, own.ruleSet);
  const global = compileGlobal(ctx.db, ctx.config);
  // An empty global script is only its header: the preview shows nothing for it.
  const shown = (c: { sieve: string; lineMap: unknown[] }) => (c.lineMap.length > 0 ? c.sieve : '');
  return {
    sieve,
    prefs,
    diagnostics: uniqueDiagnostics([...semantic, ...diagnostics]),
    lineMap,
    locked: { before: shown(global.before), after: shown(global.after) },
  };
}

export function setOverrides(ctx: AppContext, username: string, disabled: string[]): string[] {
  const defaults = ctx.defaults.latest()?.ruleSet ?? emptyRuleSet();
  const allowed = new Set(overridableDefaults(defaults));
  const refused = disabled.filter((n) => !allowed.has(n));
  if (refused.length) {
    throw new AppError(422, 'policy_violation', `these admin rules cannot be switched off: ${refused.join(', ')}`, { refused });
  }
  ctx.users.ensure(username);
  ctx.users.setDisabledDefaults(username, disabled);
  ctx.audit.append({ actor: username, action: 'defaults.overrides', target: username, details: { disabled } });
  queueDeploy(ctx, username);
  return disabled;
}
