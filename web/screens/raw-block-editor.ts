// A block of Sieve kept as written (imported, or written by hand): edited as
// text, checked on every keystroke with the checks the server runs on save,
// each problem marked at its line.
import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RawBlock } from '../../grammar/model.js';
import { rawBlockChecks, type ServerRules } from '../lib/raw-block-checks.js';
import { base } from '../ui/styles.js';
import { fireValue } from '../editors/events.js';
import '../ui/dsl-editor.js';

@customElement('sw-raw-block-editor')
export class RawBlockEditor extends LitElement {
  static override styles = [
    base,
    css`
      .head {
        margin-bottom: 0.5rem;
      }
      .fields {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 0.6rem;
      }
      @media (min-width: 700px) {
        .fields {
          grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
        }
      }
      input[type='text'] {
        width: 100%;
      }
      .fields + label {
        margin-top: 0.6rem;
      }
    `,
  ];

  @property({ attribute: false }) block!: RawBlock;
  @property({ type: Number }) index = 0;
  @property({ attribute: false }) server!: ServerRules;

  private patch(p: Partial<RawBlock>): void {
    fireValue(this, { ...this.block, ...p });
  }

  private setName(value: string): void {
    const { name: _, ...rest } = this.block;
    fireValue(this, value === '' ? rest : { ...rest, name: value });
  }

  override render() {
    const b = this.block;
    const diagnostics = rawBlockChecks(b, this.server);
    return html`<div class="head">
        <h1>Edit Sieve block ${this.index + 1}</h1>
        <div class="row">
          <button class="danger" @click=${() => this.dispatchEvent(new CustomEvent('delete-rule'))}>Delete block</button>
          <button class="primary" @click=${() => this.dispatchEvent(new CustomEvent('close'))}>Done</button>
        </div>
      </div>
      <p class="muted">
        This part of your filter is Sieve text, copied into your script exactly as written. It is checked as you type, the way the server checks it
        when you save.
      </p>
      <section class="card">
        <div class="fields">
          <label
            >Name (optional)
            <input type="text" .value=${b.name ?? ''} @input=${(e: Event) => this.setName((e.target as HTMLInputElement).value)}
          /></label>
          <label
            >Sieve extensions it uses (the “require” list, separated by spaces)
            <input
              type="text"
              class="code"
              spellcheck="false"
              .value=${b.requires.join(' ')}
              @input=${(e: Event) => this.patch({ requires: (e.target as HTMLInputElement).value.split(/[\s,]+/).filter(Boolean) })}
          /></label>
        </div>
        <label class="inline"
          ><input type="checkbox" .checked=${b.enabled} @change=${(e: Event) => this.patch({ enabled: (e.target as HTMLInputElement).checked })} />Block is
          on</label
        >
      </section>
      <section class="card">
        <sw-dsl-editor
          label="Sieve text"
          .value=${b.sieve}
          .diagnostics=${diagnostics}
          @text-changed=${(e: CustomEvent<{ value: string }>) => this.patch({ sieve: e.detail.value })}
        ></sw-dsl-editor>
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-raw-block-editor': RawBlockEditor;
  }
}
