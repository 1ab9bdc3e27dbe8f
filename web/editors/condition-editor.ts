// One condition: a type picker, then the editor element for that type.
// Groups and "not" nest the list/editor recursively.
import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { CONDITION_KINDS, type Condition, type StringMatch } from '../../grammar/model.js';
import { CONDITION_KIND_LABELS } from '../lib/words.js';
import { newCondition } from '../lib/factories.js';
import { base } from '../ui/styles.js';
import { fireValue, type ValueChangedEvent } from './events.js';
import './match-editor.js';
import './conditions/address-condition.js';
import './conditions/header-condition.js';
import './conditions/size-condition.js';
import './conditions/auth-condition.js';
import './conditions/spam-score-condition.js';
import './conditions/spamtest-condition.js';
import './condition-list.js';

type Group = Extract<Condition, { kind: 'group' }>;

@customElement('sw-condition-editor')
export class ConditionEditor extends LitElement {
  static override styles = [
    base,
    css`
      .body {
        display: flex;
        flex-direction: column;
        gap: 0.5rem;
        margin-top: 0.5rem;
      }
      .nested {
        border-left: 3px solid #c9d3e1;
        padding-left: 0.6rem;
      }
    `,
  ];

  @property({ attribute: false }) value!: Condition;

  private changed = (e: ValueChangedEvent<Condition>) => {
    e.stopPropagation();
    fireValue(this, e.detail.value);
  };

  private body() {
    const c = this.value;
    switch (c.kind) {
      case 'address':
      case 'envelope':
        return html`<sw-address-condition .value=${c} @value-changed=${this.changed}></sw-address-condition>`;
      case 'header':
      case 'exists':
        return html`<sw-header-condition .value=${c} @value-changed=${this.changed}></sw-header-condition>`;
      case 'subject':
      case 'list-id':
      case 'body':
        return html`<sw-match-editor
          .subject=${CONDITION_KIND_LABELS[c.kind]}
          .value=${c.test}
          @value-changed=${(e: ValueChangedEvent<StringMatch>) => fireValue(this, { ...c, test: e.detail.value })}
        ></sw-match-editor>`;
      case 'size':
        return html`<sw-size-condition .value=${c} @value-changed=${this.changed}></sw-size-condition>`;
      case 'auth':
        return html`<sw-auth-condition .value=${c} @value-changed=${this.changed}></sw-auth-condition>`;
      case 'spam-score':
        return html`<sw-spam-score-condition .value=${c} @value-changed=${this.changed}></sw-spam-score-condition>`;
      case 'spamtest':
        return html`<sw-spamtest-condition .value=${c} @value-changed=${this.changed}></sw-spamtest-condition>`;
      case 'always':
        return html`<p class="muted">Matches every message.</p>`;
      case 'not':
        return html`<div class="nested">
          <p class="muted">True when this is false:</p>
          <sw-condition-editor
            .value=${c.condition}
            @value-changed=${(e: ValueChangedEvent<Condition>) => fireValue(this, { ...c, condition: e.detail.value })}
          ></sw-condition-editor>
        </div>`;
      case 'group':
        return html`<div class="nested">
          <sw-condition-list
            .combine=${c.combine}
            .conditions=${c.conditions}
            @value-changed=${(e: ValueChangedEvent<Pick<Group, 'combine' | 'conditions'>>) =>
              fireValue(this, { ...c, ...e.detail.value })}
          ></sw-condition-list>
        </div>`;
    }
  }

  override render() {
    return html`<label
        >Condition type
        <select
          @change=${(e: Event) =>
            fireValue(this, newCondition((e.target as HTMLSelectElement).value as Condition['kind'], this.value))}
        >
          ${CONDITION_KINDS.map((k) => html`<option value=${k} ?selected=${k === this.value.kind}>${CONDITION_KIND_LABELS[k]}</option>`)}
        </select></label
      >
      <div class="body">${this.body()}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-condition-editor': ConditionEditor;
  }
}
