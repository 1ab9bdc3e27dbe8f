// The shell: session, navigation, the shared draft and its save bar. Screens
// are plain elements fed by properties; the ones not needed on first paint
// (out of office, forwarding, preview, text mode, import, learning, admin)
// load on demand.
import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { isRawBlock, type RawBlock, type Rule, type RuleItem, type RuleSet, type SpamSettings } from '../../grammar/model.js';
import { UNAUTHORIZED_EVENT } from '../api/http.js';
import { currentSession, logout } from '../api/session.js';
import { getServerScript, replaceServerScript } from '../api/imports.js';
import type { FoundServerScript, RulesResponse, Session } from '../api/types.js';
import { newRule, uniqueName } from '../lib/factories.js';
import { insertAt, removeAt, replaceAt } from '../lib/list-ops.js';
import { base } from '../ui/styles.js';
import type { ValueChangedEvent } from '../editors/events.js';
import { itemName } from '../screens/rules-screen.js';
import type { SendersValue } from '../screens/senders-screen.js';
import { describeSaveError, RulesStore } from './rules-store.js';
import { go, parseRoute, type Route } from './route.js';
import { appStyles } from './sw-app.styles.js';
import '../screens/login-screen.js';
import '../screens/rules-screen.js';
import '../screens/rule-editor.js';
import '../screens/raw-block-editor.js';
import '../screens/senders-screen.js';
import '../screens/spam-screen.js';
import { SHOW_OFFER_EVENT } from '../ui/deploy-badge.js';
import { ruleFromMessage, type MessageFacts } from '../try/rule-from-message.js';

const lazy: Record<string, () => Promise<unknown>> = {
  'out-of-office': () => import('../screens/out-of-office-screen.js'),
  forwarding: () => import('../screens/forwarding-screen.js'),
  preview: () => import('../screens/preview-screen.js'),
  text: () => import('../screens/text-screen.js'),
  import: () => import('../screens/import-screen.js'),
  learning: () => import('../screens/learning-screen.js'),
  try: () => import('../try/try-screen.js'),
  admin: () => import('../admin/admin-screen.js'),
};

const NAV: Array<[string, string, boolean]> = [
  ['rules', 'My rules', false],
  ['out-of-office', 'Out of office', false],
  ['forwarding', 'Forwarding', false],
  ['senders', 'Senders', false],
  ['spam', 'Spam settings', false],
  ['preview', 'Preview', false],
  ['text', 'Text mode', false],
  ['import', 'Import', false],
  ['learning', 'Learning', false],
  ['try', 'Test on my mail', false],
  ['admin', 'Admin', true],
];

/** Rules whose reasons the save bar lists; the rest are counted, and marked in the list. */
const HELD_SHOWN = 3;

@customElement('sw-app')
export class App extends LitElement {
  static override styles = [base, appStyles];

  @state() private session: Session | null = null;
  @state() private checked = false;
  @state() private route: Route = parseRoute(location.hash);
  @state() private undo: { item: RuleItem; index: number } | null = null;
  @state() private textValid = true;
  @state() private offer: FoundServerScript | null = null;
  /** The offered script's rules went into the draft; the offer stays for replacing the script. */
  @state() private offerAdded = false;
  @state() private replacing = false;
  /** The rule "+ New rule" added, until the user leaves its editor: titled "New rule". */
  @state() private newIndex: number | null = null;
  /** Said to screen readers after a save, where the save bar was. */
  @state() private saved = '';
  private store = new RulesStore(this);
  private undoTimer: number | undefined;
  private wide = window.matchMedia('(min-width: 1100px)');

