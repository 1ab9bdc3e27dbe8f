import type { RuleSet } from '../../grammar/model.js';
import { get, post, put } from './http.js';
import type { DeployStatus, HistoryEntry, PreviewResponse, RulesResponse } from './types.js';

export const getRules = (signal?: AbortSignal) => get<RulesResponse>('/api/rules', signal);

export const saveRules = (ruleSet: RuleSet, baseVersion?: number) =>
  put<RulesResponse>('/api/rules', baseVersion === undefined ? { ruleSet } : { ruleSet, baseVersion });

export const previewRules = (ruleSet: RuleSet) => post<PreviewResponse>('/api/rules/preview', { ruleSet });

/** Entries the server sends per history page when asked for none in particular. */
export const HISTORY_PAGE = 50;

/** One page of history, newest first; `before` pages back past the oldest entry shown. */
export const ruleHistory = (before?: number) =>
  get<HistoryEntry[]>(`/api/rules/history?limit=${HISTORY_PAGE}${before === undefined ? '' : `&before=${before}`}`);

export const restoreVersion = (version: number) => post<RulesResponse>(`/api/rules/history/${version}/restore`);

export const setDisabledDefaults = (disabled: string[]) => put<unknown>('/api/defaults/overrides', { disabled });

export const deployStatus = (signal?: AbortSignal) => get<DeployStatus>('/api/deploy/status', signal);

export const deployNow = () => post<unknown>('/api/deploy');

export const getFolders = (signal?: AbortSignal) => get<{ folders: string[] }>('/api/folders', signal);
