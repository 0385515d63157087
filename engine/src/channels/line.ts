import type { SendResult } from '@omniflow/nodes';
import type { Customer, TriggerEvent } from '@omniflow/schemas';
import type { Effect } from '../effects.ts';
import { errorMessage, failure, hmacSha256, isTimeout, postJson, redact, safeEqual, uuidFromKey } from './common.ts';
import { parseRetryAfter } from './http-executor.ts';
import { parsePostbackData, toLineMessages } from './line-messages.ts';

// The LINE Messaging API adapter (PLATFORMS.md §1): reply while a reply token is valid, otherwise push
// with X-Line-Retry-Key = a UUID derived from the effect's idempotency key, so a redelivered push is
// answered 409 + x-line-accepted-request-id and counted as sent. And the webhook: signature check on the
// raw body, then follow / unfollow / message / postback events become engine trigger events keyed by
// webhookEventId.

export interface LineChannelConfig {
  /** Our channel account id (ContactIdentity.channelId). */
  channelId: string;
  accessToken: string;
  channelSecret: string;
  /** Default https://api.line.me; tests point it at a local server. */
  baseUrl?: string;
}

export interface ContactLookup {
  get(customerId: string): Promise<Customer | undefined>;
}

/** Reply tokens from webhooks, each usable once and only briefly (LINE: within one minute). */
export interface ReplyTokenStore {
  put(channelId: string, userId: string, token: string, receivedAt: number): void;
  /** The token for the user if one is unused and still valid; it is consumed. */
  take(channelId: string, userId: string, now: number): string | undefined;
}

export class MemoryReplyTokenStore implements ReplyTokenStore {
  readonly #tokens = new Map<string, { token: string; at: number }>();
  /** LINE says one minute and not to rely on it: keep a margin (default 50 s). */
  constructor(private readonly validityMs = 50_000) {}
  put(channelId: string, userId: string, token: string, receivedAt: number): void {
    this.#tokens.set(`${channelId}\u0000${userId}`, { token, at: receivedAt });
  }
  take(channelId: string, userId: string, now: number): string | undefined {
    const key = `${channelId}\u0000${userId}`;
    const t = this.#tokens.get(key);
    if (!t) return undefined;
    this.#tokens.delete(key);
    return now - t.at <= this.validityMs ? t.token : undefined;
  }
}

export interface LineAdapterOptions {
  channels: readonly LineChannelConfig[] | ((channelId: string) => LineChannelConfig | undefined);
  contacts: ContactLookup;
  replyTokens?: ReplyTokenStore;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
  /** Click tracking: the tracking redirect for a link of this effect's message (see `LineMessageOptions.trackUrl`). */
  trackUrl?: (url: string, effect: Pick<Effect, 'runId' | 'flowId' | 'nodeId' | 'customerId'>) => string;
  /** The imagemap base URL of an asset. */
  imagemapBaseUrl?: (assetId: string) => string | undefined;
}

export const LINE_DEFAULT_BASE_URL = 'https://api.line.me';

export class LineAdapter {
  readonly #channel: (id: string) => LineChannelConfig | undefined;
  readonly #o: LineAdapterOptions;
  constructor(options: LineAdapterOptions) {
    this.#o = options;
    const c = options.channels;
    this.#channel = typeof c === 'function' ? c : (id) => c.find((x) => x.channelId === id) ?? (c.length === 1 ? c[0] : undefined);
  }

