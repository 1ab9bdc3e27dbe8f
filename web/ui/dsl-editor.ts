// A plain textarea for rules DSL text with a line-number gutter that marks
// the lines with errors, and the errors listed in words with line:column and
// a caret excerpt; activating an error puts the cursor there.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { formatDiagnostic, type Diagnostic } from '../../grammar/diagnostics.js';
import { base } from './styles.js';

/** Offset of a 1-based line:column in text. */
export function offsetOf(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return Math.min(text.length, off + column - 1);
}

@customElement('sw-dsl-editor')
export class DslEditor extends LitElement {
  static override styles = [
    base,
    css`
      .wrap {
        display: flex;
        border: 1px solid #aab4c3;
        border-radius: 6px;
        background: #fff;
        max-height: 65vh;
        overflow: auto;
      }
      .gutter {
        padding: 0.3rem 0.4rem;
        text-align: right;
        color: #5a6473;
        background: #f3f5f9;
        user-select: none;
        white-space: pre;
        /* Long lines scroll the box sideways; the line numbers stay in view. */
        position: sticky;
        left: 0;
        font: 13px/1.5 ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace;
      }
      .gutter .bad {
        color: #fff;
        background: #c0392b;
        border-radius: 3px;
        padding: 0 0.2rem;
      }
      textarea {
        border: 0;
        border-radius: 0;
        resize: none;
        overflow: hidden;
        white-space: pre;
        line-height: 1.5;
        min-height: 16rem;
        padding: 0.3rem 0.5rem;
        flex: 1 0 auto;
        width: auto;
        max-width: none;
      }
      .diag {
        margin: 0.5rem 0;
        padding: 0;
        list-style: none;
      }
      .diag button {
        text-align: left;
        width: 100%;
        background: #fff6f5;
        border-color: #e3b3ad;
      }
      .diag button.warning,
      .diag button.info {
        background: #fffaeb;
        border-color: #e0c46c;
      }
      .diag pre {
        margin: 0.25rem 0 0;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .ok {
        color: #1b6b34;
      }
    `,
  ];

  @property() value = '';
  @property({ attribute: false }) diagnostics: Diagnostic[] = [];
  @property() label = 'Rules as text';
  @query('textarea') private area!: HTMLTextAreaElement;

  focusAt(line: number, column: number): void {
    const off = offsetOf(this.area.value, line, column);
    this.area.focus();
    this.area.setSelectionRange(off, off);
  }

  override render() {
    const lines = this.value.split('\n');
    const lineCount = lines.length;
    const bad = new Set(this.diagnostics.filter((d) => d.severity === 'error' && d.start).map((d) => d.start!.line));
    const gutter = Array.from({ length: lineCount }, (_, i) =>
      bad.has(i + 1) ? html`<span class="bad" title="error on this line">${i + 1}</span>\n` : `${i + 1}\n`,
    );
    return html`<label for="src">${this.label}</label>
      <div class="wrap">
        <div class="gutter" aria-hidden="true">${gutter}</div>
        <textarea
          id="src"
          class="code"
          spellcheck="false"
          rows=${Math.max(12, lineCount + 1)}
          cols=${Math.max(20, ...lines.map((l) => l.length + 2))}
          aria-invalid=${bad.size ? 'true' : 'false'}
          aria-describedby="diags"
          .value=${this.value}
          @input=${(e: Event) =>
            this.dispatchEvent(new CustomEvent('text-changed', { detail: { value: (e.target as HTMLTextAreaElement).value } }))}
        ></textarea>
      </div>
      <div id="diags" aria-live="polite">
        ${this.diagnostics.length === 0
          ? html`<p class="ok">No errors.</p>`
          : html`<ul class="diag">
              ${this.diagnostics.map(
                (d) => html`<li>
                  <button class=${d.severity} @click=${() => d.start && this.focusAt(d.start.line, d.start.column)}>
                    <strong>${d.severity === 'error' ? '' : 'Warning — '}${d.start ? `Line ${d.start.line}, column ${d.start.column}: ` : ''}</strong>${d.message}
                    ${d.start ? html`<pre>${formatDiagnostic(d, this.value).split('\n').slice(1).join('\n')}</pre>` : nothing}
                  </button>
                </li>`,
              )}
            </ul>`}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-dsl-editor': DslEditor;
  }
}
