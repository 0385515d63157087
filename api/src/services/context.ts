import type { Catalogue } from '@omniflow/nodes';
import type { RequestMeta } from '../context.ts';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { Access, Actor } from '../trpc.ts';

/** What services need: the database, the catalogue, the clock, and who is asking from where. */
export interface ServiceContext {
  prisma: PrismaClient;
  catalogue: Catalogue;
  now: () => Date;
  request: RequestMeta;
  actor: Actor;
}

/** Services acting on flows also get the actor's access under the procedure's permission. */
export interface FlowServiceContext extends ServiceContext {
  access: Access;
}

/** The client or an open transaction: services write through whichever they are given. */
export type Db = PrismaClient | Prisma.TransactionClient;
