// Size: over/under a number of KB or MB (the model keeps bytes).
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Condition } from '../../../grammar/model.js';
import { base } from '../../ui/styles.js';
import { fireValue } from '../events.js';

type Size = Extract<Condition, { kind: 'size' }>;
const MB = 1024 * 1024;

@customElement('sw-size-condition')
export class SizeCondition extends LitElement {
  static override styles = base;
  @property({ attribute: false }) value!: Size;

  override render() {
    const v = this.value;
    const unit = v.bytes >= MB && v.bytes % MB === 0 ? MB : 1024;
    const amount = v.bytes / unit;
    const emit = (amountValue: number, unitValue: number) =>
      fireValue(this, { ...v, bytes: Math.max(0, Math.round(amountValue * unitValue)) });
    return html`<div class="row">
      <label
        >The message is
        <select @change=${(e: Event) => fireValue(this, { ...v, comparison: (e.target as HTMLSelectElement).value as 'over' | 'under' })}>
          <option value="over" ?selected=${v.comparison === 'over'}>larger than</option>
          <option value="under" ?selected=${v.comparison === 'under'}>smaller than</option>
        </select></label
      >
      <label
        >Size
        <input
          type="number"
          min="0"
          step="any"
          .value=${String(amount)}
          @change=${(e: Event) => emit(Number((e.target as HTMLInputElement).value), unit)}
      /></label>
      <label
        >Unit
        <select @change=${(e: Event) => emit(amount, Number((e.target as HTMLSelectElement).value))}>
          <option value=${1024} ?selected=${unit === 1024}>KB</option>
          <option value=${MB} ?selected=${unit === MB}>MB</option>
        </select></label
      >
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-size-condition': SizeCondition;
  }
}
