// Deploys over ManageSieve as a master user acting for each user, following
// the pipelined plan in activation.ts; user_prefs goes to the prefs
// directory (ManageSieve cannot carry it), after the script is live.
import { authenticateMaster, masterMechanism } from '../mail/managesieve.js';
import type { MasterLogin } from '../mail/master-login.js';
import { ManageSieveClient, type ConnectOptions } from '../managesieve/client.js';
import { ManageSieveError, scriptErrorLines } from '../managesieve/errors.js';
import type { ResponseCode } from '../managesieve/response-codes.js';
import { planActivation } from './activation.js';
import type { DirectoryTarget } from './directory-target.js';
import { checkUsername } from './mail-home.js';
import { DeployError, type DeployErrorCode, type DeployJob, type DeployOutcome, type DeployTarget } from './outcome.js';
import { scriptRejected } from './rejection.js';

export interface ManageSieveTargetOptions {
  endpoint: ConnectOptions;
  /** The Dovecot master user; every login acts for the deployed user. */
  master: MasterLogin;
  scriptName: string;
  takeOver: boolean;
  /** Where user_prefs goes; null when SpamAssassin prefs are not deployed. */
  prefs: Pick<DirectoryTarget, 'writePrefs'> | null;
}

export class ManageSieveTarget implements DeployTarget {
  readonly label: string;

  constructor(private readonly opts: ManageSieveTargetOptions) {
    this.label = `managesieve:${opts.endpoint.host}:${opts.endpoint.port}`;
  }

  async deploy(job: DeployJob): Promise<DeployOutcome> {
    checkUsername(job.username);
    const outcome = await this.deployScript(job).catch((e: unknown) => {
      throw asDeployError(e, job.sieve);
    });
    if (outcome.status === 'deployed' && this.opts.prefs) await this.opts.prefs.writePrefs(job.username, job.prefs);
    return outcome;
  }

  private async deployScript(job: DeployJob): Promise<DeployOutcome> {
    const { master, scriptName, takeOver } = this.opts;
    const client = await ManageSieveClient.connect(this.opts.endpoint);
    try {
      // LOGIN needs its challenges answered before LISTSCRIPTS may follow.
      const plain = masterMechanism(client) === 'PLAIN';
      const auth = authenticateMaster(client, master, job.username);
      const [, scripts] = plain ? await Promise.all([auth, client.listScripts()]) : [await auth, await client.listScripts()];
      const plan = planActivation(scripts, scriptName, takeOver, job.replaceConsent);
      if (plan.kind === 'foreign-active') return { status: 'foreign-active', activeScript: plan.activeScript };
      // One round trip for the whole activation; see activation.ts for why order alone keeps it safe.
      const steps: Array<Promise<unknown>> = [];
      if (plan.clearFirst) steps.push(client.deleteScript(plan.newName));
      steps.push(client.checkScript(job.sieve), client.putScript(plan.newName, job.sieve), client.setActive(plan.newName));
      for (const old of plan.removeAfter) steps.push(client.deleteScript(old));
      const results = await Promise.allSettled([...steps, client.logout()]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      return { status: 'deployed', scriptName: plan.newName };
    } finally {
      await client.logout();
    }
  }
}

function asDeployError(e: unknown, script: string): DeployError {
  if (e instanceof DeployError) return e;
  if (!(e instanceof ManageSieveError)) return new DeployError(String(e), 'server', true, undefined, { cause: e });
  if (e.kind !== 'response') return new DeployError(`mail server unreachable: ${e.message}`, 'unreachable', true, undefined, { cause: e });
  if (e.command === 'AUTHENTICATE') return new DeployError(e.message, 'auth', e.transient, undefined, { cause: e });
  if (e.responseCode !== undefined && deployCodeFor(e.responseCode) === 'quota') return new DeployError(e.message, 'quota', false, undefined, { cause: e });
  if ((e.command === 'CHECKSCRIPT' || e.command === 'PUTSCRIPT') && !e.transient) {
    return scriptRejected(script, `the server rejected the script: ${e.serverText.trim()}`, scriptErrorLines(e.serverText), e);
  }
  return new DeployError(e.message, 'server', e.transient, undefined, { cause: e });
}

/**
 * What a response code says about a deploy on its own; null: the command
 * that failed decides. No default: a code added to the union fails to compile here.
 */
function deployCodeFor(code: ResponseCode): DeployErrorCode | null {
  switch (code) {
    case 'QUOTA':
    case 'QUOTA/MAXSCRIPTS':
    case 'QUOTA/MAXSIZE':
      return 'quota';
    case 'AUTH-TOO-WEAK':
    case 'ENCRYPT-NEEDED':
    case 'SASL':
    case 'TRANSITION-NEEDED':
    case 'REFERRAL':
    case 'TRYLATER':
    case 'ACTIVE':
    case 'NONEXISTENT':
    case 'ALREADYEXISTS':
    case 'TAG':
    case 'WARNINGS':
      return null;
  }
}
