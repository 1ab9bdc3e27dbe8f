// Builds the configured deploy target. The directory target writes both
// files; the ManageSieve target deploys the script and pairs with the same
// directory layout for user_prefs.
import type { Config } from '../config/schema.js';
import { manageSieveOptions } from '../mail/managesieve.js';
import { masterFromConfig } from '../mail/master-login.js';
import { DirectoryTarget } from './directory-target.js';
import { ManageSieveTarget } from './managesieve-target.js';
import type { DeployTarget } from './outcome.js';
import type { SievecOptions } from './sievec.js';

export type { DeployTarget, DeployJob, DeployOutcome } from './outcome.js';
export { DeployError } from './outcome.js';

/** The server's Sieve compiler as configured (deploy.verify); null when none is. */
export function sievecOptions(deploy: Config['deploy']): SievecOptions | null {
  const { sievec, config: sievecConfig, timeoutMs } = deploy.verify;
  return sievec === '' ? null : { binary: sievec, timeoutMs, ...(sievecConfig === undefined ? {} : { config: sievecConfig }) };
}

export function createTarget(config: Config): DeployTarget {
  const { deploy, mail } = config;
  const directory = new DirectoryTarget({ layout: deploy.directory, scriptName: deploy.scriptName, takeOver: deploy.takeOver, verify: sievecOptions(deploy) });
  if (deploy.target === 'directory') return directory;
  const endpoint = mail.managesieve;
  if (!endpoint) throw new Error('deploy.target is managesieve but mail.managesieve is not configured');
  const master = masterFromConfig(mail);
  if (!master) throw new Error('deploy.target is managesieve but mail.masterUser is not configured');
  return new ManageSieveTarget({
    endpoint: manageSieveOptions(endpoint),
    master,
    scriptName: deploy.scriptName,
    takeOver: deploy.takeOver,
    prefs: directory,
  });
}
