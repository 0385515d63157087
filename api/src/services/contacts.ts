import type { AttributeValue, ChannelKind, ContactTag, ConversationState, SubscriptionStatus, TagSource } from '@omniflow/schemas';
import { AppError, notFound } from '../errors.ts';
import type { DomainEvent } from '../events.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { recordAudit } from './audit.ts';
import { type DataContext, type Db, inTransaction, type ServiceContext, type Tx } from './context.ts';

// Customers (the merged profile) and their contacts (one identity per channel), §1.3.
// The write functions ending in `Tx` run inside a caller's transaction and collect domain events;
// the others open their own transaction, audit when a person acts, and emit after the commit.

export interface IdentityDto {
  id: string;
  customerId: string;
  channel: ChannelKind;
  channelId: string;
  externalUserId: string;
  displayName: string | null;
  nativeSocialName: string | null;
  subscriptionStatus: SubscriptionStatus;
  subscribedAt: string | null;
  customerLastInteractionAt: string | null;
  teamLastMarketingAt: string | null;
  teamLastInteractionAt: string | null;
  overQuota: boolean;
  fbRecurringOptIn: boolean;
  conversationState: ConversationState | null;
  source: string | null;
  createdAt: string;
}

export interface CustomerSummary {
  id: string;
  memberId: string | null;
  name: string | null;
  phone: string | null;
  email: string | null;
  createdAt: string;
  updatedAt: string;
  lastCheckoutAt: string | null;
  points: { balance: number; lifetime: number };
}

export interface CustomerDetail extends CustomerSummary {
  identities: IdentityDto[];
  tags: ContactTag[];
  attributes: Record<string, AttributeValue>;
}

type CustomerRow = Prisma.CustomerGetPayload<object>;
type IdentityRow = Prisma.ContactIdentityGetPayload<object>;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toCustomerSummary(c: CustomerRow): CustomerSummary {
  return {
    id: c.id,
    memberId: c.memberId,
    name: c.name,
    phone: c.phone,
    email: c.email,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    lastCheckoutAt: iso(c.lastCheckoutAt),
    points: { balance: c.pointsBalance, lifetime: c.pointsLifetime },
  };
}

export function toIdentityDto(i: IdentityRow): IdentityDto {
  return {
    id: i.id,
    customerId: i.customerId,
    channel: i.channel as ChannelKind,
    channelId: i.channelId,
    externalUserId: i.externalUserId,
    displayName: i.displayName,
    nativeSocialName: i.nativeSocialName,
    subscriptionStatus: i.subscriptionStatus as SubscriptionStatus,
    subscribedAt: iso(i.subscribedAt),
    customerLastInteractionAt: iso(i.customerLastInteractionAt),
    teamLastMarketingAt: iso(i.teamLastMarketingAt),
    teamLastInteractionAt: iso(i.teamLastInteractionAt),
    overQuota: i.overQuota,
    fbRecurringOptIn: i.fbRecurringOptIn,
    conversationState: i.conversationState as ConversationState | null,
    source: i.source,
    createdAt: i.createdAt.toISOString(),
  };
}

/** What search matches: name, member id, phone and email, lower-cased. */
export function searchTextOf(c: { name?: string | null; memberId?: string | null; phone?: string | null; email?: string | null }): string {
  return [c.name, c.memberId, c.phone, c.email]
    .filter((v): v is string => !!v)
    .join('\n')
    .toLowerCase();
}

export interface CustomerFields {
  memberId?: string | null | undefined;
  name?: string | null | undefined;
  phone?: string | null | undefined;
  email?: string | null | undefined;
  lastCheckoutAt?: string | null | undefined;
}

/** Only the fields given: `undefined` leaves a field alone, `null` clears it. */
function fieldData(input: CustomerFields): Prisma.CustomerUpdateInput {
  const data: Prisma.CustomerUpdateInput = {};
  if (input.memberId !== undefined) data.memberId = input.memberId;
  if (input.name !== undefined) data.name = input.name;
  if (input.phone !== undefined) data.phone = input.phone;
  if (input.email !== undefined) data.email = input.email === null ? null : input.email.toLowerCase();
  if (input.lastCheckoutAt !== undefined) data.lastCheckoutAt = input.lastCheckoutAt === null ? null : new Date(input.lastCheckoutAt);
  return data;
}

export function memberIdTaken(memberId: string | null | undefined): AppError {
  return new AppError('CONFLICT', `memberId ${JSON.stringify(memberId)} already belongs to another customer`, { kind: 'invalid_field', field: 'memberId' });
}

