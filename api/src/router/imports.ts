import { z } from 'zod';
import { IMPORT_FORMATS, IMPORT_MODES } from '../services/import-rows.ts';
import { cancelImport, getImport, IMPORT_ATOMICITY, IMPORT_STATUSES, listImports, startImport } from '../services/imports.ts';
import { permitted, router } from '../trpc.ts';
import { Limit, RowId } from './common.ts';

/** §3.9 recommends files under 30 MB. */
export const IMPORT_MAX_CHARS = 30 * 1024 * 1024;

export const importsRouter = router({
  /**
   * Reads and queues an import. CSV columns: Member ID, Name, Phone, Email, Tags, Point Balance,
   * Channel, Channel ID, External User ID, Display Name, and `attr:<key>` per custom attribute.
   * A file that cannot be read is refused here (BAD_REQUEST); bad rows are reported by the job.
   */
  start: permitted('imports.manage')
    .input(
      z
        .object({
          mode: z.enum(IMPORT_MODES),
          format: z.enum(IMPORT_FORMATS),
          content: z.string().min(1).max(IMPORT_MAX_CHARS),
          fileName: z.string().trim().max(255).optional(),
          atomicity: z.enum(IMPORT_ATOMICITY).default('partial'),
          triggerJourneys: z.boolean().default(false),
          overwriteTags: z.boolean().default(false),
          deductLifetime: z.boolean().default(false),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => startImport(ctx, input)),

  /** Newest first, with status, counts and progress. */
  list: permitted('imports.manage')
    .input(z.object({ status: z.enum(IMPORT_STATUSES).optional(), cursor: RowId.optional(), limit: Limit(20) }))
    .query(({ ctx, input }) => listImports(ctx, input)),

  /** One job with its per-row error report. */
  get: permitted('imports.manage')
    .input(z.object({ id: RowId }))
    .query(({ ctx, input }) => getImport(ctx, input.id)),

  /** Only while queued (等待中). */
  cancel: permitted('imports.manage')
    .input(z.object({ id: RowId }))
    .mutation(({ ctx, input }) => cancelImport(ctx, input.id)),
});
