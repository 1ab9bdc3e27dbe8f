// The server's spam or virus verdict (Sieve spamtest, virustest) compared with a number.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { RELATIONS, type Condition, type Relation } from '../../../grammar/model.js';
import { base } from '../../ui/styles.js';
import { RELATION_LABELS } from '../../lib/words.js';
import { fireValue } from '../events.js';

type SpamTest = Extract<Condition, { kind: 'spamtest' }>;

@customElement('sw-spamtest-condition')
export class SpamTestCondition extends LitElement {
  static override styles = base;
  @property({ attribute: false }) value!: SpamTest;

  private setEngine(engine: SpamTest['engine']): void {
    const { percent: _dropped, ...rest } = this.value;
    fireValue(this, engine === 'spam' && this.value.percent ? { ...rest, engine, percent: true } : { ...rest, engine });
  }

  private setPercent(on: boolean): void {
    const { percent: _dropped, ...rest } = this.value;
    fireValue(this, on ? { ...rest, percent: true } : rest);
  }

  override render() {
    const v = this.value;
    const max = v.engine === 'virus' ? 5 : v.percent ? 100 : 10;
    return html`<div class="row">
        <label
          >Verdict
          <select @change=${(e: Event) => this.setEngine((e.target as HTMLSelectElement).value as SpamTest['engine'])}>
            <option value="spam" ?selected=${v.engine === 'spam'}>spam</option>
            <option value="virus" ?selected=${v.engine === 'virus'}>virus</option>
          </select></label
        >
        <label
          >Is
          <select @change=${(e: Event) => fireValue(this, { ...v, relation: (e.target as HTMLSelectElement).value as Relation })}>
            ${RELATIONS.map((r) => html`<option value=${r} ?selected=${v.relation === r}>${RELATION_LABELS[r]}</option>`)}
          </select></label
        >
        <label
          >Value
          <input type="number" min="0" max=${max} step="1" .value=${String(v.value)} @change=${(e: Event) => fireValue(this, { ...v, value: Number((e.target as HTMLInputElement).value) })}
        /></label>
        ${v.engine === 'spam'
          ? html`<label class="inline"
              ><input type="checkbox" .checked=${v.percent === true} @change=${(e: Event) => this.setPercent((e.target as HTMLInputElement).checked)} />In percent</label
            >`
          : nothing}
      </div>
      <p class="muted">The mail server's own verdict: spam 0-10 (or 0-100 in percent), virus 0 (not scanned) to 5 (infected).</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-spamtest-condition': SpamTestCondition;
  }
}
