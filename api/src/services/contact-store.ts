import type { AttributeWrite, ContactStore, PointsChange, WriteMeta } from '@omniflow/engine';
import type { AttributeValue, ChannelKind, ContactIdentity, Customer, TagSource } from '@omniflow/schemas';
import type { AttributeSource, DomainEvent } from '../events.ts';
import { setAttributeTx } from './attributes.ts';
import { type CustomerDetail, getCustomer, isUniqueViolation } from './contacts.ts';
import { type DataContext, inTransaction, type Tx } from './context.ts';
import { changePointsTx } from './points.ts';
import { applyTagsTx, removeTagsTx } from './tags.ts';

// The engine's ContactStore on the api's database. Every write carries the step's idempotency key;
// the answer is remembered in IdempotencyRecord in the same transaction as the change, so a step
// replayed after a crash changes nothing and gets the same answer.

/** Where a flow's write came from, as an attribute source (§3.5). */
function attributeSource(source: TagSource): AttributeSource {
  if (source === 'journey') return 'journey';
  if (source === 'chatbot' || source === 'keyword' || source === 'wa_flow') return 'bot';
  if (source === 'api') return 'api';
  if (source === 'import') return 'import';
  if (source === 'integration') return 'integration';
  return 'manual';
}

/** The @omniflow/schemas Customer of a stored customer (nulls become absent fields). */
export function toSchemaCustomer(c: CustomerDetail): Customer {
  const opt = <K extends string, V>(key: K, value: V | null): Partial<Record<K, V>> => (value === null ? {} : ({ [key]: value } as Record<K, V>));
  return {
    id: c.id,
    ...opt('memberId', c.memberId),
    ...opt('name', c.name),
    ...opt('phone', c.phone),
    ...opt('email', c.email),
    identities: c.identities.map(
      (i): ContactIdentity => ({
        id: i.id,
        channel: i.channel as ChannelKind,
        channelId: i.channelId,
        externalUserId: i.externalUserId,
        ...opt('displayName', i.displayName),
        subscriptionStatus: i.subscriptionStatus,
        ...opt('subscribedAt', i.subscribedAt),
        ...opt('customerLastInteractionAt', i.customerLastInteractionAt),
        ...opt('teamLastMarketingAt', i.teamLastMarketingAt),
        ...opt('teamLastInteractionAt', i.teamLastInteractionAt),
        overQuota: i.overQuota,
        fbRecurringOptIn: i.fbRecurringOptIn,
        ...opt('conversationState', i.conversationState),
        ...opt('source', i.source),
      }),
    ),
    tags: c.tags,
    attributes: c.attributes,
    points: c.points,
    bindings: [],
    ...opt('lastCheckoutAt', c.lastCheckoutAt),
    createdAt: c.createdAt,
  };
}

export class PrismaContactStore implements ContactStore {
  constructor(private readonly dc: DataContext) {}

  async get(customerId: string): Promise<Customer | undefined> {
    const exists = await this.dc.prisma.customer.findUnique({ where: { id: customerId }, select: { id: true } });
    return exists ? toSchemaCustomer(await getCustomer(this.dc.prisma, customerId)) : undefined;
  }

  applyTags(customerId: string, tags: readonly string[], meta: WriteMeta): Promise<{ applied: string[] }> {
    return this.once('tags.apply', meta, async (tx, events) => {
      const result = await applyTagsTx(tx, meta.at, { customerId, tags, source: meta.source, sourceRef: meta.sourceRef }, events);
      return { applied: result.applied.map((a) => a.tag) };
    });
  }

  removeTags(customerId: string, tags: readonly string[], meta: WriteMeta): Promise<{ removed: string[] }> {
    return this.once('tags.remove', meta, async (tx, events) => {
      const result = await removeTagsTx(tx, meta.at, { customerId, tags, source: meta.source, sourceRef: meta.sourceRef }, events);
      return { removed: result.removed };
    });
  }

  /** Flow writes come from typed input (a button value, the user-input card): strings are parsed for the type. */
  setAttribute(customerId: string, key: string, value: AttributeValue, meta: WriteMeta): Promise<AttributeWrite> {
    return this.once('attribute.set', meta, async (tx, events) => {
      const before = await tx.attributeValue.findUnique({ where: { customerId_key: { customerId, key } }, select: { value: true } });
      const written = await setAttributeTx(tx, meta.at, { customerId, key, value, source: attributeSource(meta.source), fromText: true }, events);
      const previous = before ? (JSON.parse(before.value) as AttributeValue) : undefined;
      return {
        result: written.result,
        changed: written.changed,
        ...(previous === undefined ? {} : { previous }),
        ...(written.result === 'ok' ? { value: written.value } : {}),
      };
    });
  }

  changePoints(customerId: string, op: 'add' | 'deduct', amount: number, reason: string, meta: WriteMeta): Promise<PointsChange> {
    return this.once('points.change', meta, async (tx, events) => {
      const result = await changePointsTx(
        tx,
        meta.at,
        { customerId, op, amount, reason, idempotencyKey: meta.idempotencyKey, sourceRef: meta.sourceRef },
        events,
      );
      return result.ok ? { ok: true as const, balance: result.balance } : { ok: false as const, reason: result.reason };
    });
  }

  /** §1.3: a flow's subscribe / unsubscribe node changes every contact of the customer. */
  async setSubscription(customerId: string, status: 'subscribed' | 'unsubscribed', meta: WriteMeta): Promise<void> {
    await this.once('subscription.set', meta, async (tx) => {
      await tx.contactIdentity.updateMany({
        where: { customerId, subscriptionStatus: { not: status } },
        data: { subscriptionStatus: status, updatedAt: meta.at, ...(status === 'subscribed' ? { subscribedAt: meta.at } : {}) },
      });
      return null;
    });
  }

  /**
   * Marks the conversation as waiting for a person (§1.10). The api has no agent routing yet, so
   * nobody is assigned: the answer says so and the flow takes its unassigned path.
   */
  handOff(customerId: string, _request: Readonly<Record<string, unknown>>, meta: WriteMeta): Promise<{ assigned: boolean }> {
    return this.once('handoff', meta, async (tx) => {
      await tx.contactIdentity.updateMany({ where: { customerId }, data: { conversationState: 'pending_human', updatedAt: meta.at } });
      return { assigned: false };
    });
  }

  /** Runs a keyed write once: the change, its remembered answer and (after the commit) its events. */
  private async once<T>(scope: string, meta: WriteMeta, write: (tx: Tx, events: DomainEvent[]) => Promise<T>): Promise<T> {
    const recall = async (): Promise<T | undefined> => {
      const record = await this.dc.prisma.idempotencyRecord.findUnique({ where: { key: meta.idempotencyKey } });
      return record ? (JSON.parse(record.answer) as T) : undefined;
    };
    const remembered = await recall();
    if (remembered !== undefined) return remembered;
    try {
      return await inTransaction(this.dc, async (tx, events) => {
        const answer = await write(tx, events);
        await tx.idempotencyRecord.create({ data: { key: meta.idempotencyKey, scope, answer: JSON.stringify(answer), at: meta.at } });
        return answer;
      });
    } catch (e) {
      // The same step ran twice at once: the loser answers what the winner did.
      const winner = isUniqueViolation(e) ? await recall() : undefined;
      if (winner !== undefined) return winner;
      throw e;
    }
  }
}
