import { call } from './http.js';

export const importSieve = (text: string) => call('POST', '/api/import/sieve', { body: { text } });

export const importProcmail = (text: string) => call('POST', '/api/import/procmail', { body: { text } });

/** The active Sieve script on the user's mail server that sievewright did not write, imported (nothing is saved). */
export const getServerScript = (signal?: AbortSignal) => call('GET', '/api/import/server-script', {}, signal);

/** The user's consent that sievewright's script replaces their script `name` (switched off, kept); a deploy is queued. */
export const replaceServerScript = (name: string) => call('POST', '/api/import/server-script/replace', { body: { name } });
