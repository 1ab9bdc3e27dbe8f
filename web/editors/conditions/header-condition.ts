// Header conditions: named headers that match a value, or that merely exist.
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Condition, StringMatch } from '../../../grammar/model.js';
import { base } from '../../ui/styles.js';
import { fireValue, type ValueChangedEvent } from '../events.js';
import '../match-editor.js';

type HeaderLike = Extract<Condition, { kind: 'header' | 'exists' }>;

@customElement('sw-header-condition')
export class HeaderCondition extends LitElement {
  static override styles = base;
  @property({ attribute: false }) value!: HeaderLike;

  override render() {
    const v = this.value;
    const names = v.names.join(', ');
    return html`<label
        >Header names (separate with commas)
        <input
          type="text"
          aria-invalid=${v.names.length === 0 ? 'true' : 'false'}
          .value=${names}
          @change=${(e: Event) =>
            fireValue(this, {
              ...v,
              names: (e.target as HTMLInputElement).value
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            })}
      /></label>
      ${v.kind === 'header'
        ? html`<sw-match-editor
            subject="header value"
            .value=${v.test}
            @value-changed=${(e: ValueChangedEvent<StringMatch>) => fireValue(this, { ...v, test: e.detail.value })}
          ></sw-match-editor>`
        : null}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-header-condition': HeaderCondition;
  }
}
