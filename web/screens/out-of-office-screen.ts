// Out of office: an automatic reply for a range of days, stored as the
// built-in "Out of office" rule (lib/builtin-rules.ts), so the rules list,
// the preview and the deploy show it like any rule. Until the user changes
// something, nothing is added to the rules.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Action, Rule, RuleItem, Vacation } from '../../grammar/model.js';
import { findBuiltin, outOfOfficeRule, putBuiltin, vacationOf } from '../lib/builtin-rules.js';
import { forwardProblem } from '../lib/checks.js';
import { replyDates } from '../lib/words.js';
import { base } from '../ui/styles.js';
import { fireValue, type ValueChangedEvent } from '../editors/events.js';
import '../editors/actions/vacation-action.js';

@customElement('sw-out-of-office-screen')
export class OutOfOfficeScreen extends LitElement {
  static override styles = [
    base,
    css`
      .summary {
        background: #eef4ff;
        border-left: 4px solid #1f5fbf;
        padding: 0.5rem 0.75rem;
        border-radius: 4px;
      }
    `,
  ];

  @property({ attribute: false }) rules: RuleItem[] = [];
  /** The signed-in user: their address answers the reply when it is one. */
  @property() username = '';

  private current(): Rule | null {
    const at = findBuiltin(this.rules, 'out-of-office');
    return at >= 0 ? (this.rules[at] as Rule) : null;
  }

  /** What the form starts from before anything is stored: the account's address, a weekly reply. */
  private fresh(): Vacation {
    return { message: '', days: 7, ...(forwardProblem(this.username) === null ? { addresses: [this.username] } : {}) };
  }

  private put(vacation: Vacation, enabled: boolean): void {
    fireValue(this, putBuiltin(this.rules, 'out-of-office', outOfOfficeRule(vacation, enabled)));
  }

  override render() {
    const rule = this.current();
    const vacation = (rule && vacationOf(rule)) ?? this.fresh();
    const on = rule?.enabled ?? false;
    const action: Extract<Action, { kind: 'vacation' }> = { kind: 'vacation', vacation };
    return html`<h1 tabindex="-1">Out of office</h1>
      <p class="muted">Answer mail automatically while you are away. Each sender gets the reply once per interval, not once per message.</p>
      <section class="card">
        <label class="inline switch"
          ><input type="checkbox" name="out-of-office" .checked=${on} @change=${(e: Event) => this.put(vacation, (e.target as HTMLInputElement).checked)} />Reply
          automatically</label
        >
        <p class="summary" aria-live="polite">${summary(vacation, on)}</p>
      </section>
      <section class="card" aria-label="The reply">
        <sw-vacation-action
          withAddresses
          ?pristine=${!rule}
          .value=${action}
          @value-changed=${(e: ValueChangedEvent<typeof action>) => this.put(e.detail.value.vacation, rule ? on : true)}
        ></sw-vacation-action>
      </section>
      ${rule ? nothing : html`<p class="muted">Filling in the form switches the reply on; save to install it.</p>`}`;
  }
}

function summary(v: Vacation, on: boolean): string {
  if (!on) return 'Off: no automatic replies are sent.';
  const days = v.days ?? 7;
  return `On: mail to you gets an automatic reply${replyDates(v.start, v.end)}, at most once every ${days === 1 ? 'day' : `${days} days`} per sender.`;
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-out-of-office-screen': OutOfOfficeScreen;
  }
}
