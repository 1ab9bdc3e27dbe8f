// `learn --idle` with more users than sessions: never more than the cap of
// IMAP sessions open at once against a real Dovecot 2.3, every user still
// gets turns, and a failing session is retried on the jittered back-off
// schedule. A session counts as open from the moment it is asked for until
// its socket is closed (imapflow's 'close'), so the count is exact; the
// proxy confirms on the wire that the logins really happened.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backoffDelay, IdleWatcher } from '../../../server/learning/idle.js';
import { random, seedFrom } from '../../support/random.js';
import { countingProxy, type CountingProxy } from './counting-proxy.js';
import { startMail, type MailFixture } from './mail-fixture.js';

describe('back-off with jitter', () => {
  test('each delay lies between half the doubling ceiling and the ceiling, capped; a seed replays it', () => {
    const seed = seedFrom('IDLE_BACKOFF_SEED');
    const o = { baseMs: 1000, maxMs: 60_000 };
    const rand = random(seed);
    const schedule = Array.from({ length: 12 }, (_, n) => backoffDelay(n, rand, o));
    schedule.forEach((d, n) => {
      const ceiling = Math.min(60_000, 1000 * 2 ** n);
      expect(d, `seed ${seed}, attempt ${n}`).toBeGreaterThanOrEqual(ceiling / 2);
      expect(d, `seed ${seed}, attempt ${n}`).toBeLessThanOrEqual(ceiling);
    });
    const again = random(seed);
    expect(Array.from({ length: 12 }, (_, n) => backoffDelay(n, again, o))).toEqual(schedule);
  });

  test('users failing together come back spread over the window, not in the same instant', () => {
    const seed = seedFrom('IDLE_BACKOFF_SEED');
    const rand = random(seed);
    const delays = Array.from({ length: 1000 }, () => backoffDelay(4, rand));
    // Ceiling 16 s: the draws fill [8 s, 16 s].
    expect(Math.min(...delays), `seed ${seed}`).toBeLessThan(8_500);
    expect(Math.max(...delays), `seed ${seed}`).toBeGreaterThan(15_500);
    expect(new Set(delays).size, `seed ${seed}`).toBeGreaterThan(500);
  });

  test('the exact endpoints: random 0 gives half the ceiling, random near 1 the ceiling', () => {
    expect(backoffDelay(0, () => 0)).toBe(500);
    expect(backoffDelay(3, () => 0.999999)).toBe(8000);
    expect(backoffDelay(40, () => 0)).toBe(30_000);
    expect(() => new IdleWatcher({ connect: () => Promise.reject(new Error('x')), junk: 'Junk', onChange: () => {}, maxSessions: 0 })).toThrow(RangeError);
  });
});

const USERS = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'];
const CAP = 3;

describe('IDLE sessions against Dovecot 2.3, capped', () => {
  let mail: MailFixture;
  let proxy: CountingProxy;
  beforeAll(async () => {
    mail = await startMail(Object.fromEntries(USERS.map((u) => [u, `${u}pw`])));
    proxy = await countingProxy({ host: mail.dovecot.host, port: mail.dovecot.imapPort });
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    await mail?.cleanup();
  });

  test(`${USERS.length} users and a user who cannot log in share ${CAP} sessions; each user gets turns`, { timeout: 120_000 }, async () => {
    const seed = seedFrom('IDLE_CAP_SEED');
    const sessions = new Map<string, number>();
    const looked = new Set<string>();
    let open = 0;
    let peak = 0;
    const idle = new IdleWatcher({
      connect: async (u) => {
        sessions.set(u, (sessions.get(u) ?? 0) + 1);
        peak = Math.max(peak, ++open);
        try {
          const c = await mail.session(u, { imapPort: proxy.port });
          c.once('close', () => open--);
          return c;
        } catch (err) {
          open--;
          throw err;
        }
      },
      junk: 'Junk',
      onChange: (u) => looked.add(u),
      maxSessions: CAP,
      turnMs: 300,
      debounceMs: 10,
      random: random(seed),
      backoff: { baseMs: 50, maxMs: 400 },
    });
    proxy.reset();
    const all = [...USERS, 'nobody'];
    idle.start(all);
    try {
      const deadline = Date.now() + 90_000;
      // Two turns for every real user, and retries for the one who cannot log in.
      while (!(USERS.every((u) => (sessions.get(u) ?? 0) >= 2) && (sessions.get('nobody') ?? 0) >= 3) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await idle.stop();
    }
    const why = `seed ${seed}, sessions ${JSON.stringify(Object.fromEntries(sessions))}`;
    expect(USERS.every((u) => (sessions.get(u) ?? 0) >= 2), why).toBe(true);
    expect(sessions.get('nobody') ?? 0, why).toBeGreaterThanOrEqual(3);
    expect([...looked].sort(), why).toEqual(USERS);
    // The cap was used, never passed, and everything was closed at stop().
    expect(peak, why).toBe(CAP);
    expect(open, why).toBe(0);
    const logins = proxy.transcripts().filter((t) => / OK .*Logged in/.test(t.down)).length;
    expect(logins, why).toBe(USERS.reduce((n, u) => n + sessions.get(u)!, 0));
  });
});
