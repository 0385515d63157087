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
  'customer.create',
  'customer.update',
  'contact.create',
  'tag.batch_apply',
  'tag.batch_remove',
  'attribute.define',
  'attribute.update',
  'attribute.archive',
  'attribute.restore',
  'attribute.delete',
  'points.adjust',
  'import.create',
  'import.cancel',
  'test_list.add',
  'test_list.remove',
  'test.send',
  'api_key.create',
  'api_key.revoke',
  'channel.create',
  'channel.update',
  'channel.rotate_secret',
  'channel.delete',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OBJECT_TYPES = ['flow', 'user', 'customer', 'contact', 'tag', 'attribute', 'import', 'test_list', 'api_key', 'channel'] as const;
export type AuditObjectType = (typeof AUDIT_OBJECT_TYPES)[number];

export interface AuditEntry {
  action: AuditAction;
  objectType: AuditObjectType;
  objectId: string;
  versionId?: string;
  /** Serialised as JSON text. */
  diff?: unknown;
}

export async function recordAudit(
  db: Db,
  ctx: { actor: Pick<ServiceContext['actor'], 'id' | 'role'>; request: ServiceContext['request']; now: () => Date },
  entry: AuditEntry,
): Promise<void> {
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
