// "Test on my recent mail": the draft rules (saved or not) run over the
// newest messages of chosen folders, what each rule would do, the messages
// with where they would go, "create a rule from this message", and applying
// chosen rules to a folder now: the dry-run count first, a confirmation,
// progress, and undo.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { isRawBlock, type RuleSet } from '../../grammar/model.js';
import { ApiError } from '../api/http.js';
import { applyRun, applyRuns, planApply, startApply, tryRules, undoApply } from '../api/mail.js';
import type { ApplyRun, ApplyRunDetail, RuleReport, TriedMessage, TryResponse } from '../api/types.js';
import { base } from '../ui/styles.js';
import type { MessageFacts } from './rule-from-message.js';

/** Fired with a message's facts: the shell opens the rule editor on a new rule made from them. */
export const CREATE_RULE_EVENT = 'create-rule-from-message';

function destination(m: TriedMessage): string {
  const v = m.verdict;
  if (v.undecided) return 'decided by imported Sieve text (only the server can tell)';
  const places = [...v.folders, ...(v.kept ? ['INBOX'] : [])];
  const extra = v.effects.map((e) => (e.startsWith('flag:') ? `flag ${e.slice(5)}` : e));
  return [...places, ...extra].join(', ') || '—';
}

function decider(m: TriedMessage): string {
  const d = m.verdict.decidedBy;
  if (!d) return '';
  if ('ruleIndex' in d) return d.ruleName;
  if (d.ruleName) return `admin rule “${d.ruleName}”`;
  return { implicit: 'no rule (kept)', spam: 'spam filter', whitelist: 'whitelist', blocklist: 'blocklist' }[d.source] ?? d.source;
}

function ruleLine(r: RuleReport, total: number, ruleSet: RuleSet) {
  const earlier = r.unreachableAfter === null ? null : ruleSet.rules[r.unreachableAfter];
  if (earlier && !isRawBlock(earlier)) return html`<span class="badge warn">never reached</span> “${earlier.name}” above it stops every message first.`;
  if (r.matched === 0 && r.shadowed > 0) {
    return html`<span class="badge warn">shadowed</span> It matches ${r.shadowed} of your last ${total} messages, but earlier rules or your sender lists decide them first.`;
  }
  if (r.matched === 0) return html`<span class="badge">never fires</span> None of your last ${total} messages match it.`;
  return r.moved
    ? html`This rule would have moved <strong>${r.moved}</strong> of your last ${total} messages${r.matched > r.moved ? html` (and acted on ${r.matched - r.moved} more)` : nothing}.`
    : html`This rule would have acted on <strong>${r.matched}</strong> of your last ${total} messages.`;
}

