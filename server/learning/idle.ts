// Near-real-time learning where a connection per user may be held: IMAP
// IDLE (RFC 2177) on the user's Junk folder. Any EXISTS, EXPUNGE/VANISHED or
// FETCH FLAGS there asks for a pass; the pass itself still runs on its own
// session from the stored cursor, so IDLE only makes it sooner, never
// different. Dropped connections are re-opened with a growing delay.
import type { ImapFlow } from 'imapflow';

export interface IdleOptions {
  /** Opens a session as the user that may IDLE (imapflow's auto-IDLE off). */
  connect: (username: string) => Promise<ImapFlow>;
  junk: string;
  /** Called (debounced) when Junk changed. */
  onChange: (username: string) => void;
  debounceMs?: number;
  /** Re-issue IDLE this often; servers drop IDLE after ~30 minutes. */
  maxIdleMs?: number;
}

export class IdleWatcher {
  private stopped = false;
  private readonly clients = new Set<ImapFlow>();
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly opts: IdleOptions) {}

  start(usernames: readonly string[]): void {
    for (const u of usernames) this.loops.push(this.watch(u));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const c of this.clients) c.close();
    await Promise.all(this.loops);
  }

  private async watch(username: string): Promise<void> {
    const debounceMs = this.opts.debounceMs ?? 200;
    let timer: NodeJS.Timeout | null = null;
    const changed = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => this.opts.onChange(username), debounceMs);
    };
    let backoff = 1000;
    while (!this.stopped) {
      let client: ImapFlow | null = null;
      try {
        client = await this.opts.connect(username);
        this.clients.add(client);
        await client.mailboxOpen(this.opts.junk, { readOnly: true });
        client.on('exists', changed).on('expunge', changed).on('flags', changed);
        backoff = 1000;
        // What happened while no connection was held.
        changed();
        while (!this.stopped && client.usable) {
          const idle = client.idle();
          const refresh = setTimeout(() => void client?.noop().catch(() => {}), this.opts.maxIdleMs ?? 25 * 60_000);
          if ((await idle.finally(() => clearTimeout(refresh))) === false) throw new Error('IDLE refused');
        }
      } catch {
        // Reconnect below; the regular polls keep learning meanwhile.
      } finally {
        if (client) {
          this.clients.delete(client);
          client.close();
        }
      }
      if (!this.stopped) {
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 60_000);
      }
    }
    if (timer) clearTimeout(timer);
  }
}
