// Loads the configuration from an optional JSON file and SIEVEWRIGHT_*
// environment variables (env wins), fills in defaults and validates it once at
// start. Every mistake is reported with where it came from (file key or
// variable name), all at once, so an admin fixes them in one round.
import { accessSync, constants, readFileSync } from 'node:fs';
import { Kind, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { invalidAddressEntries } from '../services/address-list.js';
import { ConfigSchema, type Config } from './schema.js';

export const ENV_PREFIX = 'SIEVEWRIGHT_';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  /** JSON config file; optional (no file = embedded default). */
  file?: string;
  env?: Record<string, string | undefined>;
}

type Json = Record<string, unknown>;

export function loadConfig(opts: LoadOptions = {}): Config {
  const problems: string[] = [];
  const raw: Json = opts.file ? readJsonFile(opts.file, problems) : {};
  const sources = new Map<string, string>();
  applyEnv(raw, opts.env ?? {}, problems, sources);
  if (problems.length) throw new ConfigError(problems);

  const value = Value.Default(ConfigSchema, raw) as Json;
  for (const e of Value.Errors(ConfigSchema, value)) {
    const key = e.path.slice(1).replaceAll('/', '.');
    const from = sources.get(key) ?? (opts.file ? `${opts.file}: ${key}` : key);
    problems.push(`${from}: ${e.message}${e.value === undefined ? '' : ` (got ${JSON.stringify(e.value)})`}`);
  }
  if (problems.length) throw new ConfigError(dedupe(problems));
  const config = value as Config;
  problems.push(...crossChecks(config));
  if (problems.length) throw new ConfigError(problems);
  return config;
}

function readJsonFile(file: string, problems: string[]): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    problems.push(`${file}: cannot read the config file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Json;
    problems.push(`${file}: the config file must hold a JSON object`);
  } catch (err) {
    problems.push(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  return {};
}

/** `SERVER__SESSION_IDLE_MINUTES` -> ['server', 'sessionIdleMinutes']. */
function envPath(name: string): string[] {
  return name
    .slice(ENV_PREFIX.length)
    .split('__')
    .map((seg) => seg.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));
}

function applyEnv(raw: Json, env: Record<string, string | undefined>, problems: string[], sources: Map<string, string>): void {
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || text === undefined || name === `${ENV_PREFIX}CONFIG` || name === `${ENV_PREFIX}DEBUG`) continue;
    const path = envPath(name);
    const schema = schemaAt(ConfigSchema, path);
    if (!schema) {
      problems.push(`${name}: no such setting (${path.join('.')})`);
      continue;
    }
    const parsed = parseEnvValue(schema, text);
    if (parsed instanceof Error) {
      problems.push(`${name}: ${parsed.message}`);
      continue;
    }
    setAt(raw, path, parsed);
    sources.set(path.join('.'), name);
  }
}

function schemaAt(root: TSchema, path: string[]): TSchema | undefined {
  let s: TSchema | undefined = root;
  for (const seg of path) {
    if (!s || s[Kind] !== 'Object') return undefined;
    s = (s.properties as Record<string, TSchema>)[seg];
  }
  return s;
}

function parseEnvValue(schema: TSchema, text: string): unknown {
  switch (schema[Kind]) {
    case 'Integer':
    case 'Number': {
      const n = Number(text);
      return text.trim() === '' || !Number.isFinite(n) ? new Error(`expected a number (got ${JSON.stringify(text)})`) : n;
    }
    case 'Boolean':
      if (/^(true|1|yes|on)$/i.test(text)) return true;
      if (/^(false|0|no|off)$/i.test(text)) return false;
      return new Error(`expected true or false (got ${JSON.stringify(text)})`);
    case 'Array':
      if (text.trim().startsWith('[')) return parseJson(text);
      return text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
        const items = schema.items as TSchema;
        return items[Kind] === 'Integer' || items[Kind] === 'Number' ? Number(s) : s;
      });
    case 'Object':
      return parseJson(text);
    case 'Union': {
      // Literal unions such as saVersion 3|4 or tls modes.
      const literals = (schema.anyOf as TSchema[]).map((t) => t.const as unknown);
      const hit = literals.find((l) => String(l) === text);
      return hit ?? new Error(`expected one of ${literals.map((l) => JSON.stringify(l)).join(', ')} (got ${JSON.stringify(text)})`);
    }
    default:
      return text;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    return new Error(`not valid JSON: ${(err as Error).message}`);
  }
}

function setAt(obj: Json, path: string[], value: unknown): void {
  let cur = obj;
  for (const seg of path.slice(0, -1)) {
    const next = cur[seg];
    if (!next || typeof next !== 'object' || Array.isArray(next)) cur[seg] = {};
    cur = cur[seg] as Json;
  }
  cur[path[path.length - 1]!] = value;
}

function dedupe(items: string[]): string[] {
  return [...new Set(items)];
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Mistakes a schema cannot see: settings that only make sense together, files that must exist. */
function crossChecks(c: Config): string[] {
  const out: string[] = [];
  const files: Array<[string, string | undefined]> = [
    ['mail.imap.caFile', c.mail.imap?.caFile],
    ['mail.managesieve.caFile', c.mail.managesieve?.caFile],
    ['mail.masterUser.passwordFile', c.mail.masterUser?.passwordFile],
    ['mail.canaryUser.passwordFile', c.mail.canaryUser?.passwordFile],
    ['server.tls.certFile', c.server.tls?.certFile],
    ['server.tls.keyFile', c.server.tls?.keyFile],
  ];
  for (const [key, file] of files) {
    if (file !== undefined && !readable(file)) out.push(`${key}: cannot read ${file}`);
  }
  if (c.deploy.target === 'managesieve') {
    if (!c.mail.managesieve) out.push('deploy.target is "managesieve" but mail.managesieve is not set');
    if (!c.mail.masterUser) out.push('deploy.target is "managesieve" but mail.masterUser is not set (deploys act for users through the master user)');
  }
  if (c.learning.enabled && c.learning.source === 'polling' && (!c.mail.imap || !c.mail.masterUser)) {
    out.push('learning.enabled needs mail.imap and mail.masterUser (the watcher reads Junk folders as the master user), or learning.source "imapsieve"');
  }
  if (c.mail.canaryUser && !c.mail.imap) out.push('mail.canaryUser is set but mail.imap is not: nothing to check it against');
  for (const e of invalidAddressEntries(c.server.readinessDetailsFrom)) out.push(`server.readinessDetailsFrom: not an IP address or CIDR range: ${JSON.stringify(e)}`);
  return out;
}

/** A configured secret (master or canary password), read when needed and never logged. */
export function readSecret(passwordFile: string): string {
  return readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '');
}
