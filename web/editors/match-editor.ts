// "contains / is exactly / matches …" plus one or more values.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { MATCH_TYPES, type MatchType, type StringMatch } from '../../grammar/model.js';
import { MATCH_TYPE_LABELS } from '../lib/words.js';
import { insertAt, removeAt, replaceAt } from '../lib/list-ops.js';
import { base } from '../ui/styles.js';
import { fireValue } from './events.js';

@customElement('sw-match-editor')
export class MatchEditor extends LitElement {
  static override styles = [
    base,
    css`
      .values {
        display: flex;
        flex-direction: column;
        gap: 0.35rem;
      }
      .value {
        display: flex;
        gap: 0.35rem;
      }
      .value input {
        flex: 1;
        min-width: 0;
      }
    `,
  ];

  @property({ attribute: false }) value: StringMatch = { match: 'contains', values: [''] };
  /** What is being matched, for the labels ("subject"). */
  @property() subject = 'value';

  private update_(patch: Partial<StringMatch>): void {
    fireValue(this, { ...this.value, ...patch });
  }

  override render() {
    const v = this.value;
    const values = v.values.length ? v.values : [''];
    return html`<div class="row">
        <label
          >How to compare
          <select @change=${(e: Event) => this.update_({ match: (e.target as HTMLSelectElement).value as MatchType })}>
            ${MATCH_TYPES.map((k) => html`<option value=${k} ?selected=${k === v.match}>${MATCH_TYPE_LABELS[k]}</option>`)}
          </select>
        </label>
        <label class="inline"
          ><input
            type="checkbox"
            .checked=${!!v.caseSensitive}
            @change=${(e: Event) => this.update_({ caseSensitive: (e.target as HTMLInputElement).checked || undefined })}
          />Match upper/lower case exactly</label
        >
      </div>
      <div class="values">
        ${values.map(
          (text, i) => html`<div class="value">
            <input
              type="text"
              aria-label=${`${this.subject}, value ${i + 1}`}
              aria-invalid=${text.trim() === '' ? 'true' : 'false'}
              placeholder=${v.match === 'regex' ? 'regular expression' : v.match === 'matches' ? 'e.g. *@example.com' : 'text'}
              .value=${text}
              @input=${(e: Event) => this.update_({ values: replaceAt(values, i, (e.target as HTMLInputElement).value) })}
            />
            ${values.length > 1
              ? html`<button class="icon" aria-label=${`Remove value ${i + 1}`} @click=${() => this.update_({ values: removeAt(values, i) })}>✕</button>`
              : null}
          </div>`,
        )}
        <div><button @click=${() => this.update_({ values: insertAt(values, values.length, '') })}>+ or another value</button></div>
      </div>
      ${values.includes('') ? html`<p class="error">Type what to look for: an empty value would match every message.</p>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-match-editor': MatchEditor;
  }
}