  private onHash = () => {
    const from = this.route;
    this.route = parseRoute(location.hash);
    if (this.route.screen !== 'rule') this.newIndex = null;
    this.loadScreen();
    window.scrollTo(0, 0);
    // Back in the list from a rule: focus that rule's row, not the page body.
    if (from.screen === 'rule' && this.route.screen === 'rules') void this.focusIn('sw-rules-screen', `li[data-index="${from.index}"]`);
  };
  private onUnauthorized = () => (this.session = null);
  private onUnload = (e: BeforeUnloadEvent) => {
    if (this.store.dirty) e.preventDefault();
  };
  private onWide = () => {
    this.loadScreen();
    this.requestUpdate();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
    window.addEventListener(UNAUTHORIZED_EVENT, this.onUnauthorized);
    window.addEventListener('beforeunload', this.onUnload);
    this.wide.addEventListener('change', this.onWide);
    this.addEventListener(SHOW_OFFER_EVENT, this.onShowOffer);
    void currentSession()
      .then((s) => this.signedIn(s))
      .catch(() => undefined)
      .finally(() => (this.checked = true));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
    window.removeEventListener(UNAUTHORIZED_EVENT, this.onUnauthorized);
    window.removeEventListener('beforeunload', this.onUnload);
    this.wide.removeEventListener('change', this.onWide);
    this.removeEventListener(SHOW_OFFER_EVENT, this.onShowOffer);
  }

