// "Re-deploy all users" with a live progress bar fed by server-sent events.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { followRedeploy, startRedeploy } from '../api/admin.js';
import type { RedeployProgress } from '../api/types.js';
import { base } from '../ui/styles.js';

@customElement('sw-redeploy-panel')
export class RedeployPanel extends LitElement {
  static override styles = [
    base,
    css`
      progress {
        width: 100%;
        height: 1.2rem;
      }
    `,
  ];

  @state() private progress: RedeployProgress | null = null;
  @state() private running = false;
  @state() private finished = false;
  @state() private error = '';

  async run(): Promise<void> {
    this.running = true;
    this.finished = false;
    this.error = '';
    this.progress = { done: 0, failed: 0, total: 0 };
    try {
      const { jobId } = await startRedeploy();
      this.progress = await followRedeploy(jobId, (p) => (this.progress = p));
      this.finished = true;
      this.dispatchEvent(new CustomEvent('redeployed', { detail: this.progress }));
    } catch (e) {
      this.error = (e as Error).message;
    } finally {
      this.running = false;
    }
  }

  override render() {
    const p = this.progress;
    const handled = p ? p.done + p.failed : 0;
    return html`<div class="row">
        <button class="primary" ?disabled=${this.running} @click=${this.run}>${this.running ? 'Re-deploying…' : 'Re-deploy all users'}</button>
      </div>
      ${p
        ? html`<label
              >Progress
              <progress max=${Math.max(1, p.total)} value=${handled} aria-valuetext=${`${handled} of ${p.total}`}></progress
            ></label>
            <p aria-live="polite" data-testid="redeploy-summary">
              ${handled} of ${p.total} users handled${p.failed ? html`, <span class="error">${p.failed} failed</span>` : nothing}${this.finished
                ? '. Done.'
                : '…'}
            </p>`
        : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-redeploy-panel': RedeployPanel;
  }
}
