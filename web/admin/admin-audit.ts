// The audit log: who changed what, with forwarding alerts first-class.
import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { getAudit } from '../api/admin.js';
import type { AuditEntry } from '../api/types.js';
import { base } from '../ui/styles.js';

function detailsText(d: Record<string, unknown>): string {
  return Object.entries(d)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');
}

@customElement('sw-admin-audit')
export class AdminAudit extends LitElement {
  static override styles = [
    base,
    css`
      tr.alert {
        background: #fff1f0;
      }
    `,
  ];

  @state() private alertsOnly = false;

  private entries = new Task(this, {
    task: async (_: readonly [], { signal }) => getAudit(200, signal),
    args: () => [] as const,
  });

  private table(all: AuditEntry[]) {
    const list = this.alertsOnly ? all.filter((e) => e.alert) : all;
    if (list.length === 0) return html`<p class="empty">${this.alertsOnly ? 'No alerts.' : 'Nothing recorded yet.'}</p>`;
    return html`<table class="stack">
      <thead><tr><th>When</th><th>Who</th><th>What</th><th>Details</th></tr></thead>
      <tbody>
        ${list.map(
          (e) => html`<tr class=${e.alert ? 'alert' : ''}>
            <td>${new Date(e.at).toLocaleString()}</td>
            <td>${e.actor}</td>
            <td>${e.alert ? html`<span class="badge bad">Alert</span> ` : ''}${e.action} ${e.target}</td>
            <td>${detailsText(e.details)}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  override render() {
    return html`<section class="card">
      <div class="row">
        <label class="inline"
          ><input type="checkbox" .checked=${this.alertsOnly} @change=${(e: Event) => (this.alertsOnly = (e.target as HTMLInputElement).checked)} />
          Show only alerts (e.g. forwarding to an outside address)</label
        >
        <button @click=${() => void this.entries.run()}>Refresh</button>
      </div>
      ${this.entries.render({
        pending: () => html`<p class="muted">Loading the audit log…</p>`,
        error: (e) => html`<p class="error" role="alert">The audit log could not be loaded: ${(e as Error).message}</p>`,
        complete: (all) => this.table(all),
      })}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-admin-audit': AdminAudit;
  }
}