export async function createCustomerTx(tx: Tx, now: Date, input: CustomerFields, events: DomainEvent[], importJobId?: string): Promise<CustomerRow> {
  const data = fieldData(input);
  const created = await tx.customer.create({
    data: {
      memberId: (data.memberId as string | null | undefined) ?? null,
      name: (data.name as string | null | undefined) ?? null,
      phone: (data.phone as string | null | undefined) ?? null,
      email: (data.email as string | null | undefined) ?? null,
      lastCheckoutAt: (data.lastCheckoutAt as Date | null | undefined) ?? null,
      searchText: searchTextOf({ ...input, email: input.email?.toLowerCase() ?? null }),
      createdAt: now,
      updatedAt: now,
    },
  });
  events.push({ type: 'customer.created', at: now.toISOString(), customerId: created.id, memberId: created.memberId, ...(importJobId ? { importJobId } : {}) });
  return created;
}

/** Updates the given fields; returns the row and whether anything changed. */
export async function updateCustomerTx(tx: Tx, customer: CustomerRow, input: CustomerFields): Promise<{ row: CustomerRow; changed: boolean }> {
  const data = fieldData(input);
  const next = { ...customer, ...(data as Partial<CustomerRow>) };
  const changed =
    (['memberId', 'name', 'phone', 'email'] as const).some((k) => next[k] !== customer[k]) ||
    next.lastCheckoutAt?.getTime() !== customer.lastCheckoutAt?.getTime();
  if (!changed) return { row: customer, changed: false };
  const row = await tx.customer.update({ where: { id: customer.id }, data: { ...data, searchText: searchTextOf(next) } });
  return { row, changed: true };
}

function isUniqueViolation(e: unknown): e is Prisma.PrismaClientKnownRequestError {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';
}

export { isUniqueViolation };

export async function createCustomer(ctx: ServiceContext, input: CustomerFields): Promise<CustomerDetail> {
  try {
    const row = await inTransaction(ctx, async (tx, events) => {
      const created = await createCustomerTx(tx, ctx.now(), input, events);
      await recordAudit(tx, ctx, { action: 'customer.create', objectType: 'customer', objectId: created.id, diff: { fields: Object.keys(fieldData(input)) } });
      return created;
    });
    return getCustomer(ctx.prisma, row.id);
  } catch (e) {
    if (isUniqueViolation(e)) throw memberIdTaken(input.memberId);
    throw e;
  }
}

