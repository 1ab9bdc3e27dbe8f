// "My rules": the user's rules in order, with the administrator's rules and
// the built-in spam filter shown where they run. Reorder by drag-and-drop, by
// Alt+Arrow keys or by the move buttons; switch rules on and off; duplicate;
// delete with undo; find a rule by what it names (rule-search.ts). The
// out-of-office reply and the forward of all mail are rules too, shown with
// a link to their own screens.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { isRawBlock, spamFilterOn, type Rule, type RuleItem, type SpamSettings } from '../../grammar/model.js';
import { describeRule, formatScore, spamFilterTitle } from '../lib/words.js';
import { insertAt, moveItem, replaceAt } from '../lib/list-ops.js';
import { uniqueName } from '../lib/factories.js';
import type { RuleProblem } from '../lib/problems.js';
import { findRules } from '../lib/rule-search.js';
import { builtinKind } from '../lib/builtin-rules.js';
import { base } from '../ui/styles.js';
import { lockIcon } from '../ui/lock-icon.js';
import { fireValue } from '../editors/events.js';
import { rulesScreenStyles } from './rules-screen.styles.js';

@customElement('sw-rules-screen')
export class RulesScreen extends LitElement {
  static override styles = [base, rulesScreenStyles];

  @property({ attribute: false }) rules: RuleItem[] = [];
  @property({ attribute: false }) adminRules: RuleItem[] = [];
  @property({ attribute: false }) disabledDefaults: string[] = [];
  /** The user's spam settings, for the built-in spam filter step. */
  @property({ attribute: false }) spam: SpamSettings | null = null;
  /** Problems per user rule index, in words. */
  @property({ attribute: false }) problems: Map<number, RuleProblem[]> = new Map();

  @state() private announcement = '';
  @state() private query = '';
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

  // Rows and their buttons share listeners on the list (one each, not one
  // per row): a 500-rule list renders noticeably faster.
  private rowOf(e: Event): { li: HTMLElement; i: number } | null {
    const li = (e.target as HTMLElement).closest<HTMLElement>('li[data-index]');
    return li ? { li, i: Number(li.dataset.index) } : null;
  }

