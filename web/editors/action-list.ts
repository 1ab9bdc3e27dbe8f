// The "then" part of a rule: an ordered list of actions, each with a type
// picker and the editor element for that type.
import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ACTION_KINDS, type Action } from '../../grammar/model.js';
import { ACTION_KIND_LABELS } from '../lib/words.js';
import { newAction } from '../lib/factories.js';
import { insertAt, moveItem, removeAt, replaceAt } from '../lib/list-ops.js';
import { base, cardList } from '../ui/styles.js';
import { fireValue, type ValueChangedEvent } from './events.js';
import './actions/folder-action.js';
import './actions/redirect-action.js';
import './actions/vacation-action.js';

@customElement('sw-action-list')
export class ActionList extends LitElement {
  static override styles = [
    base,
    cardList,
    css`
      ol.cards > li {
        display: flex;
        flex-direction: column;
        gap: 0.5rem;
      }
      ol.cards > li > label {
        align-self: flex-start;
      }
    `,
  ];

  @property({ attribute: false }) actions: Action[] = [];
  @property({ attribute: false }) folders: string[] = [];
  @property({ attribute: false }) allowedDomains: string[] = [];
  @property() junkFolder = 'Junk';

  private set(i: number, a: Action): void {
    fireValue(this, replaceAt(this.actions, i, a));
  }

  private editor(a: Action, i: number) {
    const up = (e: ValueChangedEvent<Action>) => {
      e.stopPropagation();
      this.set(i, e.detail.value);
    };
    switch (a.kind) {
      case 'fileinto':
        return html`<sw-folder-action .value=${a} .folders=${this.folders} @value-changed=${up}></sw-folder-action>`;
      case 'redirect':
        return html`<sw-redirect-action .value=${a} .allowedDomains=${this.allowedDomains} @value-changed=${up}></sw-redirect-action>`;
      case 'vacation':
        return html`<sw-vacation-action .value=${a} @value-changed=${up}></sw-vacation-action>`;
      case 'reject':
        return html`<label
          >Message to the sender
          <input type="text" .value=${a.reason} @input=${(e: Event) => this.set(i, { ...a, reason: (e.target as HTMLInputElement).value })}
        /></label>`;
      case 'keyword':
        return html`<label
          >Label
          <input
            type="text"
            aria-invalid=${/^[^\s()%*"\\\]{]+$/.test(a.keyword) ? 'false' : 'true'}
            .value=${a.keyword}
            @input=${(e: Event) => this.set(i, { ...a, keyword: (e.target as HTMLInputElement).value.trim() })}
        /></label>`;
      case 'discard':
        return html`<p class="muted">The message is deleted without telling the sender. It cannot be recovered.</p>`;
      case 'stop':
        return html`<p class="muted">Rules below this one are not applied to the message.</p>`;
      default:
        return null;
    }
  }

  override render() {
    const list = this.actions;
    return html`${list.length === 0 ? html`<p class="error">Add at least one action: what should happen to the message?</p>` : null}
      <ol class="cards">
        ${list.map(
          (a, i) => html`<li>
            <label
              >Action
              <select @change=${(e: Event) => this.set(i, newAction((e.target as HTMLSelectElement).value as Action['kind'], this.junkFolder))}>
                ${ACTION_KINDS.map((k) => html`<option value=${k} ?selected=${k === a.kind}>${ACTION_KIND_LABELS[k]}</option>`)}
              </select></label
            >
            ${this.editor(a, i)}
            <div class="tools">
              <button class="icon" aria-label=${`Move action ${i + 1} up`} ?disabled=${i === 0} @click=${() => fireValue(this, moveItem(list, i, i - 1))}>↑</button>
              <button class="icon" aria-label=${`Move action ${i + 1} down`} ?disabled=${i === list.length - 1} @click=${() => fireValue(this, moveItem(list, i, i + 1))}>↓</button>
              <button class="danger" aria-label=${`Remove action ${i + 1}`} @click=${() => fireValue(this, removeAt(list, i))}>Remove</button>
            </div>
          </li>`,
        )}
      </ol>
      <button @click=${() => fireValue(this, insertAt(list, list.length, newAction('fileinto', this.junkFolder)))}>+ Add action</button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-action-list': ActionList;
  }
}
