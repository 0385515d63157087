import type { ChannelKind } from '@omniflow/schemas';
import { setAttributeTx } from '../services/attributes.ts';
import { createCustomerTx, createIdentityTx, isUniqueViolation } from '../services/contacts.ts';
import { type DataContext, inTransaction } from '../services/context.ts';

// What every webhook does with a verified platform event before the engine sees it: find or create the
// contact by its channel identity, then record the event once (the unique key drops a redelivery),
// moving the contact's last inbound time (the 24-hour window) and its follow / block status.

export const CTWA_CLID = 'ctwa_clid';

export const INBOUND_KINDS = ['message', 'postback', 'follow', 'unfollow', 'referral', 'reaction'] as const;
export type InboundKind = (typeof INBOUND_KINDS)[number];

/** §1.3 contact sources (the new-contact trigger filters on them) a webhook can tell apart. */
export type ContactOrigin = 'inbound_message' | 'click_to_message_ad';

export interface ChannelIdentityKey {
  channel: ChannelKind;
  /** The connection id. */
  channelId: string;
  externalUserId: string;
}

export interface InboundRecord {
  connectionId: string;
  channel: ChannelKind;
  /** The platform's event or message id. */
  eventKey: string;
  customerId: string;
  kind: InboundKind;
  at: Date;
  click?: { flowId: string; nodeId: string; buttonId?: string | undefined };
}

/** Kinds that open or refresh the platform's customer-service window (Meta: a message, a postback, a referral…). */
const OPENS_WINDOW: ReadonlySet<InboundKind> = new Set(['message', 'postback', 'follow', 'referral', 'reaction']);

export class InboundRecorder {
  constructor(private readonly dc: DataContext) {}

  /** The customer behind a channel identity, created (customer + contact, with contact.created) on first sight. */
  async resolveContact(key: ChannelIdentityKey, profile: { displayName?: string | undefined; source?: ContactOrigin } = {}): Promise<string> {
    const found = await this.dc.prisma.contactIdentity.findUnique({ where: { channel_channelId_externalUserId: key }, select: { customerId: true } });
    if (found) return found.customerId;
    try {
      return await inTransaction(this.dc, async (tx, events) => {
        const now = this.dc.now();
        const customer = await createCustomerTx(tx, now, { name: profile.displayName ?? null }, events);
        await createIdentityTx(tx, now, customer.id, { ...key, displayName: profile.displayName, source: profile.source ?? 'inbound_message' }, events);
        return customer.id;
      });
    } catch (e) {
      // Two webhooks for the same new user at once: the other one created it.
      if (!isUniqueViolation(e)) throw e;
      const again = await this.dc.prisma.contactIdentity.findUniqueOrThrow({ where: { channel_channelId_externalUserId: key }, select: { customerId: true } });
      return again.customerId;
    }
  }

  /** Records the event once; false when it was already recorded (a redelivery: do not process it again). */
  async accept(record: InboundRecord, identity: ChannelIdentityKey): Promise<boolean> {
    try {
      await this.dc.prisma.$transaction(async (tx) => {
        await tx.inboundEvent.create({
          data: {
            connectionId: record.connectionId,
            channel: record.channel,
            eventKey: record.eventKey,
            customerId: record.customerId,
            kind: record.kind,
            flowId: record.click?.flowId ?? null,
            nodeId: record.click?.nodeId ?? null,
            buttonId: record.click?.buttonId ?? null,
            at: record.at,
            receivedAt: this.dc.now(),
          },
        });
        const data: Record<string, unknown> = { updatedAt: this.dc.now() };
        if (OPENS_WINDOW.has(record.kind)) data.customerLastInteractionAt = record.at;
        if (record.kind === 'unfollow') data.subscriptionStatus = 'blocked';
        if (record.kind === 'follow') {
          data.subscriptionStatus = 'subscribed';
          data.subscribedAt = record.at;
        }
        await tx.contactIdentity.update({ where: { channel_channelId_externalUserId: identity }, data });
      });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  /**
   * A click-to-WhatsApp ad's click id (messages[].referral.ctwa_clid): the Conversions API needs it to
   * attribute business-messaging events to the ad (PLATFORMS §4). Kept as the `ctwa_clid` attribute,
   * defined on first use.
   */
  async rememberAdClick(customerId: string, ctwaClid: string): Promise<void> {
    await inTransaction(this.dc, async (tx, events) => {
      const now = this.dc.now();
      await tx.attributeDefinition.upsert({
        where: { key: CTWA_CLID },
        update: {},
        create: {
          key: CTWA_CLID,
          displayName: 'Click-to-WhatsApp ad click id',
          description: 'Set by WhatsApp webhooks; used by Meta CAPI events',
          type: 'text',
          createdAt: now,
          updatedAt: now,
        },
      });
      await setAttributeTx(tx, now, { customerId, key: CTWA_CLID, value: ctwaClid, source: 'integration' }, events);
    });
  }
}
