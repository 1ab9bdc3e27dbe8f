// Append-only audit log: who changed what, when; `alert` marks entries an
// admin should look at (e.g. a new forward to an outside domain).
import type { AuditAction } from './audit-actions.js';
import type { Db } from './db.js';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: AuditAction;
  target: string;
  details: Record<string, unknown>;
  alert: boolean;
}

export interface NewAuditEntry {
  actor: string;
  action: AuditAction;
  target: string;
  details?: Record<string, unknown>;
  alert?: boolean;
}

interface Row {
  id: number;
  at: string;
  actor: string;
  /** Written only from an AuditAction. */
  action: AuditAction;
  target: string;
  details: string;
  alert: number;
}

export class AuditRepository {
  constructor(private readonly db: Db) {}

  append(e: NewAuditEntry): void {
    this.db
      .prepare('INSERT INTO audit_log (actor, action, target, details, alert) VALUES (?, ?, ?, ?, ?)')
      .run(e.actor, e.action, e.target, JSON.stringify(e.details ?? {}), e.alert ? 1 : 0);
  }

  /** Newest first. */
  list(opts: { limit?: number; alertsOnly?: boolean; target?: string } = {}): AuditEntry[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (opts.alertsOnly) where.push('alert = 1');
    if (opts.target !== undefined) {
      where.push('target = ?');
      args.push(opts.target);
    }
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return this.db
      .prepare<Array<string | number>, Row>(sql)
      .all(...args, opts.limit ?? 100)
      .map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown>, alert: r.alert === 1 }));
  }
}
