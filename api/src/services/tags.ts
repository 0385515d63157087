import type { ChannelKind, TagSource } from '@omniflow/schemas';
import { notFound } from '../errors.ts';
import type { DomainEvent, SourceRefValue } from '../events.ts';
import { recordAudit } from './audit.ts';
import { type DataContext, type Db, inTransaction, type ServiceContext, type Tx } from './context.ts';

// Tags and the tag log (§1.4). Applying a tag the customer has increments its count and adds a log
// row; removing a tag deletes all of that tag's log rows for the customer; removing a tag the
// customer does not have does nothing. With an idempotency key, a repeated call is a no-op.

export interface TagWrite {
  customerId: string;
  tags: readonly string[];
  source: TagSource;
  sourceRef?: SourceRefValue | undefined;
  /** Stored per tag as `<key>|<tag>`; keys cannot contain "|" (the router checks). */
  idempotencyKey?: string | undefined;
  channel?: ChannelKind | undefined;
  channelUserId?: string | undefined;
}

export interface TagApplyResult {
  customerId: string;
  /** Each tag applied by this call, with its count after it. */
  applied: { tag: string; count: number }[];
  /** Tags skipped because their idempotency key was already used. */
  replayed: string[];
}

export interface TagRemoveResult {
  customerId: string;
  removed: string[];
  /** Tags the customer did not have: nothing to do (§1.4). */
  absent: string[];
}

const unique = (tags: readonly string[]) => [...new Set(tags)];

async function assertCustomer(db: Db, customerId: string): Promise<void> {
  if (!(await db.customer.findUnique({ where: { id: customerId }, select: { id: true } }))) throw notFound('Customer', customerId);
}

export async function applyTagsTx(tx: Tx, now: Date, input: TagWrite, events: DomainEvent[], importJobId?: string): Promise<TagApplyResult> {
  await assertCustomer(tx, input.customerId);
  const result: TagApplyResult = { customerId: input.customerId, applied: [], replayed: [] };
  for (const tag of unique(input.tags)) {
    const idempotencyKey = input.idempotencyKey ? `${input.idempotencyKey}|${tag}` : null;
    if (idempotencyKey && (await tx.tagEvent.findUnique({ where: { idempotencyKey }, select: { id: true } }))) {
      result.replayed.push(tag);
      continue;
    }
    const existing = await tx.customerTag.findUnique({ where: { customerId_tag: { customerId: input.customerId, tag } } });
    const row = existing
      ? await tx.customerTag.update({ where: { id: existing.id }, data: { count: { increment: 1 }, lastAppliedAt: now, lastSource: input.source } })
      : await tx.customerTag.create({
          data: { customerId: input.customerId, tag, count: 1, firstAppliedAt: now, lastAppliedAt: now, lastSource: input.source },
        });
    await tx.tagEvent.create({
      data: {
        at: now,
        customerId: input.customerId,
        tag,
        op: 'apply',
        source: input.source,
        sourceRef: input.sourceRef ? JSON.stringify(input.sourceRef) : null,
        channel: input.channel ?? null,
        channelUserId: input.channelUserId ?? null,
        idempotencyKey,
      },
    });
    result.applied.push({ tag, count: row.count });
    events.push({
      type: 'tag.applied',
      at: now.toISOString(),
      customerId: input.customerId,
      tag,
      count: row.count,
      source: input.source,
      ...(input.sourceRef ? { sourceRef: input.sourceRef } : {}),
      ...(importJobId ? { importJobId } : {}),
    });
  }
  return result;
}

