// The audit log in words: what each recorded action means, and its details
// as labelled values instead of the JSON the server stores.
import type { AuditEntry } from '../api/types.js';
import { actionLabel } from './words.js';

type AuditAction = AuditEntry['action'];

/** Every action the server records has a sentence: a new one does not compile until it is worded. */
const ACTIONS: Record<AuditAction, (target: string) => string> = {
  'login.failed': (t) => `Failed sign-in as ${t}`,
  'rules.save': (t) => `Saved the rules of ${t}`,
  'rules.restore': (t) => `Restored an earlier version of ${t}’s rules`,
  'rules.migrate': (t) => `Moved ${t}’s procmail filter into rules`,
  'rules.redirect-outside': (t) => `Forwarding outside the allowed domains in ${t}’s rules`,
  'defaults.save': () => 'Saved the default rules',
  'defaults.overrides': (t) => `Switched default rules on or off for ${t}`,
  'policy.save': () => 'Saved the policy',
  'deploy.request': (t) => `Asked to install ${t}’s filter again`,
  'deploy.redeploy-all': () => 'Re-deployed every user',
  'deploy.replace-consent': (t) => `Replaced ${t}’s own Sieve script with the rules`,
  'mail.apply': (t) => `Ran rules over ${t}’s existing mail`,
  'mail.apply-undo': (t) => `Undid a run of rules over ${t}’s existing mail`,
};

export function describeAuditAction(entry: Pick<AuditEntry, 'action' | 'target'>): string {
  return ACTIONS[entry.action](entry.target);
}

/** Known detail keys in words; an unknown key is shown as it is rather than hidden. */
const LABELS: Record<string, string> = {
  version: 'Version',
  summary: 'Change',
  message: 'What happened',
  rule: 'Rule',
  address: 'Address',
  via: 'Sent by',
  line: 'Line',
  rules: 'Number of rules',
  added: 'Added',
  removed: 'Removed',
  disabled: 'Switched off',
  ip: 'From IP address',
  jobId: 'Job',
  script: 'Script',
  allowedRedirectDomains: 'Forwarding allowed to',
  allowedActions: 'Actions allowed',
  maxRules: 'Most rules per user',
  redirectOutside: 'Forwarding elsewhere',
};

const VALUES: Record<string, (v: unknown) => string | null> = {
  allowedRedirectDomains: (v) => (Array.isArray(v) && v.length === 0 ? 'any domain' : null),
  allowedActions: (v) => (Array.isArray(v) ? v.map((k) => actionLabel(String(k))).join(', ') || 'none' : null),
  redirectOutside: (v) => (v === 'refuse' ? 'refused' : v === 'alert' ? 'allowed, raised as an alert' : null),
  via: (v) => (v === 'redirect' ? 'a forwarding action' : typeof v === 'string' ? `Sieve “${v}”` : null),
};

function plain(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.map(plain).join(', ');
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${LABELS[k] ?? k}: ${plain(x)}`).join('; ');
  return String(v);
}

export interface AuditDetail {
  label: string;
  value: string;
}

/** The message first (it says the most), then the other details in the order recorded. */
export function auditDetails(details: Record<string, unknown>): AuditDetail[] {
  const entries = Object.entries(details);
  const ordered = [...entries.filter(([k]) => k === 'message'), ...entries.filter(([k]) => k !== 'message')];
  return ordered.map(([k, v]) => ({ label: LABELS[k] ?? k, value: VALUES[k]?.(v) ?? plain(v) }));
}
