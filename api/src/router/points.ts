import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { adjustPoints, POINTS_MAX_CHANGE, pointsLedger } from '../services/points.ts';
import { permitted, router } from '../trpc.ts';
import { IdempotencyKey, Limit, RowId } from './common.ts';

const Change = z
  .object({
    customerId: RowId,
    amount: z.number().int().min(1).max(POINTS_MAX_CHANGE),
    reason: z.string().trim().min(1).max(200),
    /** Pass one when you may retry: a replay returns the first result. Without one, each call is a new change. */
    idempotencyKey: IdempotencyKey.optional(),
  })
  .strict();

const keyOf = (key: string | undefined) => key ?? `manual:${randomUUID()}`;

export const pointsRouter = router({
  /** Balance, lifetime and the ledger, newest first. */
  ledger: permitted('contacts.view')
    .input(z.object({ customerId: RowId, cursor: RowId.optional(), limit: Limit(50) }))
    .query(({ ctx, input }) => pointsLedger(ctx.prisma, input)),

  /** Balance and lifetime grow. `{ok: false, reason: 'no_phone'}` when the customer has no phone number (§1.6). */
  add: permitted('points.manage')
    .input(Change)
    .mutation(({ ctx, input }) => adjustPoints(ctx, { ...input, op: 'add', idempotencyKey: keyOf(input.idempotencyKey) })),

  /** The balance only; `{ok: false, reason: 'insufficient'}` when it would go below zero, and nothing changes. */
  deduct: permitted('points.manage')
    .input(Change)
    .mutation(({ ctx, input }) => adjustPoints(ctx, { ...input, op: 'deduct', idempotencyKey: keyOf(input.idempotencyKey) })),
});
