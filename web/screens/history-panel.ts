// Earlier saved versions of the rules, newest first, each restorable (a
// restore is itself saved as a new version, so nothing is lost). The server
// sends one page at a time; "Show older versions" fetches the next.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { HISTORY_PAGE, restoreVersion, ruleHistory } from '../api/rules.js';
import type { HistoryEntry } from '../api/types.js';
import { base } from '../ui/styles.js';

@customElement('sw-history-panel')
export class HistoryPanel extends LitElement {
  static override styles = base;
  /** The version now saved; it cannot be restored onto itself. */
  @property({ type: Number }) current = 0;
  /** Unsaved changes would be lost by a restore, so it waits for save or discard. */
  @property({ type: Boolean }) dirty = false;
  @state() private error = '';
  /** Pages fetched with "Show older versions", after the first. */
  @state() private older: HistoryEntry[] = [];
  /** Whether the last page fetched was full, so more may follow. */
  @state() private more = false;
  @state() private loadingOlder = false;

  private history = new Task(this, {
    task: async ([_current]: readonly [number]) => {
      const first = await ruleHistory();
      this.older = [];
      this.more = first.length === HISTORY_PAGE;
      return first;
    },
    args: () => [this.current] as const,
  });

  private async showOlder(oldest: number): Promise<void> {
    this.error = '';
    this.loadingOlder = true;
    try {
      const page = await ruleHistory(oldest);
      this.older = [...this.older, ...page];
      this.more = page.length === HISTORY_PAGE;
    } catch (e) {
      this.error = (e as Error).message;
    } finally {
      this.loadingOlder = false;
    }
  }

  private async restore(version: number): Promise<void> {
    this.error = '';
    try {
      const saved = await restoreVersion(version);
      // Composed, so the shell that owns the saved state hears it through the preview screen.
      this.dispatchEvent(new CustomEvent('restored', { detail: saved, bubbles: true, composed: true }));
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  override render() {
    return html`<section class="card">
      <h2>Earlier versions</h2>
      ${this.dirty ? html`<p class="muted">Save or discard your changes to restore an earlier version.</p>` : nothing}
      ${this.history.render({
        pending: () => html`<p class="muted">Loading…</p>`,
        error: (e) => html`<p class="error" role="alert">The history could not be loaded: ${(e as Error).message}</p>`,
        complete: (first) => {
          const entries = [...first, ...this.older];
          return entries.length === 0
            ? html`<p class="empty">No saved versions yet.</p>`
            : html`<table class="stack">
                <thead><tr><th>Version</th><th>Saved</th><th>By</th><th>What changed</th><th></th></tr></thead>
                <tbody>
                  ${entries.map(
                    (h) => html`<tr>
                      <td data-label="Version">${h.version}</td>
                      <td>${new Date(h.createdAt).toLocaleString()}</td>
                      <td data-label="By">${h.author}</td>
                      <td>${h.summary}</td>
                      <td>
                        ${h.version === this.current
                          ? html`<span class="badge ok">current</span>`
                          : html`<button ?disabled=${this.dirty} aria-label=${`Restore version ${h.version}`} @click=${() => this.restore(h.version)}>Restore</button>`}
                      </td>
                    </tr>`,
                  )}
                </tbody>
              </table>
              ${this.more
                ? html`<button ?disabled=${this.loadingOlder} @click=${() => this.showOlder(entries[entries.length - 1]!.version)}>Show older versions</button>`
                : nothing}`;
        },
      })}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-history-panel': HistoryPanel;
  }
}
