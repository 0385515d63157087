import {
  type LineInboundEvent,
  LineWebhookError,
  lineTriggerEvent,
  type MetaInboundEvent,
  MetaWebhookError,
  metaTriggerEvent,
  parseLineWebhook,
  parseMetaWebhook,
  parsePostbackData,
  parseWhatsAppWebhook,
  type ReplyTokenStore,
  verifyMetaSubscription,
  whatsAppDelivery,
  whatsAppTriggerEvent,
} from '@omniflow/engine';
import type { TriggerEvent } from '@omniflow/schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChannelRegistry, LoadedConnection } from './connections.ts';
import type { DeliveryLog } from './deliveries.ts';
import type { InboundKind, InboundRecorder } from './inbound.ts';

// Webhook routes (fastify). Bodies are kept raw: the platforms sign the exact bytes. A body with a
// missing or forged signature, or malformed, is answered 4xx with a warn line and never processed.
// A valid event: contact found or created, recorded once (redeliveries dropped), then handed to the engine.

export interface WebhookDeps {
  registry: ChannelRegistry;
  inbound: InboundRecorder;
  deliveries: DeliveryLog;
  replyTokens: ReplyTokenStore;
  /** engine.ingest: trigger events also resume runs waiting for a reply or a button. */
  ingest: (event: TriggerEvent) => void;
  now: () => Date;
}

type Params = { connectionId: string };

