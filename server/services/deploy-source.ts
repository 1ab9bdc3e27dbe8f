// What gets deployed for a user: the admin defaults merged with the user's
// newest rule set, compiled. The deploy worker and CLI call this; nothing
// else decides what a user's script is.
import { compileRuleSet, type CompileResult } from '../../grammar/compile.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { effectiveRuleSet } from '../../grammar/effective.js';
import { emptyRuleSet, type RuleSet } from '../../grammar/model.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import { DefaultsRepository } from '../store/defaults-repository.js';
import { RulesRepository } from '../store/rules-repository.js';
import { UsersRepository } from '../store/users-repository.js';

export function compileOptions(config: Config): { capabilities?: readonly string[]; saVersion: 3 | 4 } {
  return { saVersion: config.deploy.saVersion, ...(config.deploy.capabilities ? { capabilities: config.deploy.capabilities } : {}) };
}

/** The effective rule set for `user` (defaults merged with `own`, or the stored newest version). */
export function effectiveFor(db: Db, username: string, own?: RuleSet): RuleSet {
  const defaults = new DefaultsRepository(db).latest()?.ruleSet ?? emptyRuleSet();
  const user = own ?? new RulesRepository(db).latest(username)?.ruleSet ?? emptyRuleSet();
  const disabled = new UsersRepository(db).get(username)?.disabledDefaults ?? [];
  return effectiveRuleSet(defaults, user, disabled);
}

export function compileEffective(db: Db, config: Config, username: string, own?: RuleSet): CompileResult {
  return compileRuleSet(effectiveFor(db, username, own), compileOptions(config));
}

export function compileForUser(db: Db, config: Config, username: string): { version: number; sieve: string; prefs: string; diagnostics: Diagnostic[] } {
  const version = new RulesRepository(db).latest(username)?.version ?? 0;
  const { sieve, prefs, diagnostics } = compileEffective(db, config, username);
  return { version, sieve, prefs, diagnostics };
}

export function listUsernames(db: Db): string[] {
  return new UsersRepository(db).usernames();
}
