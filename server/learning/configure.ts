// Builds a LearningRunner from the configuration: the IMAP endpoint and the
// master user acting for each user, and the learner the admin chose.
import { resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Endpoint } from '../mail/endpoint.js';
import { masterFromConfig, type MasterLogin } from '../mail/master-login.js';
import type { Db } from '../store/db.js';
import { userDirectory } from '../services/user-directory.js';
import { LearningRepository } from '../store/learning-repository.js';
import { IdleWatcher } from './idle.js';
import { saLearnLearner, spamdLearner, type Learner } from './learner.js';
import { LearningRunner, type RunnerOptions } from './runner.js';
import { openSession } from './watcher.js';

export const MAX_MESSAGE_BYTES = 1024 * 1024;

export function learnerFromConfig(config: Config): Learner {
  const l = config.learning;
  if (l.via === 'spamd') return spamdLearner(l.spamd);
  // Without %u every user shares one Bayes home (a site-wide database).
  return saLearnLearner({ homeFor: (u) => (l.saLearnHome.includes('%u') ? userDirectory(l.saLearnHome, u, 'learning.saLearnHome') : resolve(l.saLearnHome)) });
}

export function imapFromConfig(config: Config): { endpoint: Endpoint; master: MasterLogin } {
  const { imap } = config.mail;
  if (!imap) throw new Error('learning needs mail.imap (the IMAP server to watch)');
  const master = masterFromConfig(config.mail);
  if (!master) throw new Error('learning needs mail.masterUser (a Dovecot master user that may act for each user)');
  return { endpoint: imap, master };
}

/**
 * An IDLE connection is quiet by design and each socket timeout ends IDLE
 * with a NOOP, so it keeps imapflow's own default, not the endpoint's limit.
 */
const IDLE_SOCKET_TIMEOUT_MS = 5 * 60_000;

/** IDLE connections (at most learning.idleSessions, users taking turns) that make `runner` look at Junk as soon as it changes. */
export function idleFromConfig(config: Config, runner: LearningRunner): IdleWatcher {
  const { endpoint, master } = imapFromConfig(config);
  return new IdleWatcher({
    connect: (u) => openSession(endpoint, master, u, { socketTimeout: IDLE_SOCKET_TIMEOUT_MS }),
    junk: config.learning.junkFolder,
    onChange: (u) => runner.request(u),
    maxSessions: config.learning.idleSessions,
  });
}

/**
 * `imap: false` for the IMAPSieve event service, which only learns what the
 * pipe program recorded and needs neither an IMAP server nor a master user.
 */
export function runnerFromConfig(
  config: Config,
  db: Db,
  extra: Partial<Pick<RunnerOptions, 'learner' | 'onReport' | 'onRoundError'>> & { imap?: boolean; onSpoolRejected?: (file: string, reason: string) => void } = {},
): LearningRunner {
  const imap = extra.imap === false ? null : imapFromConfig(config);
  const l = config.learning;
  return new LearningRunner({
    repo: new LearningRepository(db),
    connect: (u) => (imap ? openSession(imap.endpoint, imap.master, u) : Promise.reject(new Error('this runner learns recorded events only'))),
    learner: extra.learner ?? learnerFromConfig(config),
    ...(extra.onReport ? { onReport: extra.onReport } : {}),
    ...(extra.onRoundError ? { onRoundError: extra.onRoundError } : {}),
    spool: { dir: resolve(l.spoolDir), ...(extra.onSpoolRejected ? { onRejected: extra.onSpoolRejected } : {}) },
    scan: { folders: { junk: l.junkFolder, trash: l.trashFolder }, maxMessageBytes: MAX_MESSAGE_BYTES },
    runTimeoutMs: l.runTimeoutSeconds * 1000,
    concurrency: l.concurrency,
    retention: l.runRetention,
  });
}
