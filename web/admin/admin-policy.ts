// What users may do: forwarding domains, allowed actions, rules per user.
import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { ACTION_KINDS } from '../../grammar/model.js';
import { getPolicy, savePolicy } from '../api/admin.js';
import type { Policy } from '../api/types.js';
import { ACTION_KIND_LABELS } from '../lib/words.js';
import { base } from '../ui/styles.js';
import { domainProblems } from '../lib/checks.js';

@customElement('sw-admin-policy')
export class AdminPolicy extends LitElement {
  static override styles = base;
  @state() private draft: Policy | null = null;
  @state() private status = '';
  @state() private error = '';

  private load = new Task(this, {
    task: async (_: readonly [], { signal }) => {
      this.draft = await getPolicy(signal);
      return this.draft;
    },
    args: () => [] as const,
  });

  private async save(): Promise<void> {
    if (!this.draft) return;
    this.error = '';
    try {
      this.draft = await savePolicy(this.draft);
      this.status = 'Saved.';
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  private form(p: Policy) {
    const problems = domainProblems(p.allowedRedirectDomains);
    const set = (patch: Partial<Policy>) => {
      this.draft = { ...p, ...patch };
      this.status = '';
    };
    return html`<section class="card">
      <label
        >Domains users may forward to (one per line; empty: forwarding is allowed anywhere and logged as an alert)
        <textarea
          rows="4"
          aria-invalid=${problems.length ? 'true' : 'false'}
          .value=${p.allowedRedirectDomains.join('\n')}
          @input=${(e: Event) =>
            set({
              allowedRedirectDomains: (e.target as HTMLTextAreaElement).value
                .split(/\s+/)
                .map((s) => s.trim().toLowerCase())
                .filter(Boolean),
            })}
        ></textarea>
      </label>
      ${problems.length ? html`<ul class="errors">${problems.map((x) => html`<li>${x}</li>`)}</ul>` : nothing}
      <fieldset>
        <legend>Actions users may use</legend>
        ${ACTION_KINDS.map(
          (k) => html`<label class="inline"
            ><input
              type="checkbox"
              .checked=${p.allowedActions.includes(k)}
              @change=${(e: Event) =>
                set({
                  allowedActions: (e.target as HTMLInputElement).checked
                    ? [...p.allowedActions, k]
                    : p.allowedActions.filter((a) => a !== k),
                })}
            />${ACTION_KIND_LABELS[k]}</label
          >`,
        )}
      </fieldset>
      <label
        >Most rules per user
        <input type="number" min="1" .value=${String(p.maxRules)} @change=${(e: Event) => set({ maxRules: Number((e.target as HTMLInputElement).value) })}
      /></label>
      <div class="row">
        <button class="primary" ?disabled=${problems.length > 0} @click=${this.save}>Save policy</button>
        <span role="status">${this.status}</span>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    </section>`;
  }

  override render() {
    return this.load.render({
      pending: () => html`<p class="muted">Loading the policy…</p>`,
      error: (e) => html`<p class="error" role="alert">The policy could not be loaded: ${(e as Error).message}</p>`,
      complete: () => (this.draft ? this.form(this.draft) : nothing),
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-admin-policy': AdminPolicy;
  }
}
