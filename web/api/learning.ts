import { call } from './http.js';

export const learningLog = (limit: number, signal?: AbortSignal) => call('GET', '/api/learning/log', { query: { limit } }, signal);

export const weeklyCounts = (signal?: AbortSignal) => call('GET', '/api/learning/weekly', {}, signal);
