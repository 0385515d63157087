import { z } from 'zod';
import { applyTags, batchTags, removeTags, tagLog } from '../services/tags.ts';
import { permitted, router } from '../trpc.ts';
import { IdempotencyKey, Limit, RowId, TagName } from './common.ts';

const Tags = z.array(TagName).min(1).max(20);

export const tagsRouter = router({
  /** Re-applying a tag the customer has increments its count and logs again (§1.4). */
  add: permitted('contacts.edit')
    .input(z.object({ customerId: RowId, tags: Tags, idempotencyKey: IdempotencyKey.optional() }).strict())
    .mutation(({ ctx, input }) => applyTags(ctx, { ...input, source: ctx.actor.via === 'api_key' ? 'api' : 'manual' })),

  /** Removing deletes the tag's log rows for the customer; a tag the customer lacks is ignored. */
  remove: permitted('contacts.edit')
    .input(z.object({ customerId: RowId, tags: Tags }).strict())
    .mutation(({ ctx, input }) => removeTags(ctx, { ...input, source: ctx.actor.via === 'api_key' ? 'api' : 'manual' })),

  /** Batch add/remove for up to 1,000 customers, with the "trigger journeys" toggle (§1.4, §3.4). */
  batch: permitted('tags.batch')
    .input(
      z
        .object({
          op: z.enum(['apply', 'remove']),
          customerIds: z.array(RowId).min(1).max(1000),
          tags: Tags,
          triggerJourneys: z.boolean().default(false),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => batchTags(ctx, input)),

  /** The customer's tag log, newest first. */
  log: permitted('contacts.view')
    .input(z.object({ customerId: RowId, tag: TagName.optional(), cursor: RowId.optional(), limit: Limit(50) }))
    .query(({ ctx, input }) => tagLog(ctx.prisma, input)),
});
