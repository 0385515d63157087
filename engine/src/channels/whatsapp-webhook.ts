import type { TriggerEvent } from '@omniflow/schemas';
import { parsePostbackData } from './line-messages.ts';
import { graphFailure } from './meta-common.ts';
import { type HeaderBag, MetaWebhookError, readSignedJson } from './meta-webhook.ts';

// WhatsApp Cloud API webhooks (PLATFORMS.md §3): `object: "whatsapp_business_account"`,
// entry[].changes[] with field "messages" whose value holds inbound `messages` (text, media, interactive
// button_reply / list_reply, template quick-reply `button`) and/or `statuses` (sent / delivered / read /
// failed with error codes). Same X-Hub-Signature-256 check as Messenger, before any parsing.

export interface WhatsAppReply {
  /** button_reply / list_reply: an interactive message's reply; button: a template quick-reply button. */
  kind: 'button_reply' | 'list_reply' | 'button';
  /** The id (interactive) or payload (template button) we sent. */
  id: string;
  title: string;
  description?: string;
}

export interface WhatsAppInboundMessage {
  phoneNumberId: string;
  displayPhoneNumber?: string;
  /** The sender's wa_id. */
  from: string;
  profileName?: string;
  /** wamid… */
  id: string;
  /** Milliseconds (WhatsApp sends seconds as a string). */
  timestamp: number;
  type: string;
  text?: string;
  reply?: WhatsAppReply;
  /** The message this one answers (replies, button taps). */
  context?: { from?: string; id?: string };
  media?: { id: string; mimeType?: string; caption?: string };
}

export const WHATSAPP_STATUSES = ['sent', 'delivered', 'read', 'failed', 'played'] as const;
export type WhatsAppStatusValue = (typeof WHATSAPP_STATUSES)[number];

export interface WhatsAppStatusEvent {
  phoneNumberId: string;
  /** The wamid of our message. */
  messageId: string;
  status: WhatsAppStatusValue;
  timestamp: number;
  recipientId: string;
  errors: { code: number; title: string; message?: string; details?: string }[];
  pricing?: { billable?: boolean; category?: string; type?: string; pricingModel?: string };
  bizOpaqueCallbackData?: string;
}

