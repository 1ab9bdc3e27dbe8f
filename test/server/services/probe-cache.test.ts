// The shared readiness result on a fake clock: callers at once share one
// run, callers within the window reuse its result, a failed run is not kept.
import { describe, expect, test } from 'vitest';
import { AddressList } from '../../../server/services/address-list.js';
import { ProbeCache } from '../../../server/services/probe-cache.js';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('ProbeCache', () => {
  test('concurrent callers join one run; later callers reuse its result until the window ends', async () => {
    let t = 0;
    const runs: Array<ReturnType<typeof deferred<number>>> = [];
    const cache = new ProbeCache(() => {
      runs.push(deferred<number>());
      return runs[runs.length - 1]!.promise;
    }, 5_000, () => t);
    const together = [cache.get(), cache.get(), cache.get()];
    expect(runs).toHaveLength(1);
    runs[0]!.resolve(1);
    expect(await Promise.all(together)).toEqual([1, 1, 1]);
    t = 4_999;
    expect(await cache.get()).toBe(1);
    expect(runs).toHaveLength(1);
    t = 5_000;
    const next = cache.get();
    expect(runs).toHaveLength(2);
    runs[1]!.resolve(2);
    expect(await next).toBe(2);
  });

  test('a run that throws is not kept: the next caller runs again', async () => {
    let n = 0;
    const cache = new ProbeCache(async () => {
      n++;
      if (n === 1) throw new Error('database gone');
      return n;
    }, 60_000);
    await expect(cache.get()).rejects.toThrow('database gone');
    expect(await cache.get()).toBe(2);
    expect(await cache.get()).toBe(2);
  });

  test('a window of 0 runs the check for every caller that does not join a run under way', async () => {
    let n = 0;
    const cache = new ProbeCache(async () => ++n, 0);
    expect([await cache.get(), await cache.get()]).toEqual([1, 2]);
  });
});

describe('AddressList', () => {
  test('single addresses and CIDR ranges, IPv4 (also IPv4-mapped IPv6) and IPv6', () => {
    const list = new AddressList(['127.0.0.1', '10.0.0.0/8', 'fd00::/8', '::1']);
    for (const ip of ['127.0.0.1', '::ffff:127.0.0.1', '10.255.0.1', 'fd12::1', '::1']) expect(list.includes(ip), ip).toBe(true);
    for (const ip of ['127.0.0.2', '11.0.0.1', 'fe80::1', '::2', 'not-an-ip', '']) expect(list.includes(ip), ip).toBe(false);
    expect(new AddressList([]).includes('127.0.0.1')).toBe(false);
    expect(() => new AddressList(['10.0.0.0/99'])).toThrow(/not an IP address or CIDR range/);
  });
});