  override updated(changed: Map<PropertyKey, unknown>): void {
    // Between a phone's width (where the nav wraps) and the width its tabs need, it scrolls sideways: keep the current screen's tab in view.
    if (changed.has('route') || changed.has('session')) {
      this.renderRoot.querySelector('nav a[aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    }
  }

  private signedIn(s: Session): void {
    this.session = s;
    this.loadScreen();
    void this.store.load();
    void this.lookForServerScript(s.user.username);
  }

  private offerKey(): string {
    return `sw-import-offer-dismissed:${this.session?.user.username ?? ''}`;
  }

  /** The first-login offer: a script on the mail server that sievewright did not write. */
  private async lookForServerScript(username: string): Promise<void> {
    if (sessionStorage.getItem(this.offerKey())) return;
    // No offer is no loss: a mail server that cannot be asked just means none is shown.
    const found = await getServerScript().catch(() => null);
    if (!found?.found || this.session?.user.username !== username) return;
    await import('../screens/import-offer.js');
    this.offer = found;
  }

  /** The deploy status points at the offer after “Not now”: bring it back. */
  private onShowOffer = () => {
    if (this.offer || !this.session) return;
    sessionStorage.removeItem(this.offerKey());
    void this.lookForServerScript(this.session.user.username);
  };

  private closeOffer(): void {
    sessionStorage.setItem(this.offerKey(), '1');
    this.offer = null;
    this.offerAdded = false;
  }

  private acceptOffer(e: CustomEvent<{ ruleSet: RuleSet }>): void {
    this.offerAdded = true;
    this.edit(e.detail.ruleSet);
  }

  /** The user's consent to replace their old script; the draft is saved first, so what replaces it is what they see. */
  private async replaceOldScript(e: CustomEvent<{ name: string }>): Promise<void> {
    this.replacing = true;
    try {
      if (this.store.dirty && !(await this.store.save())) return;
      await replaceServerScript(e.detail.name);
      this.closeOffer();
      void this.store.refreshStatus();
    } catch (err) {
      this.store.saveProblem = describeSaveError(err);
    } finally {
      this.replacing = false;
    }
  }

  private loadScreen(): void {
    const name = this.route.screen === 'rules' && this.wide.matches ? 'preview' : this.route.screen;
    void lazy[name]?.();
  }

  private async signOut(): Promise<void> {
    if (this.store.dirty && !window.confirm('You have unsaved changes. Sign out and lose them?')) return;
    await logout().catch(() => undefined);
    sessionStorage.removeItem(this.offerKey());
    this.offer = null;
    this.offerAdded = false;
    this.session = null;
    this.store.discard();
  }

  private edit(next: RuleSet): void {
    this.store.edit(next);
  }

  private setRules(rules: RuleItem[]): void {
    this.edit({ ...this.store.draft!, rules });
  }

  private addRule(): void {
    const rs = this.store.draft!;
    const rule = newRule(uniqueName('New rule', rs.rules.map(itemName)));
    this.setRules([...rs.rules, rule]);
    this.newIndex = rs.rules.length;
    go(`/rules/${rs.rules.length}`);
  }

  /** Focuses `selector` inside the screen `tag` once both have rendered; the screen's title when it is not there. */
  private async focusIn(tag: string, selector: string): Promise<void> {
    await this.updateComplete;
    const screen = this.renderRoot.querySelector<LitElement>(tag);
    if (!screen) return;
    await screen.updateComplete;
    const target = screen.renderRoot.querySelector<HTMLElement>(selector) ?? screen.renderRoot.querySelector<HTMLElement>('h1');
    if (target && !target.hasAttribute('tabindex') && !target.matches('a, button, input, select, textarea, li[tabindex]')) target.tabIndex = -1;
    target?.scrollIntoView({ block: 'nearest' });
    target?.focus();
  }

  private async save(): Promise<void> {
    if (!(await this.store.save())) return;
    // Saved, the new rule is one of the user's rules like any other.
    this.newIndex = null;
    // The save bar, which had the focus, is gone: say so, and give the focus to the screen's title.
    this.saved = 'Saved. Your rules are being installed on the mail server.';
    window.setTimeout(() => (this.saved = ''), 6000);
    const screen = [...this.renderRoot.querySelectorAll('main section > *')].find((el) => el.localName.startsWith('sw-') && el.localName !== 'sw-import-offer');
    if (screen) void this.focusIn(screen.localName, 'h1');
  }

  private deleteRule(index: number): void {
    const rules = this.store.draft!.rules;
    const item = rules[index];
    if (!item) return;
    this.setRules(removeAt(rules, index));
    this.undo = { item, index };
    window.clearTimeout(this.undoTimer);
    this.undoTimer = window.setTimeout(() => (this.undo = null), 10000);
    if (this.route.screen === 'rule') go('/rules');
    // The Delete button went with the rule: the focus goes to Undo.
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.toast button')?.focus());
  }

  private restoreRule(): void {
    if (!this.undo) return;
    const rules = this.store.draft!.rules;
    this.setRules(insertAt(rules, Math.min(this.undo.index, rules.length), this.undo.item));
    this.undo = null;
  }

  /** A new rule from a listed message, opened in the rule editor to keep or drop its conditions. */
  private ruleFromMessage(e: CustomEvent<MessageFacts>): void {
    const rs = this.store.draft!;
    this.setRules([...rs.rules, ruleFromMessage(e.detail, uniqueName(e.detail.listId || e.detail.fromAddress || 'New rule', rs.rules.map(itemName)))]);
    go(`/rules/${rs.rules.length}`);
  }

  private acceptImport(e: CustomEvent<{ ruleSet: RuleSet }>): void {
    this.edit(e.detail.ruleSet);
    go('/rules');
  }

  private screen() {
    const rs = this.store.draft!;
    const saved = this.store.saved!;
    const r = this.route;
    switch (r.screen) {
      case 'rules':
        return html`${this.offer
            ? html`<sw-import-offer
                .offer=${this.offer}
                .ruleSet=${rs}
                ?added=${this.offerAdded}
                ?busy=${this.replacing}
                @accept-import=${this.acceptOffer}
                @replace-script=${this.replaceOldScript}
                @dismiss-offer=${this.closeOffer}
              ></sw-import-offer>`
            : nothing}
          <sw-rules-screen
          .rules=${rs.rules}
          .adminRules=${saved.defaults.rules}
          .disabledDefaults=${saved.defaults.disabled}
          .spam=${rs.settings}
          .problems=${this.store.problems()}
          @value-changed=${(e: ValueChangedEvent<RuleItem[]>) => this.setRules(e.detail.value)}
          @edit-rule=${(e: CustomEvent<{ index: number }>) => go(`/rules/${e.detail.index}`)}
          @delete-rule=${(e: CustomEvent<{ index: number }>) => this.deleteRule(e.detail.index)}
          @new-rule=${this.addRule}
          @defaults-changed=${(e: CustomEvent<{ disabled: string[] }>) => void this.store.setDisabledDefaults(e.detail.disabled)}
        ></sw-rules-screen>`;
      case 'rule': {
        const item = rs.rules[r.index];
        if (!item) return html`<div class="empty">There is no such rule. <a href="#/rules">Back to my rules</a></div>`;
        if (isRawBlock(item)) {
          return html`<sw-raw-block-editor
            .block=${item}
            .index=${r.index}
            .server=${saved}
            @value-changed=${(e: ValueChangedEvent<RawBlock>) => this.setRules(replaceAt(rs.rules, r.index, e.detail.value))}
            @close=${() => go('/rules')}
            @delete-rule=${() => this.deleteRule(r.index)}
          ></sw-raw-block-editor>`;
        }
        return html`<sw-rule-editor
          .rule=${item}
          .index=${r.index}
          .folders=${this.store.folderChoices()}
          .allowedDomains=${saved.policy.allowedRedirectDomains}
          .junkFolder=${rs.settings.junkFolder}
          .otherNames=${rs.rules.filter((_, i) => i !== r.index).map(itemName)}
          .problems=${this.store.problems().get(r.index) ?? []}
          ?isNew=${this.newIndex === r.index}
          @value-changed=${(e: ValueChangedEvent<Rule>) => this.setRules(replaceAt(rs.rules, r.index, e.detail.value))}
          @close=${() => go('/rules')}
          @delete-rule=${() => this.deleteRule(r.index)}
        ></sw-rule-editor>`;
      }
      case 'out-of-office':
        return html`<sw-out-of-office-screen
          .rules=${rs.rules}
          .username=${this.session?.user.username ?? ''}
          @value-changed=${(e: ValueChangedEvent<RuleItem[]>) => this.setRules(e.detail.value)}
        ></sw-out-of-office-screen>`;
      case 'forwarding':
        return html`<sw-forwarding-screen
          .rules=${rs.rules}
          .policy=${saved.policy}
          @value-changed=${(e: ValueChangedEvent<RuleItem[]>) => this.setRules(e.detail.value)}
        ></sw-forwarding-screen>`;
      case 'senders':
        return html`<sw-senders-screen
          .value=${{ whitelist: rs.whitelist, blocklist: rs.blocklist }}
          @value-changed=${(e: ValueChangedEvent<SendersValue>) => this.edit({ ...rs, ...e.detail.value })}
        ></sw-senders-screen>`;
      case 'spam':
        return html`<sw-spam-screen
          .value=${rs.settings}
          .folders=${this.store.folderChoices()}
          @value-changed=${(e: ValueChangedEvent<SpamSettings>) => this.edit({ ...rs, settings: e.detail.value })}
        ></sw-spam-screen>`;
      case 'preview':
        return this.preview(true);
      case 'text':
        return html`<sw-text-screen
          .ruleSet=${rs}
          @value-changed=${(e: ValueChangedEvent<RuleSet>) => this.edit(e.detail.value)}
          @text-validity=${(e: CustomEvent<{ valid: boolean }>) => (this.textValid = e.detail.valid)}
        ></sw-text-screen>`;
      case 'import':
        return html`<sw-import-screen .ruleSet=${rs} @accept-import=${this.acceptImport}></sw-import-screen>`;
      case 'learning':
        return html`<sw-learning-screen></sw-learning-screen>`;
      case 'try':
        return html`<sw-try-screen .ruleSet=${rs} .folders=${this.store.folderChoices()} @create-rule-from-message=${this.ruleFromMessage}></sw-try-screen>`;
      case 'admin':
        return this.session?.user.isAdmin
          ? html`<sw-admin-screen .tab=${r.tab}></sw-admin-screen>`
          : html`<div class="empty">This page is for administrators.</div>`;
    }
  }

  private preview(withHistory = false) {
    return html`<sw-preview-screen
      .ruleSet=${this.store.draft!}
      .dirty=${this.store.dirty}
      .status=${this.store.status}
      .version=${withHistory ? this.store.saved!.version : 0}
      .install=${this.store.installRequest}
      @deploy-now=${() => void this.store.deployNow()}
      @restored=${(e: CustomEvent<RulesResponse>) => this.store.replaceSaved(e.detail)}
    ></sw-preview-screen>`;
  }

  private saveBar() {
    const s = this.store;
    const p = s.saveProblem;
    if (!s.dirty && !p) return nothing;
    const held = s.problems();
    const problems = held.size;
    return html`<div class="savebar ${p ? 'problem' : ''}" role="region" aria-label="Unsaved changes">
      <div id="save-state">
        ${p
          ? html`<strong role="alert">${p.message}</strong>
              ${p.details.length ? html`<ul class="errors">${p.details.map((d) => html`<li>${d}</li>`)}</ul>` : nothing}`
          : problems
            ? html`<strong>${problems === 1 ? 'One rule needs' : `${problems} rules need`} attention before saving:</strong>
                <ul class="errors">
                  ${[...held]
                    .slice(0, HELD_SHOWN)
                    .map(([i, found]) =>
                      // The open rule's problems stand beside its fields already: one message per problem.
                      this.route.screen === 'rule' && this.route.index === i
                        ? html`<li>${itemName(s.draft!.rules[i]!)}: see the fields marked above.</li>`
                        : html`<li>${itemName(s.draft!.rules[i]!)}: ${found.map((f) => f.message).join(' ')}</li>`,
                    )}
                  ${problems > HELD_SHOWN ? html`<li>and ${problems - HELD_SHOWN} more, marked in the list of rules.</li>` : nothing}
                </ul>`
            : !this.textValid && this.route.screen === 'text'
              ? html`<strong>The text has errors; saving keeps the last version without errors.</strong>`
              : html`<strong>You have unsaved changes.</strong> <span class="muted">Nothing changes for your mail until you save.</span>`}
      </div>
      <div class="row">
        ${p?.conflict
          ? html`<button @click=${() => void s.load()}>Load the other version</button>
              <button class="danger" @click=${() => void s.save(true)}>Save mine anyway</button>`
          : html`<button @click=${() => s.discard()} ?disabled=${!s.dirty}>Discard changes</button>
              <button class="primary" aria-describedby="save-state" ?disabled=${s.saving || problems > 0 || !s.dirty} @click=${() => void this.save()}>
                ${s.saving ? 'Saving…' : 'Save'}
              </button>`}
      </div>
    </div>`;
  }

  /** Undo after a delete: in the page's flow above the screen, so it covers no button while it lasts. */
  private toast() {
    if (!this.undo) return nothing;
    return html`<div class="toast" role="status">
      <span>Deleted “${itemName(this.undo.item)}”.</span>
      <button @click=${this.restoreRule}>Undo</button>
      <button class="icon" aria-label="Dismiss" @click=${() => (this.undo = null)}>✕</button>
    </div>`;
  }

  override render() {
    if (!this.checked) return html`<main><p class="muted">Loading…</p></main>`;
    if (!this.session) return html`<sw-login-screen @logged-in=${(e: CustomEvent<Session>) => this.signedIn(e.detail)}></sw-login-screen>`;
    const here = this.route.screen === 'rule' ? 'rules' : this.route.screen;
    const s = this.store;
    const split = this.route.screen === 'rules' && this.wide.matches;
    return html`<header>
        <span class="brand">sievewright</span>
        <sw-deploy-status compact .status=${s.status}></sw-deploy-status>
        <span class="who"
          ><span>${this.session.user.username}</span><button @click=${this.signOut}>Sign out</button></span
        >
      </header>
      <nav aria-label="Main">
        <ul>
          ${NAV.filter(([, , admin]) => !admin || this.session?.user.isAdmin).map(
            ([id, label]) => html`<li><a href=${`#/${id}`} aria-current=${here === id ? 'page' : 'false'}>${label}</a></li>`,
          )}
        </ul>
      </nav>
      <main class=${split ? 'split' : ''}>
        ${s.loadError
          ? html`<div class="empty" role="alert">Your rules could not be loaded: ${s.loadError} <button @click=${() => void s.load()}>Try again</button></div>`
          : !s.draft
            ? html`<p class="muted">Loading your rules…</p>`
            : html`<section>${this.toast()}${this.screen()}</section>
                ${split ? html`<aside aria-label="Preview">${this.preview()}</aside>` : nothing}`}
      </main>
      ${this.saveBar()}
      <p class="visually-hidden" role="status">${this.saved}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-app': App;
  }
}
