import { post } from './http.js';
import type { ImportResponse } from './types.js';

export const importSieve = (text: string) => post<ImportResponse>('/api/import/sieve', { text });

export const importProcmail = (text: string) => post<ImportResponse>('/api/import/procmail', { text });
