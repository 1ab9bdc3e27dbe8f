import { get, post, setCsrfToken } from './http.js';
import type { Session } from './types.js';

export async function login(username: string, password: string): Promise<Session> {
  const s = await post<Session>('/api/login', { username, password });
  setCsrfToken(s.csrfToken);
  return s;
}

export async function currentSession(): Promise<Session> {
  const s = await get<Session>('/api/session');
  setCsrfToken(s.csrfToken);
  return s;
}

export async function logout(): Promise<void> {
  await post('/api/logout');
  setCsrfToken(null);
}
