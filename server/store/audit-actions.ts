// Every action the audit log records. The words are stored with each entry,
// so they stay as first written (dotted, kebab-case inside) rather than
// follow the snake_case of the error codes.
export const AUDIT_ACTIONS = [
  'login.failed',
  'rules.save',
  'rules.restore',
  'rules.migrate',
  'rules.redirect-outside',
  'defaults.save',
  'defaults.overrides',
  'policy.save',
  'deploy.request',
  'deploy.redeploy-all',
  'deploy.replace-consent',
  'mail.apply',
  'mail.apply-undo',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
