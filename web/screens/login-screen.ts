// Sign in with the mail account's own credentials.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { login } from '../api/session.js';
import { base } from '../ui/styles.js';

@customElement('sw-login-screen')
export class LoginScreen extends LitElement {
  static override styles = [
    base,
    css`
      form {
        max-width: 22rem;
        margin: 3rem auto;
        display: flex;
        flex-direction: column;
        gap: 0.8rem;
      }
      input {
        width: 100%;
      }
    `,
  ];

  @state() private error = '';
  @state() private busy = false;

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const username = String(data.get('username') ?? '').trim();
    const password = String(data.get('password') ?? '');
    if (!username || !password) {
      this.error = 'Enter your mail address or user name and your password.';
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const session = await login(username, password);
      this.dispatchEvent(new CustomEvent('logged-in', { detail: session, bubbles: true, composed: true }));
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<form class="card" @submit=${this.submit} novalidate>
      <h1>Sign in to sievewright</h1>
      <p class="muted">Use the same user name and password as for your mail.</p>
      <label>User name <input name="username" type="text" autocomplete="username" autofocus /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" /></label>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Signing in…' : 'Sign in'}</button>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-login-screen': LoginScreen;
  }
}
