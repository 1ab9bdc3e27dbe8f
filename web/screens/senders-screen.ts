// Trusted and blocked senders. Each trusted sender is either "any mail from
// this sender" or "only when authenticated" (so a forged From does not get
// through); blocked senders go to Junk, are deleted, or are refused.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { BlockAction, BlocklistEntry, WhitelistEntry } from '../../grammar/model.js';
import { senderConflicts } from '../../grammar/sender-conflicts.js';
import { matchesSearch, normalizeSender, parseSenderList } from '../lib/senders.js';
import { removeAt, replaceAt } from '../lib/list-ops.js';
import { base } from '../ui/styles.js';
import { fireValue } from '../editors/events.js';

export interface SendersValue {
  whitelist: WhitelistEntry[];
  blocklist: BlocklistEntry[];
}

const TRUST = { any: 'any mail from this sender', auth: 'only when authenticated' } as const;
const BLOCK: Record<BlockAction, string> = { junk: 'move to Junk', discard: 'delete silently', reject: 'refuse (bounce)' };

type ListKey = keyof SendersValue;

interface RowSpec<E> {
  empty: string;
  noun: string;
  modes: Record<string, string>;
  modeOf(e: E): string;
  withMode(e: E, mode: string): E;
  label(pattern: string): string;
}

const WHITELIST_ROWS: RowSpec<WhitelistEntry> = {
  empty: 'No trusted senders yet. Mail from a trusted sender is never sent to Junk by your spam settings.',
  noun: 'trusted sender',
  modes: TRUST,
  modeOf: (e) => (e.authenticated ? 'auth' : 'any'),
  withMode: (e, mode) => ({ ...e, authenticated: mode === 'auth' }),
  label: (pattern) => `Trust ${pattern}`,
};

const BLOCKLIST_ROWS: RowSpec<BlocklistEntry> = {
  empty: 'No blocked senders.',
  noun: 'blocked sender',
  modes: BLOCK,
  modeOf: (e) => e.action,
  withMode: (e, mode) => ({ ...e, action: mode as BlockAction }),
  label: (pattern) => `What to do with mail from ${pattern}`,
};

@customElement('sw-senders-screen')
export class SendersScreen extends LitElement {
  static override styles = [
    base,
    css`
      td {
        vertical-align: middle;
      }
      td.pattern {
        overflow-wrap: anywhere;
        width: 50%;
      }
      .add input[type='text'] {
        min-width: 14rem;
      }
      @media (max-width: 520px) {
        tr {
          display: flex;
          flex-wrap: wrap;
        }
        td.pattern {
          width: 100%;
        }
        /* The sender takes its own line, so the whole placeholder shows. */
        .add label.pattern {
          flex: 1 1 100%;
        }
        .add input[type='text'] {
          min-width: 0;
          width: 100%;
        }
      }
    `,
  ];

  @property({ attribute: false }) value: SendersValue = { whitelist: [], blocklist: [] };
  @state() private query = '';
  @state() private errors: Partial<Record<ListKey, string>> = {};
  @state() private bulkOpen: ListKey | null = null;

  private emit(p: Partial<SendersValue>): void {
    fireValue(this, { ...this.value, ...p });
  }

  private addOne(list: ListKey, form: HTMLFormElement): void {
    const data = new FormData(form);
    const raw = String(data.get('pattern') ?? '');
    const pattern = normalizeSender(raw);
    if (!pattern) {
      this.errors = { ...this.errors, [list]: `“${raw.trim() || '(empty)'}” is not a sender address. Use name@example.org, or *@example.org for a whole domain.` };
      return;
    }
    if (this.value[list].some((e) => e.pattern === pattern)) {
      this.errors = { ...this.errors, [list]: `${pattern} is already in this list.` };
      return;
    }
    this.errors = { ...this.errors, [list]: undefined };
    this.addPatterns(list, [pattern], String(data.get('mode')));
    form.reset();
  }

  private addPatterns(list: ListKey, patterns: string[], mode: string): void {
    if (list === 'whitelist') {
      this.emit({ whitelist: [...this.value.whitelist, ...patterns.map((pattern) => ({ pattern, authenticated: mode === 'auth' }))] });
    } else {
      this.emit({ blocklist: [...this.value.blocklist, ...patterns.map((pattern) => ({ pattern, action: mode as BlockAction }))] });
    }
  }

  private addBulk(list: ListKey, form: HTMLFormElement): void {
    const data = new FormData(form);
    const { patterns, rejected } = parseSenderList(String(data.get('bulk') ?? ''), this.value[list].map((e) => e.pattern));
    this.addPatterns(list, patterns, String(data.get('mode')));
    this.errors = {
      ...this.errors,
      [list]: rejected.length ? `Added ${patterns.length}. Not sender addresses, so left out: ${rejected.join(', ')}` : undefined,
    };
    if (!rejected.length) this.bulkOpen = null;
  }

