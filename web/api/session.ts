import { call, setCsrfToken } from './http.js';
import type { Session } from './types.js';

export async function login(username: string, password: string): Promise<Session> {
  const s = await call('POST', '/api/login', { body: { username, password } });
  setCsrfToken(s.csrfToken);
  return s;
}

export async function currentSession(): Promise<Session> {
  const s = await call('GET', '/api/session', {});
  setCsrfToken(s.csrfToken);
  return s;
}

export async function logout(): Promise<void> {
  await call('POST', '/api/logout', {});
  setCsrfToken(null);
}
