// Every user with their deploy status, and re-deploy all.
import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { getUsers } from '../api/admin.js';
import { base } from '../ui/styles.js';
import '../ui/deploy-badge.js';
import './redeploy-panel.js';

@customElement('sw-admin-users')
export class AdminUsers extends LitElement {
  static override styles = base;

  private users = new Task(this, {
    task: async (_: readonly [], { signal }) => getUsers(signal),
    args: () => [] as const,
  });

  override render() {
    return html`<section class="card">
        <h2>Re-deploy</h2>
        <p class="muted">Compiles and installs every user’s filter again, for example after changing the defaults.</p>
        <sw-redeploy-panel @redeployed=${() => void this.users.run()}></sw-redeploy-panel>
      </section>
      <section class="card">
        <h2>Users</h2>
        ${this.users.render({
          pending: () => html`<p class="muted">Loading users…</p>`,
          error: (e) => html`<p class="error" role="alert">The users could not be loaded: ${(e as Error).message}</p>`,
          complete: (users) =>
            users.length === 0
              ? html`<p class="empty">No users yet. Users appear here after they first sign in.</p>`
              : html`<table class="stack">
                  <thead><tr><th>User</th><th>Rules version</th><th>Last sign-in</th><th>Filter</th></tr></thead>
                  <tbody>
                    ${users.map(
                      (u) => html`<tr>
                        <td>${u.username}${u.isAdmin ? html` <span class="badge">admin</span>` : ''}</td>
                        <td data-label="Rules version">${u.rulesVersion}</td>
                        <td data-label="Last sign-in">${u.lastLoginAt ? new Date(u.lastLoginAt).toLocaleString() : 'never'}</td>
                        <td><sw-deploy-status .status=${u.status}></sw-deploy-status></td>
                      </tr>`,
                    )}
                  </tbody>
                </table>`,
        })}
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-admin-users': AdminUsers;
  }
}
