import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { grantedKinds } from '../auth/permissions.ts';
import { versionMetrics } from '../channels/metrics.ts';
import { type Context, embeddedFeature } from '../context.ts';
import { loadFlow } from '../services/flows.ts';
import { permitted, router } from '../trpc.ts';

// Run history and per-node statistics, read from the engine hosted in this process.

function reader(ctx: Context) {
  if (!ctx.runs) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'The engine is not running in this server' });
  return ctx.runs;
}

const FlowRef = z.object({ flowId: z.string().min(1).max(64) });

export const runsRouter = router({
  /** Runs of a flow (newest first), optionally of one contact. */
  list: permitted('runs.view')
    .input(FlowRef.extend({ customerId: z.string().min(1).max(64).optional(), limit: z.number().int().min(1).max(500).default(100) }))
    .query(async ({ ctx, input }) => {
      await loadFlow(ctx, input.flowId); // the flow exists and the role may see its kind
      const runs = reader(ctx).runs({ flowId: input.flowId, ...(input.customerId ? { customerId: input.customerId } : {}) });
      return runs.slice(-input.limit).reverse();
    }),
  /** One run's steps: node, outcome, port, explanation, error. */
  timeline: permitted('runs.view')
    .input(z.object({ runId: z.string().min(1).max(200) }))
    .query(async ({ ctx, input }) => {
      const timeline = reader(ctx).runTimeline(input.runId);
      if (!timeline.run) throw new TRPCError({ code: 'NOT_FOUND', message: `runId ${input.runId} does not exist` });
      await loadFlow(ctx, timeline.run.flowId);
      return timeline;
    }),
  /** Per-node counters of one published version: entered, waiting, passed per port, failed. */
  nodeStats: permitted('runs.view')
    .input(FlowRef.extend({ versionId: z.string().min(1).max(64) }))
    .query(async ({ ctx, input }) => {
      await loadFlow(ctx, input.flowId);
      return reader(ctx).nodeStats(input.flowId, input.versionId);
    }),
  /**
   * Fast-forward for test runs: the run's pending timer (a wait, a timeout, a quiet-hours deferral) is due
   * now, so a tester sees what comes after a wait without waiting. Needs edit rights on the flow and
   * run viewing; a run of a contact on no test list (a real customer) only an Admin may fast-forward.
   */
  fastForward: permitted('flows.edit')
    .input(z.object({ runId: z.string().min(1).max(200) }).strict())
    .mutation(async ({ ctx, input }) => {
      const engine = reader(ctx);
      const fireTimerNow = embeddedFeature(engine, 'fireTimerNow', 'runs.fastForward');
      const run = engine.runTimeline(input.runId).run;
      if (!run) throw new TRPCError({ code: 'NOT_FOUND', message: `runId ${input.runId} does not exist` });
      const flow = await loadFlow(ctx, run.flowId);
      if (!grantedKinds(ctx.actor.role, 'runs.view').includes(flow.kind as 'chatbot' | 'journey')) {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'runs.fastForward needs the runs.view permission on this flow' });
      }
      if (ctx.actor.role !== 'admin') {
        const onTestList = await ctx.prisma.testListMember.count({ where: { identity: { customerId: run.customerId } } });
        if (onTestList === 0) {
          throw new TRPCError({
            code: 'FORBIDDEN',
            message: `runId ${input.runId} is a real contact's run (the contact is on no test list): only an Admin may fast-forward it`,
          });
        }
      }
      if (run.state !== 'waiting') {
        throw new TRPCError({ code: 'PRECONDITION_FAILED', message: `runId ${input.runId} is ${run.status}, not waiting: there is nothing to fast-forward` });
      }
      const dueAt = fireTimerNow(input.runId);
      if (!dueAt)
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: `runId ${input.runId} waits for an event, not for a time: there is nothing to fast-forward`,
        });
      return { runId: input.runId, wasDueAt: dueAt.toISOString() };
    }),
  /** §7 message metrics per node of one version (success, open, read, click, response 12/24/48 h, block), each with numerator and denominator. */
  nodeMetrics: permitted('runs.view')
    .input(FlowRef.extend({ versionId: z.string().min(1).max(64) }))
    .query(async ({ ctx, input }) => {
      await loadFlow(ctx, input.flowId);
      return versionMetrics(ctx.prisma, input.flowId, input.versionId);
    }),
});
