// The audit log: who changed what, with forwarding alerts first-class.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { getAudit } from '../api/admin.js';
import type { AuditEntry } from '../api/types.js';
import { auditDetails, describeAuditAction } from '../lib/audit-words.js';
import { base } from '../ui/styles.js';

@customElement('sw-admin-audit')
export class AdminAudit extends LitElement {
  static override styles = [
    base,
    css`
      tr.alert {
        background: #fff1f0;
      }
      /* User names and times are short words: never broken inside. */
      td.when,
      td.who {
        white-space: nowrap;
        overflow-wrap: normal;
      }
      dl {
        display: grid;
        grid-template-columns: max-content minmax(0, 1fr);
        gap: 0.1rem 0.6rem;
        margin: 0;
      }
      dt {
        color: #5a6473;
      }
      dd {
        margin: 0;
      }
      /* Stacked on a phone: when and who share the first line, the action reads as the entry's title. */
      @media (max-width: 560px) {
        table.stack td.when,
        table.stack td.who {
          display: inline-block;
        }
        td.what {
          font-weight: 600;
        }
      }
    `,
  ];

  @state() private alertsOnly = false;

  private entries = new Task(this, {
    task: async (_: readonly [], { signal }) => getAudit(200, signal),
    args: () => [] as const,
  });

  private details(d: Record<string, unknown>) {
    const items = auditDetails(d);
    if (items.length === 0) return nothing;
    return html`<dl>${items.map((x) => html`<dt>${x.label}</dt><dd>${x.value}</dd>`)}</dl>`;
  }

  private table(all: AuditEntry[]) {
    const list = this.alertsOnly ? all.filter((e) => e.alert) : all;
    if (list.length === 0) return html`<p class="empty">${this.alertsOnly ? 'No alerts.' : 'Nothing recorded yet.'}</p>`;
    return html`<table class="stack">
      <thead><tr><th>When</th><th>Who</th><th>What</th><th>Details</th></tr></thead>
      <tbody>
        ${list.map(
          (e) => html`<tr class=${e.alert ? 'alert' : ''}>
            <td class="when"><time datetime=${e.at}>${new Date(e.at).toLocaleString()}</time></td>
            <td class="who" data-label="By">${e.actor}</td>
            <td class="what">${e.alert ? html`<span class="badge bad">Alert</span> ` : ''}${describeAuditAction(e)}</td>
            <td>${this.details(e.details)}</td>
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
