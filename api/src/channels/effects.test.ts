import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Effect, MemoryReplyTokenStore } from '@omniflow/engine';
import { Customer } from '@omniflow/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type PrismaClient } from '../db/open.ts';
import { ChannelRegistry } from './connections.ts';
import { DeliveryLog } from './deliveries.ts';
import { ChannelEffects } from './effects.ts';
import { SecretBox } from './secret-box.ts';

// The effect handler built from stored connections, against a local HTTP server: Call an API takes its
// bearer secret from the encrypted store and never logs it; LINE sends use the connection's token and
// base URL, are recorded as deliveries, and follow the connections as they change.

const CRM_TOKEN = 'crm-bearer-token-5f4e3d2c1b';
const LINE_TOKEN = 'line-token-for-effects-0001';
const USER = 'U0123456789abcdef0123456789abcdef';

let prisma: PrismaClient;
let dir: string;
let local: Server;
let baseUrl: string;
const seen: { path: string; authorization: string | undefined; body: string }[] = [];

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omniflow-effects-'));
  prisma = (await openDatabase(dir)).prisma;
  local = createServer(async (req, res) => {
    const body = await read(req);
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
    if (req.url?.startsWith('/v24.0/999/')) {
      // Graph echoing the token back in its error text: it must not reach the run timeline.
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: `Malformed access token ${new URL(req.url, 'http://x').searchParams.get('access_token')}`, type: 'OAuthException', code: 190 },
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url?.startsWith('/v24.0/')) {
      res.end(JSON.stringify({ events_received: 1, messages: [], fbtrace_id: 'trace' }));
      return;
    }
    res.end(req.url === '/v2/bot/message/push' ? JSON.stringify({ sentMessages: [{ id: '461230966842064897', quoteToken: 'q' }] }) : '{"ok":true}');
  });
  await new Promise<void>((r) => local.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await prisma.$disconnect();
  await new Promise<void>((r) => local.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

async function storeConnection(registry: ChannelRegistry, kind: string, settings: unknown, secrets: Record<string, string>) {
  const row = await prisma.channelConnection.create({ data: { kind, name: kind, settings: JSON.stringify(settings), secrets: '' } });
  await prisma.channelConnection.update({ where: { id: row.id }, data: { secrets: registry.box.seal(secrets, row.id) } });
  await registry.reload();
  return row.id;
}

const effect = (kind: Effect['kind'], payload: Record<string, unknown>, key: string): Effect => ({
  idempotencyKey: key,
  kind,
  runId: 'run1',
  flowId: 'flow1',
  customerId: 'cust1',
  nodeId: 'node1',
  payload,
  attempt: 1,
});

describe('ChannelEffects', () => {
  it('resolves Call-an-API secrets from the encrypted store, redacted from every log line', async () => {
    const registry = new ChannelRegistry(prisma, new SecretBox(Buffer.alloc(32, 9)));
    await storeConnection(registry, 'http', { allowList: ['127.0.0.1'] }, { crm_token: CRM_TOKEN });
    const logs: string[] = [];
    const effects = new ChannelEffects({
      registry,
      contacts: { get: async () => undefined },
      replyTokens: new MemoryReplyTokenStore(),
      deliveries: new DeliveryLog(prisma, () => new Date()),
      runFacts: () => ({ versionId: 'v1', isTest: false }),
      log: (l) => logs.push(l),
    });
    const result = await effects.deliver(
      effect('http', { method: 'POST', url: `${baseUrl}/crm?token=${CRM_TOKEN}`, body: '{}', auth: { kind: 'bearer', secretRef: 'crm_token' } }, 'k-http'),
    );
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(seen.at(-1)).toMatchObject({ path: `/crm?token=${CRM_TOKEN}`, authorization: `Bearer ${CRM_TOKEN}` });
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain(CRM_TOKEN);
    const missing = await effects.deliver(effect('http', { method: 'GET', url: `${baseUrl}/x`, auth: { kind: 'bearer', secretRef: 'nope' } }, 'k-http2'));
    expect(missing).toMatchObject({ ok: false, reason: 'blocked' });
    effects.close();
  });

  it('sends on LINE with the stored connection, records the delivery, and follows connection changes', async () => {
    const registry = new ChannelRegistry(prisma, new SecretBox(Buffer.alloc(32, 9)));
    const lineId = await storeConnection(registry, 'line', { baseUrl }, { channelAccessToken: LINE_TOKEN, channelSecret: 'line-secret-xyz' });
    const contact = Customer.parse({
      id: 'cust1',
      createdAt: '2026-01-01T00:00:00Z',
      identities: [{ channel: 'line', channelId: lineId, externalUserId: USER }],
    });
    const deliveries = new DeliveryLog(prisma, () => new Date('2026-11-25T12:00:00Z'));
    const effects = new ChannelEffects({
      registry,
      contacts: { get: async (id) => (id === 'cust1' ? contact : undefined) },
      replyTokens: new MemoryReplyTokenStore(),
      deliveries,
      runFacts: () => ({ versionId: 'v7', isTest: false }),
    });
    const send = (key: string) =>
      effects.deliver(effect('send', { channel: 'line', nodeType: 'message.send', content: { kind: 'text', text: 'Hi' }, purpose: 'marketing' }, key));

    expect(await send('k-line-1')).toMatchObject({ ok: true, messageId: '461230966842064897' });
    expect(seen.at(-1)).toMatchObject({ path: '/v2/bot/message/push', authorization: `Bearer ${LINE_TOKEN}` });
    const row = await prisma.messageDelivery.findUniqueOrThrow({ where: { idempotencyKey: 'k-line-1' } });
    expect(row).toMatchObject({ status: 'sent', platformMessageId: '461230966842064897', versionId: 'v7', connectionId: lineId, channel: 'line' });

    // The connection is deleted: the next send fails as not configured, and the delivery says why.
    await prisma.channelConnection.update({ where: { id: lineId }, data: { deletedAt: new Date() } });
    await registry.reload();
    expect(await send('k-line-2')).toMatchObject({ ok: false, reason: 'channel_not_configured' });
    expect(await prisma.messageDelivery.findUniqueOrThrow({ where: { idempotencyKey: 'k-line-2' } })).toMatchObject({
      status: 'failed',
      reason: 'channel_not_configured',
    });
    effects.close();
  });

  it('sends CAPI events with the dataset connection token, adding its test event code on test runs only', async () => {
    const registry = new ChannelRegistry(prisma, new SecretBox(Buffer.alloc(32, 9)));
    await storeConnection(registry, 'capi', { datasetId: '1234567890', baseUrl, testEventCode: 'TEST123' }, { accessToken: 'capi-token-abcdefgh' });
    const contact = Customer.parse({
      id: 'cust1',
      email: 'John_Smith@gmail.com',
      createdAt: '2026-01-01T00:00:00Z',
      identities: [{ channel: 'messenger', channelId: 'page', externalUserId: '123' }],
    });
    let isTest = false;
    const effects = new ChannelEffects({
      registry,
      contacts: { get: async () => contact },
      replyTokens: new MemoryReplyTokenStore(),
      deliveries: new DeliveryLog(prisma, () => new Date()),
      runFacts: () => ({ versionId: 'v1', isTest }),
    });
    const capi = (key: string) =>
      effects.deliver(
        effect('capi', { datasetId: '1234567890', eventName: 'Purchase', actionSource: 'chat', eventId: key, eventTime: Math.floor(Date.now() / 1000) }, key),
      );
    expect(await capi('k-capi-1')).toMatchObject({ ok: true });
    const live = seen.at(-1)!;
    expect(live.path).toBe('/v24.0/1234567890/events?access_token=capi-token-abcdefgh');
    expect(JSON.parse(live.body).test_event_code).toBeUndefined();
    isTest = true;
    expect(await capi('k-capi-2')).toMatchObject({ ok: true });
    expect(JSON.parse(seen.at(-1)!.body).test_event_code).toBe('TEST123');
    await storeConnection(registry, 'capi', { datasetId: '999', baseUrl }, { accessToken: 'capi-token-leaky-0099' });
    const failed = await effects.deliver(
      effect('capi', { datasetId: '999', eventName: 'Purchase', actionSource: 'chat', eventTime: Math.floor(Date.now() / 1000) }, 'k-capi-3'),
    );
    expect(failed).toMatchObject({ ok: false });
    expect(JSON.stringify(failed)).not.toContain('capi-token-leaky-0099');
    effects.close();
  });
});
