// Spam score at or above a number.
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Condition } from '../../../grammar/model.js';
import { base } from '../../ui/styles.js';
import { fireValue } from '../events.js';

type SpamScore = Extract<Condition, { kind: 'spam-score' }>;

@customElement('sw-spam-score-condition')
export class SpamScoreCondition extends LitElement {
  static override styles = base;
  @property({ attribute: false }) value!: SpamScore;

  override render() {
    return html`<label
        >Spam score at least
        <input
          type="number"
          step="0.5"
          min="0"
          max="100"
          .value=${String(this.value.atLeast)}
          @change=${(e: Event) => fireValue(this, { ...this.value, atLeast: Number((e.target as HTMLInputElement).value) })}
      /></label>
      <p class="muted">SpamAssassin scores most wanted mail below 2 and most spam above 5.</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-spam-score-condition': SpamScoreCondition;
  }
}
