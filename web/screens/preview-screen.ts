// What will be installed: the user's Sieve script (with the administrator's
// rules the user may switch off) and the SpamAssassin user_prefs, for the
// rules as they are on screen now, saved or not; the administrator's locked
// rules, read-only, as the server-wide scripts that run before and after it.
// Plus the deploy status of the saved version.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import type { RuleSet } from '../../grammar/model.js';
import type { DeployStatus } from '../api/types.js';
import type { InstallRequest } from '../app/rules-store.js';
import { previewRules } from '../api/rules.js';
import { highlightPrefs, highlightSieve } from '../lib/highlight.js';
import { ruleAtLine } from '../ui/deploy-badge.js';
import { base } from '../ui/styles.js';
import { lockIcon } from '../ui/lock-icon.js';
import '../ui/code-view.js';
import '../ui/deploy-badge.js';
import './history-panel.js';

@customElement('sw-preview-screen')
export class PreviewScreen extends LitElement {
  static override styles = [
    base,
    css`
      .tabs {
        display: flex;
        gap: 0.25rem;
        margin-bottom: 0.5rem;
      }
      .tabs button[aria-selected='true'] {
        background: #1f5fbf;
        color: #fff;
        border-color: #1f5fbf;
      }
      details.locked {
        margin: 0.5rem 0;
      }
      .status {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
    `,
  ];

  @property({ attribute: false }) ruleSet!: RuleSet;
  @property({ type: Boolean }) dirty = false;
  @property({ attribute: false }) status: DeployStatus | null = null;
  /** The saved version, for the history panel; 0 hides it (the side panel on the rules screen). */
  @property({ type: Number }) version = 0;
  /** Where the last "Install again now" is, so the press is answered on screen. */
  @property({ attribute: false }) install: InstallRequest = null;
  @state() private tab: 'sieve' | 'prefs' = 'sieve';

  private preview = new Task(this, {
    task: async ([ruleSet]: readonly [RuleSet], { signal }) => {
      // Typing in an editor changes the rules on every key: wait for a pause.
      await new Promise((resolve) => setTimeout(resolve, 200));
      signal.throwIfAborted();
      return previewRules(ruleSet);
    },
    args: () => [this.ruleSet] as const,
  });

  /** The administrator's locked rules run in a script of their own, which no user script can switch off. */
  private lockedScript(where: 'before' | 'after', code: string) {
    if (!code) return nothing;
    return html`<details class="locked">
      <summary>${lockIcon()} Your administrator’s locked rules, run ${where} your script (read-only)</summary>
      <sw-code-view label=${`Locked rules run ${where} your script`} filename=${`${where}.sieve`} .code=${code} .highlight=${highlightSieve}></sw-code-view>
    </details>`;
  }

  override render() {
    return html`<h1>Preview</h1>
      <section class="card">
        <h2>Deploy status</h2>
        <div class="status">
          ${this.preview.render({
            complete: (p) => html`<sw-deploy-status .status=${this.status} .lineMap=${p.lineMap}></sw-deploy-status>`,
            pending: () => html`<sw-deploy-status .status=${this.status}></sw-deploy-status>`,
            error: () => html`<sw-deploy-status .status=${this.status}></sw-deploy-status>`,
          })}
          <button @click=${() => this.dispatchEvent(new CustomEvent('deploy-now'))} ?disabled=${this.dirty || this.install === 'sending'}>
            ${this.install === 'sending' ? 'Asking the server…' : this.status?.state === 'never' ? 'Install now' : 'Install again now'}
          </button>
        </div>
        <p class="muted" role="status" aria-live="polite">${installWords(this.install, this.status)}</p>
        ${this.dirty
          ? html`<p class="muted">You have unsaved changes. The preview below shows them; they are installed when you save.</p>`
          : nothing}
      </section>
      <div class="tabs" role="tablist" aria-label="Files">
        <button role="tab" aria-selected=${this.tab === 'sieve' ? 'true' : 'false'} @click=${() => (this.tab = 'sieve')}>Sieve script</button>
        <button role="tab" aria-selected=${this.tab === 'prefs' ? 'true' : 'false'} @click=${() => (this.tab = 'prefs')}>Spam settings (user_prefs)</button>
      </div>
      ${this.preview.render({
        initial: () => html`<p class="muted">Preparing the preview…</p>`,
        pending: () => html`<p class="muted">Preparing the preview…</p>`,
        error: (e) => html`<p class="error" role="alert">The preview could not be made: ${(e as Error).message}</p>`,
        complete: (p) => {
          const errorLine = this.status?.state === 'rejected' ? this.status.errorLine : null;
          const failedRule = ruleAtLine(p.lineMap, errorLine);
          return html`${p.diagnostics.length
              ? html`<ul class="errors" role="alert">
                  ${p.diagnostics.map((d) => html`<li>${d.severity === 'error' ? '' : 'Note: '}${d.message}</li>`)}
                </ul>`
              : nothing}
            <div role="tabpanel">
              ${this.tab === 'sieve'
                ? html`${this.lockedScript('before', p.locked.before)}
                    <sw-code-view
                      label="Sieve script"
                      filename="sievewright.sieve"
                      .code=${p.sieve}
                      .highlight=${highlightSieve}
                      .marked=${failedRule && errorLine ? [errorLine] : []}
                    ></sw-code-view>
                    ${this.lockedScript('after', p.locked.after)}`
                : html`<sw-code-view label="user_prefs" filename="user_prefs" .code=${p.prefs} .highlight=${highlightPrefs}></sw-code-view>`}
            </div>`;
        },
      })}
      ${this.version
        ? html`<sw-history-panel .current=${this.version} .dirty=${this.dirty}></sw-history-panel>`
        : nothing}`;
  }
}

/** What became of the last "Install again now": asked, installing, installed, or not. */
function installWords(install: InstallRequest, status: DeployStatus | null): string {
  if (install === 'sending') return 'Asking the server to install your saved rules again…';
  if (install === 'failed') return 'The server did not take the request; see the message at the bottom of the page.';
  if (install !== 'queued') return '';
  if (status?.state === 'pending') return 'Installing your saved rules on the mail server…';
  if (status?.state === 'deployed' || status?.state === 'unverified') return `Installed again: version ${status.deployedVersion ?? ''} is active on the mail server.`;
  return 'The mail server did not take the rules; the status above says why.';
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-preview-screen': PreviewScreen;
  }
}
