import type { SendResult } from '@omniflow/nodes';
import type { Effect } from '../effects.ts';
import { type ChannelFailure, failure } from './common.ts';
import type { ContactLookup } from './line.ts';
import {
  channelResolver,
  fromLedger,
  graphFailure,
  graphPost,
  isFailure,
  META_DEFAULT_API_VERSION,
  META_GRAPH_BASE_URL,
  type SentLedger,
  WhatsAppChannelConfigSchema,
} from './meta-common.ts';
import { isWhatsAppTemplate, toWhatsAppMessage } from './whatsapp-messages.ts';
import { decideWhatsAppSend, lastInboundOf } from './window.ts';

// The WhatsApp Cloud API adapter (PLATFORMS.md §3): POST {base}/{version}/{phone number id}/messages,
// Authorization: Bearer, body { messaging_product: "whatsapp", recipient_type: "individual", to, type, … }.
// Inside the 24-hour customer service window any session message; outside only approved templates, else
// a non-retryable `window_closed` (window.ts). A 200 means accepted, not delivered: delivery arrives as
// status webhooks (whatsapp-webhook.ts). No retry key exists, so accepted sends go to the SentLedger.

export interface WhatsAppChannelConfig {
  /** Our channel account id (ContactIdentity.channelId). */
  channelId: string;
  /** The business phone number id the API sends from. */
  phoneNumberId: string;
  /** System-user or business access token. */
  accessToken: string;
  /** App secret: verifies X-Hub-Signature-256 on webhooks. */
  appSecret: string;
  verifyToken?: string;
  /** Default https://graph.facebook.com. */
  baseUrl?: string;
  /** Default v24.0. */
  apiVersion?: string;
}

export interface WhatsAppAdapterOptions {
  channels: readonly WhatsAppChannelConfig[] | ((channelId: string) => WhatsAppChannelConfig | undefined);
  contacts: ContactLookup;
  ledger?: SentLedger;
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

/** A WhatsApp user id (wa_id) or phone: digits with the country code, "+" optional. */
const RECIPIENT = /^\+?[1-9]\d{6,14}$/;

export class WhatsAppAdapter {
  readonly #channel: (id: string) => WhatsAppChannelConfig | ChannelFailure | undefined;
  constructor(private readonly o: WhatsAppAdapterOptions) {
    this.#channel = channelResolver(WhatsAppChannelConfigSchema, o.channels, 'WhatsApp');
  }

  async deliver(effect: Effect): Promise<SendResult> {
    const p = effect.payload as { nodeType?: string; content?: Record<string, unknown> };
    const done = fromLedger(this.o.ledger, effect.idempotencyKey, 'whatsapp');
    if (done) return done;
    const contact = await this.o.contacts.get(effect.customerId);
    const identity = contact?.identities.find((i) => i.channel === 'whatsapp');
    if (!identity) return failure('no_contact_on_channel', `Contact ${effect.customerId} has no WhatsApp identity`, false);
    if (!RECIPIENT.test(identity.externalUserId))
      return failure('bad_request', `WhatsApp id ${identity.externalUserId} is not a phone number with country code`, false);
    const channel = this.#channel(identity.channelId);
    if (!channel) return failure('channel_not_configured', `WhatsApp channel ${identity.channelId} is not configured`, false);
    if (isFailure(channel)) return channel;
    const nodeType = String(p.nodeType ?? '');
    const content = p.content ?? {};
    const message = toWhatsAppMessage(nodeType, content, { flowId: effect.flowId, nodeId: effect.nodeId });
    if (isFailure(message)) return message;
    const allowed = decideWhatsAppSend({
      lastInboundAt: lastInboundOf(identity),
      now: this.o.now?.() ?? Date.now(),
      isTemplate: isWhatsAppTemplate(nodeType, content),
    });
    if (isFailure(allowed)) return allowed;
    const base = (channel.baseUrl ?? META_GRAPH_BASE_URL).replace(/\/$/, '');
    const url = `${base}/${channel.apiVersion ?? META_DEFAULT_API_VERSION}/${encodeURIComponent(channel.phoneNumberId)}/messages`;
    const body = { messaging_product: 'whatsapp', recipient_type: 'individual', to: identity.externalUserId, ...message };
    const secrets = [channel.accessToken];
    const res = await graphPost(
      url,
      body,
      { authorization: `Bearer ${channel.accessToken}` },
      {
        timeoutMs: this.o.timeoutMs ?? 10_000,
        ...(this.o.fetch ? { fetch: this.o.fetch } : {}),
        secrets,
      },
    );
    if (isFailure(res)) return res;
    const id = (res.body as { messages?: { id?: unknown }[] } | undefined)?.messages?.[0]?.id;
    if (res.status === 200 && typeof id === 'string') {
      this.o.ledger?.put(effect.idempotencyKey, id);
      return { ok: true, messageId: id, channel: 'whatsapp' };
    }
    if (res.status === 200) return failure('server_error', 'WhatsApp answered 200 without messages[0].id', true, 200);
    return graphFailure(res.status, res.body, secrets);
  }
}