  private onKey = (e: KeyboardEvent): void => {
    const row = this.rowOf(e);
    if (!row || e.target !== row.li) return;
    const { i } = row;
    if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown') && this.query.trim() === '') {
      e.preventDefault();
      this.move(i, e.key === 'ArrowUp' ? i - 1 : i + 1, true);
    } else if (!e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
      e.preventDefault();
      // The next row shown, which with a search is not always the next index.
      const next = e.key === 'ArrowUp' ? row.li.previousElementSibling : row.li.nextElementSibling;
      (next as HTMLElement | null)?.focus();
    } else if (e.key === 'Enter') {
      this.edit(i);
    }
  };

  private onAction = (e: Event): void => {
    const button = (e.target as HTMLElement).closest<HTMLElement>('[data-act]');
    const row = this.rowOf(e);
    if (!button || !row || (e.type === 'click' && button.tagName === 'INPUT')) return;
    const { i } = row;
    const act = button.dataset.act;
    if (act === 'toggle') this.toggle(i);
    else if (act === 'up') this.move(i, i - 1, false);
    else if (act === 'down') this.move(i, i + 1, false);
    else if (act === 'duplicate') this.duplicate(i);
    else if (act === 'delete') this.deleteAt(i);
  };

  private onDragStart = (e: DragEvent): void => {
    const row = this.rowOf(e);
    if (!row) return;
    this.dragFrom = row.i;
    e.dataTransfer?.setData('text/plain', String(row.i));
    if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
  };

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

  private onDrop = (e: DragEvent): void => {
    e.preventDefault();
    if (this.dragFrom !== null && this.dropAt !== null) {
      const to = this.dropAt > this.dragFrom ? this.dropAt - 1 : this.dropAt;
      this.move(this.dragFrom, to, false);
    }
    this.dragFrom = this.dropAt = null;
  };

  private onDragOver = (e: DragEvent): void => {
    const row = this.rowOf(e);
    if (this.dragFrom === null || !row) return;
    e.preventDefault();
    const box = row.li.getBoundingClientRect();
    const at = e.clientY > box.top + box.height / 2 ? row.i + 1 : row.i;
    if (at !== this.dropAt) this.dropAt = at;
  };

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
          ${r.locked ? html`<span class="badge warn" title="Your administrator requires this rule">${lockIcon()} Locked</span>` : nothing}
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

  /** Read-only: the step is switched and tuned on the Spam settings screen. */
  private spamItem(s: SpamSettings) {
    const on = spamFilterOn(s);
    return html`<li class="admin builtin ${on ? '' : 'off'}" data-builtin="spam-filter">
      <div class="main">
        <div class="title">
          <span class="name">${spamFilterTitle(s)}</span>
          <span class="badge">Built in</span>
        </div>
        <p class="summary">
          ${on
            ? `Mail SpamAssassin scores ${formatScore(s.threshold)} or more goes to ${s.junkFolder} before your rules run, unless you trust the sender.`
            : 'Off: spam is left to your rules.'}
        </p>
      </div>
      <div class="controls">
        <span class="muted">${on ? 'On' : 'Off'}</span>
        <a href="#/spam">Change in Spam settings</a>
      </div>
    </li>`;
  }

  private userItem(item: RuleItem, i: number) {
    const name = itemName(item);
    const problems = this.problems.get(i) ?? [];
    const builtin = builtinKind(item);
    const filtering = this.query.trim() !== '';
    const dropClass = this.dropAt === i ? 'drop-before' : this.dropAt === i + 1 && i === this.rules.length - 1 ? 'drop-after' : '';
    return html`<li
      data-index=${i}
      tabindex="0"
      aria-label=${`${name}, rule ${i + 1} of ${this.rules.length}${item.enabled ? '' : ', off'}. Alt+Arrow keys move it.`}
      class="${item.enabled ? '' : 'off'} ${dropClass} ${this.dragFrom === i ? 'dragging' : ''}"
      draggable=${filtering ? 'false' : 'true'}
    >
      <span class="handle" aria-hidden="true" title="Drag to reorder">⠿</span>
      <div class="main">
        <div class="title">
          <span class="pos">${i + 1}.</span>
          <a class="name" href=${`#/rules/${i}`}>${name}</a>
          ${isRawBlock(item) ? html`<span class="badge">Imported Sieve, kept as is</span>` : nothing}
          ${builtin ? html`<span class="badge">Built in</span> <a href=${builtin === 'out-of-office' ? '#/out-of-office' : '#/forwarding'}>Change in ${builtin === 'out-of-office' ? 'Out of office' : 'Forwarding'}</a>` : nothing}
          ${problems.length ? html`<span class="badge bad">Needs attention</span>` : nothing}
        </div>
        <p class="summary">${isRawBlock(item) ? item.sieve.split('\n')[0] : describeRule(item)}</p>
        ${problems.length ? html`<ul class="errors">${problems.map((p) => html`<li>${p.message}</li>`)}</ul>` : nothing}
      </div>
      <div class="controls">
        <label class="inline switch"
          ><input type="checkbox" data-act="toggle" .checked=${item.enabled} />${item.enabled ? 'On' : 'Off'}<span class="visually-hidden"> — ${name}</span></label
        >
        <button class="icon" aria-label=${`Move ${name} up`} data-act="up" ?disabled=${i === 0}>↑</button>
        <button class="icon" aria-label=${`Move ${name} down`} data-act="down" ?disabled=${i === this.rules.length - 1}>↓</button>
        <button aria-label=${`Duplicate ${name}`} data-act="duplicate">Duplicate</button>
        <button class="danger" aria-label=${`Delete ${name}`} data-act="delete">Delete</button>
      </div>
    </li>`;
  }

  private searchBox(found: number) {
    const filtering = this.query.trim() !== '';
    return html`<div class="search" role="search">
      <label
        >Find a rule
        <input
          type="search"
          placeholder="Name, a value it looks for, or a folder"
          .value=${this.query}
          @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)}
      /></label>
      <p class="muted" role="status" aria-live="polite">
        ${filtering ? (found === 0 ? 'No rule matches.' : `Showing ${found} of ${this.rules.length} rules.`) : ''}
      </p>
    </div>`;
  }

  override render() {
    const runsAfter = (r: RuleItem) => !isRawBlock(r) && r.placement === 'after';
    const before = this.adminRules.filter((r) => !runsAfter(r));
    const after = this.adminRules.filter(runsAfter);
    // The order the script runs them: locked rules, the spam filter, the others.
    const locked = (r: RuleItem) => !isRawBlock(r) && r.locked === true;
    const first = [...before.filter(locked).map((r) => this.adminItem(r)), ...(this.spam ? [this.spamItem(this.spam)] : [])];
    const beforeItems = [...first, ...before.filter((r) => !locked(r)).map((r) => this.adminItem(r))];
    const shown = findRules(this.rules, this.query);
    return html`<div class="head">
        <h1>My rules</h1>
        <button class="primary" @click=${() => this.dispatchEvent(new CustomEvent('new-rule'))}>+ New rule</button>
      </div>
      <p class="muted">Rules run from top to bottom. Drag a rule, or focus it and press Alt+↑ / Alt+↓, to change the order.</p>
      ${beforeItems.length ? html`<h2>Before your rules</h2><ol class="rules">${beforeItems}</ol>` : nothing}
      <h2>Your rules</h2>
      ${this.rules.length > 0 ? this.searchBox(shown.length) : nothing}
      ${this.rules.length === 0
        ? html`<div class="empty">You have no rules yet. Mail goes to your Inbox, except spam and what your administrator’s rules sort. <br />Start with <strong>+ New rule</strong>, or import an existing filter.</div>`
        : html`<ol
            class="rules"
            @click=${this.onAction}
            @change=${this.onAction}
            @keydown=${this.onKey}
            @dragstart=${this.onDragStart}
            @dragover=${this.onDragOver}
            @drop=${this.onDrop}
            @dragend=${() => (this.dragFrom = this.dropAt = null)}
            @dragleave=${(e: DragEvent) => e.currentTarget === e.target && (this.dropAt = null)}
          >
            ${shown.map((i) => this.userItem(this.rules[i]!, i))}
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
