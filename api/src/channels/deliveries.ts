import type { Effect, EffectResult } from '@omniflow/engine';
import type { PrismaClient } from '../db/open.ts';

// Delivery statuses of sent messages (PRODUCT_SPEC §7): sending when the engine hands a send to its
// adapter, then sent or failed from the adapter's answer, then received / read from the platforms'
// status webhooks (WhatsApp statuses, Messenger/Instagram delivery and read watermarks; LINE reports
// neither). Statuses only move forward: a late "received" never undoes a "read".

export const DELIVERY_STATUSES = ['sending', 'sent', 'received', 'read', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const RANK: Record<DeliveryStatus, number> = { sending: 0, failed: 1, sent: 2, received: 3, read: 4 };

/** Node types whose LINE sends carry open tracking (§7 open rate): text with buttons, carousels, imagemap, coupon, Flex. */
export function opensTracked(nodeType: string, content: Readonly<Record<string, unknown>>): boolean {
  if (nodeType === 'message.text') return Array.isArray(content.buttons) && content.buttons.length > 0;
  return ['message.carousel', 'message.image_carousel', 'message.imagemap', 'message.coupon', 'message.line_flex'].includes(nodeType);
}

export interface RunFacts {
  versionId: string;
  isTest: boolean;
}

export class DeliveryLog {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => Date,
  ) {}

  /** Before the adapter is called: a row in `sending` (kept as is on a retry of the same effect). */
  async begin(effect: Effect, run: RunFacts | undefined): Promise<void> {
    const p = effect.payload as { channel?: unknown; nodeType?: unknown; content?: Record<string, unknown> };
    const channel = typeof p.channel === 'string' ? p.channel : 'unknown';
    const nodeType = typeof p.nodeType === 'string' ? p.nodeType : null;
    await this.prisma.messageDelivery.upsert({
      where: { idempotencyKey: effect.idempotencyKey },
      update: {},
      create: {
        idempotencyKey: effect.idempotencyKey,
        channel,
        runId: effect.runId,
        flowId: effect.flowId,
        versionId: run?.versionId ?? 'unknown',
        nodeId: effect.nodeId,
        nodeType,
        customerId: effect.customerId,
        isTest: run?.isTest ?? false,
        opensTracked: channel === 'line' && nodeType !== null && opensTracked(nodeType, p.content ?? {}),
        status: 'sending',
        sendingAt: this.now(),
      },
    });
  }

  /** The adapter's answer: sent with the platform's message id, or failed with the reason. */
  async settle(effect: Effect, result: EffectResult, connectionId: string | null): Promise<void> {
    const at = this.now();
    const row = await this.prisma.messageDelivery.findUnique({ where: { idempotencyKey: effect.idempotencyKey } });
    if (!row) return;
    if ('messageId' in result && result.ok) {
      // A later status webhook may already have moved it on (it names the message id we have not stored yet only rarely).
      await this.prisma.messageDelivery.update({
        where: { id: row.id },
        data: {
          platformMessageId: result.messageId,
          connectionId,
          status: RANK[row.status as DeliveryStatus] > RANK.sent ? row.status : 'sent',
          sentAt: row.sentAt ?? at,
          reason: null,
          message: null,
        },
      });
    } else if (!result.ok) {
      if (RANK[row.status as DeliveryStatus] >= RANK.sent) return;
      await this.prisma.messageDelivery.update({
        where: { id: row.id },
        data: { status: 'failed', reason: result.reason, message: result.message.slice(0, 1000), failedAt: at, connectionId },
      });
    }
  }

  /** A status webhook about one platform message id. Returns whether a delivery was found. */
  async applyStatus(
    channel: string,
    platformMessageId: string,
    status: 'sent' | 'received' | 'read' | 'failed',
    at: Date,
    failure?: { reason: string; message: string },
  ): Promise<boolean> {
    const row = await this.prisma.messageDelivery.findFirst({ where: { channel, platformMessageId } });
    if (!row) return false;
    const current = row.status as DeliveryStatus;
    if (status === 'failed') {
      // A platform can fail a message it had accepted (WhatsApp "failed" after "sent"); it never un-reads one.
      if (RANK[current] >= RANK.received) return true;
      await this.prisma.messageDelivery.update({
        where: { id: row.id },
        data: { status: 'failed', failedAt: at, reason: failure?.reason ?? 'platform_failed', message: failure?.message?.slice(0, 1000) ?? null },
      });
      return true;
    }
    const data: Record<string, unknown> = {};
    if (!row.sentAt) data.sentAt = at;
    // WhatsApp may send "read" without "delivered" first: a read message was received.
    if ((status === 'received' || status === 'read') && !row.receivedAt) data.receivedAt = at;
    if (status === 'read' && !row.readAt) data.readAt = at;
    if (RANK[status] > RANK[current] || current === 'failed') data.status = status;
    if (Object.keys(data).length) await this.prisma.messageDelivery.update({ where: { id: row.id }, data });
    return true;
  }

  /** Messenger/Instagram watermarks: every message to the contact on the channel sent at or before `watermark` is received/read. */
  async applyWatermark(channel: string, customerId: string, status: 'received' | 'read', watermark: Date): Promise<number> {
    const rows = await this.prisma.messageDelivery.findMany({
      where: { channel, customerId, sentAt: { lte: watermark }, status: { in: status === 'read' ? ['sent', 'received'] : ['sent'] } },
      select: { platformMessageId: true },
    });
    for (const r of rows) if (r.platformMessageId) await this.applyStatus(channel, r.platformMessageId, status, watermark);
    return rows.length;
  }

  /**
   * A click on a module button (postback naming its flow and node): counted once on the latest
   * successful send of that node to that contact before the click (§7: at most 1 per customer per send).
   */
  async recordClick(customerId: string, flowId: string, nodeId: string, at: Date, source: 'module' | 'url'): Promise<boolean> {
    const delivery = await this.prisma.messageDelivery.findFirst({
      where: { customerId, flowId, nodeId, status: { in: ['sent', 'received', 'read'] }, sentAt: { lte: at } },
      orderBy: { sentAt: 'desc' },
    });
    if (!delivery) return false;
    await this.prisma.messageEngagement.upsert({
      where: { deliveryId_kind: { deliveryId: delivery.id, kind: 'click' } },
      update: {},
      create: { deliveryId: delivery.id, kind: 'click', source, at },
    });
    return true;
  }
}
