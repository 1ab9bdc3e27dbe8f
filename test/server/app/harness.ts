// Builds the real app on a temp data directory and drives it with
// app.inject like a browser would: session cookie plus CSRF header.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../../server/app.js';
import { loadConfig } from '../../../server/config/load.js';
import type { Config } from '../../../server/config/schema.js';
import { hashPassword } from '../../../server/services/passwords.js';
import { sievecConfig } from '../../support/pigeonhole.js';

export const ADMIN = 'root';

/** The directory target verifies with the real sievec and the test Dovecot's Sieve extensions. */
export function testConfig(dir: string, env: Record<string, string> = {}): Config {
  // Beside the data directory, not in it: some tests want the app to create that directory itself.
  const sievecConf = join(mkdtempSync(join(tmpdir(), 'sw-sievec-conf-')), 'sievec.conf');
  writeFileSync(sievecConf, sievecConfig());
  return loadConfig({
    env: {
      SIEVEWRIGHT_SERVER__DATA_DIR: dir,
      SIEVEWRIGHT_SERVER__ADMINS: ADMIN,
      SIEVEWRIGHT_SERVER__DEMO: 'false',
      SIEVEWRIGHT_SERVER__WEB_ROOT: join(dir, 'no-web'),
      SIEVEWRIGHT_DEPLOY__DIRECTORY__HOME: join(dir, 'mail', '%u'),
      SIEVEWRIGHT_DEPLOY__VERIFY__CONFIG: sievecConf,
      ...env,
    },
  });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sw-app-'));
}

export async function startApp(opts: { dir?: string; env?: Record<string, string>; worker?: boolean } = {}): Promise<{ app: FastifyInstance; dir: string; config: Config }> {
  const dir = opts.dir ?? tempDir();
  const config = testConfig(dir, opts.env);
  const app = await buildApp({ config, worker: opts.worker ?? true });
  return { app, dir, config };
}

/** Test accounts use a cheap scrypt cost (stored with the hash); the app's own accounts use the strong one. */
export async function addUser(app: FastifyInstance, username: string, password: string): Promise<void> {
  app.ctx.users.ensure(username, await hashPassword(password, { N: 2 ** 10, r: 8, p: 1 }));
}

export function cookieFrom(res: LightMyRequestResponse): string | undefined {
  const c = res.cookies.find((x) => x.name === 'sievewright.sid');
  return c ? `sievewright.sid=${c.value}` : undefined;
}

/** A logged-in browser: keeps the session cookie and sends the CSRF token on writes. */
export class Client {
  constructor(
    readonly app: FastifyInstance,
    public cookie: string | undefined,
    public csrf: string | undefined,
  ) {}

  static anonymous(app: FastifyInstance): Client {
    return new Client(app, undefined, undefined);
  }

  static async login(app: FastifyInstance, username: string, password: string): Promise<Client> {
    const res = await app.inject({ method: 'POST', url: '/api/login', payload: { username, password } });
    if (res.statusCode !== 200) throw new Error(`login as ${username} failed: ${res.statusCode} ${res.body}`);
    return new Client(app, cookieFrom(res), res.json<{ csrfToken: string }>().csrfToken);
  }

  async request(method: InjectOptions['method'], url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method,
      url,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      ...(payload !== undefined ? { payload: payload as InjectOptions['payload'] } : {}),
    });
    return res;
  }

  get(url: string): Promise<LightMyRequestResponse> {
    return this.request('GET', url);
  }
  post(url: string, payload: unknown = {}): Promise<LightMyRequestResponse> {
    return this.request('POST', url, payload);
  }
  put(url: string, payload: unknown): Promise<LightMyRequestResponse> {
    return this.request('PUT', url, payload);
  }
}

export function rulesText(app: FastifyInstance, username: string): string | undefined {
  return app.ctx.rules.latest(username) ? JSON.stringify(app.ctx.rules.latest(username)!.ruleSet) : undefined;
}
