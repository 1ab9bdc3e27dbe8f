// Authentication results in plain language: one picker of whole sentences
// ("the sender's domain failed DMARC") instead of protocol jargon.
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { AUTH_METHODS, AUTH_RESULTS, type AuthMethod, type AuthResult, type Condition } from '../../../grammar/model.js';
import { authSentence } from '../../lib/words.js';
import { base } from '../../ui/styles.js';
import { fireValue } from '../events.js';

type Auth = Extract<Condition, { kind: 'auth' }>;

const GROUP: Record<AuthMethod, string> = {
  dmarc: 'DMARC (is the sender’s domain genuine?)',
  spf: 'SPF (may this server send for the domain?)',
  dkim: 'DKIM (is the message signed?)',
};

@customElement('sw-auth-condition')
export class AuthCondition extends LitElement {
  static override styles = base;
  @property({ attribute: false }) value!: Auth;

  override render() {
    const v = this.value;
    return html`<label
        >When
        <select
          @change=${(e: Event) => {
            const [method, result] = (e.target as HTMLSelectElement).value.split(':') as [AuthMethod, AuthResult];
            fireValue(this, { ...v, method, result });
          }}
        >
          ${AUTH_METHODS.map(
            (m) => html`<optgroup label=${GROUP[m]}>
              ${AUTH_RESULTS.map(
                (r) => html`<option value=${`${m}:${r}`} ?selected=${m === v.method && r === v.result}>${authSentence(m, r)}</option>`,
              )}
            </optgroup>`,
          )}
        </select></label
      >
      <p class="muted">Checked in the Authentication-Results header added by your own mail server, which senders cannot forge.</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-auth-condition': AuthCondition;
  }
}
