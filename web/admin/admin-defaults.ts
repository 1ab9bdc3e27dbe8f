// The admin's default rules: DSL text with errors inline, beside a
// structured view where each rule is set locked/overridable and
// before/after the users' rules. Both edit the same text.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { isRawBlock, type Rule, type RuleSet } from '../../grammar/model.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { printRules } from '../../grammar/emit/rules-text.js';
import { getDefaults, saveDefaults } from '../api/admin.js';
import { describeSaveError, type SaveProblem } from '../app/rules-store.js';
import { describeRule } from '../lib/words.js';
import { replaceAt } from '../lib/list-ops.js';
import { base } from '../ui/styles.js';
import { lockIcon } from '../ui/lock-icon.js';
import '../ui/dsl-editor.js';
import './redeploy-panel.js';

@customElement('sw-admin-defaults')
export class AdminDefaults extends LitElement {
  static override styles = [
    base,
    css`
      .cols {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 1rem;
      }
      @media (min-width: 1000px) {
        .cols {
          grid-template-columns: minmax(0, 1.2fr) minmax(0, 1fr);
        }
      }
      ol {
        padding-left: 1.2rem;
      }
      li {
        margin-bottom: 0.6rem;
      }
    `,
  ];

  @state() private text = '';
  @state() private ruleSet: RuleSet | null = null;
  @state() private diagnostics: Diagnostic[] = [];
  @state() private problem: SaveProblem | null = null;
  @state() private saved = false;
  @state() private dirty = false;
  /** The saved version on show: the one loaded, then each one saved. */
  @state() private version = 0;

  private load = new Task(this, {
    task: async (_: readonly [], { signal }) => {
      const d = await getDefaults(signal);
      this.text = d.text;
      this.ruleSet = d.ruleSet;
      this.version = d.version;
      this.diagnostics = [];
      this.dirty = false;
      return d;
    },
    args: () => [] as const,
  });

  private onText(text: string): void {
    this.text = text;
    this.dirty = true;
    this.saved = false;
    const { ruleSet, diagnostics } = parseRules(text);
    this.diagnostics = diagnostics;
    if (ruleSet && !diagnostics.some((d) => d.severity === 'error')) this.ruleSet = ruleSet;
  }

  private setRule(i: number, rule: Rule): void {
    if (!this.ruleSet) return;
    const next = { ...this.ruleSet, rules: replaceAt(this.ruleSet.rules, i, rule) };
    this.onText(printRules(next));
  }

  private async save(): Promise<void> {
    this.problem = null;
    try {
      const d = await saveDefaults(this.text);
      this.text = d.text;
      this.ruleSet = d.ruleSet;
      this.version = d.version;
      this.dirty = false;
      this.saved = true;
      if (!d.globalScripts.written) {
        this.problem = { message: `Saved, but the locked rules are not installed: ${d.globalScripts.error ?? 'unknown reason'}`, details: [], conflict: false };
      } else if (d.globalScripts.verified === false) {
        this.problem = { message: `Saved and installed, but not verified by the mail server's compiler: ${d.globalScripts.unverifiedReason ?? 'unknown reason'}`, details: [], conflict: false };
      }
    } catch (e) {
      this.problem = describeSaveError(e);
    }
  }

  private structured() {
    const rs = this.ruleSet;
    if (!rs || rs.rules.length === 0) return html`<p class="empty">No default rules. Users only get their own rules.</p>`;
    return html`<ol>
      ${rs.rules.map((item, i) =>
        isRawBlock(item)
          ? html`<li>${item.name ?? 'Sieve block'} <span class="badge">kept as Sieve</span></li>`
          : html`<li>
              <strong>${item.name}</strong> <span class="muted">${describeRule(item)}</span>
              <div class="row">
                <label class="inline"
                  ><input type="checkbox" .checked=${!!item.locked} @change=${(e: Event) => this.setRule(i, { ...item, locked: (e.target as HTMLInputElement).checked || undefined })} />
                  ${lockIcon()} Locked (users cannot switch it off)</label
                >
                <label
                  >Runs
                  <select
                    @change=${(e: Event) => this.setRule(i, { ...item, placement: (e.target as HTMLSelectElement).value as 'before' | 'after' })}
                    aria-label=${`When ${item.name} runs`}
                  >
                    <option value="before" ?selected=${item.placement !== 'after'}>before the user’s rules</option>
                    <option value="after" ?selected=${item.placement === 'after'}>after the user’s rules</option>
                  </select></label
                >
              </div>
            </li>`,
      )}
    </ol>`;
  }

  override render() {
    const errors = this.diagnostics.filter((d) => d.severity === 'error').length;
    return this.load.render({
      pending: () => html`<p class="muted">Loading the defaults…</p>`,
      error: (e) => html`<p class="error" role="alert">The defaults could not be loaded: ${(e as Error).message}</p>`,
      complete: () => html`<p class="muted" data-testid="defaults-version">Every user gets these rules (version ${this.version}). Locked rules are installed at once in the server’s global scripts, which run around every user’s own; saving a change to the other rules queues a re-deploy of every user.</p>
        <div class="cols">
          <section class="card">
            <sw-dsl-editor
              label="Default rules as text"
              .value=${this.text}
              .diagnostics=${this.diagnostics}
              @text-changed=${(e: CustomEvent<{ value: string }>) => this.onText(e.detail.value)}
            ></sw-dsl-editor>
            <div class="row">
              <button class="primary" ?disabled=${errors > 0 || !this.dirty} @click=${this.save}>Save defaults</button>
              ${errors ? html`<span class="error">Fix the ${errors === 1 ? 'error' : `${errors} errors`} to save.</span>` : nothing}
              ${this.saved ? html`<span class="badge ok" role="status">Saved</span>` : nothing}
            </div>
            ${this.problem
              ? html`<div role="alert" class="error">
                  ${this.problem.message}
                  ${this.problem.details.length ? html`<ul class="errors">${this.problem.details.map((x) => html`<li>${x}</li>`)}</ul>` : nothing}
                </div>`
              : nothing}
          </section>
          <section class="card">
            <h2>Rules</h2>
            ${this.structured()}
            <h2>Apply to everyone now</h2>
            <sw-redeploy-panel></sw-redeploy-panel>
          </section>
        </div>`,
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-admin-defaults': AdminDefaults;
  }
}
