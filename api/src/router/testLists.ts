import { ChannelKind } from '@omniflow/schemas';
import { z } from 'zod';
import { addToTestList, listTestList, removeFromTestList, TEST_SEND_MAX_RECIPIENTS, testSend } from '../services/test-lists.ts';
import { permitted, router } from '../trpc.ts';
import { RowId } from './common.ts';

export const testListsRouter = router({
  list: permitted('tests.send')
    .input(z.object({ channel: ChannelKind }))
    .query(({ ctx, input }) => listTestList(ctx, input.channel)),

  /** All or none; refused past the channel's cap (100 by default). */
  add: permitted('tests.send')
    .input(z.object({ channel: ChannelKind, identityIds: z.array(RowId).min(1).max(100) }).strict())
    .mutation(({ ctx, input }) => addToTestList(ctx, input.channel, input.identityIds)),

  remove: permitted('tests.send')
    .input(z.object({ channel: ChannelKind, identityIds: z.array(RowId).min(1).max(100) }).strict())
    .mutation(({ ctx, input }) => removeFromTestList(ctx, input.channel, input.identityIds)),

  /** At most 5 recipients from the channel's test list (§8.1); checked and audited, delivered by the engine. */
  testSend: permitted('tests.send')
    .input(
      z
        .object({
          channel: ChannelKind,
          identityIds: z.array(RowId).min(1).max(TEST_SEND_MAX_RECIPIENTS),
          flowId: RowId,
          version: z.union([z.number().int().min(1), z.literal('draft')]).default('draft'),
          nodeId: z.string().min(1).max(64).optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => testSend(ctx, input)),
});
