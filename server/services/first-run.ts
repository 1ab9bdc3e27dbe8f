// First start of a fresh database: example admin defaults and, in embedded
// mode, a demo user and an admin with random passwords (logged once) and
// the demo user's example rules. Runs once per database.
import { hostname } from 'node:os';
import { printRules } from '../../grammar/emit/rules-text.js';
import type { RuleSet } from '../../grammar/model.js';
import { DEFAULT_SETTINGS } from '../../grammar/model.js';
import type { AppContext } from './context.js';
import { seedDemoMail } from '../mail/demo-mail.js';
import { hashPassword, randomPassword } from './passwords.js';
import { maildirOf } from './recent-mail.js';
import { queueDeploy } from './rules-service.js';

const SEEDED = 'seeded';
export const DEMO_USER = 'demo';

/**
 * "DMARC fail goes to Junk unless the user whitelisted the sender":
 * overridable, so the whitelist exempts it. Authentication results are only
 * trusted from this host's own Authentication-Results header (a single-host
 * server's MTA stamps it with its host name); admins change it in the defaults.
 */
export function exampleDefaults(): RuleSet {
  return {
    settings: { ...DEFAULT_SETTINGS, trustedAuthservId: hostname() },
    whitelist: [],
    blocklist: [],
    rules: [
      {
        name: 'DMARC fail to Junk',
        enabled: true,
        combine: 'all',
        conditions: [{ kind: 'auth', method: 'dmarc', result: 'fail' }],
        actions: [{ kind: 'fileinto', folder: 'Junk' }, { kind: 'stop' }],
        placement: 'before',
      },
    ],
  };
}

export function exampleUserRules(): RuleSet {
  return {
    settings: { ...DEFAULT_SETTINGS },
    whitelist: [{ pattern: 'billing@partner.example', authenticated: false }],
    blocklist: [],
    rules: [
      {
        name: 'Project mailing list',
        enabled: true,
        combine: 'all',
        conditions: [{ kind: 'list-id', test: { match: 'contains', values: ['dev.lists.example.org'] } }],
        actions: [{ kind: 'fileinto', folder: 'Lists/Dev', create: true }, { kind: 'stop' }],
      },
    ],
  };
}

export interface SeedResult {
  /** Generated credentials to show once; empty when nothing was created. */
  accounts: Array<{ username: string; password: string; role: 'user' | 'admin' }>;
}

export async function seedFirstRun(ctx: AppContext): Promise<SeedResult> {
  if (ctx.meta.get(SEEDED)) return { accounts: [] };
  const accounts: SeedResult['accounts'] = [];
  if (!ctx.defaults.latest()) ctx.defaults.save(exampleDefaults(), printRules(exampleDefaults()), 'system');
  if (ctx.authenticator.mode === 'local' && ctx.config.server.demo) {
    const admin = ctx.config.server.admins[0];
    const wanted: Array<[string, 'user' | 'admin']> = [[DEMO_USER, 'user'], ...(admin ? [[admin, 'admin'] as [string, 'admin']] : [])];
    for (const [username, role] of wanted) {
      if (ctx.users.get(username)) continue;
      const password = randomPassword();
      ctx.users.ensure(username, await hashPassword(password));
      accounts.push({ username, password, role });
    }
    if (!ctx.rules.latest(DEMO_USER)) {
      ctx.rules.save(DEMO_USER, exampleUserRules(), 'system', 'example rules');
      // So the first screen shows a deployed script, not "never deployed".
      queueDeploy(ctx, DEMO_USER);
    }
    // So "test on my recent mail" has messages to show; with an IMAP server the mail is the server's.
    if (!ctx.config.mail.imap) await seedDemoMail(maildirOf(ctx, DEMO_USER));
  }
  ctx.meta.set(SEEDED, new Date().toISOString());
  return { accounts };
}
