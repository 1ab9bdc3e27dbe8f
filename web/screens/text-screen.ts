// The whole rule set as DSL text. Every edit is parsed in the browser (the
// same parser as the server); while the text is valid the form is kept in
// step, so switching back to the form keeps everything. Invalid text is kept
// here, with its errors, until it is fixed or thrown away.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { RuleSet } from '../../grammar/model.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { printRules } from '../../grammar/emit/rules-text.js';
import { base } from '../ui/styles.js';
import { fireValue } from '../editors/events.js';
import '../ui/dsl-editor.js';

// The text last typed, and the rule set it produced: coming back to this
// screen with that same rule set shows the text as typed (comments, layout).
let kept: { ruleSet: RuleSet; text: string } | null = null;

@customElement('sw-text-screen')
export class TextScreen extends LitElement {
  static override styles = base;
  @property({ attribute: false }) ruleSet!: RuleSet;
  @state() private text = '';
  @state() private diagnostics: Diagnostic[] = [];
  private timer: number | undefined;

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('ruleSet') && this.ruleSet !== kept?.ruleSet) {
      this.text = printRules(this.ruleSet);
      this.diagnostics = [];
      kept = { ruleSet: this.ruleSet, text: this.text };
    } else if (changed.has('ruleSet') && kept) {
      this.text = kept.text;
    }
  }

  private onText(text: string): void {
    this.text = text;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.check(), 120);
  }

  /** Parses now; while the text is valid the rule set follows it. */
  check(): void {
    const { ruleSet, diagnostics } = parseRules(this.text);
    this.diagnostics = diagnostics;
    if (ruleSet && !diagnostics.some((d) => d.severity === 'error')) {
      kept = { ruleSet, text: this.text };
      fireValue(this, ruleSet);
    }
    this.dispatchEvent(new CustomEvent('text-validity', { detail: { valid: !this.diagnostics.some((d) => d.severity === 'error') } }));
  }

  private revert(): void {
    this.text = printRules(this.ruleSet);
    kept = { ruleSet: this.ruleSet, text: this.text };
    this.diagnostics = [];
    this.dispatchEvent(new CustomEvent('text-validity', { detail: { valid: true } }));
  }

  override render() {
    const errors = this.diagnostics.filter((d) => d.severity === 'error').length;
    return html`<h1>Rules as text</h1>
      <p class="muted">
        The same rules as the form, written out. Changes here show up in the form as soon as the text has no errors.
      </p>
      ${errors
        ? html`<p class="error" role="alert">
            ${errors === 1 ? 'There is 1 error' : `There are ${errors} errors`}; the form keeps the last version without errors.
            <button @click=${this.revert}>Throw away my text changes</button>
          </p>`
        : nothing}
      <sw-dsl-editor
        .value=${this.text}
        .diagnostics=${this.diagnostics}
        @text-changed=${(e: CustomEvent<{ value: string }>) => this.onText(e.detail.value)}
      ></sw-dsl-editor>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-text-screen': TextScreen;
  }
}