export interface ParsedWhatsAppWebhook {
  messages: WhatsAppInboundMessage[];
  statuses: WhatsAppStatusEvent[];
  /** Changes of other fields (template status, account updates…), counted, not failed. */
  ignored: number;
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function seconds(v: unknown, at: string): number {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : Number.NaN;
  if (!Number.isFinite(n) || n <= 0) throw new MetaWebhookError('malformed', `${at}.timestamp must be epoch seconds`);
  return n * 1000;
}

function replyOf(m: Record<string, unknown>, at: string): WhatsAppReply | undefined {
  if (m.type === 'interactive') {
    const i = m.interactive;
    if (!obj(i) || (i.type !== 'button_reply' && i.type !== 'list_reply')) return undefined;
    const r = i[i.type];
    if (!obj(r) || !str(r.id)) throw new MetaWebhookError('malformed', `${at}.interactive.${String(i.type)} lacks id`);
    return {
      kind: i.type,
      id: r.id,
      title: typeof r.title === 'string' ? r.title : '',
      ...(typeof r.description === 'string' ? { description: r.description } : {}),
    };
  }
  if (m.type === 'button') {
    const b = m.button;
    if (!obj(b) || typeof b.payload !== 'string') throw new MetaWebhookError('malformed', `${at}.button lacks payload`);
    return { kind: 'button', id: b.payload, title: typeof b.text === 'string' ? b.text : '' };
  }
  return undefined;
}

/** Verifies and parses a WhatsApp webhook POST. Throws MetaWebhookError. */
export function parseWhatsAppWebhook(rawBody: string | Buffer, headers: HeaderBag, appSecret: string): ParsedWhatsAppWebhook {
  const root = readSignedJson(rawBody, headers, appSecret);
  if (root.object !== 'whatsapp_business_account') throw new MetaWebhookError('malformed', 'object must be "whatsapp_business_account"');
  if (!Array.isArray(root.entry)) throw new MetaWebhookError('malformed', 'entry[] is missing');
  const messages: WhatsAppInboundMessage[] = [];
  const statuses: WhatsAppStatusEvent[] = [];
  let ignored = 0;
  root.entry.forEach((entry: unknown, i) => {
    if (!obj(entry) || !Array.isArray(entry.changes)) throw new MetaWebhookError('malformed', `entry[${i}] lacks changes[]`);
    entry.changes.forEach((change: unknown, j) => {
      const at = `entry[${i}].changes[${j}]`;
      if (!obj(change) || !str(change.field) || !obj(change.value)) throw new MetaWebhookError('malformed', `${at} lacks field or value`);
      if (change.field !== 'messages') {
        ignored++;
        return;
      }
      const v = change.value;
      const meta = v.metadata;
      if (!obj(meta) || !str(meta.phone_number_id)) throw new MetaWebhookError('malformed', `${at}.value.metadata.phone_number_id is missing`);
      const phoneNumberId = meta.phone_number_id;
      const display = typeof meta.display_phone_number === 'string' ? { displayPhoneNumber: meta.display_phone_number } : {};
      const profiles = new Map<string, string>();
      if (Array.isArray(v.contacts)) {
        for (const c of v.contacts) if (obj(c) && str(c.wa_id) && obj(c.profile) && typeof c.profile.name === 'string') profiles.set(c.wa_id, c.profile.name);
      }
      if (v.messages !== undefined && !Array.isArray(v.messages)) throw new MetaWebhookError('malformed', `${at}.value.messages must be an array`);
      (v.messages ?? []).forEach((m: unknown, k: number) => {
        const mAt = `${at}.value.messages[${k}]`;
        if (!obj(m) || !str(m.from) || !str(m.id) || !str(m.type)) throw new MetaWebhookError('malformed', `${mAt} lacks from, id or type`);
        const reply = replyOf(m, mAt);
        const mediaObj = obj(m[m.type]) ? (m[m.type] as Record<string, unknown>) : undefined;
        const media =
          ['image', 'video', 'audio', 'document', 'sticker'].includes(m.type) && mediaObj && str(mediaObj.id)
            ? {
                id: mediaObj.id,
                ...(typeof mediaObj.mime_type === 'string' ? { mimeType: mediaObj.mime_type } : {}),
                ...(typeof mediaObj.caption === 'string' ? { caption: mediaObj.caption } : {}),
              }
            : undefined;
        const text = m.type === 'text' && obj(m.text) && typeof m.text.body === 'string' ? m.text.body : undefined;
        if (m.type === 'text' && text === undefined) throw new MetaWebhookError('malformed', `${mAt}.text.body is missing`);
        const profileName = profiles.get(m.from);
        messages.push({
          phoneNumberId,
          ...display,
          from: m.from,
          ...(profileName !== undefined ? { profileName } : {}),
          id: m.id,
          timestamp: seconds(m.timestamp, mAt),
          type: m.type,
          ...(text !== undefined ? { text } : {}),
          ...(reply ? { reply } : {}),
          ...(obj(m.context)
            ? { context: { ...(str(m.context.from) ? { from: m.context.from } : {}), ...(str(m.context.id) ? { id: m.context.id } : {}) } }
            : {}),
          ...(media ? { media } : {}),
        });
      });
      if (v.statuses !== undefined && !Array.isArray(v.statuses)) throw new MetaWebhookError('malformed', `${at}.value.statuses must be an array`);
      (v.statuses ?? []).forEach((s: unknown, k: number) => {
        const sAt = `${at}.value.statuses[${k}]`;
        if (!obj(s) || !str(s.id) || !str(s.recipient_id)) throw new MetaWebhookError('malformed', `${sAt} lacks id or recipient_id`);
        if (!(WHATSAPP_STATUSES as readonly unknown[]).includes(s.status))
          throw new MetaWebhookError('malformed', `${sAt}.status "${String(s.status)}" is unknown`);
        const errors = (Array.isArray(s.errors) ? s.errors : []).filter(obj).map((e) => ({
          code: typeof e.code === 'number' ? e.code : 0,
          title: typeof e.title === 'string' ? e.title : '',
          ...(typeof e.message === 'string' ? { message: e.message } : {}),
          ...(obj(e.error_data) && typeof e.error_data.details === 'string' ? { details: e.error_data.details } : {}),
        }));
        const pr = obj(s.pricing) ? s.pricing : undefined;
        statuses.push({
          phoneNumberId,
          messageId: s.id,
          status: s.status as WhatsAppStatusValue,
          timestamp: seconds(s.timestamp, sAt),
          recipientId: s.recipient_id,
          errors,
          ...(pr
            ? {
                pricing: {
                  ...(typeof pr.billable === 'boolean' ? { billable: pr.billable } : {}),
                  ...(typeof pr.category === 'string' ? { category: pr.category } : {}),
                  ...(typeof pr.type === 'string' ? { type: pr.type } : {}),
                  ...(typeof pr.pricing_model === 'string' ? { pricingModel: pr.pricing_model } : {}),
                },
              }
            : {}),
          ...(typeof s.biz_opaque_callback_data === 'string' ? { bizOpaqueCallbackData: s.biz_opaque_callback_data } : {}),
        });
      });
    });
  });
  return { messages, statuses, ignored };
}

/**
 * The engine trigger event for an inbound WhatsApp message; id and dedupe key `whatsapp:<wamid>`. Taps on
 * reply buttons, list rows and template quick replies are postbacks that carry buttonId / nodeId / flowId.
 */
export function whatsAppTriggerEvent(message: WhatsAppInboundMessage, customerId: string, channelId: string): TriggerEvent {
  const payload: Record<string, unknown> = { waId: message.from, messageId: message.id, messageType: message.type, opensWindow: true };
  if (message.profileName !== undefined) payload.profileName = message.profileName;
  if (message.text !== undefined) payload.text = message.text;
  if (message.media) payload.media = message.media;
  if (message.context?.id) payload.replyTo = message.context.id;
  let type: TriggerEvent['type'] = 'message.received';
  if (message.reply) {
    type = 'postback.received';
    Object.assign(payload, { data: message.reply.id, text: message.reply.title, replyKind: message.reply.kind }, parsePostbackData(message.reply.id));
    if (message.reply.description !== undefined) payload.description = message.reply.description;
  }
  const key = `whatsapp:${message.id}`;
  return {
    id: key,
    type,
    occurredAt: new Date(message.timestamp).toISOString(),
    customerId,
    channel: 'whatsapp',
    channelId,
    source: 'whatsapp',
    payload,
    dedupeKey: key.slice(0, 300),
  };
}

export interface WhatsAppDelivery {
  messageId: string;
  status: WhatsAppStatusValue;
  at: string;
  recipientId: string;
  /** For `failed`: the platform's first error as a typed failure (131047 → window_closed…). */
  failure?: { reason: string; message: string; retryable: boolean; code: number };
}

/** A status webhook as a delivery update for the message's send (sent → delivered → read, or failed). */
export function whatsAppDelivery(status: WhatsAppStatusEvent): WhatsAppDelivery {
  const base = { messageId: status.messageId, status: status.status, at: new Date(status.timestamp).toISOString(), recipientId: status.recipientId };
  if (status.status !== 'failed') return base;
  const e = status.errors[0] ?? { code: 0, title: 'Unknown error' };
  const f = graphFailure(400, { error: { code: e.code, message: e.message ?? e.title, ...(e.details ? { error_data: { details: e.details } } : {}) } }, []);
  return { ...base, failure: { reason: f.reason, message: f.message, retryable: f.retryable, code: e.code } };
}

export interface WhatsAppWebhookHandlerOptions {
  /** Our channel account id and the app secret that signs its webhooks. */
  channel: { channelId: string; appSecret: string; phoneNumberId?: string };
  /** Finds (or creates) the contact; the api also records the inbound time (customerLastInteractionAt) here. */
  resolveCustomer: (identity: { channel: 'whatsapp'; channelId: string; externalUserId: string; at: Date; profileName?: string }) => Promise<string>;
  /** Where trigger events go, e.g. `(e) => engine.ingest(e)`. */
  ingest: (event: TriggerEvent) => void;
  /** Delivery updates of our sends (sent / delivered / read / failed). */
  onDelivery?: (delivery: WhatsAppDelivery) => void;
}

/** One WhatsApp number's webhook endpoint logic: verify, parse, resolve contacts, hand on triggers and statuses. */
export class WhatsAppWebhookHandler {
  constructor(private readonly o: WhatsAppWebhookHandlerOptions) {}

  async handle(rawBody: string | Buffer, headers: HeaderBag): Promise<{ accepted: number; statuses: number; ignored: number }> {
    const parsed = parseWhatsAppWebhook(rawBody, headers, this.o.channel.appSecret);
    const mine = (phoneNumberId: string) => this.o.channel.phoneNumberId === undefined || phoneNumberId === this.o.channel.phoneNumberId;
    let ignored = parsed.ignored;
    let accepted = 0;
    for (const m of parsed.messages) {
      if (!mine(m.phoneNumberId)) {
        ignored++;
        continue;
      }
      const customerId = await this.o.resolveCustomer({
        channel: 'whatsapp',
        channelId: this.o.channel.channelId,
        externalUserId: m.from,
        at: new Date(m.timestamp),
        ...(m.profileName !== undefined ? { profileName: m.profileName } : {}),
      });
      this.o.ingest(whatsAppTriggerEvent(m, customerId, this.o.channel.channelId));
      accepted++;
    }
    let statuses = 0;
    for (const s of parsed.statuses) {
      if (!mine(s.phoneNumberId)) {
        ignored++;
        continue;
      }
      this.o.onDelivery?.(whatsAppDelivery(s));
      statuses++;
    }
    return { accepted, statuses, ignored };
  }
}
