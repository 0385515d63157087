import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { type Context, embeddedFeature } from '../context.ts';
import { loadFlow } from '../services/flows.ts';
import { permitted, router } from '../trpc.ts';

// §3.10 automation schedules: upcoming occurrences of a journey's schedule triggers ("查看所有任務"),
// each cancellable on its own, and the engine's view of a flow's scheduled start and end (§2.3).

function engine(ctx: Context) {
  if (!ctx.runs) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'The engine is not running in this server' });
  return ctx.runs;
}

const FlowId = z.string().min(1).max(64);

export const schedulesRouter = router({
  /** Occurrences of the flow's schedules, soonest first: pending ones, or with `includePast` every one with its result. */
  occurrences: permitted('runs.view')
    .input(z.object({ flowId: FlowId, includePast: z.boolean().default(false), limit: z.number().int().min(1).max(1000).default(200) }))
    .query(async ({ ctx, input }) => {
      await loadFlow(ctx, input.flowId); // the flow exists and the role may see its kind
      return embeddedFeature(engine(ctx), 'listOccurrences', 'schedules.occurrences')(input.flowId, { includePast: input.includePast, limit: input.limit });
    }),
  /** Cancels one upcoming occurrence; the others keep running. */
  cancelOccurrence: permitted('flows.publish')
    .input(z.object({ flowId: FlowId, key: z.string().min(1).max(400) }))
    .mutation(async ({ ctx, input }) => {
      await loadFlow(ctx, input.flowId);
      const cancelOccurrence = embeddedFeature(engine(ctx), 'cancelOccurrence', 'schedules.cancelOccurrence');
      if (!input.key.startsWith(`sched:${input.flowId}:`)) {
        throw new TRPCError({ code: 'NOT_FOUND', message: `key ${input.key} is not an occurrence of flow ${input.flowId}` });
      }
      const result = cancelOccurrence(input.key);
      if (result.reason === 'not_found') throw new TRPCError({ code: 'NOT_FOUND', message: `key ${input.key} does not exist` });
      if (!result.cancelled) {
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: `key ${input.key} cannot be cancelled: it is ${result.reason?.replace('already_', 'already ')}`,
        });
      }
      return result.occurrence;
    }),
  /** The engine's status of the flow, with its scheduled start and end when it has them. */
  status: permitted('flows.view')
    .input(z.object({ flowId: FlowId }))
    .query(async ({ ctx, input }) => {
      await loadFlow(ctx, input.flowId);
      return embeddedFeature(engine(ctx), 'flowStatus', 'schedules.status')(input.flowId) ?? null;
    }),
});
