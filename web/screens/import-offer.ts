// The offer shown once per session to a user whose mail server already runs
// a Sieve script sievewright did not write: what would become rules, what
// stays as Sieve text, the choice to take it into the draft or not, and the
// user's consent that sievewright's script replaces it (it is switched off,
// not deleted). Loaded only when there is something to offer.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { isRawBlock, type RuleSet } from '../../grammar/model.js';
import type { FoundServerScript } from '../api/types.js';
import { appendImported } from '../lib/import-report.js';
import { base } from '../ui/styles.js';
import '../ui/import-report-table.js';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

@customElement('sw-import-offer')
export class ImportOffer extends LitElement {
  static override styles = [
    base,
    css`
      section.card {
        border-color: #1f5fbf;
        background: #f3f7fd;
      }
      h2 {
        margin-top: 0;
      }
    `,
  ];

  @property({ attribute: false }) offer!: FoundServerScript;
  /** The draft the imported rules are added to. */
  @property({ attribute: false }) ruleSet!: RuleSet;
  /** The script's rules are already in the draft: only replacing it is left to offer. */
  @property({ type: Boolean }) added = false;
  /** A replace is under way. */
  @property({ type: Boolean }) busy = false;

  private accept(): void {
    const ruleSet = appendImported(this.ruleSet, this.offer.ruleSet);
    this.dispatchEvent(new CustomEvent('accept-import', { detail: { ruleSet, count: this.offer.ruleSet.rules.length } }));
  }

  private replace(): void {
    this.dispatchEvent(new CustomEvent('replace-script', { detail: { name: this.offer.name } }));
  }

  /** What importing the script would bring over. */
  private summary() {
    const { name, ruleSet, report, diagnostics } = this.offer;
    const raw = ruleSet.rules.filter(isRawBlock).length;
    const rules = ruleSet.rules.length - raw;
    const senders = ruleSet.whitelist.length + ruleSet.blocklist.length;
    return html`<p>
        The filter “${name}” is active on your mail server and was not made here. You can bring it over:
        ${plural(rules, 'part becomes a rule', 'parts become rules')} you can edit${raw
          ? html`, and ${plural(raw, 'part stays', 'parts stay')} as Sieve text, kept exactly as written`
          : nothing}${senders ? html`; ${plural(senders, 'sender list entry', 'sender list entries')} as well` : nothing}.
      </p>
      ${diagnostics.length
        ? html`<ul class="errors">
            ${diagnostics.map((d) => html`<li>${d.start ? `Line ${d.start.line}: ` : ''}${d.message}</li>`)}
          </ul>`
        : nothing}
      <sw-import-report .report=${report}></sw-import-report>`;
  }

  override render() {
    const { name } = this.offer;
    return html`<section class="card" role="region" aria-labelledby="offer-h">
      <h2 id="offer-h">Your mail server already has a filter</h2>
      ${this.added ? html`<p>The rules from “${name}” are now in your draft; “${name}” still filters your mail until you replace it.</p>` : this.summary()}
      <div class="row">
        ${this.added ? nothing : html`<button class="primary" @click=${this.accept}>Add to my rules</button>`}
        <button class=${this.added ? 'primary' : ''} ?disabled=${this.busy} @click=${this.replace}>Replace “${name}”</button>
        <button @click=${() => this.dispatchEvent(new CustomEvent('dismiss-offer'))}>Not now</button>
      </div>
      <p class="muted">
        “Replace” saves your rules here and makes them your filter; “${name}” is switched off on your mail server but kept. “Not now” hides
        this until you sign in again; the Import screen takes a script at any time.
      </p>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-import-offer': ImportOffer;
  }
}
