// Seeded randomness for tests that pick timings or orders at random: a
// failure names its seed, and setting the variable to it replays the run.

/** The seed in `envVar`, else one from the clock (different every run). */
export function seedFrom(envVar: string): number {
  const fixed = process.env[envVar];
  return fixed !== undefined && fixed !== '' ? Number(fixed) : Date.now() % 1_000_000;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
