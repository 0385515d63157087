import { z } from 'zod';
import type { DomainEvent } from '../events.ts';
import type { Tx } from './context.ts';

// The undo journal of an all-or-nothing import. Such an import writes its rows in short chunk
// transactions (so the server keeps answering between them) instead of one long one; each chunk
// transaction also stores, in the same commit, how to undo every row it wrote and the domain
// events it would fire. If a later row fails, the journal is replayed backwards, one chunk per
// transaction, until nothing of the import is left; if the import succeeds, the journal's events
// are fired and the journal is deleted. A process killed at any point leaves the writes and their
// journal consistent, so `resume()` either finishes the import or finishes undoing it.
//
// The journal lives in IdempotencyRecord (scope `import.undo`, key `import-undo:<job>:<chunk>`):
// a keyed JSON record written in the same transaction as the writes it describes, which is what
// that table is, so no schema change is needed. Only Prisma API calls: portable to PostgreSQL.

export const JOURNAL_SCOPE = 'import.undo';

export function journalPrefix(jobId: string): string {
  return `import-undo:${jobId}:`;
}

export function journalKey(jobId: string, chunk: number): string {
  // Zero-padded so the keys sort in chunk order as text.
  return `${journalPrefix(jobId)}${String(chunk).padStart(6, '0')}`;
}

const DateText = z.string().transform((s) => new Date(s));

const TagSnapshot = z.object({
  tag: z.string(),
  /** The CustomerTag row before the row was written; null when the customer did not have the tag. */
  before: z.object({ id: z.string(), count: z.number(), firstAppliedAt: DateText, lastAppliedAt: DateText, lastSource: z.string() }).nullable(),
  /** Tag log rows the write may delete (an overwrite removes a tag with its log). */
  events: z
    .array(
      z.object({
        id: z.string(),
        at: DateText,
        tag: z.string(),
        op: z.string(),
        source: z.string(),
        sourceRef: z.string().nullable(),
        channel: z.string().nullable(),
        channelUserId: z.string().nullable(),
        idempotencyKey: z.string().nullable(),
      }),
    )
    .optional(),
});

const AttributeSnapshot = z.object({
  key: z.string(),
  before: z.object({ id: z.string(), value: z.string(), updatedAt: DateText, source: z.string() }).nullable(),
});

const RowUndo = z.object({
  row: z.number(),
  /** The customer the row created: undoing deletes it with everything it owns (cascades). */
  createdCustomerId: z.string().optional(),
  /** An existing customer the row changed. */
  customerId: z.string().optional(),
  fields: z
    .object({
      memberId: z.string().nullable(),
      name: z.string().nullable(),
      phone: z.string().nullable(),
      email: z.string().nullable(),
      searchText: z.string(),
    })
    .optional(),
  createdIdentityId: z.string().optional(),
  displayName: z.object({ identityId: z.string(), before: z.string().nullable() }).optional(),
  tags: z.array(TagSnapshot).optional(),
  tagEventKeyPrefix: z.string().optional(),
  attributes: z.array(AttributeSnapshot).optional(),
  /** The points change the row made, undone as an inverse change so other changes made meanwhile stay. */
  points: z.object({ ledgerKey: z.string(), balance: z.number(), lifetime: z.number() }).optional(),
});
export type RowUndo = z.input<typeof RowUndo>;

const ChunkJournal = z.object({
  rows: z.array(RowUndo),
  /** Domain events of the chunk's rows, fired only when the whole import has succeeded. */
  events: z.array(z.record(z.string(), z.unknown())),
});

export function writeJournalTx(tx: Tx, jobId: string, chunk: number, now: Date, rows: RowUndo[], events: DomainEvent[]) {
  return tx.idempotencyRecord.create({ data: { key: journalKey(jobId, chunk), scope: JOURNAL_SCOPE, answer: JSON.stringify({ rows, events }), at: now } });
}

/** The keys of a job's journal records, last chunk first. */
export async function journalKeys(tx: Pick<Tx, 'idempotencyRecord'>, jobId: string): Promise<string[]> {
  const records = await tx.idempotencyRecord.findMany({
    where: { scope: JOURNAL_SCOPE, key: { startsWith: journalPrefix(jobId) } },
    select: { key: true },
    orderBy: { key: 'desc' },
  });
  return records.map((r) => r.key);
}

/** Every event the job's committed chunks recorded, in write order. */
export async function journalEvents(tx: Pick<Tx, 'idempotencyRecord'>, jobId: string): Promise<DomainEvent[]> {
  const records = await tx.idempotencyRecord.findMany({ where: { scope: JOURNAL_SCOPE, key: { startsWith: journalPrefix(jobId) } }, orderBy: { key: 'asc' } });
  return records.flatMap((r) => ChunkJournal.parse(JSON.parse(r.answer)).events as unknown as DomainEvent[]);
}

export function deleteJournalTx(tx: Tx, jobId: string) {
  return tx.idempotencyRecord.deleteMany({ where: { scope: JOURNAL_SCOPE, key: { startsWith: journalPrefix(jobId) } } });
}

