// The one place the browser talks HTTP: JSON in and out, typed by the route
// table of the contract, the CSRF token on every state-changing request, and
// the server's error format turned into a typed ApiError so screens can
// switch on its code and show the message in words.
import type { ErrorBody, ErrorCode, Input, Method, PathOf, RouteAt, Success } from '../../server/routes/contract.js';

/** What went wrong: the server's error, or `network` when no answer came. */
export type Failure = ErrorBody['error'] | { code: 'network'; message: string; details: Record<string, never> };
export type FailureCode = Failure['code'];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly failure: Failure,
  ) {
    super(failure.message);
    this.name = 'ApiError';
  }

  get code(): FailureCode {
    return this.failure.code;
  }
}

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Fired on window when a request finds the session gone, so the shell shows the login screen. */
export const UNAUTHORIZED_EVENT = 'sw-unauthorized';

/** The code of an answer without the server's error body (a proxy's error page, say). */
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'internal';
  return 'invalid_request';
}

/** Words for a failure whose body brought no message. */
export function messageFor(code: FailureCode): string {
  switch (code) {
    case 'network':
      return 'The server cannot be reached. Check your connection and try again.';
    case 'unauthenticated':
      return 'Your session has ended. Please sign in again.';
    case 'forbidden':
    case 'csrf':
      return 'You are not allowed to do this.';
    case 'not_found':
      return 'This was not found on the server.';
    case 'rate_limited':
      return 'Too many attempts. Please wait a moment and try again.';
    case 'internal':
    case 'mail_server_unavailable':
      return 'The server had a problem. Please try again in a moment.';
    case 'bad_credentials':
      return 'Wrong username or password.';
    case 'version_conflict':
      return 'Your rules were changed somewhere else (another window?) since you opened them.';
    case 'apply_conflict':
      return 'Your mail changed since the dry run, or a run is still going. Run the dry run again.';
    case 'invalid_request':
    case 'invalid_rules':
    case 'policy_violation':
    case 'rules_too_large':
    case 'too_deep':
      return 'The server refused the request.';
    default: {
      const unhandled: never = code;
      return unhandled;
    }
  }
}

function failureOf(status: number, data: unknown): Failure {
  const err = (data as Partial<ErrorBody> | null)?.error;
  if (err && typeof err.code === 'string') return { ...err, message: err.message || messageFor(err.code), details: err.details ?? {} } as Failure;
  const code = codeForStatus(status);
  return { code, message: messageFor(code), details: {} } as Failure;
}

async function send(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, { code: 'network', message: messageFor('network'), details: {} });
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/login' && path !== '/api/session') {
      window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT));
    }
    throw new ApiError(res.status, failureOf(res.status, data));
  }
  return data;
}

/** The path with its `:name` parameters filled in and the query appended. */
export function urlOf(path: string, input: { params?: object; query?: object }): string {
  const filled = path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(String((input.params as Record<string, unknown>)[name])));
  const query = Object.entries(input.query ?? {}).filter(([, v]) => v !== undefined);
  return query.length ? `${filled}?${new URLSearchParams(query.map(([k, v]) => [k, String(v)])).toString()}` : filled;
}

/** Calls the route of the contract at `method` and `path`; its input and its answer are typed by the route table. */
export function call<M extends Method, P extends PathOf<M>>(method: M, path: P, input: Input<RouteAt<M, P>>, signal?: AbortSignal): Promise<Success<RouteAt<M, P>>> {
  const given = input as { body?: unknown; params?: object; query?: object };
  // The server serialized the answer by this route's schema.
  return send(method, urlOf(path, given), method === 'GET' ? undefined : (given.body ?? {}), signal) as Promise<Success<RouteAt<M, P>>>;
}
