// Forward to an address, checked against the admin's forwarding policy when
// the server shared it: the user learns before saving, not after.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Action } from '../../../grammar/model.js';
import { base } from '../../ui/styles.js';
import { fireValue } from '../events.js';
import { forwardPolicyNotice, forwardProblem } from '../../lib/checks.js';

type Redirect = Extract<Action, { kind: 'redirect' }>;

@customElement('sw-redirect-action')
export class RedirectAction extends LitElement {
  static override styles = base;
  @property({ attribute: false }) value!: Redirect;
  @property({ attribute: false }) allowedDomains: string[] = [];

  override render() {
    const v = this.value;
    const problem = forwardProblem(v.address);
    const notice = forwardPolicyNotice(v.address, this.allowedDomains);
    return html`<label
        >Forward to
        <input
          type="email"
          autocomplete="off"
          aria-invalid=${problem ? 'true' : 'false'}
          .value=${v.address}
          @input=${(e: Event) => fireValue(this, { ...v, address: (e.target as HTMLInputElement).value.trim() })}
      /></label>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : nothing}
      ${notice ? html`<p class="badge warn" role="status">${notice}</p>` : nothing}
      <label class="inline"
        ><input
          type="checkbox"
          .checked=${!!v.copy}
          @change=${(e: Event) => {
            const { copy: _drop, ...rest } = v;
            fireValue(this, (e.target as HTMLInputElement).checked ? { ...rest, copy: true } : rest);
          }}
        />
        Keep a copy here too</label
      >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-redirect-action': RedirectAction;
  }
}
