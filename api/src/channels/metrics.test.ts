import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type PrismaClient } from '../db/open.ts';
import { versionMetrics } from './metrics.ts';

// The §7 formulas on a known dataset in a real SQLite file: every figure's numerator and denominator.

const T = Date.parse('2026-11-01T00:00:00Z');
const h = (hours: number) => new Date(T + hours * 3_600_000);

let prisma: PrismaClient;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omniflow-metrics-'));
  prisma = (await openDatabase(dir)).prisma;
  let n = 0;
  const send = (nodeId: string, channel: string, customerId: string, status: string, at: Date | null, extra: Record<string, unknown> = {}) =>
    prisma.messageDelivery.create({
      data: {
        idempotencyKey: `k${++n}`,
        channel,
        platformMessageId: `pm${n}`,
        runId: `run-${customerId}`,
        flowId: 'flow',
        versionId: 'v1',
        nodeId,
        nodeType: nodeId === 'A' ? 'message.text' : 'message.send',
        customerId,
        status,
        sendingAt: at ?? h(0),
        sentAt: status === 'failed' || status === 'sending' ? null : at,
        opensTracked: nodeId === 'A',
        ...extra,
      },
    });
  const inbound = (customerId: string, kind: string, at: Date) =>
    prisma.inboundEvent.create({ data: { connectionId: 'c', channel: 'line', eventKey: `e${++n}`, customerId, kind, at } });

  // Node A on LINE (text with buttons: opens tracked).
  const d1 = await send('A', 'line', 'c1', 'sent', h(0));
  await send('A', 'line', 'c2', 'sent', h(0));
  await send('A', 'line', 'c3', 'failed', null, { reason: 'rate_limited', failedAt: h(0) });
  await send('A', 'line', 'c4', 'sending', null);
  await send('A', 'line', 'c5', 'sent', h(0), { isTest: true }); // test sends never count
  await send('A', 'line', 'c7', 'sent', h(0));
  await prisma.messageEngagement.create({ data: { deliveryId: d1.id, kind: 'open', at: h(0.5) } });
  await prisma.messageEngagement.create({ data: { deliveryId: d1.id, kind: 'click', source: 'module', at: h(0.6) } });
  // Node B on WhatsApp.
  await send('B', 'whatsapp', 'c1', 'read', h(2), { readAt: h(3), receivedAt: h(2.5) });
  await send('B', 'whatsapp', 'c6', 'received', h(2), { receivedAt: h(2.2) });
  // Another flow's send to c2, later than node A's: c2's block belongs to it.
  await prisma.messageDelivery.create({
    data: {
      idempotencyKey: 'other',
      channel: 'line',
      runId: 'r',
      flowId: 'other',
      versionId: 'ov',
      nodeId: 'X',
      customerId: 'c2',
      status: 'sent',
      sendingAt: h(39),
      sentAt: h(39),
    },
  });

  await inbound('c1', 'message', h(1)); // within 12 h of A; before B's send, so not a response to it
  await inbound('c2', 'message', h(30)); // within 48 h of A only
  await inbound('c2', 'unfollow', h(40)); // attributed to the other flow's send at 39 h
  await inbound('c7', 'unfollow', h(10)); // attributed to A
  await inbound('c6', 'unfollow', h(3)); // attributed to B
  await inbound('c1', 'unfollow', h(60)); // 58 h after c1's latest send: outside 48 h
  await inbound('c3', 'message', h(1)); // c3's send failed: no denominator, no numerator
});
afterAll(async () => {
  await prisma.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const r = (numerator: number, denominator: number) => ({ numerator, denominator, rate: denominator ? numerator / denominator : null });

describe('versionMetrics (§7.1)', () => {
  it('computes every rate over successful sends, with the exclusions and attributions of the spec', async () => {
    const m = await versionMetrics(prisma, 'flow', 'v1');
    expect(Object.keys(m.nodes).sort()).toEqual(['A', 'B']);
    expect(m.nodes.A).toEqual({
      nodeId: 'A',
      nodeType: 'message.text',
      sending: 1,
      successful: 3,
      failed: 1,
      failureReasons: { rate_limited: 1 },
      successRate: r(3, 4),
      openRate: r(1, 3),
      readRate: null,
      clickRate: r(1, 3),
      responseRate: { h12: r(1, 3), h24: r(1, 3), h48: r(2, 3) },
      unsubscribeRate: r(1, 3),
    });
    expect(m.nodes.B).toMatchObject({
      successful: 2,
      successRate: r(2, 2),
      openRate: null,
      readRate: r(1, 2),
      clickRate: r(0, 2),
      responseRate: { h12: r(0, 2), h24: r(0, 2), h48: r(0, 2) },
      unsubscribeRate: r(1, 2),
    });
  });

  it('is empty for a version that sent nothing', async () => {
    expect(await versionMetrics(prisma, 'flow', 'v2')).toEqual({ flowId: 'flow', versionId: 'v2', nodes: {} });
  });
});
