// Everything a request handler needs, built once per app: repositories over
// one database, the authenticator, the deploy outbox and its worker.
import { Outbox } from '../deploy/outbox.js';
import { createTarget } from '../deploy/targets.js';
import { DeployWorker } from '../deploy/worker.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import { AuditRepository } from '../store/audit-repository.js';
import { DefaultsRepository } from '../store/defaults-repository.js';
import { MetaRepository } from '../store/meta-repository.js';
import { RulesRepository } from '../store/rules-repository.js';
import { SessionsRepository } from '../store/sessions-repository.js';
import { UsersRepository } from '../store/users-repository.js';
import { createAuthenticator, type Authenticator } from './authenticator.js';
import { RedeployJobs } from './redeploy-jobs.js';

export interface AppContext {
  config: Config;
  db: Db;
  users: UsersRepository;
  rules: RulesRepository;
  defaults: DefaultsRepository;
  audit: AuditRepository;
  sessions: SessionsRepository;
  meta: MetaRepository;
  authenticator: Authenticator;
  outbox: Outbox;
  /** Absent when the app runs without background deploys (some tests, benchmarks). */
  worker: DeployWorker | undefined;
  redeploys: RedeployJobs;
}

export function createContext(config: Config, db: Db, opts: { worker: boolean }): AppContext {
  const users = new UsersRepository(db);
  const outbox = new Outbox(db, { target: config.deploy.target });
  return {
    config,
    db,
    users,
    rules: new RulesRepository(db, config.rules.history),
    defaults: new DefaultsRepository(db),
    audit: new AuditRepository(db),
    sessions: new SessionsRepository(db),
    meta: new MetaRepository(db),
    authenticator: createAuthenticator(config, users),
    outbox,
    worker: opts.worker ? new DeployWorker(outbox, createTarget(config), { concurrency: config.deploy.concurrency, maxAttempts: config.deploy.maxAttempts }) : undefined,
    redeploys: new RedeployJobs(outbox),
  };
}
