// What gets deployed: for a user, the overridable admin defaults merged with
// the user's newest rule set, compiled; for everyone, the global scripts of
// the locked admin rules. The deploy worker and CLI call this; nothing else
// decides what a script is.
import { compileRuleSet, type CompileOptions, type CompileResult } from '../../grammar/compile.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { effectiveRuleSet } from '../../grammar/effective.js';
import { compileGlobalScripts, type GlobalScripts } from '../../grammar/global-scripts.js';
import { emptyRuleSet, type RuleSet } from '../../grammar/model.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import { DefaultsRepository } from '../store/defaults-repository.js';
import { RulesRepository } from '../store/rules-repository.js';
import { UsersRepository } from '../store/users-repository.js';

interface Repos {
  defaults: DefaultsRepository;
  rules: RulesRepository;
  users: UsersRepository;
  /** The parsed admin defaults of one version, reused across users. */
  cached?: { version: number; ruleSet: RuleSet };
  /** Their global scripts, compiled once per version (every preview shows them). */
  global?: { version: number; options: string; scripts: GlobalScripts };
}

// One set of prepared statements per database, not one per call: a re-deploy of everyone calls this per user.
const perDb = new WeakMap<Db, Repos>();

function repos(db: Db): Repos {
  let r = perDb.get(db);
  if (!r) {
    r = { defaults: new DefaultsRepository(db), rules: new RulesRepository(db), users: new UsersRepository(db) };
    perDb.set(db, r);
  }
  return r;
}

function currentDefaults(r: Repos): RuleSet {
  const version = r.defaults.latestVersion();
  if (version === 0) return emptyRuleSet();
  if (r.cached?.version !== version) r.cached = { version, ruleSet: r.defaults.latest()!.ruleSet };
  return r.cached.ruleSet;
}

export function compileOptions(config: Config): CompileOptions & { saVersion: 3 | 4 } {
  const { saVersion, spamHeader, capabilities, maxScriptSize } = config.deploy;
  return { saVersion, spamHeader, limits: { maxScriptBytes: maxScriptSize }, ...(capabilities ? { capabilities } : {}) };
}

/** The effective rule set for `user` (defaults merged with `own`, or the stored newest version). */
export function effectiveFor(db: Db, username: string, own?: RuleSet): RuleSet {
  const r = repos(db);
  const user = own ?? r.rules.latest(username)?.ruleSet ?? emptyRuleSet();
  const disabled = r.users.get(username)?.disabledDefaults ?? [];
  return effectiveRuleSet(currentDefaults(r), user, disabled);
}

export function compileEffective(db: Db, config: Config, username: string, own?: RuleSet): CompileResult {
  return compileRuleSet(effectiveFor(db, username, own), compileOptions(config));
}

export function compileForUser(db: Db, config: Config, username: string): { version: number; sieve: string; prefs: string; diagnostics: Diagnostic[] } {
  const own = repos(db).rules.latest(username);
  const { sieve, prefs, diagnostics } = compileEffective(db, config, username, own?.ruleSet);
  const version = own?.version ?? 0;
  return { version, sieve, prefs, diagnostics };
}

/** The global scripts of the current defaults' locked rules. */
export function compileGlobal(db: Db, config: Config): GlobalScripts {
  const r = repos(db);
  const version = r.defaults.latestVersion();
  const opts = compileOptions(config);
  const options = JSON.stringify(opts);
  if (r.global?.version !== version || r.global.options !== options) {
    r.global = { version, options, scripts: compileGlobalScripts(currentDefaults(r), opts) };
  }
  return r.global.scripts;
}

export function listUsernames(db: Db): string[] {
  return repos(db).users.usernames();
}
