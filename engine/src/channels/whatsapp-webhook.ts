import type { TriggerEvent } from '@omniflow/schemas';
import { z } from 'zod';
import { parsePostbackData } from './line-messages.ts';
import { graphFailure } from './meta-common.ts';
import { type HeaderBag, MetaWebhookError, malformed, readSignedJson } from './meta-webhook.ts';

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
  /** A submitted WhatsApp Flow (interactive `nfm_reply`): its answers and the flow_token we sent with it. */
  form?: { flowToken?: string; answers: Record<string, unknown> };
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

// The body as the Cloud API documents it (webhooks reference: messages, status). Unknown fields are
// dropped; a missing or mistyped field we rely on is `malformed`, with its path.
const Seconds = z
  .union([z.string().regex(/^\d+$/, 'must be epoch seconds'), z.number().int().positive()])
  .transform((v) => Number(v) * 1000)
  .refine((ms) => ms > 0, 'must be epoch seconds');
const Media = z.object({ id: z.string().min(1), mime_type: z.string().optional(), caption: z.string().optional() });
const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
const InboundMessage = z
  .object({
    from: z.string().min(1),
    id: z.string().min(1),
    timestamp: Seconds,
    type: z.string().min(1),
    text: z.object({ body: z.string() }).optional(),
    interactive: z
      .object({
        type: z.string(),
        button_reply: z.object({ id: z.string().min(1), title: z.string() }).optional(),
        list_reply: z.object({ id: z.string().min(1), title: z.string(), description: z.string().optional() }).optional(),
        // A completed WhatsApp Flow: response_json is a JSON string holding flow_token and the screen's fields.
        nfm_reply: z.object({ name: z.string().optional(), body: z.string().optional(), response_json: z.string() }).optional(),
      })
      .optional(),
    button: z.object({ payload: z.string(), text: z.string().optional() }).optional(),
    context: z.object({ from: z.string().optional(), id: z.string().optional() }).optional(),
    image: Media.optional(),
    video: Media.optional(),
    audio: Media.optional(),
    document: Media.optional(),
    sticker: Media.optional(),
  })
  .superRefine((m, ctx) => {
    const need = (ok: boolean, path: string[], message: string) => ok || ctx.addIssue({ code: 'custom', path, message });
    if (m.type === 'text') need(m.text !== undefined, ['text', 'body'], 'is required for a text message');
    if (m.type === 'button') need(m.button !== undefined, ['button', 'payload'], 'is required for a button message');
    if (m.type === 'interactive' && (m.interactive?.type === 'button_reply' || m.interactive?.type === 'list_reply')) {
      need(m.interactive[m.interactive.type] !== undefined, ['interactive', m.interactive.type, 'id'], 'is required');
    }
    if (m.type === 'interactive' && m.interactive?.type === 'nfm_reply') {
      const json = m.interactive.nfm_reply?.response_json;
      need(json !== undefined && formAnswers(json) !== undefined, ['interactive', 'nfm_reply', 'response_json'], 'must be a JSON object string');
    }
  });
const Status = z.object({
  id: z.string().min(1),
  status: z.enum(WHATSAPP_STATUSES),
  timestamp: Seconds,
  recipient_id: z.string().min(1),
  errors: z
    .array(
      z.object({
        code: z.number().int(),
        title: z.string().default(''),
        message: z.string().optional(),
        error_data: z.object({ details: z.string().optional() }).optional(),
      }),
    )
    .default([]),
  pricing: z
    .object({ billable: z.boolean().optional(), category: z.string().optional(), type: z.string().optional(), pricing_model: z.string().optional() })
    .optional(),
  biz_opaque_callback_data: z.string().optional(),
});
const MessagesValue = z.object({
  metadata: z.object({ display_phone_number: z.string().optional(), phone_number_id: z.string().min(1) }),
  contacts: z.array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string() }).optional() })).optional(),
  messages: z.array(InboundMessage).optional(),
  statuses: z.array(Status).optional(),
});
const WhatsAppWebhookBody = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.object({ id: z.string().optional(), changes: z.array(z.object({ field: z.string().min(1), value: z.unknown() })) })),
});

