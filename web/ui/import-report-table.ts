// The line-by-line import report (what became a rule, what stays as Sieve
// text or was not converted, and why): shown by the Import screen and by the
// offer to import the script already active on the user's mail server.
import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ImportResponse } from '../api/types.js';
import { STATUS_WORDS, normalizeReport } from '../lib/import-report.js';
import { base } from './styles.js';

@customElement('sw-import-report')
export class ImportReportTable extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        margin-bottom: 0.75rem;
      }
      th,
      td.num {
        white-space: nowrap;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  @property({ attribute: false }) report: ImportResponse['report'] = [];

  override render() {
    const lines = normalizeReport(this.report);
    if (!lines.length) return html`<p class="empty">The importer found nothing to report.</p>`;
    return html`<table class="stack">
      <thead>
        <tr><th>Line</th><th>Result</th><th>Rule</th><th>Why</th></tr>
      </thead>
      <tbody>
        ${lines.map((l) => {
          const w = STATUS_WORDS[l.status];
          return html`<tr data-status=${l.status}>
            <td class="num">${l.line}${l.endLine && l.endLine !== l.line ? `–${l.endLine}` : ''}</td>
            <td><span class="badge ${w.cls}">${w.text}</span></td>
            <td>${l.ruleName ?? ''}</td>
            <td>${l.reason ?? ''}</td>
          </tr>`;
        })}
      </tbody>
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-import-report': ImportReportTable;
  }
}
