import type { EventOf, Routes } from '../../server/routes/contract.js';
import { call, urlOf } from './http.js';
import type { Policy } from './types.js';

type RedeployProgress = EventOf<Routes['redeployEvents']>;

export const getDefaults = (signal?: AbortSignal) => call('GET', '/api/admin/defaults', {}, signal);
export const saveDefaults = (text: string) => call('PUT', '/api/admin/defaults', { body: { text } });

export const getPolicy = (signal?: AbortSignal) => call('GET', '/api/admin/policy', {}, signal);
export const savePolicy = (policy: Policy) => call('PUT', '/api/admin/policy', { body: policy });

export const getUsers = (offset: number, limit: number, signal?: AbortSignal) => call('GET', '/api/admin/users', { query: { offset, limit } }, signal);

export const getAudit = (limit: number, signal?: AbortSignal) => call('GET', '/api/admin/audit', { query: { limit } }, signal);

export const startRedeploy = () => call('POST', '/api/admin/redeploy', {});

/**
 * Follows a re-deploy job over server-sent events until its `end` event.
 * Resolves with the last progress seen.
 */
export function followRedeploy(jobId: string, onProgress: (p: RedeployProgress) => void): Promise<RedeployProgress> {
  return new Promise((resolve, reject) => {
    const source = new EventSource(urlOf('/api/admin/redeploy/:jobId/events' satisfies Routes['redeployEvents']['path'], { params: { jobId } }));
    let last: RedeployProgress = { done: 0, failed: 0, total: 0 };
    source.addEventListener('progress', (ev) => {
      last = JSON.parse((ev as MessageEvent<string>).data) as RedeployProgress;
      onProgress(last);
    });
    source.addEventListener('end', (ev) => {
      const data = (ev as MessageEvent<string>).data;
      if (data) {
        try {
          last = { ...last, ...(JSON.parse(data) as Partial<RedeployProgress>) };
        } catch {
          // An end event without a JSON body keeps the last progress.
        }
      }
      source.close();
      resolve(last);
    });
    source.onerror = () => {
      source.close();
      reject(new Error('Lost the connection to the server while following the re-deploy.'));
    };
  });
}

export const getLearningHealth = (signal?: AbortSignal) => call('GET', '/api/admin/learning', {}, signal);