  /** Delivers a `send` effect on LINE. Retryable failures (429, 5xx, timeouts) are left to the runtime's back-off. */
  async deliver(effect: Effect): Promise<SendResult> {
    const p = effect.payload as { nodeType?: string; content?: Record<string, unknown>; purpose?: string };
    const contact = await this.#o.contacts.get(effect.customerId);
    const identity = contact?.identities.find((i) => i.channel === 'line');
    if (!identity) return failure('no_contact_on_channel', `Contact ${effect.customerId} has no LINE identity`, false);
    const channel = this.#channel(identity.channelId);
    if (!channel) return failure('channel_not_configured', `LINE channel ${identity.channelId} is not configured`, false);
    const { trackUrl, imagemapBaseUrl } = this.#o;
    const messages = toLineMessages(
      String(p.nodeType ?? ''),
      p.content ?? {},
      { flowId: effect.flowId, nodeId: effect.nodeId },
      {
        ...(trackUrl ? { trackUrl: (url: string) => trackUrl(url, effect) } : {}),
        ...(imagemapBaseUrl ? { imagemapBaseUrl } : {}),
      },
    );
    if (!Array.isArray(messages)) return messages;

    const now = this.#o.now?.() ?? Date.now();
    // A reply token is used on the first attempt of a bot reply only: reply has no retry key, so a retry
    // (whose first try may have reached LINE) goes out as a push, which LINE dedupes by its retry key.
    if (effect.attempt === 1 && p.purpose === 'conversational') {
      const token = this.#o.replyTokens?.take(identity.channelId, identity.externalUserId, now);
      if (token) {
        const r = await this.#post(channel, '/v2/bot/message/reply', { replyToken: token, messages }, undefined);
        if (r.ok || r.reason !== 'bad_request' || !/reply token/i.test(r.message)) return r;
        // Expired or used token: fall through to push.
      }
    }
    return this.#post(channel, '/v2/bot/message/push', { to: identity.externalUserId, messages }, uuidFromKey(effect.idempotencyKey));
  }

  async #post(channel: LineChannelConfig, path: string, body: unknown, retryKey: string | undefined): Promise<SendResult> {
    const url = `${(channel.baseUrl ?? LINE_DEFAULT_BASE_URL).replace(/\/$/, '')}${path}`;
    const headers: Record<string, string> = { authorization: `Bearer ${channel.accessToken}` };
    if (retryKey) headers['x-line-retry-key'] = retryKey;
    let res: Awaited<ReturnType<typeof postJson>>;
    try {
      res = await postJson(url, body, headers, this.#o.timeoutMs ?? 10_000, this.#o.fetch);
    } catch (e) {
      if (isTimeout(e)) return failure('timeout', `LINE did not answer within ${this.#o.timeoutMs ?? 10_000} ms`, true);
      return failure('network', redact(errorMessage(e), [channel.accessToken]), true);
    }
    return lineResult(res.status, res.headers, res.body);
  }
}

interface LineBody {
  message?: string;
  details?: { message?: string; property?: string }[];
  sentMessages?: { id?: string }[];
}

