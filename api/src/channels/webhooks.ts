import { type LineInboundEvent, LineWebhookError, lineTriggerEvent, parseLineWebhook, parsePostbackData, type ReplyTokenStore } from '@omniflow/engine';
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

/** Registers /webhooks/* in its own scope, where every body is read as a raw Buffer. */
export async function registerWebhookRoutes(app: FastifyInstance, deps: WebhookDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, (_request, body, done) => done(null, body));
    scope.post<{ Params: Params }>('/webhooks/line/:connectionId', (request, reply) => handleLine(deps, request, reply));
  });
}
