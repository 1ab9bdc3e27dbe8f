// Auto-reply: message, subject, how often, and an optional date range whose
// end cannot be before its start (the end picker's minimum follows the start).
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Action, Vacation } from '../../../grammar/model.js';
import { base } from '../../ui/styles.js';
import { fireValue } from '../events.js';
import { vacationProblems } from '../../lib/checks.js';

type VacationAction = Extract<Action, { kind: 'vacation' }>;

@customElement('sw-vacation-action')
export class VacationActionEditor extends LitElement {
  static override styles = base;
  @property({ attribute: false }) value!: VacationAction;

  private patch(p: Partial<Vacation>): void {
    const vacation: Vacation = { ...this.value.vacation, ...p };
    for (const k of Object.keys(vacation) as (keyof Vacation)[]) if (vacation[k] === '' || vacation[k] === undefined) delete vacation[k];
    if (vacation.message === undefined) vacation.message = '';
    fireValue(this, { ...this.value, vacation });
  }

  override render() {
    const v = this.value.vacation;
    const problems = vacationProblems(v);
    const text = (k: 'subject' | 'start' | 'end') => (e: Event) => this.patch({ [k]: (e.target as HTMLInputElement).value });
    return html`<div class="row">
        <label>First day <input type="date" .value=${v.start ?? ''} max=${v.end ?? ''} @change=${text('start')} /></label>
        <label
          >Last day
          <input type="date" .value=${v.end ?? ''} min=${v.start ?? ''} aria-invalid=${v.start && v.end && v.end < v.start ? 'true' : 'false'} @change=${text('end')}
        /></label>
        <label
          >Reply once every (days)
          <input
            type="number"
            min="1"
            max="365"
            .value=${v.days === undefined ? '' : String(v.days)}
            @change=${(e: Event) => {
              const raw = (e.target as HTMLInputElement).value;
              this.patch({ days: raw === '' ? undefined : Number(raw) });
            }}
        /></label>
      </div>
      <label>Subject <input type="text" .value=${v.subject ?? ''} placeholder="Out of office" @input=${text('subject')} /></label>
      <label
        >Message
        <textarea
          rows="4"
          aria-invalid=${v.message.trim() === '' ? 'true' : 'false'}
          .value=${v.message}
          @input=${(e: Event) => this.patch({ message: (e.target as HTMLTextAreaElement).value })}
        ></textarea>
      </label>
      ${problems.length ? html`<ul class="errors" role="alert">${problems.map((p) => html`<li>${p}</li>`)}</ul>` : null}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-vacation-action': VacationActionEditor;
  }
}