/** Masks query parameters that carry secrets (the Meta handshake's hub.verify_token) in a URL about to be logged. */
export function redactUrlSecrets(url: string): string {
  return url.replace(/([?&](?:hub\.verify_token|hub%2Everify_token|access_token|token)=)[^&#]*/gi, '$1[REDACTED]');
}

function connectionFor(
  deps: WebhookDeps,
  request: FastifyRequest<{ Params: Params }>,
  reply: FastifyReply,
  kinds: readonly string[],
): LoadedConnection | undefined {
  const c = deps.registry.get(request.params.connectionId);
  if (!c || !kinds.includes(c.kind)) {
    request.log.warn({ connectionId: request.params.connectionId }, `webhook for an unknown ${kinds.join('/')} connection`);
    void reply.code(404).send({ ok: false, error: 'unknown_connection' });
    return undefined;
  }
  return c;
}

const LINE_KIND: Record<LineInboundEvent['kind'], InboundKind> = { follow: 'follow', unfollow: 'unfollow', message: 'message', postback: 'postback' };

async function handleLine(deps: WebhookDeps, request: FastifyRequest<{ Params: Params }>, reply: FastifyReply): Promise<unknown> {
  const connection = connectionFor(deps, request, reply, ['line']);
  if (!connection) return reply;
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  let parsed: ReturnType<typeof parseLineWebhook>;
  try {
    parsed = parseLineWebhook(raw, request.headers, connection.secrets.channelSecret ?? '');
  } catch (e) {
    if (!(e instanceof LineWebhookError)) throw e;
    const status = e.code === 'malformed' ? 400 : 401;
    request.log.warn({ connectionId: connection.id, code: e.code }, `LINE webhook rejected: ${e.message}`);
    return reply.code(status).send({ ok: false, error: e.code, message: e.message });
  }
  let accepted = 0;
  let duplicates = 0;
  for (const e of parsed.events) {
    const identity = { channel: 'line' as const, channelId: connection.id, externalUserId: e.userId };
    const customerId = await deps.inbound.resolveContact(identity);
    const at = new Date(e.timestamp);
    const pb = e.postback ? parsePostbackData(e.postback.data) : {};
    const fresh = await deps.inbound.accept(
      {
        connectionId: connection.id,
        channel: 'line',
        eventKey: e.webhookEventId,
        customerId,
        kind: LINE_KIND[e.kind],
        at,
        ...(pb.flowId && pb.nodeId ? { click: { flowId: pb.flowId, nodeId: pb.nodeId, buttonId: pb.buttonId } } : {}),
      },
      identity,
    );
    if (!fresh) {
      duplicates++;
      continue;
    }
    // Standby events belong to another bot (the chat is in a human's hands): no reply token use.
    if (e.replyToken && e.mode === 'active') deps.replyTokens.put(connection.id, e.userId, e.replyToken, deps.now().getTime());
    if (pb.flowId && pb.nodeId) await deps.deliveries.recordClick(customerId, pb.flowId, pb.nodeId, at, 'module');
    deps.ingest(lineTriggerEvent(e, customerId, connection.id));
    accepted++;
  }
  return reply.send({ ok: true, accepted, duplicates, ignored: parsed.ignored });
}

function rejected(request: FastifyRequest, reply: FastifyReply, platform: string, connectionId: string, e: MetaWebhookError): FastifyReply {
  request.log.warn({ connectionId, code: e.code }, `${platform} webhook rejected: ${e.message}`);
  return reply.code(e.status).send({ ok: false, error: e.code, message: e.message });
}

/** GET handshake: echo hub.challenge when hub.verify_token is the connection's. */
function handleSubscription(deps: WebhookDeps, request: FastifyRequest<{ Params: Params }>, reply: FastifyReply, kinds: readonly string[]): unknown {
  const connection = connectionFor(deps, request, reply, kinds);
  if (!connection) return reply;
  const check = verifyMetaSubscription(request.query as Record<string, string | string[] | undefined>, connection.secrets.verifyToken ?? '');
  if (!check.ok) {
    request.log.warn({ connectionId: connection.id }, `webhook subscription refused: ${check.message}`);
    return reply.code(check.status).send({ ok: false, error: 'subscription_refused', message: check.message });
  }
  return reply.type('text/plain').send(check.challenge);
}

const clickOf = (data: string | undefined) => {
  const pb = data ? parsePostbackData(data) : {};
  return pb.flowId && pb.nodeId ? { flowId: pb.flowId, nodeId: pb.nodeId, buttonId: pb.buttonId } : undefined;
};

/** Messenger / Instagram delivery and read receipts: watermarks over what we sent the sender (PLATFORMS §2). */
async function applyMetaReceipts(deps: WebhookDeps, connection: LoadedConnection, raw: Buffer): Promise<number> {
  const root = JSON.parse(raw.toString('utf8')) as { entry?: { messaging?: Record<string, unknown>[] }[] };
  let applied = 0;
  for (const entry of root.entry ?? []) {
    for (const m of entry.messaging ?? []) {
      const sender = (m.sender as { id?: unknown } | undefined)?.id;
      const delivery = m.delivery as { watermark?: unknown; mids?: unknown } | undefined;
      const read = m.read as { watermark?: unknown; mid?: unknown } | undefined;
      if (typeof sender !== 'string' || (!delivery && !read)) continue;
      const identity = await deps.registry.prisma.contactIdentity.findUnique({
        where: { channel_channelId_externalUserId: { channel: connection.kind, channelId: connection.id, externalUserId: sender } },
        select: { customerId: true },
      });
      if (!identity) continue;
      if (delivery) {
        const at = new Date(typeof delivery.watermark === 'number' ? delivery.watermark : deps.now().getTime());
        for (const mid of Array.isArray(delivery.mids) ? delivery.mids : []) {
          if (typeof mid === 'string' && (await deps.deliveries.applyStatus(connection.kind, mid, 'received', at))) applied++;
        }
        if (typeof delivery.watermark === 'number') applied += await deps.deliveries.applyWatermark(connection.kind, identity.customerId, 'received', at);
      }
      if (read && typeof read.watermark === 'number') {
        applied += await deps.deliveries.applyWatermark(connection.kind, identity.customerId, 'read', new Date(read.watermark));
      } else if (read && typeof read.mid === 'string') {
        // Instagram marks one message seen by its id instead of a watermark.
        const at = new Date(typeof m.timestamp === 'number' ? m.timestamp : deps.now().getTime());
        if (await deps.deliveries.applyStatus(connection.kind, read.mid, 'read', at)) applied++;
      }
    }
  }
  return applied;
}

const META_KIND: Record<MetaInboundEvent['kind'], InboundKind> = { message: 'message', postback: 'postback', referral: 'referral' };

async function handleMeta(deps: WebhookDeps, request: FastifyRequest<{ Params: Params }>, reply: FastifyReply): Promise<unknown> {
  const connection = connectionFor(deps, request, reply, ['messenger', 'instagram']);
  if (!connection) return reply;
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  let parsed: ReturnType<typeof parseMetaWebhook>;
  try {
    parsed = parseMetaWebhook(raw, request.headers, connection.secrets.appSecret ?? '');
    if (parsed.platform !== connection.kind)
      throw new MetaWebhookError('malformed', `A ${parsed.platform} webhook was sent to a ${connection.kind} connection`);
  } catch (e) {
    if (!(e instanceof MetaWebhookError)) throw e;
    return rejected(request, reply, 'Meta', connection.id, e);
  }
  const channel = connection.kind as 'messenger' | 'instagram';
  let accepted = 0;
  let duplicates = 0;
  for (const e of parsed.events) {
    const identity = { channel, channelId: connection.id, externalUserId: e.senderId };
    const customerId = await deps.inbound.resolveContact(identity, { source: e.referral?.source === 'ADS' ? 'click_to_message_ad' : 'inbound_message' });
    const at = new Date(e.timestamp);
    const click = clickOf(e.postback?.payload ?? e.quickReplyPayload);
    const fresh = await deps.inbound.accept(
      { connectionId: connection.id, channel, eventKey: e.eventId, customerId, kind: META_KIND[e.kind], at, ...(click ? { click } : {}) },
      identity,
    );
    if (!fresh) {
      duplicates++;
      continue;
    }
    if (click) await deps.deliveries.recordClick(customerId, click.flowId, click.nodeId, at, 'module');
    deps.ingest(metaTriggerEvent(e, customerId, connection.id));
    accepted++;
  }
  const receipts = await applyMetaReceipts(deps, connection, raw);
  return reply.send({ ok: true, accepted, duplicates, receipts, ignored: parsed.ignored });
}

/** message id → ctwa_clid of messages that came from a click-to-WhatsApp ad (the body is already verified). */
function ctwaClidsOf(raw: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  const root = JSON.parse(raw.toString('utf8')) as {
    entry?: { changes?: { value?: { messages?: { id?: unknown; referral?: { ctwa_clid?: unknown } }[] } }[] }[];
  };
  for (const entry of root.entry ?? [])
    for (const change of entry.changes ?? [])
      for (const m of change.value?.messages ?? []) {
        if (typeof m.id === 'string' && typeof m.referral?.ctwa_clid === 'string' && m.referral.ctwa_clid) out.set(m.id, m.referral.ctwa_clid);
      }
  return out;
}

async function handleWhatsApp(deps: WebhookDeps, request: FastifyRequest<{ Params: Params }>, reply: FastifyReply): Promise<unknown> {
  const connection = connectionFor(deps, request, reply, ['whatsapp']);
  if (!connection) return reply;
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  let parsed: ReturnType<typeof parseWhatsAppWebhook>;
  try {
    parsed = parseWhatsAppWebhook(raw, request.headers, connection.secrets.appSecret ?? '');
  } catch (e) {
    if (!(e instanceof MetaWebhookError)) throw e;
    return rejected(request, reply, 'WhatsApp', connection.id, e);
  }
  const adClicks = ctwaClidsOf(raw);
  let accepted = 0;
  let duplicates = 0;
  for (const m of parsed.messages) {
    const identity = { channel: 'whatsapp' as const, channelId: connection.id, externalUserId: m.from };
    const customerId = await deps.inbound.resolveContact(identity, {
      displayName: m.profileName,
      source: adClicks.has(m.id) ? 'click_to_message_ad' : 'inbound_message',
    });
    const at = new Date(m.timestamp);
    const click = clickOf(m.reply?.id);
    const kind: InboundKind = m.reply ? 'postback' : m.type === 'reaction' ? 'reaction' : 'message';
    const fresh = await deps.inbound.accept(
      { connectionId: connection.id, channel: 'whatsapp', eventKey: m.id, customerId, kind, at, ...(click ? { click } : {}) },
      identity,
    );
    if (!fresh) {
      duplicates++;
      continue;
    }
    if (click) await deps.deliveries.recordClick(customerId, click.flowId, click.nodeId, at, 'module');
    const clid = adClicks.get(m.id);
    if (clid) await deps.inbound.rememberAdClick(customerId, clid);
    deps.ingest(whatsAppTriggerEvent(m, customerId, connection.id));
    accepted++;
  }
  let statuses = 0;
  for (const s of parsed.statuses) {
    const d = whatsAppDelivery(s);
    const status = d.status === 'delivered' ? 'received' : d.status === 'played' ? 'read' : d.status;
    const found = await deps.deliveries.applyStatus(
      'whatsapp',
      d.messageId,
      status,
      new Date(d.at),
      d.failure ? { reason: d.failure.reason, message: d.failure.message } : undefined,
    );
    if (found) statuses++;
  }
  return reply.send({ ok: true, accepted, duplicates, statuses, ignored: parsed.ignored });
}

/** Registers /webhooks/* in its own scope, where every body is read as a raw Buffer. */
export async function registerWebhookRoutes(app: FastifyInstance, deps: WebhookDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, (_request, body, done) => done(null, body));
    scope.post<{ Params: Params }>('/webhooks/line/:connectionId', (request, reply) => handleLine(deps, request, reply));
    scope.get<{ Params: Params }>('/webhooks/meta/:connectionId', (request, reply) => handleSubscription(deps, request, reply, ['messenger', 'instagram']));
    scope.post<{ Params: Params }>('/webhooks/meta/:connectionId', (request, reply) => handleMeta(deps, request, reply));
    scope.get<{ Params: Params }>('/webhooks/whatsapp/:connectionId', (request, reply) => handleSubscription(deps, request, reply, ['whatsapp']));
    scope.post<{ Params: Params }>('/webhooks/whatsapp/:connectionId', (request, reply) => handleWhatsApp(deps, request, reply));
  });
}
