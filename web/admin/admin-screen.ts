// Admin area: defaults, policy, users (deploy status, re-deploy), audit,
// learning health.
// Loaded on demand; users who are not admins never download it.
import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { base } from '../ui/styles.js';
import './admin-defaults.js';
import './admin-policy.js';
import './admin-users.js';
import './admin-audit.js';
import './admin-learning.js';

const TABS: Array<[string, string]> = [
  ['defaults', 'Default rules'],
  ['policy', 'Policy'],
  ['users', 'Users'],
  ['audit', 'Audit log'],
  ['learning', 'Learning'],
];

@customElement('sw-admin-screen')
export class AdminScreen extends LitElement {
  static override styles = [
    base,
    css`
      nav {
        display: flex;
        gap: 0.25rem;
        flex-wrap: wrap;
        margin-bottom: 0.75rem;
      }
      nav a {
        padding: 0.4rem 0.7rem;
        border: 1px solid #aab4c3;
        border-radius: 6px;
        color: inherit;
        text-decoration: none;
        background: #fff;
      }
      nav a[aria-current='page'] {
        background: #1f5fbf;
        border-color: #1f5fbf;
        color: #fff;
      }
    `,
  ];

  @property() tab = 'defaults';

  private body() {
    switch (this.tab) {
      case 'policy':
        return html`<sw-admin-policy></sw-admin-policy>`;
      case 'users':
        return html`<sw-admin-users></sw-admin-users>`;
      case 'audit':
        return html`<sw-admin-audit></sw-admin-audit>`;
      case 'learning':
        return html`<sw-admin-learning></sw-admin-learning>`;
      default:
        return html`<sw-admin-defaults></sw-admin-defaults>`;
    }
  }

  override render() {
    return html`<h1>Administration</h1>
      <nav aria-label="Admin sections">
        ${TABS.map(([id, label]) => html`<a href=${`#/admin/${id}`} aria-current=${this.tab === id ? 'page' : 'false'}>${label}</a>`)}
      </nav>
      ${this.body()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-admin-screen': AdminScreen;
  }
}