/** The fields of an nfm_reply's response_json, or undefined when it is not a JSON object. */
function formAnswers(json: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(json);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function formOf(m: z.infer<typeof InboundMessage>): WhatsAppInboundMessage['form'] {
  const json = m.type === 'interactive' && m.interactive?.type === 'nfm_reply' ? m.interactive.nfm_reply?.response_json : undefined;
  const all = json !== undefined ? formAnswers(json) : undefined;
  if (!all) return undefined;
  const { flow_token: token, ...answers } = all;
  return { ...(typeof token === 'string' ? { flowToken: token } : {}), answers };
}

function replyOf(m: z.infer<typeof InboundMessage>): WhatsAppReply | undefined {
  const i = m.interactive;
  if (m.type === 'interactive' && i?.type === 'button_reply' && i.button_reply)
    return { kind: 'button_reply', id: i.button_reply.id, title: i.button_reply.title };
  if (m.type === 'interactive' && i?.type === 'list_reply' && i.list_reply) {
    const r = i.list_reply;
    return { kind: 'list_reply', id: r.id, title: r.title, ...(r.description !== undefined ? { description: r.description } : {}) };
  }
  if (m.type === 'button' && m.button) return { kind: 'button', id: m.button.payload, title: m.button.text ?? '' };
  return undefined;
}

/** Verifies and parses a WhatsApp webhook POST. Throws MetaWebhookError. */
export function parseWhatsAppWebhook(rawBody: string | Buffer, headers: HeaderBag, appSecret: string): ParsedWhatsAppWebhook {
  const root = WhatsAppWebhookBody.safeParse(readSignedJson(rawBody, headers, appSecret));
  if (!root.success) throw malformed(root.error);
  const messages: WhatsAppInboundMessage[] = [];
  const statuses: WhatsAppStatusEvent[] = [];
  let ignored = 0;
  root.data.entry.forEach((entry, i) => {
    entry.changes.forEach((change, j) => {
      if (change.field !== 'messages') {
        ignored++; // template status, quality, account updates…
        return;
      }
      const parsed = MessagesValue.safeParse(change.value);
      if (!parsed.success) {
        const e = malformed(parsed.error);
        throw new MetaWebhookError('malformed', `entry.${i}.changes.${j}.value.${e.message}`);
      }
      const v = parsed.data;
      const phoneNumberId = v.metadata.phone_number_id;
      const display = v.metadata.display_phone_number !== undefined ? { displayPhoneNumber: v.metadata.display_phone_number } : {};
      const profiles = new Map((v.contacts ?? []).flatMap((c) => (c.profile ? [[c.wa_id, c.profile.name] as const] : [])));
      for (const m of v.messages ?? []) {
        const reply = replyOf(m);
        const form = formOf(m);
        const mediaType = (MEDIA_TYPES as readonly string[]).includes(m.type) ? (m.type as (typeof MEDIA_TYPES)[number]) : undefined;
        const media = mediaType ? m[mediaType] : undefined;
        const profileName = profiles.get(m.from);
        messages.push({
          phoneNumberId,
          ...display,
          from: m.from,
          ...(profileName !== undefined ? { profileName } : {}),
          id: m.id,
          timestamp: m.timestamp,
          type: m.type,
          ...(m.type === 'text' && m.text ? { text: m.text.body } : {}),
          ...(reply ? { reply } : {}),
          ...(form ? { form } : {}),
          ...(m.context ? { context: { ...(m.context.from ? { from: m.context.from } : {}), ...(m.context.id ? { id: m.context.id } : {}) } } : {}),
          ...(media
            ? {
                media: {
                  id: media.id,
                  ...(media.mime_type !== undefined ? { mimeType: media.mime_type } : {}),
                  ...(media.caption !== undefined ? { caption: media.caption } : {}),
                },
              }
            : {}),
        });
      }
      for (const st of v.statuses ?? []) {
        const pr = st.pricing;
        statuses.push({
          phoneNumberId,
          messageId: st.id,
          status: st.status,
          timestamp: st.timestamp,
          recipientId: st.recipient_id,
          errors: st.errors.map((e) => ({
            code: e.code,
            title: e.title,
            ...(e.message !== undefined ? { message: e.message } : {}),
            ...(e.error_data?.details !== undefined ? { details: e.error_data.details } : {}),
          })),
          ...(pr
            ? {
                pricing: {
                  ...(pr.billable !== undefined ? { billable: pr.billable } : {}),
                  ...(pr.category !== undefined ? { category: pr.category } : {}),
                  ...(pr.type !== undefined ? { type: pr.type } : {}),
                  ...(pr.pricing_model !== undefined ? { pricingModel: pr.pricing_model } : {}),
                },
              }
            : {}),
          ...(st.biz_opaque_callback_data !== undefined ? { bizOpaqueCallbackData: st.biz_opaque_callback_data } : {}),
        });
      }
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
  if (message.form) {
    // A submitted Flow: form triggers match on `formId` (the WhatsApp Flow id); the token we sent names the
    // flow and node that sent it (`sentBy`), so the engine continues that node on its `submitted` port.
    type = 'form.submitted';
    const sent = message.form.flowToken !== undefined ? parsePostbackData(message.form.flowToken) : {};
    const formId = sent.buttonId?.startsWith('flow:') ? sent.buttonId.slice('flow:'.length) : undefined;
    Object.assign(payload, {
      answers: message.form.answers,
      ...(message.form.flowToken !== undefined ? { flowToken: message.form.flowToken } : {}),
      ...(formId ? { formId } : {}),
      ...(sent.flowId && sent.nodeId ? { sentBy: { flowId: sent.flowId, nodeId: sent.nodeId } } : {}),
    });
  } else if (message.reply) {
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
