import type { TriggerEvent } from '@omniflow/schemas';
import { z } from 'zod';
import { hmacSha256, safeEqual } from './common.ts';
import { parsePostbackData } from './line-messages.ts';
import type { MetaPlatform } from './messenger-messages.ts';

// Meta webhooks for Messenger and Instagram (PLATFORMS.md §2), framework-free: raw body + headers in,
// typed events out. X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256(app secret, raw body), compared in
// constant time before anything is parsed. The GET subscription handshake echoes hub.challenge when
// hub.verify_token matches. WhatsApp shares the signature and the error class (whatsapp-webhook.ts).

export type MetaWebhookErrorCode = 'missing_signature' | 'bad_signature' | 'malformed';

/** A rejected webhook: 401 for the signature codes, 400 for `malformed`. Never process the body. */
export class MetaWebhookError extends Error {
  override readonly name = 'MetaWebhookError';
  constructor(
    readonly code: MetaWebhookErrorCode,
    message: string,
  ) {
    super(message);
  }
  /** The HTTP status to answer with. */
  get status(): 400 | 401 {
    return this.code === 'malformed' ? 400 : 401;
  }
}

export type HeaderBag = Record<string, string | string[] | undefined> | Headers;

export function headerOf(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  return undefined;
}

/** The X-Hub-Signature-256 value Meta sends for this body. */
export function metaSignature(rawBody: string | Buffer, appSecret: string): string {
  return `sha256=${hmacSha256(appSecret, rawBody).toString('hex')}`;
}

/** Verifies `sha256=<hex>` against the raw body in constant time. */
export function verifyMetaSignature(rawBody: string | Buffer, signature: string | undefined | null, appSecret: string): boolean {
  if (!signature) return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(signature.trim());
  const expected = hmacSha256(appSecret, rawBody);
  // A malformed header still costs one constant-time comparison.
  const given = m ? Buffer.from(m[1]!.toLowerCase(), 'hex') : Buffer.alloc(expected.length);
  return safeEqual(given, expected) && m !== null;
}

