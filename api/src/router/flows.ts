import { BotScope, ChannelKind, FlowKind, SENDABLE_CHANNELS } from '@omniflow/schemas';
import { z } from 'zod';
import { FlowStatus } from '../lifecycle/transitions.ts';
import { exportFlow, importFlow } from '../services/flow-transfer.ts';
import { archiveFlow, createFlow, deleteFlow, duplicateFlow, FLOW_NAME_MAX, getFlow, listFlows, saveDraft } from '../services/flows.ts';
import { permitted, router } from '../trpc.ts';

const FlowId = z.string().min(1).max(64);
const Name = z.string().trim().min(1).max(FLOW_NAME_MAX);

export const flowsRouter = router({
  /** A journey names the channels it messages on; a bot names its platform scope, fixed for life (§2.1). */
  create: permitted('flows.edit')
    .input(
      z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('journey'), name: Name, channels: z.array(z.enum(SENDABLE_CHANNELS)).min(1).max(SENDABLE_CHANNELS.length) }),
        z.object({ kind: z.literal('chatbot'), name: Name, scope: BotScope }),
      ]),
    )
    .mutation(({ ctx, input }) => createFlow(ctx, input)),

  list: permitted('flows.view')
    .input(
      z.object({
        search: z.string().trim().max(200).optional(),
        kind: FlowKind.optional(),
        status: FlowStatus.optional(),
        channel: ChannelKind.optional(),
        cursor: FlowId.optional(),
        limit: z.number().int().min(1).max(100).default(20),
      }),
    )
    .query(({ ctx, input }) => listFlows(ctx, input)),

  get: permitted('flows.view')
    .input(z.object({ id: FlowId }))
    .query(({ ctx, input }) => getFlow(ctx, input.id)),

  /** The flow as a versioned JSON document (draft graph; published versions on request). */
  export: permitted('flows.view')
    .input(z.object({ id: FlowId, versions: z.boolean().default(false) }))
    .query(({ ctx, input }) => exportFlow(ctx, input.id, { versions: input.versions })),

  /** A new draft from an export document or a bare graph; never publishes or overwrites. */
  import: permitted('flows.edit')
    .input(z.object({ document: z.unknown(), name: Name.optional() }))
    .mutation(({ ctx, input }) => importFlow(ctx, input.document, input.name ? { name: input.name } : {})),

  /** Optimistic concurrency: CONFLICT (with the current revision and graph) when `baseRevision` is stale. */
  saveDraft: permitted('flows.edit')
    .input(z.object({ id: FlowId, baseRevision: z.number().int().min(1), graph: z.unknown() }))
    .mutation(({ ctx, input }) => saveDraft(ctx, input)),

  /** A new draft named "Copy of <name>" (§2.3); ended flows too. */
  duplicate: permitted('flows.edit')
    .input(z.object({ id: FlowId }))
    .mutation(({ ctx, input }) => duplicateFlow(ctx, input.id)),

  archive: permitted('flows.delete')
    .input(z.object({ id: FlowId }))
    .mutation(({ ctx, input }) => archiveFlow(ctx, input.id)),

  /** Drafts only; anything published is ended or archived instead. */
  delete: permitted('flows.delete')
    .input(z.object({ id: FlowId }))
    .mutation(({ ctx, input }) => deleteFlow(ctx, input.id)),
});
