// Reuses one result of a costly check for a while: callers within `ttlMs`
// of the last finished run get its result, and callers while a run is under
// way join it. However often a probe is called, the check runs at most once
// per window (with readiness: one mail-server login).
export class ProbeCache<T> {
  private inFlight: Promise<T> | null = null;
  private last: { value: T; at: number } | null = null;

  constructor(
    private readonly run: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    if (this.inFlight) return this.inFlight;
    if (this.last && this.now() - this.last.at < this.ttlMs) return Promise.resolve(this.last.value);
    const p = this.run()
      .then((value) => {
        this.last = { value, at: this.now() };
        return value;
      })
      .finally(() => {
        this.inFlight = null;
      });
    this.inFlight = p;
    return p;
  }
}
