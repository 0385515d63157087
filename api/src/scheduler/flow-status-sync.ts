import type { EmbeddedEngine, EngineFlowStatus } from '@omniflow/engine';
import type { FlowGraph } from '@omniflow/schemas';
import type { PrismaClient } from '../db/open.ts';
import type { FlowStatus } from '../lifecycle/transitions.ts';
import { readStoredGraph } from '../services/flow-dto.ts';
import type { InFlightPolicy } from '../services/versions.ts';

// Scheduled versions (§2.3): the engine holds the durable jobs that start a scheduled version and end a
// flow at its end time (they fire once and survive restarts). This module keeps the api's flow rows in
// step: when a job changes a flow's status the row follows (guarded on the status it expects, so a
// repeat changes nothing), and at start-up any change the api missed while down is applied, and any
// scheduled version the engine does not know yet is handed over.

type EngineView = Pick<EmbeddedEngine, 'flowStatus' | 'publish'>;

/** Which api statuses an engine-driven change may move a flow from. */
const FROM: Record<'active' | 'ended', FlowStatus[]> = { active: ['scheduled'], ended: ['scheduled', 'active', 'paused'] };

export interface FlowStatusSync {
  /** The engine's `onFlowStatus` callback. */
  onFlowStatus(change: { flowId: string; versionId: string; status: EngineFlowStatus; at: Date }): void;
  /** Applies what happened while the api was down, and hands over scheduled versions the engine lacks. */
  reconcile(engine: EngineView): Promise<{ updated: string[]; handedOver: string[] }>;
  /** Resolves when every status change so far is written (tests). */
  settled(): Promise<void>;
}

export function createFlowStatusSync(options: { prisma: PrismaClient; onError?: (error: unknown) => void }): FlowStatusSync {
  const { prisma } = options;
  let chain: Promise<unknown> = Promise.resolve();

  async function apply(flowId: string, versionId: string, status: 'active' | 'ended'): Promise<boolean> {
    const changed = await prisma.flow.updateMany({
      where: { id: flowId, status: { in: FROM[status] }, ...(status === 'active' ? { currentVersionId: versionId } : {}) },
      data: { status },
    });
    return changed.count > 0;
  }

  return {
    onFlowStatus(change) {
      if (change.status !== 'active' && change.status !== 'ended') return;
      const status = change.status;
      // In order: an activation and an end of the same flow must not be written the other way round.
      chain = chain.then(() => apply(change.flowId, change.versionId, status)).catch((e) => options.onError?.(e));
    },
    async reconcile(engine) {
      const updated: string[] = [];
      const handedOver: string[] = [];
      const rows = await prisma.flow.findMany({
        where: { status: { in: ['scheduled', 'active', 'paused'] }, currentVersionId: { not: null } },
        select: { id: true, status: true, currentVersionId: true, scheduledStartAt: true, scheduledEndAt: true },
      });
      for (const row of rows) {
        const versionId = row.currentVersionId!;
        const seen = engine.flowStatus(row.id);
        if (seen?.status === 'ended' && row.status !== 'ended') {
          if (await apply(row.id, versionId, 'ended')) updated.push(row.id);
          continue;
        }
        if (row.status !== 'scheduled') continue;
        if (seen && seen.versionId === versionId && seen.status === 'active') {
          if (await apply(row.id, versionId, 'active')) updated.push(row.id);
          continue;
        }
        if (!seen || seen.versionId !== versionId) {
          const version = await prisma.flowVersion.findUnique({ where: { id: versionId }, select: { graph: true, number: true, inFlightPolicy: true } });
          if (!version || !row.scheduledStartAt) continue;
          const graph: FlowGraph = readStoredGraph(version.graph, `version ${version.number} of flow ${row.id}`);
          engine.publish(row.id, versionId, graph, {
            inFlight: version.inFlightPolicy as InFlightPolicy,
            startAt: row.scheduledStartAt,
            ...(row.scheduledEndAt ? { endAt: row.scheduledEndAt } : {}),
          });
          handedOver.push(row.id);
        }
      }
      return { updated, handedOver };
    },
    async settled() {
      await chain;
    },
  };
}