export async function removeTagsTx(
  tx: Tx,
  now: Date,
  input: Omit<TagWrite, 'idempotencyKey'>,
  events: DomainEvent[],
  importJobId?: string,
): Promise<TagRemoveResult> {
  await assertCustomer(tx, input.customerId);
  const result: TagRemoveResult = { customerId: input.customerId, removed: [], absent: [] };
  for (const tag of unique(input.tags)) {
    const deleted = await tx.customerTag.deleteMany({ where: { customerId: input.customerId, tag } });
    if (deleted.count === 0) {
      result.absent.push(tag);
      continue;
    }
    await tx.tagEvent.deleteMany({ where: { customerId: input.customerId, tag } });
    result.removed.push(tag);
    events.push({
      type: 'tag.removed',
      at: now.toISOString(),
      customerId: input.customerId,
      tag,
      source: input.source,
      ...(input.sourceRef ? { sourceRef: input.sourceRef } : {}),
      ...(importJobId ? { importJobId } : {}),
    });
  }
  return result;
}

/** One customer's tags, in one transaction; events emitted after the commit. */
export function applyTags(dc: DataContext, input: TagWrite): Promise<TagApplyResult> {
  return inTransaction(dc, (tx, events) => applyTagsTx(tx, dc.now(), input, events));
}

export function removeTags(dc: DataContext, input: Omit<TagWrite, 'idempotencyKey'>): Promise<TagRemoveResult> {
  return inTransaction(dc, (tx, events) => removeTagsTx(tx, dc.now(), input, events));
}

export interface BatchTagInput {
  op: 'apply' | 'remove';
  customerIds: readonly string[];
  tags: readonly string[];
  /** 可設定此次動作是否要觸發旅程 (§1.4): without it, the change fires no journey. */
  triggerJourneys: boolean;
}

/**
 * Batch add/remove (§1.4, Social Contacts): all customers or none, one audit row. Events are
 * emitted only with `triggerJourneys`.
 */
export async function batchTags(ctx: ServiceContext, input: BatchTagInput): Promise<{ customers: number; applied: number; removed: number }> {
  const customerIds = unique(input.customerIds);
  return inTransaction(
    ctx,
    async (tx, events) => {
      const found = await tx.customer.findMany({ where: { id: { in: customerIds } }, select: { id: true } });
      if (found.length !== customerIds.length) {
        const known = new Set(found.map((c) => c.id));
        throw notFound('Customer', customerIds.find((id) => !known.has(id)) ?? '');
      }
      const now = ctx.now();
      let applied = 0;
      let removed = 0;
      for (const customerId of customerIds) {
        if (input.op === 'apply') applied += (await applyTagsTx(tx, now, { customerId, tags: input.tags, source: 'batch' }, events)).applied.length;
        else removed += (await removeTagsTx(tx, now, { customerId, tags: input.tags, source: 'batch' }, events)).removed.length;
      }
      await recordAudit(tx, ctx, {
        action: input.op === 'apply' ? 'tag.batch_apply' : 'tag.batch_remove',
        objectType: 'tag',
        objectId: unique(input.tags).join(',').slice(0, 200),
        diff: { tags: unique(input.tags), customers: customerIds.length, triggerJourneys: input.triggerJourneys, applied, removed },
      });
      return { customers: customerIds.length, applied, removed };
    },
    { emit: input.triggerJourneys, timeoutMs: 120_000 },
  );
}

export interface TagLogEntry {
  id: string;
  at: string;
  tag: string;
  op: 'apply' | 'remove';
  source: TagSource;
  sourceRef: SourceRefValue | null;
  channel: ChannelKind | null;
  channelUserId: string | null;
}

/** A customer's tag log, newest first (§7.3), optionally for one tag. */
export async function tagLog(
  db: Db,
  query: { customerId: string; tag?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<{ items: TagLogEntry[]; nextCursor: string | null }> {
  await assertCustomer(db, query.customerId);
  const rows = await db.tagEvent.findMany({
    where: { customerId: query.customerId, ...(query.tag ? { tag: query.tag } : {}) },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      tag: r.tag,
      op: r.op as 'apply' | 'remove',
      source: r.source as TagSource,
      sourceRef: r.sourceRef ? (JSON.parse(r.sourceRef) as SourceRefValue) : null,
      channel: r.channel as ChannelKind | null,
      channelUserId: r.channelUserId,
    })),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}