/** Undoes one chunk (its rows last first) and deletes its record, in the caller's transaction. */
export async function undoChunkTx(tx: Tx, key: string): Promise<number> {
  const record = await tx.idempotencyRecord.findUnique({ where: { key } });
  if (!record) return 0;
  const journal = ChunkJournal.parse(JSON.parse(record.answer));
  for (const undo of [...journal.rows].reverse()) await undoRowTx(tx, undo);
  await tx.idempotencyRecord.delete({ where: { key } });
  return journal.rows.length;
}

async function undoRowTx(tx: Tx, undo: z.output<typeof RowUndo>): Promise<void> {
  if (undo.createdCustomerId) {
    // Identities, tags, the tag log, attribute values and points ledger rows go with it (cascades).
    await tx.customer.deleteMany({ where: { id: undo.createdCustomerId } });
    return;
  }
  const customerId = undo.customerId;
  if (!customerId) return;
  if (undo.points) {
    await tx.pointsLedger.deleteMany({ where: { idempotencyKey: undo.points.ledgerKey } });
    await tx.customer.updateMany({
      where: { id: customerId },
      data: { pointsBalance: { decrement: undo.points.balance }, pointsLifetime: { decrement: undo.points.lifetime } },
    });
  }
  for (const a of [...(undo.attributes ?? [])].reverse()) {
    await tx.attributeValue.deleteMany({ where: { customerId, key: a.key } });
    if (a.before) await tx.attributeValue.create({ data: { customerId, key: a.key, ...a.before } });
  }
  for (const t of undo.tags ?? []) {
    if (undo.tagEventKeyPrefix) await tx.tagEvent.deleteMany({ where: { customerId, tag: t.tag, idempotencyKey: `${undo.tagEventKeyPrefix}|${t.tag}` } });
    await tx.customerTag.deleteMany({ where: { customerId, tag: t.tag } });
    if (t.before) await tx.customerTag.create({ data: { customerId, tag: t.tag, ...t.before } });
    if (t.events && t.events.length > 0) {
      const present = new Set((await tx.tagEvent.findMany({ where: { id: { in: t.events.map((e) => e.id) } }, select: { id: true } })).map((e) => e.id));
      const missing = t.events.filter((e) => !present.has(e.id));
      if (missing.length > 0) await tx.tagEvent.createMany({ data: missing.map((e) => ({ ...e, customerId })) });
    }
  }
  if (undo.displayName) await tx.contactIdentity.updateMany({ where: { id: undo.displayName.identityId }, data: { displayName: undo.displayName.before } });
  if (undo.createdIdentityId) await tx.contactIdentity.deleteMany({ where: { id: undo.createdIdentityId } });
  if (undo.fields) await tx.customer.updateMany({ where: { id: customerId }, data: undo.fields });
}

/** What an existing customer looked like before a row changes it, for the tags and attributes the row names. */
export async function snapshotCustomerTx(
  tx: Tx,
  customerId: string,
  row: { tags: readonly string[]; attributes: readonly [string, unknown][] },
  overwriteTags: boolean,
): Promise<Omit<RowUndo, 'row'> & { pointsBefore: { balance: number; lifetime: number } }> {
  const customer = await tx.customer.findUniqueOrThrow({ where: { id: customerId } });
  let tags: RowUndo['tags'];
  if (row.tags.length > 0) {
    const where = overwriteTags ? { customerId } : { customerId, tag: { in: [...row.tags] } };
    const current = await tx.customerTag.findMany({ where });
    const byTag = new Map(current.map((t) => [t.tag, t]));
    const names = new Set([...row.tags, ...current.map((t) => t.tag)]);
    const removed = overwriteTags ? current.filter((t) => !row.tags.includes(t.tag)).map((t) => t.tag) : [];
    const removedEvents = removed.length > 0 ? await tx.tagEvent.findMany({ where: { customerId, tag: { in: removed } } }) : [];
    tags = [...names].map((tag) => {
      const before = byTag.get(tag);
      const events = removedEvents.filter((e) => e.tag === tag).map(({ customerId: _c, ...e }) => ({ ...e, at: e.at.toISOString() }));
      return {
        tag,
        before: before
          ? {
              id: before.id,
              count: before.count,
              firstAppliedAt: before.firstAppliedAt.toISOString(),
              lastAppliedAt: before.lastAppliedAt.toISOString(),
              lastSource: before.lastSource,
            }
          : null,
        ...(events.length > 0 ? { events } : {}),
      };
    });
  }
  let attributes: RowUndo['attributes'];
  if (row.attributes.length > 0) {
    const keys = row.attributes.map(([k]) => k);
    const current = new Map((await tx.attributeValue.findMany({ where: { customerId, key: { in: keys } } })).map((a) => [a.key, a]));
    attributes = keys.map((key) => {
      const a = current.get(key);
      return { key, before: a ? { id: a.id, value: a.value, updatedAt: a.updatedAt.toISOString(), source: a.source } : null };
    });
  }
  return {
    customerId,
    fields: { memberId: customer.memberId, name: customer.name, phone: customer.phone, email: customer.email, searchText: customer.searchText },
    ...(tags ? { tags } : {}),
    ...(attributes ? { attributes } : {}),
    pointsBefore: { balance: customer.pointsBalance, lifetime: customer.pointsLifetime },
  };
}
