// Read-only code with line numbers and colours, plus copy and download.
// Lines can be marked (e.g. the line a deploy failed on).
import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Token } from '../lib/highlight.js';
import { base } from './styles.js';

@customElement('sw-code-view')
export class CodeView extends LitElement {
  static override styles = [
    base,
    css`
      .bar {
        display: flex;
        gap: 0.4rem;
        justify-content: flex-end;
        flex-wrap: wrap;
        margin-bottom: 0.4rem;
      }
      pre {
        margin: 0;
        padding: 0.6rem 0;
        background: #f7f9fc;
        border: 1px solid #d5dce6;
        border-radius: 6px;
        overflow: auto;
        max-height: 70vh;
        counter-reset: line;
      }
      .line {
        display: block;
        padding: 0 0.75rem 0 0;
        white-space: pre;
      }
      .line::before {
        counter-increment: line;
        content: counter(line);
        display: inline-block;
        width: 3.2em;
        padding-right: 0.8em;
        text-align: right;
        color: #8a94a3;
        user-select: none;
      }
      .line.marked {
        background: #fde2e1;
      }
      .comment {
        color: #6a7380;
        font-style: italic;
      }
      .string {
        color: #0b7a3a;
      }
      .keyword {
        color: #1f4fbf;
        font-weight: 600;
      }
      .tag {
        color: #8a3ab9;
      }
      .number {
        color: #b35c00;
      }
    `,
  ];

  @property() code = '';
  @property() filename = 'file.txt';
  @property() label = 'Code';
  @property({ attribute: false }) highlight: (text: string) => Token[] = (text) => [{ type: 'plain', text }];
  @property({ attribute: false }) marked: number[] = [];
  @state() private copied = false;

  private lines() {
    // Split the token stream into lines so each line is its own block.
    const lines: Token[][] = [[]];
    for (const tok of this.highlight(this.code)) {
      const parts = tok.text.split('\n');
      parts.forEach((p, i) => {
        if (i > 0) lines.push([]);
        if (p) lines[lines.length - 1]!.push({ type: tok.type, text: p });
      });
    }
    return lines;
  }

  private async copy(): Promise<void> {
    await navigator.clipboard?.writeText(this.code).catch(() => undefined);
    this.copied = true;
    setTimeout(() => (this.copied = false), 1500);
  }

  private download(): void {
    const url = URL.createObjectURL(new Blob([this.code], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = this.filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  override render() {
    const marked = new Set(this.marked);
    return html`<div class="bar">
        <button @click=${this.copy}>${this.copied ? 'Copied ✓' : 'Copy'}</button>
        <button @click=${this.download}>Download ${this.filename}</button>
      </div>
      <pre tabindex="0" aria-label=${this.label}><code>${this.lines().map(
        (line, i) =>
          html`<span class="line ${marked.has(i + 1) ? 'marked' : ''}">${line.map((t) =>
            t.type === 'plain' ? t.text : html`<span class=${t.type}>${t.text}</span>`,
          )}${line.length ? '' : ' '}</span>`,
      )}</code></pre>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-code-view': CodeView;
  }
}
