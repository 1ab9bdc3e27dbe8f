// "My rules": the user's rules in order, with the administrator's rules shown
// where they run. Reorder by drag-and-drop, by Alt+Arrow keys or by the move
// buttons; switch rules on and off; duplicate; delete with undo.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { isRawBlock, type Rule, type RuleItem } from '../../grammar/model.js';
import { describeRule } from '../lib/words.js';
import { insertAt, moveItem, replaceAt } from '../lib/list-ops.js';
import { uniqueName } from '../lib/factories.js';
import { base } from '../ui/styles.js';
import { fireValue } from '../editors/events.js';
import { rulesScreenStyles } from './rules-screen.styles.js';

@customElement('sw-rules-screen')
export class RulesScreen extends LitElement {
  static override styles = [base, rulesScreenStyles];

  @property({ attribute: false }) rules: RuleItem[] = [];
  @property({ attribute: false }) adminRules: RuleItem[] = [];
  @property({ attribute: false }) disabledDefaults: string[] = [];
  /** Problems per user rule index, in words. */
  @property({ attribute: false }) problems: Map<number, string[]> = new Map();

  @state() private announcement = '';
  @state() private dragFrom: number | null = null;
  @state() private dropAt: number | null = null;

  private emit(rules: RuleItem[]): void {
    fireValue(this, rules);
  }

