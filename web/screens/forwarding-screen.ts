// Forwarding: all mail to one address, with or without a copy kept here,
// stored as the built-in "Forward all mail" rule (lib/builtin-rules.ts).
// The administrator's policy is stated before the address field, and the
// address typed is judged against it: refused, reviewed, or fine.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Rule, RuleItem } from '../../grammar/model.js';
import { findBuiltin, forwardingRule, forwardOf, putBuiltin } from '../lib/builtin-rules.js';
import { forwardingAllowed, forwardPolicyStatement, forwardVerdict, type ForwardPolicy } from '../lib/forward-policy.js';
import { base } from '../ui/styles.js';
import { fireValue } from '../editors/events.js';

@customElement('sw-forwarding-screen')
export class ForwardingScreen extends LitElement {
  static override styles = [
    base,
    css`
      p.notice {
        background: #fff1cc;
        color: #7a5600;
        padding: 0.4rem 0.6rem;
        border-radius: 6px;
      }
    `,
  ];

  @property({ attribute: false }) rules: RuleItem[] = [];
  @property({ attribute: false }) policy!: ForwardPolicy;

  private put(address: string, keepCopy: boolean, enabled: boolean): void {
    fireValue(this, putBuiltin(this.rules, 'forwarding', forwardingRule(address, keepCopy, enabled)));
  }

  override render() {
    const at = findBuiltin(this.rules, 'forwarding');
    const rule = at >= 0 ? (this.rules[at] as Rule) : null;
    const { address, keepCopy } = (rule && forwardOf(rule)) ?? { address: '', keepCopy: true };
    const on = rule?.enabled ?? false;
    const allowed = forwardingAllowed(this.policy);
    const verdict = rule ? forwardVerdict(address, this.policy) : null;
    return html`<h1 tabindex="-1">Forwarding</h1>
      <section class="card" aria-labelledby="policy-title">
        <h2 id="policy-title">What your administrator allows</h2>
        <p id="policy">${forwardPolicyStatement(this.policy)}</p>
      </section>
      <section class="card">
        <label class="inline switch"
          ><input
            type="checkbox"
            name="forwarding"
            ?disabled=${!allowed && !rule}
            .checked=${on}
            @change=${(e: Event) => this.put(address, keepCopy, (e.target as HTMLInputElement).checked)}
          />Forward all my mail</label
        >
        <label class="wide"
          >Forward to
          <input
            type="email"
            autocomplete="off"
            placeholder="name@example.org"
            ?disabled=${!allowed && !rule}
            aria-describedby="policy${verdict ? ' verdict' : ''}"
            aria-invalid=${verdict?.level === 'error' ? 'true' : 'false'}
            .value=${address}
            @input=${(e: Event) => this.put((e.target as HTMLInputElement).value.trim(), keepCopy, rule ? on : true)}
        /></label>
        ${verdict ? html`<p id="verdict" class=${verdict.level === 'error' ? 'error' : 'notice'}>${verdict.text}</p>` : nothing}
        <fieldset>
          <legend>After forwarding</legend>
          <label class="inline"
            ><input type="radio" name="copy" .checked=${keepCopy} @change=${() => this.put(address, true, rule ? on : true)} />Keep a copy in my
            mailbox (my other rules sort it as usual)</label
          >
          <label class="inline"
            ><input type="radio" name="copy" .checked=${!keepCopy} @change=${() => this.put(address, false, rule ? on : true)} />Do not keep a copy
            (my other rules do not run)</label
          >
        </fieldset>
      </section>
      <p class="muted">Forwarding starts once you save and the rules are installed.</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-forwarding-screen': ForwardingScreen;
  }
}