/** PLATFORMS §1.1 status handling. */
export function lineResult(status: number, headers: Headers, raw: unknown): SendResult {
  const body = (raw && typeof raw === 'object' ? raw : {}) as LineBody;
  const sentId = body.sentMessages?.[0]?.id;
  if (status === 200) return { ok: true, messageId: sentId ?? headers.get('x-line-request-id') ?? 'line', channel: 'line' };
  const accepted = headers.get('x-line-accepted-request-id');
  if (status === 409 && accepted) return { ok: true, messageId: sentId ?? `accepted:${accepted}`, channel: 'line' };
  const detail = [body.message ?? `HTTP ${status}`, ...(body.details ?? []).map((d) => `${d.property ?? ''} ${d.message ?? ''}`.trim())].join('; ');
  if (status === 429) {
    // LINE does not document Retry-After (PLATFORMS §1), but when a 429 carries one it is honoured.
    const retryAfterMs = parseRetryAfter(headers.get('retry-after') ?? undefined, Date.now());
    return { ...failure('rate_limited', detail, true, status), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (status >= 500) return failure('server_error', detail, true, status);
  if (status === 400) return failure('bad_request', detail, false, status);
  if (status === 401) return failure('unauthorized', detail, false, status);
  if (status === 403) return failure('forbidden', detail, false, status);
  return failure('rejected', detail, false, status);
}

// ───────────────────────── webhook ─────────────────────────

export type LineWebhookErrorCode = 'missing_signature' | 'bad_signature' | 'malformed';

export class LineWebhookError extends Error {
  override readonly name = 'LineWebhookError';
  constructor(
    readonly code: LineWebhookErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** base64(HMAC-SHA256(channel secret, raw body)) compared in constant time (PLATFORMS §1.4). */
export function verifyLineSignature(rawBody: string | Buffer, signature: string | undefined | null, channelSecret: string): boolean {
  if (!signature) return false;
  const expected = hmacSha256(channelSecret, rawBody);
  const given = Buffer.from(signature.trim(), 'base64');
  return safeEqual(given, expected);
}

export function lineSignature(rawBody: string | Buffer, channelSecret: string): string {
  return hmacSha256(channelSecret, rawBody).toString('base64');
}

export interface LineInboundEvent {
  kind: 'follow' | 'unfollow' | 'message' | 'postback';
  webhookEventId: string;
  timestamp: number;
  userId: string;
  mode: 'active' | 'standby';
  isRedelivery: boolean;
  replyToken?: string;
  message?: { id: string; type: string; text?: string };
  postback?: { data: string; params?: Record<string, string> };
  follow?: { isUnblocked?: boolean };
}

export interface ParsedLineWebhook {
  destination: string;
  events: LineInboundEvent[];
  /** Event types this slice does not handle (join, leave, unsend, beacon…), counted, not failed. */
  ignored: number;
}

function headerOf(headers: Record<string, string | string[] | undefined> | Headers, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  return undefined;
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Verifies and parses a webhook POST. Throws LineWebhookError on a missing or forged signature or a malformed body. */
export function parseLineWebhook(
  rawBody: string | Buffer,
  headers: Record<string, string | string[] | undefined> | Headers,
  channelSecret: string,
): ParsedLineWebhook {
  const signature = headerOf(headers, 'x-line-signature');
  if (!signature) throw new LineWebhookError('missing_signature', 'x-line-signature header is missing');
  if (!verifyLineSignature(rawBody, signature, channelSecret)) throw new LineWebhookError('bad_signature', 'x-line-signature does not match the body');
  let json: unknown;
  try {
    json = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    throw new LineWebhookError('malformed', 'The body is not JSON');
  }
  const root = json as { destination?: unknown; events?: unknown };
  if (!root || typeof root !== 'object' || !str(root.destination) || !Array.isArray(root.events)) {
    throw new LineWebhookError('malformed', 'Expected {destination, events[]}');
  }
  const events: LineInboundEvent[] = [];
  let ignored = 0;
  root.events.forEach((raw, i) => {
    const e = raw as Record<string, unknown>;
    if (!e || typeof e !== 'object' || !str(e.type) || !str(e.webhookEventId) || typeof e.timestamp !== 'number') {
      throw new LineWebhookError('malformed', `events[${i}] lacks type, webhookEventId or timestamp`);
    }
    if (e.type !== 'follow' && e.type !== 'unfollow' && e.type !== 'message' && e.type !== 'postback') {
      ignored++;
      return;
    }
    const source = e.source as { type?: string; userId?: unknown } | undefined;
    if (!source || !str(source.userId)) {
      ignored++; // group / room events without a user: not routed in this slice
      return;
    }
    const base: LineInboundEvent = {
      kind: e.type,
      webhookEventId: e.webhookEventId,
      timestamp: e.timestamp,
      userId: source.userId,
      mode: e.mode === 'standby' ? 'standby' : 'active',
      isRedelivery: (e.deliveryContext as { isRedelivery?: boolean } | undefined)?.isRedelivery === true,
      ...(str(e.replyToken) ? { replyToken: e.replyToken } : {}),
    };
    if (e.type === 'message') {
      const m = e.message as { id?: unknown; type?: unknown; text?: unknown } | undefined;
      if (!m || !str(m.id) || !str(m.type)) throw new LineWebhookError('malformed', `events[${i}].message lacks id or type`);
      base.message = { id: m.id, type: m.type, ...(typeof m.text === 'string' ? { text: m.text } : {}) };
    } else if (e.type === 'postback') {
      const pb = e.postback as { data?: unknown; params?: Record<string, string> } | undefined;
      if (!pb || typeof pb.data !== 'string') throw new LineWebhookError('malformed', `events[${i}].postback lacks data`);
      base.postback = { data: pb.data, ...(pb.params ? { params: pb.params } : {}) };
    } else if (e.type === 'follow') {
      const f = e.follow as { isUnblocked?: boolean } | undefined;
      base.follow = { ...(typeof f?.isUnblocked === 'boolean' ? { isUnblocked: f.isUnblocked } : {}) };
    }
    events.push(base);
  });
  return { destination: root.destination, events, ignored };
}

const TYPE_OF_KIND = {
  follow: 'contact.followed',
  unfollow: 'contact.unfollowed',
  message: 'message.received',
  postback: 'postback.received',
} as const;

/** The engine trigger event for an inbound LINE event; id and dedupe key = `line:<webhookEventId>`. */
export function lineTriggerEvent(event: LineInboundEvent, customerId: string, channelId: string): TriggerEvent {
  const payload: Record<string, unknown> = { lineUserId: event.userId, isRedelivery: event.isRedelivery };
  if (event.message) {
    payload.messageId = event.message.id;
    payload.messageType = event.message.type;
    if (event.message.text !== undefined) payload.text = event.message.text;
  }
  if (event.postback) {
    payload.data = event.postback.data;
    if (event.postback.params) payload.params = event.postback.params;
    Object.assign(payload, parsePostbackData(event.postback.data));
  }
  if (event.follow?.isUnblocked !== undefined) payload.isUnblocked = event.follow.isUnblocked;
  const key = `line:${event.webhookEventId}`;
  return {
    id: key,
    type: TYPE_OF_KIND[event.kind],
    occurredAt: new Date(event.timestamp).toISOString(),
    customerId,
    channel: 'line',
    channelId,
    source: 'line',
    payload,
    dedupeKey: key,
  };
}

export interface LineWebhookHandlerOptions {
  channel: LineChannelConfig;
  /** Finds (or creates) the contact of a LINE user on this channel. */
  resolveCustomer: (identity: { channel: 'line'; channelId: string; externalUserId: string }) => Promise<string>;
  /** Where trigger events go, e.g. `(e) => engine.ingest(e)`. */
  ingest: (event: TriggerEvent) => void;
  replyTokens?: ReplyTokenStore;
  now?: () => number;
}

/**
 * One channel's webhook endpoint logic: verify, parse, remember reply tokens, resolve contacts and hand
 * trigger events to the engine (whose inbox drops a redelivered webhookEventId). Answer 200 on success;
 * a thrown LineWebhookError means 401 (signature) or 400 (malformed).
 */
export class LineWebhookHandler {
  constructor(private readonly o: LineWebhookHandlerOptions) {}

  async handle(rawBody: string | Buffer, headers: Record<string, string | string[] | undefined> | Headers): Promise<{ accepted: number; ignored: number }> {
    const parsed = parseLineWebhook(rawBody, headers, this.o.channel.channelSecret);
    const now = this.o.now?.() ?? Date.now();
    for (const e of parsed.events) {
      const customerId = await this.o.resolveCustomer({ channel: 'line', channelId: this.o.channel.channelId, externalUserId: e.userId });
      if (e.replyToken && e.mode === 'active') this.o.replyTokens?.put(this.o.channel.channelId, e.userId, e.replyToken, now);
      this.o.ingest(lineTriggerEvent(e, customerId, this.o.channel.channelId));
    }
    return { accepted: parsed.events.length, ignored: parsed.ignored };
  }
}