  private move(from: number, to: number, focus: boolean): void {
    if (to < 0 || to >= this.rules.length || from === to) return;
    const item = this.rules[from]!;
    this.emit(moveItem(this.rules, from, to));
    this.announcement = `Moved “${itemName(item)}” to position ${to + 1} of ${this.rules.length}.`;
    if (focus) {
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`li[data-index="${to}"]`)?.focus());
    }
  }

  private onKey(e: KeyboardEvent, i: number): void {
    if (e.target !== e.currentTarget) return;
    if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
      e.preventDefault();
      this.move(i, e.key === 'ArrowUp' ? i - 1 : i + 1, true);
    } else if (!e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
      e.preventDefault();
      const next = i + (e.key === 'ArrowUp' ? -1 : 1);
      this.renderRoot.querySelector<HTMLElement>(`li[data-index="${next}"]`)?.focus();
    } else if (e.key === 'Enter') {
      this.edit(i);
    }
  }

  private edit(i: number): void {
    this.dispatchEvent(new CustomEvent('edit-rule', { detail: { index: i } }));
  }

  private toggle(i: number): void {
    const item = this.rules[i]!;
    this.emit(replaceAt(this.rules, i, { ...item, enabled: !item.enabled }));
  }

  private duplicate(i: number): void {
    const item = this.rules[i]!;
    const names = this.rules.map(itemName);
    const copy = structuredClone(item);
    if (!isRawBlock(copy)) copy.name = uniqueName(`${copy.name} (copy)`, names);
    this.emit(insertAt(this.rules, i + 1, copy));
    this.announcement = `Duplicated “${itemName(item)}”.`;
  }

  private deleteAt(i: number): void {
    this.dispatchEvent(new CustomEvent('delete-rule', { detail: { index: i } }));
  }

  private toggleDefault(name: string, on: boolean): void {
    const disabled = on ? this.disabledDefaults.filter((n) => n !== name) : [...this.disabledDefaults, name];
    this.dispatchEvent(new CustomEvent('defaults-changed', { detail: { disabled } }));
  }

  private onDrop(e: DragEvent): void {
    e.preventDefault();
    if (this.dragFrom !== null && this.dropAt !== null) {
      const to = this.dropAt > this.dragFrom ? this.dropAt - 1 : this.dropAt;
      this.move(this.dragFrom, to, false);
    }
    this.dragFrom = this.dropAt = null;
  }

  private onDragOver(e: DragEvent, i: number): void {
    if (this.dragFrom === null) return;
    e.preventDefault();
    const li = e.currentTarget as HTMLElement;
    const box = li.getBoundingClientRect();
    const at = e.clientY > box.top + box.height / 2 ? i + 1 : i;
    if (at !== this.dropAt) this.dropAt = at;
  }

  private adminItem(item: RuleItem) {
    const r: Rule = isRawBlock(item)
      ? { name: itemName(item), enabled: item.enabled, combine: 'all', conditions: [], actions: [] }
      : item;
    const on = r.locked || !this.disabledDefaults.includes(r.name);
    return html`<li class="admin ${on ? '' : 'off'}">
      <div class="main">
        <div class="title">
          <span class="name">${r.name}</span>
          <span class="badge">Set by your administrator</span>
          ${r.locked ? html`<span class="badge warn" title="Your administrator requires this rule">🔒 Locked</span>` : nothing}
        </div>
        <p class="summary">${isRawBlock(item) ? 'Sieve written by your administrator.' : describeRule(r)}</p>
      </div>
      <div class="controls">
        ${r.locked
          ? html`<span class="muted">Always on</span>`
          : html`<label class="inline switch"
              ><input type="checkbox" .checked=${on} @change=${(e: Event) => this.toggleDefault(r.name, (e.target as HTMLInputElement).checked)} />${on ? 'On' : 'Off'}<span class="visually-hidden"> — ${r.name}</span></label
            >`}
      </div>
    </li>`;
  }

  private userItem(item: RuleItem, i: number) {
    const name = itemName(item);
    const problems = this.problems.get(i) ?? [];
    const dropClass = this.dropAt === i ? 'drop-before' : this.dropAt === i + 1 && i === this.rules.length - 1 ? 'drop-after' : '';
    return html`<li
      data-index=${i}
      tabindex="0"
      aria-label=${`${name}, rule ${i + 1} of ${this.rules.length}${item.enabled ? '' : ', off'}. Alt+Arrow keys move it.`}
      class="${item.enabled ? '' : 'off'} ${dropClass} ${this.dragFrom === i ? 'dragging' : ''}"
      draggable="true"
      @dragstart=${(e: DragEvent) => {
        this.dragFrom = i;
        e.dataTransfer?.setData('text/plain', String(i));
        if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
      }}
      @dragend=${() => (this.dragFrom = this.dropAt = null)}
      @dragover=${(e: DragEvent) => this.onDragOver(e, i)}
      @drop=${this.onDrop}
      @keydown=${(e: KeyboardEvent) => this.onKey(e, i)}
    >
      <span class="handle" aria-hidden="true" title="Drag to reorder">⠿</span>
      <div class="main">
        <div class="title">
          <span class="pos">${i + 1}.</span>
          <a class="name" href=${`#/rules/${i}`}>${name}</a>
          ${isRawBlock(item) ? html`<span class="badge">Imported Sieve, kept as is</span>` : nothing}
          ${problems.length ? html`<span class="badge bad">Needs attention</span>` : nothing}
        </div>
        <p class="summary">${isRawBlock(item) ? item.sieve.split('\n')[0] : describeRule(item)}</p>
        ${problems.length ? html`<ul class="errors">${problems.map((p) => html`<li>${p}</li>`)}</ul>` : nothing}
      </div>
      <div class="controls">
        <label class="inline switch"
          ><input type="checkbox" .checked=${item.enabled} @change=${() => this.toggle(i)} />${item.enabled ? 'On' : 'Off'}<span class="visually-hidden"> — ${name}</span></label
        >
        <button class="icon" aria-label=${`Move ${name} up`} ?disabled=${i === 0} @click=${() => this.move(i, i - 1, false)}>↑</button>
        <button class="icon" aria-label=${`Move ${name} down`} ?disabled=${i === this.rules.length - 1} @click=${() => this.move(i, i + 1, false)}>↓</button>
        <button aria-label=${`Duplicate ${name}`} @click=${() => this.duplicate(i)}>Duplicate</button>
        <button class="danger" aria-label=${`Delete ${name}`} @click=${() => this.deleteAt(i)}>Delete</button>
      </div>
    </li>`;
  }

  override render() {
    const runsAfter = (r: RuleItem) => !isRawBlock(r) && r.placement === 'after';
    const before = this.adminRules.filter((r) => !runsAfter(r));
    const after = this.adminRules.filter(runsAfter);
    return html`<div class="head">
        <h1>My rules</h1>
        <button class="primary" @click=${() => this.dispatchEvent(new CustomEvent('new-rule'))}>+ New rule</button>
      </div>
      <p class="muted">Rules run from top to bottom. Drag a rule, or focus it and press Alt+↑ / Alt+↓, to change the order.</p>
      ${before.length ? html`<h2>Before your rules</h2><ol class="rules">${before.map((r) => this.adminItem(r))}</ol>` : nothing}
      <h2>Your rules</h2>
      ${this.rules.length === 0
        ? html`<div class="empty">You have no rules yet. Mail goes to your Inbox, except what your administrator’s rules sort. <br />Start with <strong>+ New rule</strong>, or import an existing filter.</div>`
        : html`<ol class="rules" @dragleave=${(e: DragEvent) => e.currentTarget === e.target && (this.dropAt = null)}>
            ${this.rules.map((r, i) => this.userItem(r, i))}
          </ol>`}
      ${after.length ? html`<h2>After your rules</h2><ol class="rules">${after.map((r) => this.adminItem(r))}</ol>` : nothing}
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>`;
  }
}

export function itemName(item: RuleItem): string {
  return isRawBlock(item) ? (item.name ?? 'Imported Sieve') : item.name;
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-rules-screen': RulesScreen;
  }
}