export async function updateCustomer(ctx: ServiceContext, id: string, input: CustomerFields): Promise<CustomerDetail> {
  try {
    await inTransaction(ctx, async (tx) => {
      const customer = await tx.customer.findUnique({ where: { id } });
      if (!customer) throw notFound('Customer', id);
      const { changed } = await updateCustomerTx(tx, customer, input);
      if (changed)
        await recordAudit(tx, ctx, { action: 'customer.update', objectType: 'customer', objectId: id, diff: { fields: Object.keys(fieldData(input)) } });
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw memberIdTaken(input.memberId);
    throw e;
  }
  return getCustomer(ctx.prisma, id);
}

/** The full profile: contacts, tags, attribute values and points. */
export async function getCustomer(db: Db, id: string): Promise<CustomerDetail> {
  const row = await db.customer.findUnique({
    where: { id },
    include: { identities: { orderBy: { createdAt: 'asc' } }, tags: { orderBy: { tag: 'asc' } }, attributes: { orderBy: { key: 'asc' } } },
  });
  if (!row) throw notFound('Customer', id);
  return {
    ...toCustomerSummary(row),
    identities: row.identities.map(toIdentityDto),
    tags: row.tags.map((t) => ({
      name: t.tag,
      count: t.count,
      firstAppliedAt: t.firstAppliedAt.toISOString(),
      lastAppliedAt: t.lastAppliedAt.toISOString(),
      lastSource: t.lastSource as TagSource,
    })),
    attributes: Object.fromEntries(row.attributes.map((a) => [a.key, JSON.parse(a.value) as AttributeValue])),
  };
}

export interface CustomerListQuery {
  search?: string | undefined;
  tag?: string | undefined;
  channel?: ChannelKind | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Newest first; search by name, member id, phone or email; filter by tag or channel; cursor pagination. */
export async function listCustomers(db: Db, query: CustomerListQuery): Promise<{ items: CustomerSummary[]; nextCursor: string | null }> {
  const rows = await db.customer.findMany({
    where: {
      ...(query.search ? { searchText: { contains: query.search.toLowerCase() } } : {}),
      ...(query.tag ? { tags: { some: { tag: query.tag } } } : {}),
      ...(query.channel ? { identities: { some: { channel: query.channel } } } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, query.limit);
  return { items: page.map(toCustomerSummary), nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
}

export interface NewIdentity {
  channel: ChannelKind;
  channelId: string;
  externalUserId: string;
  displayName?: string | undefined;
  nativeSocialName?: string | undefined;
  subscriptionStatus?: SubscriptionStatus | undefined;
  source?: string | undefined;
}

export async function createIdentityTx(
  tx: Tx,
  now: Date,
  customerId: string,
  input: NewIdentity,
  events: DomainEvent[],
  importJobId?: string,
): Promise<IdentityRow> {
  const source = input.source ?? 'manual';
  const status = input.subscriptionStatus ?? 'subscribed';
  const row = await tx.contactIdentity.create({
    data: {
      customerId,
      channel: input.channel,
      channelId: input.channelId,
      externalUserId: input.externalUserId,
      displayName: input.displayName ?? null,
      nativeSocialName: input.nativeSocialName ?? null,
      subscriptionStatus: status,
      subscribedAt: status === 'subscribed' ? now : null,
      source,
      createdAt: now,
      updatedAt: now,
    },
  });
  events.push({
    type: 'contact.created',
    at: now.toISOString(),
    customerId,
    identityId: row.id,
    channel: input.channel,
    channelId: input.channelId,
    externalUserId: input.externalUserId,
    source,
    ...(importJobId ? { importJobId } : {}),
  });
  return row;
}

function identityTaken(input: NewIdentity): AppError {
  return new AppError(
    'CONFLICT',
    `${input.channel} user ${JSON.stringify(input.externalUserId)} on channel ${JSON.stringify(input.channelId)} is already a contact`,
    {
      kind: 'invalid_field',
      field: 'externalUserId',
    },
  );
}

/** Adds a contact (an identity on one channel) to a customer. */
export async function addIdentity(ctx: ServiceContext, customerId: string, input: NewIdentity): Promise<IdentityDto> {
  try {
    return await inTransaction(ctx, async (tx, events) => {
      if (!(await tx.customer.findUnique({ where: { id: customerId }, select: { id: true } }))) throw notFound('Customer', customerId);
      const row = await createIdentityTx(tx, ctx.now(), customerId, input, events);
      await recordAudit(tx, ctx, { action: 'contact.create', objectType: 'contact', objectId: row.id, diff: { customerId, channel: input.channel } });
      return toIdentityDto(row);
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw identityTaken(input);
    throw e;
  }
}

export interface IdentityUpdate {
  displayName?: string | null | undefined;
  subscriptionStatus?: SubscriptionStatus | undefined;
  conversationState?: ConversationState | null | undefined;
  overQuota?: boolean | undefined;
  fbRecurringOptIn?: boolean | undefined;
}

export async function updateIdentity(ctx: ServiceContext, id: string, input: IdentityUpdate): Promise<IdentityDto> {
  const current = await ctx.prisma.contactIdentity.findUnique({ where: { id } });
  if (!current) throw notFound('Contact', id);
  const data: Prisma.ContactIdentityUpdateInput = { updatedAt: ctx.now() };
  if (input.displayName !== undefined) data.displayName = input.displayName;
  if (input.conversationState !== undefined) data.conversationState = input.conversationState;
  if (input.overQuota !== undefined) data.overQuota = input.overQuota;
  if (input.fbRecurringOptIn !== undefined) data.fbRecurringOptIn = input.fbRecurringOptIn;
  if (input.subscriptionStatus !== undefined && input.subscriptionStatus !== current.subscriptionStatus) {
    data.subscriptionStatus = input.subscriptionStatus;
    if (input.subscriptionStatus === 'subscribed') data.subscribedAt = ctx.now();
  }
  // In a transaction, not as a lone statement: on the shared SQLite connection a lone write could
  // land inside another request's open transaction and be rolled back with it.
  return toIdentityDto(await ctx.prisma.$transaction((tx) => tx.contactIdentity.update({ where: { id }, data })));
}

/** The contact with this identity on a channel, or null. */
export async function findIdentity(db: Db, key: { channel: ChannelKind; channelId: string; externalUserId: string }): Promise<IdentityDto | null> {
  const row = await db.contactIdentity.findUnique({ where: { channel_channelId_externalUserId: key } });
  return row ? toIdentityDto(row) : null;
}

/** For the engine and imports: a customer by member id, or null. */
export async function findCustomerByMemberId(dc: Pick<DataContext, 'prisma'>, memberId: string): Promise<CustomerSummary | null> {
  const row = await dc.prisma.customer.findUnique({ where: { memberId } });
  return row ? toCustomerSummary(row) : null;
}
