import type { RuleSet } from '../../grammar/model.js';
import { call } from './http.js';

export const tryRules = (ruleSet: RuleSet, folders: string[], limit: number, signal?: AbortSignal) =>
  call('POST', '/api/mail/try', { body: { rules: { ruleSet }, folders, limit } }, signal);

export const planApply = (ruleSet: RuleSet, ruleIndexes: number[], folder: string, limit: number) =>
  call('POST', '/api/mail/apply/plan', { body: { rules: { ruleSet }, ruleIndexes, folder, limit } });

export const startApply = (ruleSet: RuleSet, ruleIndexes: number[], folder: string, limit: number, expected: number) =>
  call('POST', '/api/mail/apply', { body: { rules: { ruleSet }, ruleIndexes, folder, limit, expected } });

export const applyRun = (runId: string, signal?: AbortSignal) => call('GET', '/api/mail/apply/:runId', { params: { runId } }, signal);

export const applyRuns = (signal?: AbortSignal) => call('GET', '/api/mail/apply', {}, signal);

export const undoApply = (runId: string) => call('POST', '/api/mail/apply/:runId/undo', { params: { runId } });
