// One rule: its name, on/off, conditions (all/any/none, nested) and actions.
// A live sentence says in words what the rule will do. Each problem is said
// once, beside its field; the list under the sentence holds only those no
// field shows.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { Action, Rule } from '../../grammar/model.js';
import { describeRule } from '../lib/words.js';
import { MAX_RULE_NAME, nameTooLong, type RuleProblem } from '../lib/problems.js';
import { base } from '../ui/styles.js';
import { fireValue, type ValueChangedEvent } from '../editors/events.js';
import type { ConditionListValue } from '../editors/condition-list.js';
import '../editors/condition-list.js';
import '../editors/action-list.js';

@customElement('sw-rule-editor')
export class RuleEditor extends LitElement {
  static override styles = [
    base,
    css`
      .sentence {
        background: #eef4ff;
        border-left: 4px solid #1f5fbf;
        padding: 0.5rem 0.75rem;
        border-radius: 4px;
        overflow-wrap: anywhere;
      }
      input.name {
        width: min(28rem, 100%);
      }
      textarea.comments {
        display: block;
        width: min(40rem, 100%);
      }
    `,
  ];

  @property({ attribute: false }) rule!: Rule;
  @property({ type: Number }) index = 0;
  @property({ attribute: false }) folders: string[] = [];
  @property({ attribute: false }) allowedDomains: string[] = [];
  @property({ attribute: false }) otherNames: string[] = [];
  @property({ attribute: false }) problems: RuleProblem[] = [];
  @property() junkFolder = 'Junk';
  /** A rule just added with "+ New rule": titled so, and the name field gets the focus. */
  @property({ type: Boolean }) isNew = false;
  @query('input.name') private nameInput!: HTMLInputElement;
  @query('h1') private heading!: HTMLElement;

  override firstUpdated(): void {
    // Focus lands where the work is: the name of a new rule, else the title.
    if (this.isNew) {
      this.nameInput.focus();
      this.nameInput.select();
    } else {
      this.heading.focus();
    }
  }

  private patch(p: Partial<Rule>): void {
    fireValue(this, { ...this.rule, ...p });
  }

  /** One comment line per line of the text; none when it is empty. */
  private setComments(text: string): void {
    const { comments: _dropped, ...rest } = this.rule;
    fireValue(this, text === '' ? rest : { ...rest, comments: text.split('\n') });
  }

  private nameProblem(): string | null {
    const name = this.rule.name.trim();
    if (name === '') return 'Give the rule a name, so you can find it in the list.';
    if (this.rule.name.length > MAX_RULE_NAME) return nameTooLong(this.rule.name.length);
    if (this.otherNames.includes(name)) return `Another rule is already called “${name}”.`;
    return null;
  }

  override render() {
    const r = this.rule;
    const nameProblem = this.nameProblem();
    const others = this.problems.filter((p) => !SHOWN_BY_FIELDS.has(p.code));
    return html`<div class="head">
        <h1 tabindex="-1">${this.isNew ? 'New rule' : `Edit rule ${this.index + 1}`}</h1>
        <div class="row">
          <button class="danger" @click=${() => this.dispatchEvent(new CustomEvent('delete-rule'))}>Delete rule</button>
          <button class="primary" @click=${() => this.dispatchEvent(new CustomEvent('close'))}>Done</button>
        </div>
      </div>
      <section class="card">
        <div class="row">
          <label
            >Rule name
            <input
              class="name"
              type="text"
              maxlength=${MAX_RULE_NAME}
              aria-describedby="name-help"
              aria-invalid=${nameProblem ? 'true' : 'false'}
              .value=${r.name}
              @input=${(e: Event) => this.patch({ name: (e.target as HTMLInputElement).value })}
          /></label>
          <label class="inline"
            ><input type="checkbox" .checked=${r.enabled} @change=${(e: Event) => this.patch({ enabled: (e.target as HTMLInputElement).checked })} />Rule is on</label
          >
        </div>
        <p id="name-help" class=${nameProblem ? 'error' : 'muted'}>${nameProblem ?? `Up to ${MAX_RULE_NAME} characters, so the list stays readable.`}</p>
        <p class="sentence" aria-live="polite">${describeRule(r)}</p>
        <label
          >Notes (kept as comments in the script)
          <textarea
            class="comments"
            rows=${Math.max(2, r.comments?.length ?? 0)}
            .value=${(r.comments ?? []).join('\n')}
            @input=${(e: Event) => this.setComments((e.target as HTMLTextAreaElement).value)}
          ></textarea
        ></label>
        ${others.length ? html`<ul class="errors" role="alert">${others.map((p) => html`<li>${p.message}</li>`)}</ul>` : nothing}
      </section>
      <section class="card">
        <h2>When</h2>
        <sw-condition-list
          .combine=${r.combine}
          .conditions=${r.conditions}
          @value-changed=${(e: ValueChangedEvent<ConditionListValue>) => this.patch(e.detail.value)}
        ></sw-condition-list>
      </section>
      <section class="card">
        <h2>Then</h2>
        <sw-action-list
          .actions=${r.actions}
          .folders=${this.folders}
          .allowedDomains=${this.allowedDomains}
          .junkFolder=${this.junkFolder}
          @value-changed=${(e: ValueChangedEvent<Action[]>) => this.patch({ actions: e.detail.value })}
        ></sw-action-list>
      </section>`;
  }
}

/**
 * Problems a field of the form states itself, in its own words: the name
 * field, the empty condition and action lists, the value, folder, address
 * and auto-reply editors.
 */
const SHOWN_BY_FIELDS = new Set<RuleProblem['code']>([
  'empty_rule_name',
  'duplicate_rule_name',
  'name_too_long',
  'empty_group',
  'no_actions',
  'empty_value',
  'empty_folder',
  'bad_address',
  'vacation_dates',
  'bad_days',
  'empty_reply',
]);

declare global {
  interface HTMLElementTagNameMap {
    'sw-rule-editor': RuleEditor;
  }
}
