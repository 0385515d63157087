import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_OBJECT_TYPES } from '../services/audit.ts';
import { permitted, router } from '../trpc.ts';

export const auditRouter = router({
  /** Newest first, optionally for one object or one action; cursor pagination by entry id. */
  list: permitted('audit.view')
    .input(
      z.object({
        objectType: z.enum(AUDIT_OBJECT_TYPES).optional(),
        objectId: z.string().min(1).max(64).optional(),
        action: z.enum(AUDIT_ACTIONS).optional(),
        cursor: z.string().min(1).max(64).optional(),
        limit: z.number().int().min(1).max(100).default(50),
      }),
    )
    .query(async ({ ctx, input }) => {
      const rows = await ctx.prisma.auditLog.findMany({
        where: {
          ...(input.objectType ? { objectType: input.objectType } : {}),
          ...(input.objectId ? { objectId: input.objectId } : {}),
          ...(input.action ? { action: input.action } : {}),
        },
        orderBy: [{ at: 'desc' }, { id: 'desc' }],
        take: input.limit + 1,
        ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
      });
      const page = rows.slice(0, input.limit);
      return {
        items: page.map((r) => ({ ...r, at: r.at.toISOString(), diff: r.diff === null ? null : (JSON.parse(r.diff) as unknown) })),
        nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
      };
    }),
});
