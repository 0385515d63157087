import { z } from 'zod';
import { diffVersions, getVersion, IN_FLIGHT_POLICIES, listVersions, publish, rollback } from '../services/versions.ts';
import { permitted, router } from '../trpc.ts';

const FlowId = z.string().min(1).max(64);
const VersionNumber = z.number().int().min(1);
const Notes = z.string().trim().max(2000);
const InFlightPolicy = z.enum(IN_FLIGHT_POLICIES).default('keep');
const Instant = z.iso.datetime({ offset: true });

export const versionsRouter = router({
  /** Draft → immutable version. Errors refuse; warnings refuse unless confirmWarnings; a schedule makes it scheduled. */
  publish: permitted('flows.publish')
    .input(
      z.object({
        flowId: FlowId,
        baseRevision: z.number().int().min(1),
        notes: Notes.default(''),
        confirmWarnings: z.boolean().default(false),
        inFlightPolicy: InFlightPolicy,
        schedule: z.object({ startAt: Instant, endAt: Instant.optional() }).optional(),
      }),
    )
    .mutation(({ ctx, input }) => publish(ctx, input)),

  /** Republishes version `versionNumber`'s graph as a new version. */
  rollback: permitted('flows.publish')
    .input(z.object({ flowId: FlowId, versionNumber: VersionNumber, notes: Notes.optional(), inFlightPolicy: InFlightPolicy }))
    .mutation(({ ctx, input }) => rollback(ctx, input)),

  /** Newest first; pass `nextBefore` back as `before` for the next page. */
  list: permitted('flows.view')
    .input(z.object({ flowId: FlowId, before: VersionNumber.optional(), limit: z.number().int().min(1).max(100).default(50) }))
    .query(({ ctx, input }) => listVersions(ctx, input)),

  get: permitted('flows.view')
    .input(z.object({ flowId: FlowId, number: VersionNumber }))
    .query(({ ctx, input }) => getVersion(ctx, input.flowId, input.number)),

  /** Nodes, modules, edges and flow fields added, removed or changed from `from` to `to` (a version or the draft). */
  diff: permitted('flows.view')
    .input(z.object({ flowId: FlowId, from: VersionNumber, to: z.union([VersionNumber, z.literal('draft')]) }))
    .query(({ ctx, input }) => diffVersions(ctx, input)),
});
