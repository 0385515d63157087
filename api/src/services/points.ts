import { AppError, notFound } from '../errors.ts';
import type { DomainEvent, SourceRefValue } from '../events.ts';
import { recordAudit } from './audit.ts';
import { isUniqueViolation } from './contacts.ts';
import { type DataContext, type Db, inTransaction, type ServiceContext, type Tx } from './context.ts';

// Loyalty points (§1.6) through an append-only ledger. Add: balance and lifetime grow. Deduct:
// the balance only (an import may also deduct lifetime), refused when it would go below zero.
// A customer without a phone number cannot hold points. Every change has an idempotency key:
// replaying it returns the first result and changes nothing.

/** The largest single change (keeps balances well inside a 32-bit integer column on every database). */
export const POINTS_MAX_CHANGE = 100_000_000;

export interface LedgerEntryDto {
  id: string;
  customerId: string;
  delta: number;
  op: 'add' | 'deduct';
  reason: string;
  sourceRef: SourceRefValue | null;
  idempotencyKey: string;
  balanceAfter: number;
  lifetimeAfter: number;
  at: string;
}

export interface PointsChange {
  customerId: string;
  op: 'add' | 'deduct';
  /** Positive. */
  amount: number;
  reason: string;
  idempotencyKey: string;
  sourceRef?: SourceRefValue | undefined;
  /** Deduct lifetime points as well (the import option 一併扣除累積點數). */
  deductLifetime?: boolean | undefined;
}

export type PointsChangeResult =
  | { ok: true; entry: LedgerEntryDto; balance: number; lifetime: number; replayed: boolean }
  | { ok: false; reason: 'insufficient'; balance: number; requested: number }
  | { ok: false; reason: 'no_phone' };

type LedgerRow = {
  id: string;
  customerId: string;
  delta: number;
  op: string;
  reason: string;
  sourceRef: string | null;
  idempotencyKey: string;
  balanceAfter: number;
  lifetimeAfter: number;
  at: Date;
};

export const toLedgerDto = (r: LedgerRow): LedgerEntryDto => ({
  id: r.id,
  customerId: r.customerId,
  delta: r.delta,
  op: r.op as 'add' | 'deduct',
  reason: r.reason,
  sourceRef: r.sourceRef ? (JSON.parse(r.sourceRef) as SourceRefValue) : null,
  idempotencyKey: r.idempotencyKey,
  balanceAfter: r.balanceAfter,
  lifetimeAfter: r.lifetimeAfter,
  at: r.at.toISOString(),
});

/** The first result of a replayed key; CONFLICT when the key was used for a different change. */
async function replay(db: Db, input: PointsChange): Promise<PointsChangeResult | null> {
  const first = await db.pointsLedger.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
  if (!first) return null;
  const delta = input.op === 'add' ? input.amount : -input.amount;
  if (first.customerId !== input.customerId || first.delta !== delta) {
    throw new AppError('CONFLICT', `idempotencyKey ${JSON.stringify(input.idempotencyKey)} was already used for a different points change`, {
      kind: 'invalid_field',
      field: 'idempotencyKey',
    });
  }
  return { ok: true, entry: toLedgerDto(first), balance: first.balanceAfter, lifetime: first.lifetimeAfter, replayed: true };
}

export async function changePointsTx(tx: Tx, now: Date, input: PointsChange, events: DomainEvent[], importJobId?: string): Promise<PointsChangeResult> {
  if (!Number.isInteger(input.amount) || input.amount <= 0 || input.amount > POINTS_MAX_CHANGE) {
    throw new AppError('BAD_REQUEST', `amount must be a whole number from 1 to ${POINTS_MAX_CHANGE}`, { kind: 'invalid_field', field: 'amount' });
  }
  const replayed = await replay(tx, input);
  if (replayed) return replayed;
  const customer = await tx.customer.findUnique({ where: { id: input.customerId }, select: { phone: true, pointsBalance: true } });
  if (!customer) throw notFound('Customer', input.customerId);
  if (!customer.phone) return { ok: false, reason: 'no_phone' };
  if (input.op === 'add') {
    await tx.customer.update({
      where: { id: input.customerId },
      data: { pointsBalance: { increment: input.amount }, pointsLifetime: { increment: input.amount } },
    });
  } else {
    // The balance check and the write are one statement: two deductions cannot both spend the same points.
    const done = await tx.customer.updateMany({
      where: { id: input.customerId, pointsBalance: { gte: input.amount } },
      data: { pointsBalance: { decrement: input.amount }, ...(input.deductLifetime ? { pointsLifetime: { decrement: input.amount } } : {}) },
    });
    if (done.count === 0) return { ok: false, reason: 'insufficient', balance: customer.pointsBalance, requested: input.amount };
  }
  const after = await tx.customer.findUniqueOrThrow({ where: { id: input.customerId }, select: { pointsBalance: true, pointsLifetime: true } });
  const delta = input.op === 'add' ? input.amount : -input.amount;
  const row = await tx.pointsLedger.create({
    data: {
      customerId: input.customerId,
      delta,
      op: input.op,
      reason: input.reason,
      sourceRef: input.sourceRef ? JSON.stringify(input.sourceRef) : null,
      idempotencyKey: input.idempotencyKey,
      balanceAfter: after.pointsBalance,
      lifetimeAfter: after.pointsLifetime,
      at: now,
    },
  });
  events.push({
    type: 'points.changed',
    at: now.toISOString(),
    customerId: input.customerId,
    op: input.op,
    delta,
    balance: after.pointsBalance,
    lifetime: after.pointsLifetime,
    ledgerEntryId: row.id,
    ...(importJobId ? { importJobId } : {}),
  });
  return { ok: true, entry: toLedgerDto(row), balance: after.pointsBalance, lifetime: after.pointsLifetime, replayed: false };
}

/** One change in its own transaction. Two concurrent calls with one key: the loser returns the winner's result. */
export async function changePoints(dc: DataContext, input: PointsChange): Promise<PointsChangeResult> {
  try {
    return await inTransaction(dc, (tx, events) => changePointsTx(tx, dc.now(), input, events));
  } catch (e) {
    if (isUniqueViolation(e)) {
      const first = await replay(dc.prisma, input);
      if (first) return first;
    }
    throw e;
  }
}

export async function pointsLedger(
  db: Db,
  query: { customerId: string; cursor?: string | undefined; limit: number },
): Promise<{ balance: number; lifetime: number; items: LedgerEntryDto[]; nextCursor: string | null }> {
  const customer = await db.customer.findUnique({ where: { id: query.customerId }, select: { pointsBalance: true, pointsLifetime: true } });
  if (!customer) throw notFound('Customer', query.customerId);
  const rows = await db.pointsLedger.findMany({
    where: { customerId: query.customerId },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, query.limit);
  return {
    balance: customer.pointsBalance,
    lifetime: customer.pointsLifetime,
    items: page.map(toLedgerDto),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** A person's add or deduct (router): the change and its audit entry in one transaction. */
export async function adjustPoints(ctx: ServiceContext, input: PointsChange): Promise<PointsChangeResult> {
  try {
    return await inTransaction(ctx, async (tx, events) => {
      const result = await changePointsTx(tx, ctx.now(), input, events);
      if (result.ok && !result.replayed) {
        await recordAudit(tx, ctx, {
          action: 'points.adjust',
          objectType: 'customer',
          objectId: input.customerId,
          diff: { op: input.op, amount: input.amount, reason: input.reason, balance: result.balance, lifetime: result.lifetime },
        });
      }
      return result;
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      const first = await replay(ctx.prisma, input);
      if (first) return first;
    }
    throw e;
  }
}
