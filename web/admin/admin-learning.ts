// Junk learning health per user: when learning last ran, what went wrong
// last, and how many moves still wait to be learned.
import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { getLearningHealth } from '../api/admin.js';
import type { LearningHealth } from '../api/types.js';
import { base } from '../ui/styles.js';

// Each cell reads on its own: on a phone the table stacks and its headings are hidden.
const lastRun = (iso: string | null) => (iso ? `Ran ${new Date(iso).toLocaleString()}` : 'Not run yet');
const backlog = (n: number) => (n === 0 ? 'Nothing waiting' : `${n} message${n === 1 ? '' : 's'} waiting`);

@customElement('sw-admin-learning')
export class AdminLearning extends LitElement {
  static override styles = base;

  private health = new Task(this, {
    task: async (_: readonly [], { signal }) => getLearningHealth(signal),
    args: () => [] as const,
  });

  private table(rows: LearningHealth[]) {
    if (rows.length === 0) {
      return html`<p class="empty">
        Nothing has been learned yet. Once learning is switched on, each user appears here after their first pass over the Junk folder.
      </p>`;
    }
    return html`<table class="stack">
      <thead><tr><th>User</th><th>Last run</th><th>Last error</th><th>Waiting to be learned</th></tr></thead>
      <tbody>
        ${rows.map(
          (r) => html`<tr>
            <td>${r.username}</td>
            <td>${lastRun(r.lastRun)}</td>
            <td>${r.lastError ? html`<span class="error">${r.lastError}</span>` : html`<span class="badge ok">No errors</span>`}</td>
            <td>${backlog(r.backlog)}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  override render() {
    return html`<section class="card">
      <h2>Junk learning</h2>
      <p class="muted">Mail that users move into or out of Junk teaches the spam filter. A growing backlog or an error means learning is stuck for that user.</p>
      ${this.health.render({
        pending: () => html`<p class="muted">Loading…</p>`,
        error: (e) => html`<p class="error" role="alert">Learning health could not be loaded: ${(e as Error).message}</p>`,
        complete: (rows) => this.table(rows),
      })}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-admin-learning': AdminLearning;
  }
}
