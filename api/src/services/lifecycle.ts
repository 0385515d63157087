import type { FlowAction } from '../lifecycle/transitions.ts';
import type { AuditAction } from './audit.ts';
import { recordAudit } from './audit.ts';
import type { FlowServiceContext } from './context.ts';
import { FLOW_INCLUDE, type FlowSummary, toFlowSummary } from './flow-dto.ts';
import { assertTransition, loadFlow, statusChanged } from './flows.ts';

const AUDIT: Record<'pause' | 'resume' | 'end', AuditAction> = { pause: 'flow.pause', resume: 'flow.resume', end: 'flow.end' };

/** Pauses, resumes or ends a published flow, following the §2.3 transition table. */
export async function changeStatus(ctx: FlowServiceContext, flowId: string, action: Extract<FlowAction, 'pause' | 'resume' | 'end'>): Promise<FlowSummary> {
  const row = await loadFlow(ctx, flowId);
  const to = assertTransition(row, action, { scheduledStartInFuture: !!row.scheduledStartAt && row.scheduledStartAt > ctx.now() });
  const updated = await ctx.prisma.$transaction(async (tx) => {
    const changed = await tx.flow.updateMany({ where: { id: row.id, status: row.status }, data: { status: to, updatedById: ctx.actor.id } });
    if (changed.count === 0) throw statusChanged(row.id);
    await recordAudit(tx, ctx, {
      action: AUDIT[action],
      objectType: 'flow',
      objectId: row.id,
      ...(row.currentVersionId ? { versionId: row.currentVersionId } : {}),
      diff: { status: { from: row.status, to } },
    });
    return tx.flow.findUniqueOrThrow({ where: { id: row.id }, include: FLOW_INCLUDE });
  });
  ctx.runtime?.statusChanged(row.id, to);
  return toFlowSummary(updated);
}
