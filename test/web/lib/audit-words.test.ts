// The audit log in words: no action code and no JSON reaches the admin.
import { describe, expect, test } from 'vitest';
import { AUDIT_ACTIONS } from '../../../server/store/audit-actions.js';
import { auditDetails, describeAuditAction } from '../../../web/lib/audit-words.js';

describe('describeAuditAction', () => {
  test('every recorded action reads as a sentence naming its target, without the code', () => {
    for (const action of AUDIT_ACTIONS) {
      const text = describeAuditAction({ action, target: 'mo' });
      expect(text).not.toContain(action);
      expect(text).toMatch(/^[A-Z]/);
    }
    expect(describeAuditAction({ action: 'rules.save', target: 'demo' })).toBe('Saved the rules of demo');
  });
});

describe('auditDetails', () => {
  test('a forwarding alert: what happened first, then the rest labelled', () => {
    const details = auditDetails({ version: 3, rule: 'Fwd', address: 'x@elsewhere.example', via: 'redirect', message: 'forwarding to x@elsewhere.example goes outside the allowed domains' });
    expect(details).toEqual([
      { label: 'What happened', value: 'forwarding to x@elsewhere.example goes outside the allowed domains' },
      { label: 'Version', value: '3' },
      { label: 'Rule', value: 'Fwd' },
      { label: 'Address', value: 'x@elsewhere.example' },
      { label: 'Sent by', value: 'a forwarding action' },
    ]);
  });

  test('a policy save: lists in words, the refuse/alert choice in words', () => {
    const details = auditDetails({ allowedRedirectDomains: [], allowedActions: ['fileinto', 'raw'], maxRules: 10, redirectOutside: 'refuse' });
    expect(details).toEqual([
      { label: 'Forwarding allowed to', value: 'any domain' },
      { label: 'Actions allowed', value: 'Move to folder, Sieve blocks (kept as written)' },
      { label: 'Most rules per user', value: '10' },
      { label: 'Forwarding elsewhere', value: 'refused' },
    ]);
  });

  test('empty lists, nested objects and unknown keys never come out as JSON', () => {
    const details = auditDetails({ added: [], removed: ['Old'], extra: { a: 1, b: [true, null] } });
    expect(details).toEqual([
      { label: 'Added', value: 'none' },
      { label: 'Removed', value: 'Old' },
      { label: 'extra', value: 'a: 1; b: yes, —' },
    ]);
    for (const d of details) expect(d.value).not.toMatch(/[{}[\]"]/);
  });
});
