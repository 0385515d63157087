import type { SendResult } from '@omniflow/nodes';
import type { Effect } from '../effects.ts';
import { type ChannelFailure, failure } from './common.ts';
import type { ContactLookup } from './line.ts';
import { type MetaPlatform, toMessengerMessage } from './messenger-messages.ts';
import {
  channelResolver,
  fromLedger,
  graphFailure,
  graphPost,
  isFailure,
  META_DEFAULT_API_VERSION,
  META_GRAPH_BASE_URL,
  MetaPageConfigSchema,
  type SentLedger,
} from './meta-common.ts';
import { decideMetaSend, lastInboundOf } from './window.ts';

// The Messenger Send API adapter, also used for Instagram messaging (PLATFORMS.md §2):
// POST {base}/{version}/{page id}/messages with the page access token, body
// { recipient: { id: PSID | IGSID }, messaging_type, message, tag? }. The 24-hour window decides
// RESPONSE / UPDATE / MESSAGE_TAG or a non-retryable `window_closed` (window.ts). Meta has no retry key:
// accepted sends are recorded in a SentLedger under the effect's idempotency key, and a redelivered effect
// is answered from it instead of being sent twice.

/** One Facebook Page (or Instagram professional account) we message from. */
export interface MetaPageConfig {
  /** Our channel account id (ContactIdentity.channelId). */
  channelId: string;
  /** The Page id (Instagram: the IG professional account id); `me` also works with a page token. */
  pageId: string;
  /** Page access token (Instagram Login: the Instagram user access token). */
  accessToken: string;
  /** App secret: verifies X-Hub-Signature-256 on webhooks. */
  appSecret: string;
  /** The token our GET webhook handshake expects in hub.verify_token. */
  verifyToken?: string;
  /** Default https://graph.facebook.com (Instagram Login: https://graph.instagram.com). */
  baseUrl?: string;
  /** Default v24.0. */
  apiVersion?: string;
  /** `query`: ?access_token= as the Messenger Platform documents it (default); `bearer`: Authorization header (Instagram Login). */
  auth?: 'query' | 'bearer';
}

export interface MessengerAdapterOptions {
  channels: readonly MetaPageConfig[] | ((channelId: string) => MetaPageConfig | undefined);
  contacts: ContactLookup;
  /** Where accepted sends are remembered (default: none, every delivery POSTs). */
  ledger?: SentLedger;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

interface SendPayload {
  nodeType?: string;
  content?: Record<string, unknown>;
  purpose?: string;
  messageTag?: string;
}

export class MessengerAdapter {
  readonly #channel: (id: string) => MetaPageConfig | ChannelFailure | undefined;
  constructor(
    private readonly o: MessengerAdapterOptions,
    readonly platform: MetaPlatform = 'messenger',
  ) {
    this.#channel = channelResolver(MetaPageConfigSchema, o.channels, platform);
  }

  /** Delivers a `send` effect. Retryable failures (throttling, 5xx, timeouts) are left to the runtime's back-off. */
  async deliver(effect: Effect): Promise<SendResult> {
    const platform = this.platform;
    const p = effect.payload as SendPayload;
    const done = fromLedger(this.o.ledger, effect.idempotencyKey, platform);
    if (done) return done;
    const contact = await this.o.contacts.get(effect.customerId);
    const identity = contact?.identities.find((i) => i.channel === platform);
    if (!identity) return failure('no_contact_on_channel', `Contact ${effect.customerId} has no ${platform} identity`, false);
    const channel = this.#channel(identity.channelId);
    if (!channel) return failure('channel_not_configured', `${platform} channel ${identity.channelId} is not configured`, false);
    if (isFailure(channel)) return channel;
    const message = toMessengerMessage(platform, String(p.nodeType ?? ''), p.content ?? {}, { flowId: effect.flowId, nodeId: effect.nodeId });
    if (isFailure(message)) return message;
    const tag = typeof p.content?.messageTag === 'string' ? p.content.messageTag : p.messageTag;
    const decision = decideMetaSend({
      platform,
      lastInboundAt: lastInboundOf(identity),
      now: this.o.now?.() ?? Date.now(),
      ...(p.purpose ? { purpose: p.purpose } : {}),
      ...(tag ? { tag } : {}),
    });
    if (isFailure(decision)) return decision;
    const body = {
      recipient: { id: identity.externalUserId },
      messaging_type: decision.messagingType,
      message,
      ...(decision.tag ? { tag: decision.tag } : {}),
    };
    const base = (channel.baseUrl ?? META_GRAPH_BASE_URL).replace(/\/$/, '');
    const path = `${base}/${channel.apiVersion ?? META_DEFAULT_API_VERSION}/${encodeURIComponent(channel.pageId)}/messages`;
    const bearer = channel.auth === 'bearer';
    const url = bearer ? path : `${path}?access_token=${encodeURIComponent(channel.accessToken)}`;
    const secrets = [channel.accessToken, encodeURIComponent(channel.accessToken)];
    const res = await graphPost(url, body, bearer ? { authorization: `Bearer ${channel.accessToken}` } : {}, {
      timeoutMs: this.o.timeoutMs ?? 10_000,
      ...(this.o.fetch ? { fetch: this.o.fetch } : {}),
      secrets,
    });
    if (isFailure(res)) return res;
    const ok = res.body as { message_id?: unknown } | undefined;
    if (res.status === 200 && typeof ok?.message_id === 'string') {
      this.o.ledger?.put(effect.idempotencyKey, ok.message_id);
      return { ok: true, messageId: ok.message_id, channel: platform };
    }
    if (res.status === 200) return failure('server_error', `${platform} answered 200 without a message_id`, true, 200);
    return graphFailure(res.status, res.body, secrets);
  }
}

/** The same Send API adapter for Instagram messaging (IGSID recipients, Instagram's narrower rules). */
export class InstagramAdapter extends MessengerAdapter {
  constructor(o: MessengerAdapterOptions) {
    super(o, 'instagram');
  }
}
