import type { Db, ServiceContext } from './context.ts';

// Append-only audit trail (PRODUCT_SPEC §8.4). Entries are written in the same transaction as the
// change they describe, so there is never a change without its entry.

export const AUDIT_ACTIONS = [
  'auth.sign_in',
  'flow.create',
  'flow.save_draft',
  'flow.duplicate',
  'flow.archive',
  'flow.delete',
  'flow.publish',
  'flow.rollback',
  'flow.pause',
  'flow.resume',
  'flow.end',
  'user.create',
  'user.role_change',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  action: AuditAction;
  objectType: 'flow' | 'user';
  objectId: string;
  versionId?: string;
  /** Serialised as JSON text. */
  diff?: unknown;
}

export async function recordAudit(db: Db, ctx: Pick<ServiceContext, 'actor' | 'request' | 'now'>, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      at: ctx.now(),
      actorId: ctx.actor.id,
      role: ctx.actor.role,
      action: entry.action,
      objectType: entry.objectType,
      objectId: entry.objectId,
      versionId: entry.versionId ?? null,
      diff: entry.diff === undefined ? null : JSON.stringify(entry.diff),
      ip: ctx.request.ip,
      userAgent: ctx.request.userAgent,
    },
  });
}
