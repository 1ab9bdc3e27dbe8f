import type { RuleSet } from '../../grammar/model.js';
import { call } from './http.js';

export const getRules = (signal?: AbortSignal) => call('GET', '/api/rules', {}, signal);

export const saveRules = (ruleSet: RuleSet, baseVersion?: number) =>
  call('PUT', '/api/rules', { body: baseVersion === undefined ? { ruleSet } : { ruleSet, baseVersion } });

export const previewRules = (ruleSet: RuleSet) => call('POST', '/api/rules/preview', { body: { ruleSet } });

/** Entries the server sends per history page when asked for none in particular. */
export const HISTORY_PAGE = 50;

/** One page of history, newest first; `before` pages back past the oldest entry shown. */
export const ruleHistory = (before?: number) =>
  call('GET', '/api/rules/history', { query: before === undefined ? { limit: HISTORY_PAGE } : { limit: HISTORY_PAGE, before } });

export const restoreVersion = (version: number) => call('POST', '/api/rules/history/:version/restore', { params: { version } });

export const setDisabledDefaults = (disabled: string[]) => call('PUT', '/api/defaults/overrides', { body: { disabled } });

export const deployStatus = (signal?: AbortSignal) => call('GET', '/api/deploy/status', {}, signal);

export const deployNow = () => call('POST', '/api/deploy', {});

export const getFolders = (signal?: AbortSignal) => call('GET', '/api/folders', {}, signal);
