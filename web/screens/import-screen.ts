// Import: paste or upload a procmailrc or a Sieve script, read the
// conversion report line by line, then add the result to the rules (nothing
// is saved until the user saves).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { RuleSet } from '../../grammar/model.js';
import type { ImportResponse } from '../api/types.js';
import { importProcmail, importSieve } from '../api/imports.js';
import { appendImported, guessFormat, reportNotes, type ImportFormat } from '../lib/import-report.js';
import { describeRule } from '../lib/words.js';
import { base } from '../ui/styles.js';
import '../ui/import-report-table.js';

@customElement('sw-import-screen')
export class ImportScreen extends LitElement {
  static override styles = [
    base,
    css`
      /* The paste box is the other way in: set apart from the file picker, not against it. */
      .sources + label {
        margin-top: 0.9rem;
      }
    `,
  ];

  @property({ attribute: false }) ruleSet!: RuleSet;
  @state() private text = '';
  @state() private format: ImportFormat | 'auto' = 'auto';
  @state() private result: ImportResponse | null = null;
  @state() private busy = false;
  @state() private error = '';

  private async convert(): Promise<void> {
    if (this.text.trim() === '') {
      this.error = 'Paste the file’s text or choose a file first.';
      return;
    }
    const format = this.format === 'auto' ? guessFormat(this.text) : this.format;
    this.busy = true;
    this.error = '';
    try {
      this.result = format === 'sieve' ? await importSieve(this.text) : await importProcmail(this.text);
    } catch (e) {
      this.error = (e as Error).message;
      this.result = null;
    } finally {
      this.busy = false;
    }
  }

  private async upload(e: Event): Promise<void> {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    this.text = await file.text();
    if (/\.(sieve|siv)$/i.test(file.name)) this.format = 'sieve';
    else if (/procmail/i.test(file.name)) this.format = 'procmail';
    this.result = null;
  }

  private accept(mode: 'append' | 'replace'): void {
    if (!this.result) return;
    const imported = this.result.ruleSet;
    const ruleSet = mode === 'append' ? appendImported(this.ruleSet, imported) : { ...imported, settings: this.ruleSet.settings };
    this.dispatchEvent(new CustomEvent('accept-import', { detail: { ruleSet, count: imported.rules.length } }));
  }

  private report(r: ImportResponse) {
    const rules = r.ruleSet.rules;
    return html`<section class="card" aria-labelledby="report-h">
      <h2 id="report-h">Conversion report</h2>
      <p>
        ${rules.length} rule${rules.length === 1 ? '' : 's'}, ${r.ruleSet.whitelist.length} trusted and ${r.ruleSet.blocklist.length} blocked
        sender${r.ruleSet.blocklist.length === 1 ? '' : 's'} found.
      </p>
      ${r.diagnostics.length
        ? html`<ul class="errors">
            ${r.diagnostics.map((d) => html`<li>${d.start ? `Line ${d.start.line}: ` : ''}${d.message}</li>`)}
          </ul>`
        : nothing}
      <sw-import-report .report=${r.report}></sw-import-report>
      ${reportNotes(r.report).length
        ? html`<h3>Good to know</h3>
            <ul>
              ${reportNotes(r.report).map((n) => html`<li>${n}</li>`)}
            </ul>`
        : nothing}
      ${rules.length
        ? html`<h3>Rules to add</h3>
            <ol>
              ${rules.map((x) => html`<li>${'conditions' in x ? html`<strong>${x.name}</strong>: ${describeRule(x)}` : x.name ?? 'Sieve kept as is'}</li>`)}
            </ol>`
        : nothing}
      <div class="row">
        <button class="primary" @click=${() => this.accept('append')}>Add to my rules</button>
        <button @click=${() => this.accept('replace')}>Replace my rules with these</button>
      </div>
      <p class="muted">Nothing is installed until you save.</p>
    </section>`;
  }

  override render() {
    return html`<h1>Import filters</h1>
      <p class="muted">Bring rules over from a procmail file (.procmailrc) or a Sieve script (for example from Roundcube or Thunderbird).</p>
      <section class="card">
        <div class="row sources">
          <label
            >File type
            <select @change=${(e: Event) => (this.format = (e.target as HTMLSelectElement).value as ImportFormat | 'auto')}>
              <option value="auto" ?selected=${this.format === 'auto'}>Detect automatically</option>
              <option value="procmail" ?selected=${this.format === 'procmail'}>procmailrc</option>
              <option value="sieve" ?selected=${this.format === 'sieve'}>Sieve script</option>
            </select></label
          >
          <label>Upload a file <input type="file" accept=".procmailrc,.sieve,.siv,.txt,text/plain" @change=${this.upload} /></label>
        </div>
        <label
          >Or paste the text
          <textarea
            class="code"
            rows="10"
            spellcheck="false"
            .value=${this.text}
            @input=${(e: Event) => {
              this.text = (e.target as HTMLTextAreaElement).value;
              this.result = null;
            }}
          ></textarea>
        </label>
        <div class="row"><button class="primary" ?disabled=${this.busy} @click=${this.convert}>${this.busy ? 'Converting…' : 'Convert'}</button></div>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </section>
      ${this.result ? this.report(this.result) : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-import-screen': ImportScreen;
  }
}