/** Signature check, then JSON; throws MetaWebhookError. */
export function readSignedJson(rawBody: string | Buffer, headers: HeaderBag, appSecret: string): Record<string, unknown> {
  const signature = headerOf(headers, 'x-hub-signature-256');
  if (!signature) throw new MetaWebhookError('missing_signature', 'x-hub-signature-256 header is missing');
  if (!verifyMetaSignature(rawBody, signature, appSecret)) throw new MetaWebhookError('bad_signature', 'x-hub-signature-256 does not match the body');
  let json: unknown;
  try {
    json = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    throw new MetaWebhookError('malformed', 'The body is not JSON');
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new MetaWebhookError('malformed', 'The body is not a JSON object');
  return json as Record<string, unknown>;
}

export type SubscriptionCheck = { ok: true; challenge: string } | { ok: false; status: 400 | 403; message: string };

/** GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…: answer 200 with the challenge, else 403. */
export function verifyMetaSubscription(query: URLSearchParams | Record<string, string | string[] | undefined>, verifyToken: string): SubscriptionCheck {
  const get = (k: string) => {
    if (query instanceof URLSearchParams) return query.get(k) ?? undefined;
    const v = query[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const mode = get('hub.mode');
  const token = get('hub.verify_token');
  const challenge = get('hub.challenge');
  if (mode === undefined || token === undefined || challenge === undefined) {
    return { ok: false, status: 400, message: 'hub.mode, hub.verify_token and hub.challenge are required' };
  }
  if (mode !== 'subscribe') return { ok: false, status: 403, message: `hub.mode must be subscribe, not ${mode}` };
  if (!safeEqual(Buffer.from(token), Buffer.from(verifyToken))) return { ok: false, status: 403, message: 'hub.verify_token does not match' };
  return { ok: true, challenge };
}

// ───────────────────────── Messenger / Instagram events ─────────────────────────

export interface MetaReferral {
  ref?: string;
  /** SHORTLINK (m.me), ADS, MESSENGER_CODE, CUSTOMER_CHAT_PLUGIN… */
  source?: string;
  /** OPEN_THREAD */
  type?: string;
  adId?: string;
}

export interface MetaInboundEvent {
  kind: 'message' | 'postback' | 'referral';
  platform: MetaPlatform;
  /** The Page (or IG account) the event is for. */
  pageId: string;
  /** PSID on Messenger, IGSID on Instagram. */
  senderId: string;
  timestamp: number;
  /** Stable per event: the message id, or sender + time + kind when Meta gives none. */
  eventId: string;
  text?: string;
  quickReplyPayload?: string;
  attachments?: { type: string; url?: string }[];
  postback?: { title?: string; payload: string };
  referral?: MetaReferral;
}

export interface ParsedMetaWebhook {
  platform: MetaPlatform;
  events: MetaInboundEvent[];
  /** Echoes of our own sends, reads, deliveries, reactions, standby… counted, not failed. */
  ignored: number;
}

// The body as Meta documents it (webhook reference: messages, messaging_postbacks, messaging_referrals).
// Unknown fields are dropped; a missing or mistyped field we rely on is `malformed`, with its path.
const Referral = z.object({ ref: z.string().optional(), source: z.string().optional(), type: z.string().optional(), ad_id: z.string().optional() });
const Messaging = z.object({
  sender: z
    .object({ id: z.string().min(1).optional(), user_ref: z.string().min(1).optional() })
    .refine((s) => s.id !== undefined || s.user_ref !== undefined, 'id is required'),
  recipient: z.object({ id: z.string().min(1) }).optional(),
  timestamp: z.number().int().positive(),
  message: z
    .object({
      mid: z.string().min(1),
      is_echo: z.boolean().optional(),
      text: z.string().optional(),
      quick_reply: z.object({ payload: z.string() }).optional(),
      attachments: z.array(z.object({ type: z.string(), payload: z.object({ url: z.string().optional() }).nullish() })).optional(),
    })
    .optional(),
  postback: z.object({ mid: z.string().min(1).optional(), title: z.string().optional(), payload: z.string(), referral: Referral.optional() }).optional(),
  referral: Referral.optional(),
});
const MetaWebhookBody = z.object({
  object: z.enum(['page', 'instagram']),
  entry: z.array(
    z.object({
      id: z.string().min(1),
      messaging: z.array(Messaging).optional(),
      standby: z.array(z.unknown()).optional(),
      changes: z.array(z.unknown()).optional(),
    }),
  ),
});

/** A zod failure as a `malformed` MetaWebhookError naming the first offending field. */
export function malformed(error: z.ZodError): MetaWebhookError {
  const first = error.issues[0];
  const path = first?.path.map(String).join('.') || 'body';
  return new MetaWebhookError('malformed', `${path}: ${first?.message ?? 'invalid'}`);
}

function referralOf(r: z.infer<typeof Referral> | undefined): MetaReferral | undefined {
  if (!r) return undefined;
  return {
    ...(r.ref !== undefined ? { ref: r.ref } : {}),
    ...(r.source !== undefined ? { source: r.source } : {}),
    ...(r.type !== undefined ? { type: r.type } : {}),
    ...(r.ad_id !== undefined ? { adId: r.ad_id } : {}),
  };
}

/**
 * Verifies and parses a Messenger or Instagram webhook POST (`object: "page" | "instagram"`): messages
 * (text, quick-reply taps, attachments), postbacks (with an m.me `ref` on Get Started) and
 * `messaging_referrals` (m.me links into an existing thread, ads). Throws MetaWebhookError.
 */
export function parseMetaWebhook(rawBody: string | Buffer, headers: HeaderBag, appSecret: string): ParsedMetaWebhook {
  const parsed = MetaWebhookBody.safeParse(readSignedJson(rawBody, headers, appSecret));
  if (!parsed.success) throw malformed(parsed.error);
  const root = parsed.data;
  const platform: MetaPlatform = root.object === 'instagram' ? 'instagram' : 'messenger';
  const events: MetaInboundEvent[] = [];
  let ignored = 0;
  for (const entry of root.entry) {
    if (!entry.messaging) {
      ignored += entry.standby?.length ?? entry.changes?.length ?? 1;
      continue;
    }
    for (const m of entry.messaging) {
      const senderId = m.sender.id;
      if (senderId === undefined) {
        ignored++; // Chat Plugin visitors without a PSID (sender.user_ref): nothing to route to yet
        continue;
      }
      const base = { platform, pageId: m.recipient?.id ?? entry.id, senderId, timestamp: m.timestamp };
      if (m.message) {
        const msg = m.message;
        if (msg.is_echo) {
          ignored++; // our own sends, echoed back
          continue;
        }
        const attachments = (msg.attachments ?? []).map((a) => ({ type: a.type, ...(a.payload?.url !== undefined ? { url: a.payload.url } : {}) }));
        events.push({
          ...base,
          kind: 'message',
          eventId: msg.mid,
          ...(msg.text !== undefined ? { text: msg.text } : {}),
          ...(msg.quick_reply ? { quickReplyPayload: msg.quick_reply.payload } : {}),
          ...(attachments.length ? { attachments } : {}),
        });
      } else if (m.postback) {
        const pb = m.postback;
        const referral = referralOf(pb.referral);
        events.push({
          ...base,
          kind: 'postback',
          eventId: pb.mid ?? `${senderId}:${m.timestamp}:postback`,
          postback: { payload: pb.payload, ...(pb.title !== undefined ? { title: pb.title } : {}) },
          ...(referral ? { referral } : {}),
        });
      } else if (m.referral) {
        events.push({ ...base, kind: 'referral', eventId: `${senderId}:${m.timestamp}:referral`, referral: referralOf(m.referral)! });
      } else {
        ignored++; // read, delivery, reaction, optin, account_linking…
      }
    }
  }
  return { platform, events, ignored };
}

/**
 * The engine trigger event for an inbound Messenger / Instagram event; id and dedupe key
 * `<platform>:<eventId>`. Quick-reply taps and postbacks whose payload we wrote carry buttonId / nodeId /
 * flowId back (they resume the card that sent them); m.me and ad referrals become `entry_point.opened`.
 */
export function metaTriggerEvent(event: MetaInboundEvent, customerId: string, channelId: string): TriggerEvent {
  const payload: Record<string, unknown> = { senderId: event.senderId, pageId: event.pageId };
  let type: TriggerEvent['type'];
  if (event.kind === 'message') {
    if (event.text !== undefined) payload.text = event.text;
    if (event.attachments) payload.attachments = event.attachments;
    payload.messageId = event.eventId;
    const routed = event.quickReplyPayload === undefined ? {} : parsePostbackData(event.quickReplyPayload);
    if (event.quickReplyPayload !== undefined) payload.data = event.quickReplyPayload;
    Object.assign(payload, routed);
    type = routed.buttonId ? 'postback.received' : 'message.received';
  } else if (event.kind === 'postback') {
    payload.data = event.postback!.payload;
    if (event.postback!.title !== undefined) payload.title = event.postback!.title;
    Object.assign(payload, parsePostbackData(event.postback!.payload));
    type = 'postback.received';
    // Get Started from an m.me link in a new thread: the ref arrives on the postback.
    if (event.referral?.ref !== undefined) {
      Object.assign(payload, { entry: 'mme_ref', ref: event.referral.ref, referralSource: event.referral.source });
      type = 'entry_point.opened';
    }
  } else {
    const r = event.referral ?? {};
    Object.assign(payload, {
      entry: r.source === 'ADS' ? 'ad_referral' : 'mme_ref',
      ...(r.ref !== undefined ? { ref: r.ref } : {}),
      ...(r.source !== undefined ? { referralSource: r.source } : {}),
      ...(r.type !== undefined ? { referralType: r.type } : {}),
      ...(r.adId !== undefined ? { adId: r.adId } : {}),
    });
    type = 'entry_point.opened';
  }
  // Every one of these refreshes the 24-hour window (an m.me click into an existing thread included).
  payload.opensWindow = true;
  const key = `${event.platform}:${event.eventId}`;
  return {
    id: key,
    type,
    occurredAt: new Date(event.timestamp).toISOString(),
    customerId,
    channel: event.platform,
    channelId,
    source: event.platform,
    payload,
    dedupeKey: key.length <= 300 ? key : key.slice(0, 300),
  };
}

export interface MetaWebhookHandlerOptions {
  platform: MetaPlatform;
  /** Our channel account id and the app secret that signs its webhooks. */
  channel: { channelId: string; appSecret: string };
  /** Finds (or creates) the contact; the api also records the inbound time (customerLastInteractionAt) here. */
  resolveCustomer: (identity: { channel: MetaPlatform; channelId: string; externalUserId: string; at: Date }) => Promise<string>;
  /** Where trigger events go, e.g. `(e) => engine.ingest(e)`. */
  ingest: (event: TriggerEvent) => void;
}

/** One Page's webhook endpoint logic: verify, parse, resolve contacts, hand trigger events on. */
export class MetaWebhookHandler {
  constructor(private readonly o: MetaWebhookHandlerOptions) {}

  async handle(rawBody: string | Buffer, headers: HeaderBag): Promise<{ accepted: number; ignored: number }> {
    const parsed = parseMetaWebhook(rawBody, headers, this.o.channel.appSecret);
    let accepted = 0;
    let ignored = parsed.ignored;
    for (const e of parsed.events) {
      // A Page endpoint that receives Instagram events (or the reverse) is misconfigured: skip, not fail.
      if (e.platform !== this.o.platform) {
        ignored++;
        continue;
      }
      const customerId = await this.o.resolveCustomer({
        channel: e.platform,
        channelId: this.o.channel.channelId,
        externalUserId: e.senderId,
        at: new Date(e.timestamp),
      });
      this.o.ingest(metaTriggerEvent(e, customerId, this.o.channel.channelId));
      accepted++;
    }
    return { accepted, ignored };
  }
}
