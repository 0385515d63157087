import type { Catalogue } from '@omniflow/nodes';
import type { RequestMeta, Settings } from '../context.ts';
import type { FlowRuntime } from '../engine-host.ts';
import type { DomainEvent, DomainEventBus } from '../events.ts';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { Access, Actor } from '../trpc.ts';

/** What services need: the database, the catalogue, the clock, and who is asking from where. */
export interface ServiceContext {
  prisma: PrismaClient;
  catalogue: Catalogue;
  now: () => Date;
  request: RequestMeta;
  actor: Actor;
  events: DomainEventBus;
  settings: Settings;
  /** The engine, told about publishes and status changes once they have committed. */
  runtime?: FlowRuntime;
}

/** Services acting on flows also get the actor's access under the procedure's permission. */
export interface FlowServiceContext extends ServiceContext {
  access: Access;
}

/** The client or an open transaction: services write through whichever they are given. */
export type Db = PrismaClient | Prisma.TransactionClient;

/** What the customer-data services need without a person behind the change (the engine, imports): no actor, no audit. */
export interface DataContext {
  prisma: PrismaClient;
  now: () => Date;
  events: DomainEventBus;
}

/** A transaction client; writes inside it collect their domain events to emit after the commit. */
export type Tx = Prisma.TransactionClient;

/**
 * Runs `fn` in one transaction and emits the domain events it collected once it has committed
 * (never for a rolled-back change), unless `emit` is false (an import without "trigger journeys").
 */
export async function inTransaction<T>(
  dc: DataContext,
  fn: (tx: Tx, events: DomainEvent[]) => Promise<T>,
  options: { emit?: boolean; timeoutMs?: number } = {},
): Promise<T> {
  const events: DomainEvent[] = [];
  const result = await dc.prisma.$transaction((tx) => fn(tx, events), { timeout: options.timeoutMs ?? 30_000, maxWait: 30_000 });
  if (options.emit !== false) dc.events.emitAll(events);
  return result;
}
