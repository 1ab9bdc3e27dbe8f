// Auto-reply: first and last day, how often, subject, message, and (on the
// out-of-office screen) the addresses it answers for. Each problem is shown
// once, under its own field; the end picker's minimum follows the start.
import { LitElement, html, nothing } from 'lit';
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
  /** Shows the field for the user's own addresses (the out-of-office screen). */
  @property({ type: Boolean }) withAddresses = false;
  /** An untouched form that is off: what is missing is a hint, not an error. */
  @property({ type: Boolean }) pristine = false;

  private patch(p: Partial<Vacation>): void {
    const vacation: Vacation = { ...this.value.vacation, ...p };
    for (const k of Object.keys(vacation) as (keyof Vacation)[]) if (vacation[k] === '' || vacation[k] === undefined) delete vacation[k];
    if (vacation.addresses?.length === 0) delete vacation.addresses;
    if (vacation.message === undefined) vacation.message = '';
    fireValue(this, { ...this.value, vacation });
  }

  private error(id: string, text: string | undefined) {
    return text ? html`<p class="error" id=${id}>${text}</p>` : nothing;
  }

  override render() {
    const v = this.value.vacation;
    const found = vacationProblems(v);
    const problems = this.pristine ? { ...found, message: undefined } : found;
    const hint = this.pristine ? found.message : undefined;
    const text = (k: 'subject' | 'start' | 'end') => (e: Event) => this.patch({ [k]: (e.target as HTMLInputElement).value });
    return html`<div class="row">
        <label>First day <input type="date" .value=${v.start ?? ''} max=${v.end ?? ''} @change=${text('start')} /></label>
        <label
          >Last day
          <input
            type="date"
            .value=${v.end ?? ''}
            min=${v.start ?? ''}
            aria-invalid=${problems.dates ? 'true' : 'false'}
            aria-describedby=${problems.dates ? 'dates-error' : nothing}
            @change=${text('end')}
        /></label>
      </div>
      ${this.error('dates-error', problems.dates)}
      <p class="muted">Both days included. Leave them empty to reply until you switch it off.</p>
      <label
        >Reply to the same sender at most once every (days)
        <input
          type="number"
          min="1"
          max="365"
          placeholder="7"
          aria-invalid=${problems.days ? 'true' : 'false'}
          aria-describedby=${problems.days ? 'days-error' : nothing}
          .value=${v.days === undefined ? '' : String(v.days)}
          @change=${(e: Event) => {
            const raw = (e.target as HTMLInputElement).value;
            this.patch({ days: raw === '' ? undefined : Number(raw) });
          }}
      /></label>
      ${this.error('days-error', problems.days)}
      <label class="wide">Subject <input type="text" .value=${v.subject ?? ''} placeholder="Out of office" @input=${text('subject')} /></label>
      <label
        >Message
        <textarea
          rows="4"
          aria-invalid=${problems.message ? 'true' : 'false'}
          aria-describedby=${problems.message ? 'message-error' : nothing}
          .value=${v.message}
          @input=${(e: Event) => this.patch({ message: (e.target as HTMLTextAreaElement).value })}
        ></textarea>
      </label>
      ${this.error('message-error', problems.message)}${hint ? html`<p class="muted">${hint}</p>` : nothing}
      ${this.withAddresses
        ? html`<label
              >My addresses it answers for (one per line)
              <textarea
                rows="2"
                aria-invalid=${problems.addresses ? 'true' : 'false'}
                aria-describedby="addresses-help"
                .value=${(v.addresses ?? []).join('\n')}
                @change=${(e: Event) => {
                  const lines = (e.target as HTMLTextAreaElement).value.split('\n').map((a) => a.trim()).filter(Boolean);
                  this.patch({ addresses: lines });
                }}
              ></textarea>
            </label>
            <p id="addresses-help" class=${problems.addresses ? 'error' : 'muted'}>
              ${problems.addresses ?? 'Mail sent to one of these (or to your own address) gets the reply; mail sent to you as a copy or through a list does not.'}
            </p>`
        : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-vacation-action': VacationActionEditor;
  }
}
