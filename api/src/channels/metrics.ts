import type { PrismaClient } from '../db/open.ts';

// The §7.1 message metrics of one published version, per node. Denominator = successful sends (sent,
// received or read; test sends excluded). Each figure comes with its numerator and denominator.
//  - success rate: successful ÷ settled sends (successful + failed);
//  - open rate, LINE only: sends of instrumented types with an open ÷ their successful sends;
//  - read rate: read ÷ successful sends on channels that report reads (WhatsApp, Messenger, Instagram);
//  - click rate: sends with a module- or URL-button click (at most 1 per send; links in plain text are
//    never tracked, so never counted) ÷ successful sends;
//  - response rate at 12/24/48 h: sends followed by an inbound message, postback or reaction from the
//    contact within the window ÷ successful sends (one reply counts for every send it follows);
//  - unsubscribe/block rate (ours): contacts who blocked within 48 h of a successful send, attributed to
//    the latest send before the block ÷ successful sends.

export interface Ratio {
  numerator: number;
  denominator: number;
  /** numerator ÷ denominator, or null when nothing was sent. */
  rate: number | null;
}

export interface NodeMessageMetrics {
  nodeId: string;
  nodeType: string | null;
  sending: number;
  successful: number;
  failed: number;
  /** Failures by reason (the platform's typed reason). */
  failureReasons: Record<string, number>;
  successRate: Ratio;
  /** Null when the node sent nothing on LINE with an instrumented type. */
  openRate: Ratio | null;
  /** Null when the node sent nothing on a channel that reports reads. */
  readRate: Ratio | null;
  clickRate: Ratio;
  responseRate: { h12: Ratio; h24: Ratio; h48: Ratio };
  unsubscribeRate: Ratio;
}

export interface VersionMetrics {
  flowId: string;
  versionId: string;
  nodes: Record<string, NodeMessageMetrics>;
}

const HOUR = 3_600_000;
const SUCCESS = ['sent', 'received', 'read'];
const READ_CHANNELS = new Set(['whatsapp', 'messenger', 'instagram']);
const RESPONSE_KINDS = ['message', 'postback', 'reaction'];
const BLOCK_KINDS = ['unfollow'];

export const ratio = (numerator: number, denominator: number): Ratio => ({ numerator, denominator, rate: denominator === 0 ? null : numerator / denominator });

function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function versionMetrics(prisma: PrismaClient, flowId: string, versionId: string): Promise<VersionMetrics> {
  const deliveries = await prisma.messageDelivery.findMany({
    where: { flowId, versionId, isTest: false },
    select: {
      id: true,
      nodeId: true,
      nodeType: true,
      channel: true,
      customerId: true,
      status: true,
      reason: true,
      sentAt: true,
      readAt: true,
      opensTracked: true,
    },
  });
  const successful = deliveries.filter((d) => SUCCESS.includes(d.status) && d.sentAt);
  const successIds = successful.map((d) => d.id);

  const engaged = { open: new Set<string>(), click: new Set<string>() };
  for (const part of chunks(successIds)) {
    const rows = await prisma.messageEngagement.findMany({ where: { deliveryId: { in: part } }, select: { deliveryId: true, kind: true } });
    for (const r of rows) if (r.kind === 'open' || r.kind === 'click') engaged[r.kind].add(r.deliveryId);
  }

  // Inbound events of the contacts concerned, from the first send to 48 h after the last.
  const customers = [...new Set(successful.map((d) => d.customerId))];
  const times = successful.map((d) => d.sentAt!.getTime());
  const from = new Date(times.length ? Math.min(...times) : 0);
  const to = new Date((times.length ? Math.max(...times) : 0) + 48 * HOUR);
  const responses = new Map<string, number[]>();
  const blocks = new Map<string, number[]>();
  const sendsOf = new Map<string, { id: string; at: number }[]>();
  for (const part of chunks(customers)) {
    const inbound = await prisma.inboundEvent.findMany({
      where: { customerId: { in: part }, at: { gt: from, lte: to }, kind: { in: [...RESPONSE_KINDS, ...BLOCK_KINDS] } },
      select: { customerId: true, kind: true, at: true },
    });
    for (const e of inbound) {
      const map = RESPONSE_KINDS.includes(e.kind) ? responses : blocks;
      map.set(e.customerId, [...(map.get(e.customerId) ?? []), e.at.getTime()]);
    }
    // A block is attributed to the contact's latest successful send of any flow, so all of them are needed.
    const sends = await prisma.messageDelivery.findMany({
      where: { customerId: { in: part }, status: { in: SUCCESS }, isTest: false, sentAt: { gte: from, lte: to } },
      select: { id: true, customerId: true, sentAt: true },
    });
    for (const s of sends) sendsOf.set(s.customerId, [...(sendsOf.get(s.customerId) ?? []), { id: s.id, at: s.sentAt!.getTime() }]);
  }
  const blockedAfter = new Set<string>(); // delivery ids a block is attributed to
  for (const [customerId, at] of blocks) {
    const sends = sendsOf.get(customerId) ?? [];
    for (const b of at) {
      const latest = sends.filter((s) => s.at < b && b - s.at <= 48 * HOUR).sort((x, y) => y.at - x.at)[0];
      if (latest) blockedAfter.add(latest.id);
    }
  }

  const nodes: Record<string, NodeMessageMetrics> = {};
  const byNode = new Map<string, typeof deliveries>();
  for (const d of deliveries) byNode.set(d.nodeId, [...(byNode.get(d.nodeId) ?? []), d]);
  for (const [nodeId, rows] of byNode) {
    const ok = rows.filter((d) => SUCCESS.includes(d.status) && d.sentAt);
    const failed = rows.filter((d) => d.status === 'failed');
    const failureReasons: Record<string, number> = {};
    for (const f of failed) failureReasons[f.reason ?? 'unknown'] = (failureReasons[f.reason ?? 'unknown'] ?? 0) + 1;
    const tracked = ok.filter((d) => d.channel === 'line' && d.opensTracked);
    const readable = ok.filter((d) => READ_CHANNELS.has(d.channel));
    const respondedWithin = (hours: number) =>
      ok.filter((d) => {
        const t = d.sentAt!.getTime();
        return (responses.get(d.customerId) ?? []).some((r) => r > t && r - t <= hours * HOUR);
      }).length;
    // Unique contacts per node: two sends of the node to one contact followed by one block count once.
    const blockers = new Set(ok.filter((d) => blockedAfter.has(d.id)).map((d) => d.customerId));
    nodes[nodeId] = {
      nodeId,
      nodeType: rows[0]?.nodeType ?? null,
      sending: rows.filter((d) => d.status === 'sending').length,
      successful: ok.length,
      failed: failed.length,
      failureReasons,
      successRate: ratio(ok.length, ok.length + failed.length),
      openRate: tracked.length ? ratio(tracked.filter((d) => engaged.open.has(d.id)).length, tracked.length) : null,
      readRate: readable.length ? ratio(readable.filter((d) => d.readAt).length, readable.length) : null,
      clickRate: ratio(ok.filter((d) => engaged.click.has(d.id)).length, ok.length),
      responseRate: { h12: ratio(respondedWithin(12), ok.length), h24: ratio(respondedWithin(24), ok.length), h48: ratio(respondedWithin(48), ok.length) },
      unsubscribeRate: ratio(blockers.size, ok.length),
    };
  }
  return { flowId, versionId, nodes };
}
