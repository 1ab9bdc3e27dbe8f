import { get, post, put } from './http.js';
import type { AdminUser, AuditEntry, DefaultsResponse, GlobalScriptsStatus, LearningHealth, Policy, RedeployProgress } from './types.js';

export const getDefaults = (signal?: AbortSignal) => get<DefaultsResponse>('/api/admin/defaults', signal);
export const saveDefaults = (text: string) => put<DefaultsResponse & { globalScripts: GlobalScriptsStatus }>('/api/admin/defaults', { text });

export const getPolicy = (signal?: AbortSignal) => get<Policy>('/api/admin/policy', signal);
export const savePolicy = (policy: Policy) => put<Policy>('/api/admin/policy', policy);

export const getUsers = (signal?: AbortSignal) => get<AdminUser[]>('/api/admin/users', signal);

export const getAudit = (limit: number, signal?: AbortSignal) => get<AuditEntry[]>(`/api/admin/audit?limit=${limit}`, signal);

export const startRedeploy = () => post<{ jobId: string }>('/api/admin/redeploy');

/**
 * Follows a re-deploy job over server-sent events until its `end` event.
 * Resolves with the last progress seen.
 */
export function followRedeploy(jobId: string, onProgress: (p: RedeployProgress) => void): Promise<RedeployProgress> {
  return new Promise((resolve, reject) => {
    const source = new EventSource(`/api/admin/redeploy/${encodeURIComponent(jobId)}/events`);
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

export const getLearningHealth = (signal?: AbortSignal) => get<LearningHealth[]>('/api/admin/learning', signal);
