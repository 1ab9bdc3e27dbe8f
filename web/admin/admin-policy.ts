// What users may do: forwarding domains and what happens to mail sent
// outside them (refused, or allowed with an alert), allowed actions, rules
// per user.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { ALL_ACTIONS } from '../../grammar/policy.js';
import { getPolicy, savePolicy } from '../api/admin.js';
import type { Policy } from '../api/types.js';
import { actionLabel } from '../lib/words.js';
import { base } from '../ui/styles.js';
import { domainProblems } from '../lib/checks.js';

@customElement('sw-admin-policy')
export class AdminPolicy extends LitElement {
  static override styles = [
    base,
    css`
      fieldset {
        border: 1px solid #d5dce6;
        border-radius: 8px;
        margin: 0.75rem 0;
        padding: 0.5rem 0.8rem 0.7rem;
        min-width: 0;
      }
      legend {
        font-weight: 600;
        padding: 0 0.3rem;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(15rem, 100%), 1fr));
        gap: 0.35rem 1rem;
      }
      .grid label {
        min-height: 2.25rem;
      }
      label.choice {
        flex-direction: row;
        align-items: flex-start;
        gap: 0.5rem;
        font-weight: 400;
        padding: 0.4rem 0;
      }
      label.choice input {
        margin-top: 0.3rem;
      }
      label.choice > span {
        display: flex;
        flex-direction: column;
      }
      input[type='number'] {
        width: 8rem;
      }
    `,
  ];
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
    const outside = p.allowedRedirectDomains.length === 0 ? 'to any address' : 'to an address outside these domains';
    return html`<section class="card">
      <h2>Forwarding</h2>
      <label
        >Domains users may forward to (one per line; subdomains count too)
        <textarea
          rows="4"
          class="code"
          spellcheck="false"
          aria-invalid=${problems.length ? 'true' : 'false'}
          aria-describedby="domains-help"
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
      <p class="muted" id="domains-help">With no domains listed, every forward counts as outside.</p>
      ${problems.length ? html`<ul class="errors">${problems.map((x) => html`<li>${x}</li>`)}</ul>` : nothing}
      <fieldset>
        <legend>When a user’s rules send mail ${outside}</legend>
        <label class="choice"
          ><input type="radio" name="outside" value="alert" .checked=${p.redirectOutside === 'alert'} @change=${() => set({ redirectOutside: 'alert' })} />
          <span><strong>Allow it and raise an alert</strong><span class="muted">The save goes through; the audit log shows it as an alert.</span></span></label
        >
        <label class="choice"
          ><input type="radio" name="outside" value="refuse" .checked=${p.redirectOutside === 'refuse'} @change=${() => set({ redirectOutside: 'refuse' })} />
          <span><strong>Refuse the save</strong><span class="muted">The user sees why, and their rules stay as they were.</span></span></label
        >
      </fieldset>
    </section>
    <section class="card">
      <fieldset>
        <legend>Actions users may use</legend>
        <div class="grid">
          ${ALL_ACTIONS.map(
            (k) => html`<label class="inline"
              ><input
                type="checkbox"
                .checked=${p.allowedActions.includes(k)}
                @change=${(e: Event) =>
                  set({
                    allowedActions: (e.target as HTMLInputElement).checked ? [...p.allowedActions, k] : p.allowedActions.filter((a) => a !== k),
                  })}
              />${actionLabel(k)}</label
            >`,
          )}
        </div>
      </fieldset>
      <label
        >Most rules per user
        <input type="number" min="0" .value=${String(p.maxRules)} @change=${(e: Event) => set({ maxRules: Number((e.target as HTMLInputElement).value) })}
      /></label>
    </section>
    <div class="row">
      <button class="primary" ?disabled=${problems.length > 0} @click=${this.save}>Save policy</button>
      <span role="status">${this.status}</span>
    </div>
    ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}`;
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