  private addForm(list: ListKey) {
    const modes = list === 'whitelist' ? Object.entries(TRUST) : Object.entries(BLOCK);
    const modeSelect = html`<label
      >${list === 'whitelist' ? 'Trust' : 'Then'}
      <select name="mode">${modes.map(([k, t]) => html`<option value=${k}>${t}</option>`)}</select></label
    >`;
    const err = this.errors[list];
    return html`<form
        class="row add"
        @submit=${(e: SubmitEvent) => {
          e.preventDefault();
          this.addOne(list, e.target as HTMLFormElement);
        }}
      >
        <label class="pattern">Sender <input name="pattern" type="text" placeholder="name@example.org or *@example.org" autocomplete="off" /></label>
        ${modeSelect}
        <button type="submit">Add</button>
        <button type="button" aria-expanded=${this.bulkOpen === list ? 'true' : 'false'} @click=${() => (this.bulkOpen = this.bulkOpen === list ? null : list)}>Paste many…</button>
      </form>
      ${this.bulkOpen === list
        ? html`<form
            class="card"
            @submit=${(e: SubmitEvent) => {
              e.preventDefault();
              this.addBulk(list, e.target as HTMLFormElement);
            }}
          >
            <label>Senders, one per line or separated by commas <textarea name="bulk" rows="5"></textarea></label>
            <div class="row">${modeSelect}<button type="submit">Add all</button></div>
          </form>`
        : nothing}
      ${err ? html`<p class="error" role="alert">${err}</p>` : nothing}`;
  }

  /**
   * A note beside each entry that is both trusted and blocked: the emitted
   * script never blocks trusted mail, so the block does nothing.
   */
  private conflictNotes(): Map<object, string> {
    const notes = new Map<object, string>();
    for (const { trusted, blocked } of senderConflicts(this.value.whitelist, this.value.blocklist)) {
      const also = notes.get(trusted);
      notes.set(trusted, `${also ? `${also} ` : ''}Also blocked as ${blocked.pattern}: mail from a trusted sender is never blocked, so that block does nothing.`);
      notes.set(blocked, `Also trusted as ${trusted.pattern}: mail from a trusted sender is never blocked, so this block does nothing.`);
    }
    return notes;
  }

  /** The rows of one list, filtered by the search, each with its mode picker and a remove button. */
  private rows<K extends ListKey>(key: K, spec: RowSpec<SendersValue[K][number]>, notes: Map<object, string>) {
    const list = this.value[key] as SendersValue[K][number][];
    const shown = list.map((e, i) => [e, i] as const).filter(([e]) => matchesSearch(e.pattern, this.query));
    if (list.length === 0) return html`<p class="empty">${spec.empty}</p>`;
    if (shown.length === 0) return html`<p class="empty">No ${spec.noun} matches “${this.query}”.</p>`;
    const set = (next: SendersValue[K][number][]) => this.emit({ [key]: next } as Partial<SendersValue>);
    return html`<table>
      ${shown.map(
        ([e, i]) => html`<tr>
          <td class="pattern">
            ${e.pattern}
            ${notes.has(e) ? html`<p class="error conflict">${notes.get(e)}</p>` : nothing}
          </td>
          <td>
            <select aria-label=${spec.label(e.pattern)} @change=${(ev: Event) => set(replaceAt(list, i, spec.withMode(e, (ev.target as HTMLSelectElement).value)))}>
              ${Object.entries(spec.modes).map(([k, t]) => html`<option value=${k} ?selected=${k === spec.modeOf(e)}>${t}</option>`)}
            </select>
          </td>
          <td><button class="danger" aria-label=${`Remove ${e.pattern}`} @click=${() => set(removeAt(list, i))}>Remove</button></td>
        </tr>`,
      )}
    </table>`;
  }

  override render() {
    const notes = this.conflictNotes();
    return html`<h1>Senders</h1>
      <label
        >Search senders
        <input type="search" .value=${this.query} @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)}
      /></label>
      <section class="card">
        <h2>Trusted senders (${this.value.whitelist.length})</h2>
        <p class="muted">
          “Only when authenticated” trusts the sender only when their domain proves the mail is really from them (DKIM or DMARC pass), so
          a forged sender address is not trusted.
        </p>
        ${this.addForm('whitelist')} ${this.rows('whitelist', WHITELIST_ROWS, notes)}
      </section>
      <section class="card">
        <h2>Blocked senders (${this.value.blocklist.length})</h2>
        ${this.addForm('blocklist')} ${this.rows('blocklist', BLOCKLIST_ROWS, notes)}
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-senders-screen': SendersScreen;
  }
}
