import { AttributeKey, AttributeType, AttributeValue } from '@omniflow/schemas';
import { z } from 'zod';
import { defineAttribute, deleteAttribute, listDefinitions, setAttribute, setAttributeStatus, updateAttribute } from '../services/attributes.ts';
import { permitted, router } from '../trpc.ts';
import { RowId } from './common.ts';

const DisplayName = z.string().trim().max(100);
const Description = z.string().max(500);

export const attributesRouter = router({
  list: permitted('contacts.view')
    .input(z.object({ status: z.enum(['active', 'archived']).optional() }))
    .query(({ ctx, input }) => listDefinitions(ctx, input)),

  define: permitted('attributes.manage')
    .input(z.object({ key: AttributeKey, type: AttributeType, displayName: DisplayName.optional(), description: Description.optional() }).strict())
    .mutation(({ ctx, input }) => defineAttribute(ctx, input)),

  /** Display name and description; the key and type are fixed once defined. */
  update: permitted('attributes.manage')
    .input(z.object({ key: AttributeKey, displayName: DisplayName.nullable().optional(), description: Description.optional() }).strict())
    .mutation(({ ctx, input }) => updateAttribute(ctx, input)),

  /** 封存: values stay, new assignments are refused (`archived`). */
  archive: permitted('attributes.manage')
    .input(z.object({ key: AttributeKey }))
    .mutation(({ ctx, input }) => setAttributeStatus(ctx, input.key, 'archived')),

  /** 啟用: an archived attribute can be assigned again. */
  restore: permitted('attributes.manage')
    .input(z.object({ key: AttributeKey }))
    .mutation(({ ctx, input }) => setAttributeStatus(ctx, input.key, 'active')),

  /** Deletes the attribute and every value of it. */
  delete: permitted('attributes.manage')
    .input(z.object({ key: AttributeKey }))
    .mutation(({ ctx, input }) => deleteAttribute(ctx, input.key)),

  /**
   * Writes one customer's value, checked against the type: `result` is ok | invalid_format |
   * archived | type_mismatch (§1.5), and nothing is saved unless ok. `null` clears the value.
   * `fromText` parses a typed string ("42", "yes") as the bot's user-input card does.
   */
  set: permitted('attributes.write')
    .input(z.object({ customerId: RowId, key: AttributeKey, value: AttributeValue, fromText: z.boolean().default(false) }).strict())
    .mutation(({ ctx, input }) => setAttribute(ctx, { ...input, source: ctx.actor.via === 'api_key' ? 'api' : 'manual' })),
});
