// Every migration of every aggregate. Version ranges are owned per area:
// 1-99 core (users, rule sets, defaults, sessions, audit), 100-199 deploy,
// 200-299 learning, 300-399 applying rules to existing mail.
import { coreMigrations } from './core.js';
import { deployMigrations } from './deploy.js';
import { learningMigrations } from './learning.js';
import { mailApplyMigrations } from './mail-apply.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const allMigrations: readonly Migration[] = [...coreMigrations, ...deployMigrations, ...learningMigrations, ...mailApplyMigrations];
