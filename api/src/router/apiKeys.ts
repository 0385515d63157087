import { z } from 'zod';
import { Role } from '../auth/roles.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../services/api-keys.ts';
import { permitted, router } from '../trpc.ts';
import { RowId } from './common.ts';

// Managing keys needs a person: a key cannot mint or revoke keys (it would outlive its own revocation).
const manage = permitted('apiKeys.manage', { sessionOnly: true });

export const apiKeysRouter = router({
  /** The key is in this response only: it is stored as a hash. `role` defaults to the creator's and may not exceed it. */
  create: manage
    .input(z.object({ name: z.string().trim().min(1).max(100), role: Role.optional() }).strict())
    .mutation(({ ctx, input }) => createApiKey(ctx, input)),

  list: manage.input(z.object({ includeRevoked: z.boolean().default(false) })).query(({ ctx, input }) => listApiKeys(ctx, input)),

  revoke: manage.input(z.object({ id: RowId })).mutation(({ ctx, input }) => revokeApiKey(ctx, input.id)),
});
