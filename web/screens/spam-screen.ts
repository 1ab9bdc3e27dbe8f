// Spam settings: whether spam is moved to Junk at all, the SpamAssassin
// threshold, explained for the value chosen, and the folder spam goes to.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { spamFilterOn, type SpamSettings } from '../../grammar/model.js';
import { base } from '../ui/styles.js';
import { fireValue } from '../editors/events.js';
import { thresholdMeaning } from '../lib/checks.js';

@customElement('sw-spam-screen')
export class SpamScreen extends LitElement {
  static override styles = base;
  @property({ attribute: false }) value!: SpamSettings;
  @property({ attribute: false }) folders: string[] = [];

  override render() {
    const v = this.value;
    const folders = this.folders.includes(v.junkFolder) ? this.folders : [v.junkFolder, ...this.folders];
    const bad = !Number.isFinite(v.threshold) || v.threshold <= 0 || v.threshold > 100;
    const on = spamFilterOn(v);
    return html`<h1>Spam settings</h1>
      <section class="card">
        <label class="inline switch"
          ><input
            type="checkbox"
            name="spam-filter"
            .checked=${on}
            @change=${(e: Event) => {
              const { spamFilter: _old, ...rest } = v;
              // On is the default: absent, so the stored rules read as before the switch existed.
              fireValue(this, (e.target as HTMLInputElement).checked ? rest : { ...rest, spamFilter: false });
            }}
          />Move spam to the Junk folder</label
        >
        <p class="muted">
          ${on
            ? 'On: mail scoring at or above the threshold goes to the Junk folder before your own rules run. Senders you trust are exempt.'
            : 'Off: spam stays wherever your rules put it, usually the Inbox. SpamAssassin still scores every message.'}
        </p>
      </section>
      <section class="card">
        <label
          >Spam threshold (score)
          <input
            type="number"
            min="0.5"
            max="100"
            step="0.5"
            aria-invalid=${bad ? 'true' : 'false'}
            aria-describedby="meaning"
            .value=${String(v.threshold)}
            @change=${(e: Event) => fireValue(this, { ...v, threshold: Number((e.target as HTMLInputElement).value) })}
        /></label>
        <p id="meaning" aria-live="polite">${thresholdMeaning(v.threshold)}</p>
        <p class="muted">
          Every message gets a spam score from SpamAssassin: most wanted mail scores below 2, most spam well above 5. Lower numbers catch
          more spam but also more wanted mail.
        </p>
        ${bad ? html`<p class="error" role="alert">Choose a threshold between 0.5 and 100.</p>` : nothing}
      </section>
      <section class="card">
        <label
          >Junk folder
          <select @change=${(e: Event) => fireValue(this, { ...v, junkFolder: (e.target as HTMLSelectElement).value })}>
            ${folders.map((f) => html`<option value=${f} ?selected=${f === v.junkFolder}>${f}</option>`)}
          </select></label
        >
        <p class="muted">Spam is moved here. Moving a message out of this folder teaches the filter it was not spam; moving one in teaches it was.</p>
      </section>
      <section class="card">
        <label
          >Your mail server’s name in Authentication-Results
          <input
            type="text"
            placeholder="e.g. mx.example.org"
            .value=${v.trustedAuthservId ?? ''}
            @change=${(e: Event) => {
              const { trustedAuthservId: _old, ...rest } = v;
              const id = (e.target as HTMLInputElement).value.trim();
              fireValue(this, id ? { ...rest, trustedAuthservId: id } : rest);
            }}
        /></label>
        <p class="muted">
          Rules about DMARC, SPF or DKIM, and senders trusted “only when authenticated”, read the Authentication-Results header your own
          mail server adds. Anyone can write such a header, so only the one carrying this name is believed. Your administrator may have
          set it for everyone already.
        </p>
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-spam-screen': SpamScreen;
  }
}
