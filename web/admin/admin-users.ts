// Users with their deploy status, a page at a time, and re-deploy all.
import { LitElement, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { getUsers } from '../api/admin.js';
import { base } from '../ui/styles.js';
import '../ui/deploy-badge.js';
import './redeploy-panel.js';

const PAGE = 50;

@customElement('sw-admin-users')
export class AdminUsers extends LitElement {
  static override styles = base;

  @state() private offset = 0;

  private users = new Task(this, {
    task: async ([offset]: readonly [number], { signal }) => getUsers(offset, PAGE, signal),
    args: () => [this.offset] as const,
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
          complete: ({ users, total, offset }) =>
            total === 0
              ? html`<p class="empty">No users yet. Users appear here after they first sign in.</p>`
              : html`<p class="muted">Users ${offset + 1}–${offset + users.length} of ${total}</p>
                <p>
                  <button ?disabled=${offset === 0} @click=${() => (this.offset = Math.max(0, offset - PAGE))}>Previous</button>
                  <button ?disabled=${offset + users.length >= total} @click=${() => (this.offset = offset + PAGE)}>Next</button>
                </p>
                <table class="stack">
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
