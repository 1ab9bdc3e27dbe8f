import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config/load.js';

function tmpFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sw-config-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  test('no file and no variables gives the embedded default on 127.0.0.1:8080 with data under ./data', () => {
    const c = loadConfig({ env: {} });
    expect(c.server).toMatchObject({ host: '127.0.0.1', port: 8080, dataDir: './data', admins: ['admin'] });
    expect(c.deploy.target).toBe('directory');
    expect(c.deploy.directory.home).toBe('./data/mail/%u');
    expect(c.mail.imap).toBeUndefined();
  });

  test('environment variables map to nested camelCase keys and win over the file', () => {
    const file = tmpFile('c.json', JSON.stringify({ server: { port: 9000, sessionIdleMinutes: 5 } }));
    const c = loadConfig({
      file,
      env: {
        SIEVEWRIGHT_SERVER__PORT: '9100',
        SIEVEWRIGHT_SERVER__TRUST_PROXY: 'true',
        SIEVEWRIGHT_SERVER__ADMINS: 'root, ops',
        SIEVEWRIGHT_DEPLOY__SA_VERSION: '3',
        SIEVEWRIGHT_DEPLOY__DIRECTORY__HOME: '/srv/mail/%u',
        HOME: '/root',
      },
    });
    expect(c.server.port).toBe(9100);
    expect(c.server.sessionIdleMinutes).toBe(5);
    expect(c.server.trustProxy).toBe(true);
    expect(c.server.admins).toEqual(['root', 'ops']);
    expect(c.deploy.saVersion).toBe(3);
    expect(c.deploy.directory.home).toBe('/srv/mail/%u');
  });

  test('every mistake is reported at once, each naming its source', () => {
    const file = tmpFile('bad.json', JSON.stringify({ server: { port: 'eighty', colour: 'blue' }, deploy: { target: 'ftp' } }));
    const p = problems(() => loadConfig({ file, env: { SIEVEWRIGHT_SERVER__SESSION_IDLE_MINUTES: 'soon', SIEVEWRIGHT_NOPE: '1' } }));
    expect(p.join('\n')).toMatch(/SIEVEWRIGHT_SERVER__SESSION_IDLE_MINUTES: expected a number/);
    expect(p.join('\n')).toMatch(/SIEVEWRIGHT_NOPE: no such setting/);
    // Env problems are reported before schema checks run; fix those, then the file's mistakes show.
    const fileProblems = problems(() => loadConfig({ file, env: {} })).join('\n');
    expect(fileProblems).toMatch(/bad\.json: server\.port: Expected integer/);
    expect(fileProblems).toMatch(/server\.colour|Unexpected property/);
    expect(fileProblems).toMatch(/deploy\.target/);
  });

  test('a file that is not JSON is named with the parse error', () => {
    const file = tmpFile('broken.json', '{ "server": ');
    expect(problems(() => loadConfig({ file, env: {} }))[0]).toMatch(/broken\.json: not valid JSON/);
  });

  test('settings that need each other and unreadable secret files are reported', () => {
    const p = problems(() =>
      loadConfig({
        env: {
          SIEVEWRIGHT_DEPLOY__TARGET: 'managesieve',
          SIEVEWRIGHT_MAIL__CANARY_USER: JSON.stringify({ username: 'canary', passwordFile: '/nonexistent/pw' }),
        },
      }),
    ).join('\n');
    expect(p).toMatch(/mail\.managesieve is not set/);
    expect(p).toMatch(/mail\.masterUser is not set/);
    expect(p).toMatch(/mail\.canaryUser\.passwordFile: cannot read \/nonexistent\/pw/);
    expect(p).toMatch(/mail\.canaryUser is set but mail\.imap is not/);
  });

  test('readiness detail addresses must be IPs or CIDR ranges', () => {
    const p = problems(() => loadConfig({ env: { SIEVEWRIGHT_SERVER__READINESS_DETAILS_FROM: '10.0.0.0/8,monitor.example.org,10.0.0.0/33,::1/129,192.0.2.1' } }));
    expect(p).toEqual([
      'server.readinessDetailsFrom: not an IP address or CIDR range: "monitor.example.org"',
      'server.readinessDetailsFrom: not an IP address or CIDR range: "10.0.0.0/33"',
      'server.readinessDetailsFrom: not an IP address or CIDR range: "::1/129"',
    ]);
  });
});
