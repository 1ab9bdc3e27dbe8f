import { get, post } from './http.js';
import type { ImportResponse, ServerScript } from './types.js';

export const importSieve = (text: string) => post<ImportResponse>('/api/import/sieve', { text });

export const importProcmail = (text: string) => post<ImportResponse>('/api/import/procmail', { text });

/** The active Sieve script on the user's mail server that sievewright did not write, imported (nothing is saved). */
export const getServerScript = (signal?: AbortSignal) => get<ServerScript>('/api/import/server-script', signal);
