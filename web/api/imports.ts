import { get, post } from './http.js';
import type { DeployStatus, ImportResponse, ServerScript } from './types.js';

export const importSieve = (text: string) => post<ImportResponse>('/api/import/sieve', { text });

export const importProcmail = (text: string) => post<ImportResponse>('/api/import/procmail', { text });

/** The active Sieve script on the user's mail server that sievewright did not write, imported (nothing is saved). */
export const getServerScript = (signal?: AbortSignal) => get<ServerScript>('/api/import/server-script', signal);

/** The user's consent that sievewright's script replaces their script `name` (switched off, kept); a deploy is queued. */
export const replaceServerScript = (name: string) => post<DeployStatus>('/api/import/server-script/replace', { name });
