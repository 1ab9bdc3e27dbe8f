// Address and envelope conditions: which address, which part of it, how to match.
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ADDRESS_HEADERS, ADDRESS_PARTS, type AddressHeader, type AddressPart, type Condition, type StringMatch } from '../../../grammar/model.js';
import { ADDRESS_HEADER_LABELS, ADDRESS_PART_LABELS } from '../../lib/words.js';
import { base } from '../../ui/styles.js';
import { fireValue, type ValueChangedEvent } from '../events.js';
import '../match-editor.js';

type AddressLike = Extract<Condition, { kind: 'address' | 'envelope' }>;

@customElement('sw-address-condition')
export class AddressCondition extends LitElement {
  static override styles = base;
  @property({ attribute: false }) value!: AddressLike;

  private patch(p: Partial<AddressLike>): void {
    fireValue(this, { ...this.value, ...p } as AddressLike);
  }

  override render() {
    const v = this.value;
    const which =
      v.kind === 'address'
        ? html`<label
            >Address
            <select @change=${(e: Event) => this.patch({ header: (e.target as HTMLSelectElement).value as AddressHeader })}>
              ${ADDRESS_HEADERS.map((k) => html`<option value=${k} ?selected=${k === v.header}>${ADDRESS_HEADER_LABELS[k]}</option>`)}
            </select></label
          >`
        : html`<label
            >Envelope
            <select @change=${(e: Event) => this.patch({ field: (e.target as HTMLSelectElement).value as 'from' | 'to' })}>
              <option value="from" ?selected=${v.field === 'from'}>sender (MAIL FROM)</option>
              <option value="to" ?selected=${v.field === 'to'}>recipient (RCPT TO)</option>
            </select></label
          >`;
    return html`<div class="row">
        ${which}
        <label
          >Part
          <select @change=${(e: Event) => this.patch({ part: (e.target as HTMLSelectElement).value as AddressPart })}>
            ${ADDRESS_PARTS.map((k) => html`<option value=${k} ?selected=${k === v.part}>${ADDRESS_PART_LABELS[k]}</option>`)}
          </select></label
        >
      </div>
      <sw-match-editor
        subject="address"
        .value=${v.test}
        @value-changed=${(e: ValueChangedEvent<StringMatch>) => this.patch({ test: e.detail.value })}
      ></sw-match-editor>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-address-condition': AddressCondition;
  }
}
