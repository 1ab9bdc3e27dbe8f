import { get } from './http.js';
import type { LearningEvent, WeeklyCount } from './types.js';

export const learningLog = (limit: number, signal?: AbortSignal) => get<LearningEvent[]>(`/api/learning/log?limit=${limit}`, signal);

export const weeklyCounts = (signal?: AbortSignal) => get<WeeklyCount[]>('/api/learning/weekly', signal);
