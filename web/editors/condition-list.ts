// all / any / none of a list of conditions; used by the rule editor and,
// recursively, by condition groups.
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { COMBINES, type Combine, type Condition } from '../../grammar/model.js';
import { COMBINE_LABELS, CONDITION_KIND_LABELS } from '../lib/words.js';
import { newCondition } from '../lib/factories.js';
import { insertAt, moveItem, removeAt, replaceAt } from '../lib/list-ops.js';
import { base, cardList } from '../ui/styles.js';
import { fireValue, type ValueChangedEvent } from './events.js';
import './condition-editor.js';

export interface ConditionListValue {
  combine: Combine;
  conditions: Condition[];
}

@customElement('sw-condition-list')
export class ConditionList extends LitElement {
  static override styles = [base, cardList];

  @property() combine: Combine = 'all';
  @property({ attribute: false }) conditions: Condition[] = [];

  private emit(v: Partial<ConditionListValue>): void {
    fireValue(this, { combine: this.combine, conditions: this.conditions, ...v });
  }

  override render() {
    const list = this.conditions;
    return html`<label
        >Match when
        <select @change=${(e: Event) => this.emit({ combine: (e.target as HTMLSelectElement).value as Combine })}>
          ${COMBINES.map((k) => html`<option value=${k} ?selected=${k === this.combine}>${COMBINE_LABELS[k]}</option>`)}
        </select></label
      >
      ${list.length === 0
        ? html`<p class="error">Add at least one condition: which messages should this act on? (For all mail, choose “${CONDITION_KIND_LABELS.always}”.)</p>`
        : null}
      <ol class="cards">
        ${list.map(
          (c, i) => html`<li>
            <sw-condition-editor
              .value=${c}
              @value-changed=${(e: ValueChangedEvent<Condition>) => {
                e.stopPropagation();
                this.emit({ conditions: replaceAt(list, i, e.detail.value) });
              }}
            ></sw-condition-editor>
            <div class="tools">
              <button class="icon" aria-label=${`Move condition ${i + 1} up`} ?disabled=${i === 0} @click=${() => this.emit({ conditions: moveItem(list, i, i - 1) })}>↑</button>
              <button class="icon" aria-label=${`Move condition ${i + 1} down`} ?disabled=${i === list.length - 1} @click=${() => this.emit({ conditions: moveItem(list, i, i + 1) })}>↓</button>
              <button class="danger" aria-label=${`Remove condition ${i + 1}`} @click=${() => this.emit({ conditions: removeAt(list, i) })}>Remove</button>
            </div>
          </li>`,
        )}
      </ol>
      <div class="row">
        <button @click=${() => this.emit({ conditions: insertAt(list, list.length, newCondition('address')) })}>+ Add condition</button>
        <button @click=${() => this.emit({ conditions: insertAt(list, list.length, newCondition('group')) })}>+ Add group</button>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-condition-list': ConditionList;
  }
}
