// Watching the daemons the test programs fork, which leave no child process
// of ours to wait on.
import { readdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';

/** Child pids of `pid` (transitively), from /proc. */
async function descendants(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(name));
      parents.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    for (const c of parents.get(stack.pop()!) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

/** Alive and not a zombie (this sandbox's PID 1 reaps late). */
export function processAlive(pid: number): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s+Z/m.test(status);
  } catch {
    return false;
  }
}

export async function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Signals `pid` and every process it forked, and waits until all have gone. */
export async function signalTree(pid: number, signal: NodeJS.Signals, what: string): Promise<void> {
  const all = [pid, ...(await descendants(pid))];
  for (const p of all) {
    try {
      process.kill(p, signal);
    } catch {
      // already gone
    }
  }
  await waitUntil(() => all.every((p) => !processAlive(p)), 15_000, what);
}