@customElement('sw-try-screen')
export class TryScreen extends LitElement {
  static override styles = [
    base,
    css`
      fieldset {
        border: none;
        padding: 0;
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
      }
      progress {
        width: 100%;
      }
      td.dest {
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false }) ruleSet!: RuleSet;
  @property({ attribute: false }) folders: string[] = ['INBOX'];

  @state() private chosen = new Set(['INBOX']);
  @state() private limit = 200;
  @state() private busy = false;
  @state() private error = '';
  @state() private report: TryResponse | null = null;
  @state() private tried: RuleSet | null = null;

  @state() private applyRules = new Set<number>();
  @state() private applyFolder = 'INBOX';
  @state() private planned: number | null = null;
  @state() private run: ApplyRun | ApplyRunDetail | null = null;
  @state() private runs: ApplyRun[] = [];
  private poll: number | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.loadRuns();
  }

  private loadRuns(): void {
    applyRuns().then(
      (r) => (this.runs = r.runs),
      () => undefined,
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.clearTimeout(this.poll);
  }

  private problem(e: unknown): string {
    return e instanceof ApiError ? e.message : (e as Error).message;
  }

  private async test(): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      const rs = this.ruleSet;
      this.report = await tryRules(rs, [...this.chosen], this.limit);
      this.tried = rs;
    } catch (e) {
      this.error = this.problem(e);
    } finally {
      this.busy = false;
    }
  }

  private createRule(m: TriedMessage): void {
    const facts: MessageFacts = { fromAddress: m.fromAddress, subject: m.subject, listId: m.listId };
    this.dispatchEvent(new CustomEvent(CREATE_RULE_EVENT, { detail: facts, bubbles: true, composed: true }));
  }

  private toggled<T>(set: Set<T>, value: T, e: Event): Set<T> {
    const next = new Set(set);
    if ((e.target as HTMLInputElement).checked) next.add(value);
    else next.delete(value);
    this.planned = null;
    return next;
  }

  private async dryRun(): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      this.planned = (await planApply(this.ruleSet, [...this.applyRules].sort((a, b) => a - b), this.applyFolder, this.limit)).operations.length;
    } catch (e) {
      this.error = this.problem(e);
    } finally {
      this.busy = false;
    }
  }

  private async apply(): Promise<void> {
    if (this.planned === null) return;
    if (!window.confirm(`Apply ${this.planned} changes to messages in ${this.applyFolder}? You can undo this for 7 days.`)) return;
    this.busy = true;
    this.error = '';
    try {
      this.follow(await startApply(this.ruleSet, [...this.applyRules].sort((a, b) => a - b), this.applyFolder, this.limit, this.planned));
      this.planned = null;
    } catch (e) {
      this.error = this.problem(e);
    } finally {
      this.busy = false;
    }
  }

  private async undo(id: string): Promise<void> {
    try {
      this.follow(await undoApply(id));
    } catch (e) {
      this.error = this.problem(e);
    }
  }

  /** Shows the run and polls it while it goes on. */
  private follow(run: ApplyRun | ApplyRunDetail): void {
    this.run = run;
    window.clearTimeout(this.poll);
    if (run.state !== 'running' && run.state !== 'undoing') {
      if (!('operations' in run)) void applyRun(run.id).then((r) => (this.run = r));
      this.loadRuns();
      return;
    }
    this.poll = window.setTimeout(() => {
      void applyRun(run.id).then(
        (r) => this.follow(r),
        (e: unknown) => (this.error = this.problem(e)),
      );
    }, 300);
  }

  private results(r: TryResponse, rs: RuleSet) {
    const total = r.messages.length;
    return html`<section class="card">
        <h2>What each rule would have done</h2>
        ${r.rules.length === 0
          ? html`<p class="muted">There are no rules switched on.</p>`
          : html`<ul>
              ${r.rules.map((x) => html`<li data-rule=${x.index}><strong>${x.name}</strong>: ${ruleLine(x, total, rs)}</li>`)}
            </ul>`}
      </section>
      <section class="card">
        <h2>Your last ${total} messages</h2>
        ${total === 0
          ? html`<p class="muted">No messages in the chosen folders.</p>`
          : html`<table class="stack">
              <thead>
                <tr><th>From</th><th>Subject</th><th>Date</th><th>Would go to</th><th>Decided by</th><th></th></tr>
              </thead>
              <tbody>
                ${r.messages.map(
                  (m) => html`<tr>
                    <td>${m.fromName ? html`${m.fromName} <span class="muted">${m.fromAddress}</span>` : m.fromAddress}</td>
                    <td>${m.subject || html`<span class="muted">(no subject)</span>`}</td>
                    <td>${m.date ? new Date(m.date).toLocaleString() : ''}</td>
                    <td class="dest">${destination(m)}</td>
                    <td>${decider(m)}</td>
                    <td><button @click=${() => this.createRule(m)}>Create a rule from this message</button></td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
      </section>`;
  }

  private applyPanel(rs: RuleSet) {
    const run = this.run;
    const going = run && (run.state === 'running' || run.state === 'undoing');
    return html`<section class="card">
      <h2>Apply to existing mail</h2>
      <p class="muted">Runs the chosen rules over the messages already in a folder: moves, copies and flags only; nothing is deleted or sent.</p>
      <fieldset aria-label="Rules to apply">
        ${rs.rules.map((item, i) =>
          isRawBlock(item) || !item.enabled
            ? nothing
            : html`<label class="inline"
                ><input type="checkbox" .checked=${this.applyRules.has(i)} @change=${(e: Event) => (this.applyRules = this.toggled(this.applyRules, i, e))} />
                ${item.name}</label
              >`,
        )}
      </fieldset>
      <div class="row">
        <label
          >Folder
          <select @change=${(e: Event) => ((this.applyFolder = (e.target as HTMLSelectElement).value), (this.planned = null))}>
            ${this.folders.map((f) => html`<option .selected=${f === this.applyFolder} value=${f}>${f}</option>`)}
          </select></label
        >
        <button ?disabled=${this.busy || this.applyRules.size === 0 || !!going} @click=${this.dryRun}>Dry run</button>
        ${this.planned !== null
          ? html`<span role="status">${this.planned} changes to make.</span>
              <button class="primary" ?disabled=${this.busy || this.planned === 0} @click=${this.apply}>Apply ${this.planned} changes</button>`
          : nothing}
      </div>
      ${run
        ? html`<div role="status" aria-label="Apply progress">
            <progress max=${Math.max(run.total, 1)} value=${run.state === 'undoing' || run.state === 'undone' ? run.undone : run.done + run.gone}></progress>
            <p>
              ${run.state === 'running'
                ? `Applying… ${run.done + run.gone} of ${run.total}`
                : run.state === 'done'
                  ? `Done: ${run.done} changes made${run.gone ? `, ${run.gone} messages were gone` : ''}.`
                  : run.state === 'undoing'
                    ? `Undoing… ${run.undone} of ${run.done + run.undone}`
                    : run.state === 'undone'
                      ? `Undone: ${run.undone} changes taken back.`
                      : `Failed: ${run.error ?? ''}`}
              ${run.state === 'done' && run.done > 0 ? html`<button @click=${() => void this.undo(run.id)}>Undo</button>` : nothing}
            </p>
            ${'operations' in run && run.operations.length ? this.operations(run) : nothing}
          </div>`
        : nothing}
      ${this.runs.length ? this.undoList() : nothing}
    </section>`;
  }

  private operations(run: ApplyRunDetail) {
    const words = { move: 'moved to', copy: 'copied to', flag: 'flagged' } as const;
    return html`<details>
      <summary>What changed where</summary>
      <ul>
        ${run.operations.map(
          (o) => html`<li>${o.subject || '(no subject)'} <span class="muted">from ${o.sender}</span>: ${words[o.op]} ${o.target}${o.state === 'done' ? '' : ` (${o.state})`}</li>`,
        )}
      </ul>
    </details>`;
  }

  private undoList() {
    return html`<h3>Earlier runs (undo for 7 days)</h3>
      <table class="stack" aria-label="Earlier runs">
        <thead><tr><th>When</th><th>Folder</th><th>Rules</th><th>Changes</th><th></th></tr></thead>
        <tbody>
          ${this.runs.map(
            (r) => html`<tr>
              <td>${new Date(r.createdAt).toLocaleString()}</td>
              <td>${r.folder}</td>
              <td>${r.rules.join(', ')}</td>
              <td>${r.state === 'undone' ? `${r.undone} undone` : `${r.done} of ${r.total}`}</td>
              <td>
                <button @click=${() => void applyRun(r.id).then((d) => this.follow(d))}>Show</button>
                ${r.state === 'done' && r.done > 0 ? html`<button @click=${() => void this.undo(r.id)}>Undo run</button>` : nothing}
              </td>
            </tr>`,
          )}
        </tbody>
      </table>`;
  }

  override render() {
    const rs = this.ruleSet;
    return html`<h1>Test on my recent mail</h1>
      <p class="muted">Runs your rules as they are in the editor, saved or not, over your newest messages. Nothing is moved.</p>
      <div class="card">
        <fieldset aria-label="Folders">
          ${this.folders.map(
            (f) => html`<label class="inline"
              ><input type="checkbox" .checked=${this.chosen.has(f)} @change=${(e: Event) => (this.chosen = this.toggled(this.chosen, f, e))} />
              ${f}</label
            >`,
          )}
        </fieldset>
        <div class="row">
          <label class="inline"
            >Last
            <input type="number" min="1" max="2000" .value=${String(this.limit)} @change=${(e: Event) => (this.limit = Math.min(2000, Math.max(1, Number((e.target as HTMLInputElement).value) || 200)))} />
            messages</label
          >
          <button class="primary" ?disabled=${this.busy || this.chosen.size === 0} @click=${this.test}>${this.busy ? 'Working…' : 'Test my rules'}</button>
        </div>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.report && this.tried ? this.results(this.report, this.tried) : nothing}
      ${this.applyPanel(rs)}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-try-screen': TryScreen;
  }
}
