// Runs a CLI command in this process and collects what it writes to stdout
// and stderr, with its exit code; the streams are restored afterwards.
import { vi } from 'vitest';

export interface Captured {
  code: number;
  out: string;
  err: string;
}

export async function capture(fn: () => Promise<number>): Promise<Captured> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await fn(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
