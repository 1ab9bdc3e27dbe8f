// Deploy state as words and colour; a refused script names the rule the
// mail server's error is in, and an unverified one says it was not checked.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { DeployStatus, LineMapEntry } from '../api/types.js';
import { base } from './styles.js';

/** Asks the app to show the import offer again (it may have been put off with “Not now”). */
export const SHOW_OFFER_EVENT = 'show-offer';

/** The rule a script line belongs to, for "failed in rule X". */
export function ruleAtLine(lineMap: readonly LineMapEntry[], line: number | null): LineMapEntry | null {
  if (line === null) return null;
  return lineMap.find((e) => line >= e.startLine && line <= e.endLine) ?? null;
}

export function deployWords(s: DeployStatus): { text: string; cls: string } {
  switch (s.state) {
    case 'deployed':
      return { text: `Active on the mail server (version ${s.deployedVersion ?? '?'})`, cls: 'ok' };
    case 'unverified':
      return { text: `Written, not verified (version ${s.deployedVersion ?? '?'})`, cls: 'warn' };
    case 'pending':
      return { text: `Waiting to be installed (version ${s.pendingVersion ?? '?'})`, cls: 'warn' };
    case 'rejected':
      return { text: 'Refused by the mail server', cls: 'bad' };
    case 'failed':
      return { text: 'Could not be installed', cls: 'bad' };
    case 'never':
      return { text: 'Not installed yet', cls: '' };
  }
}

@customElement('sw-deploy-status')
export class DeployStatusView extends LitElement {
  // Pigeonhole lists one error per line.
  static override styles = [base, css`
    .detail {
      white-space: pre-line;
    }
  `];
  @property({ attribute: false }) status: DeployStatus | null = null;
  @property({ attribute: false }) lineMap: LineMapEntry[] = [];
  @property({ type: Boolean }) compact = false;

  override render() {
    const s = this.status;
    if (!s) return html`<span class="badge">Checking…</span>`;
    const w = deployWords(s);
    const failed = s.state === 'failed' || s.state === 'rejected';
    // The server stored the rule with the error; the current rules' line map only helps for an unnamed one.
    const rule = s.state === 'rejected' ? s.errorRule || (ruleAtLine(this.lineMap, s.errorLine)?.name ?? null) : null;
    return html`<span class="badge ${w.cls}" data-state=${s.state}>${w.text}</span>
      ${!this.compact && failed
        ? html`<p class="error" role="alert">
            ${rule ? html`The problem is in the rule “${rule}” (script line ${s.errorLine}). ` : nothing}<span class="detail">${s.error ??
            'The mail server gave no reason.'}</span>
            Your previous filter stays active until this is fixed.
            ${s.errorCode === 'foreign_active'
              ? html`<button @click=${() => this.dispatchEvent(new CustomEvent(SHOW_OFFER_EVENT, { bubbles: true, composed: true }))}>
                  Show the offer
                </button>`
              : nothing}
          </p>`
        : nothing}
      ${!this.compact && s.state === 'unverified'
        ? html`<p class="muted">
            The mail server’s Sieve compiler did not check this version${s.unverifiedReason ? html` (${s.unverifiedReason})` : nothing}; the
            mail server may still refuse it when mail arrives.
          </p>`
        : nothing}
      ${!this.compact && s.state === 'pending' && s.error
        ? html`<p class="muted">Last attempt: ${s.error}. It will be retried automatically.</p>`
        : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-deploy-status': DeployStatusView;
  }
}
