// `sievewright serve` with no configuration at all: the embedded default.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { freePort } from '../../support/programs.js';

const BIN = new URL('../../../server/cli/bin.js', import.meta.url).pathname;

function serve(cwd: string, env: Record<string, string>): { output: () => string; stop: () => Promise<number | null>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    output: () => out,
    exited,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

async function waitFor(fn: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('timed out');
}

describe('sievewright serve', () => {
  test('with no config it runs the embedded default on 127.0.0.1 with data under ./data and a demo user in the log', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sw-serve-'));
    const port = await freePort();
    const server = serve(cwd, { SIEVEWRIGHT_SERVER__PORT: String(port) });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 30_000);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      const pw = /created user demo with password (\S+) /.exec(server.output())?.[1];
      expect(pw).toBeDefined();
      const login = await fetch(`http://127.0.0.1:${port}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'demo', password: pw }),
      });
      expect(login.status).toBe(200);
      expect(server.output()).not.toContain(`"password":"${pw}"`);
      expect(existsSync(join(cwd, 'data', 'sievewright.db'))).toBe(true);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test('a configuration mistake stops the start with a message naming it and exit code 1', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sw-serve-'));
    const server = serve(cwd, { SIEVEWRIGHT_SERVER__PORT: 'eighty', SIEVEWRIGHT_SERVER__COLOUR: 'blue' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/SIEVEWRIGHT_SERVER__PORT: expected a number/);
    expect(server.output()).toMatch(/SIEVEWRIGHT_SERVER__COLOUR: no such setting/);
    expect(server.output()).not.toMatch(/\n\s+at /);
  });
});
