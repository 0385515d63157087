import type { ContactIdentity } from '@omniflow/schemas';
import { type ChannelFailure, failure } from './common.ts';

// The one place that decides whether a Meta platform lets us message a contact now (spec §6.1,
// PLATFORMS.md §2–3). Input: the contact's last inbound message time on that channel (the identity's
// `customerLastInteractionAt`, which webhooks refresh) and the clock. Output: the window state, and for a
// concrete send either how to send it (Messenger `messaging_type` + tag) or a non-retryable `window_closed`.

export const STANDARD_WINDOW_MS = 24 * 3_600_000;
/** HUMAN_AGENT replies are allowed up to 7 days after the person's last message. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 3_600_000;
/** "Effective April 27th, 2026" Meta answers code 100 to these three tags (PLATFORMS.md §2). */
export const META_TAG_DEPRECATED_AT = Date.parse('2026-04-27T00:00:00Z');
export const DEPRECATED_META_TAGS: readonly string[] = ['CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE'];
export const META_MESSAGE_TAGS = ['HUMAN_AGENT', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE', 'CUSTOMER_FEEDBACK'] as const;
export type MetaMessageTag = (typeof META_MESSAGE_TAGS)[number];

export type WindowChannel = 'messenger' | 'instagram' | 'whatsapp';
/** Spec §6.1 engine policy: what may be sent now. */
export type WindowState = 'open' | 'tag_only' | 'template_only' | 'closed';

export interface MessagingWindow {
  state: WindowState;
  /** When the standard 24-hour window closes (undefined when the contact never wrote). */
  openUntil?: Date;
  /** Messenger / Instagram: until when a HUMAN_AGENT reply is allowed. */
  humanAgentUntil?: Date;
}

type Instant = Date | string | number | undefined | null;

function toMs(t: Instant): number | undefined {
  if (t === undefined || t === null) return undefined;
  const ms = t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The last inbound time recorded on a contact's identity (undefined if it never wrote). */
export function lastInboundOf(identity: Pick<ContactIdentity, 'customerLastInteractionAt'> | undefined): number | undefined {
  return toMs(identity?.customerLastInteractionAt);
}

/** The window state for one contact on one channel at `now`. */
export function messagingWindow(channel: WindowChannel, lastInboundAt: Instant, now: Instant = Date.now()): MessagingWindow {
  const last = toMs(lastInboundAt);
  const at = toMs(now) ?? Date.now();
  const bounds =
    last === undefined
      ? {}
      : {
          openUntil: new Date(last + STANDARD_WINDOW_MS),
          ...(channel !== 'whatsapp' ? { humanAgentUntil: new Date(last + HUMAN_AGENT_WINDOW_MS) } : {}),
        };
  if (last !== undefined && at - last <= STANDARD_WINDOW_MS) return { state: 'open', ...bounds };
  if (channel === 'whatsapp') return { state: 'template_only', ...bounds };
  // Messenger tags are not bound to the window; Instagram only has HUMAN_AGENT, for 7 days.
  if (channel === 'messenger') return { state: 'tag_only', ...bounds };
  if (last !== undefined && at - last <= HUMAN_AGENT_WINDOW_MS) return { state: 'tag_only', ...bounds };
  return { state: 'closed', ...bounds };
}

export interface MetaSendDecision {
  messagingType: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
  tag?: MetaMessageTag;
}

/**
 * How a Messenger / Instagram send may go out: inside 24 h as RESPONSE (a bot answer) or UPDATE; outside
 * only with a tag the platform still accepts for this contact, else `window_closed` (non-retryable).
 */
export function decideMetaSend(input: {
  platform: 'messenger' | 'instagram';
  lastInboundAt: Instant;
  now?: Instant;
  purpose?: string;
  /** The node's message tag; 'none' / undefined = no tag. */
  tag?: string;
}): MetaSendDecision | ChannelFailure {
  const now = toMs(input.now) ?? Date.now();
  const last = toMs(input.lastInboundAt);
  const w = messagingWindow(input.platform, last, now);
  if (w.state === 'open') return { messagingType: input.purpose === 'conversational' ? 'RESPONSE' : 'UPDATE' };
  const tag = input.tag && input.tag !== 'none' ? input.tag : undefined;
  const since = last === undefined ? 'The contact never wrote' : `The contact last wrote ${new Date(last).toISOString()}`;
  if (!tag) return failure('window_closed', `${since}: outside the 24-hour window a ${input.platform} message needs a message tag`, false);
  if (tag === 'HUMAN_AGENT') {
    if (last !== undefined && now - last <= HUMAN_AGENT_WINDOW_MS) return { messagingType: 'MESSAGE_TAG', tag };
    return failure('window_closed', `${since}: HUMAN_AGENT replies are allowed for 7 days only`, false);
  }
  if (input.platform === 'instagram') return failure('window_closed', `${since}: Instagram accepts only the HUMAN_AGENT tag outside 24 hours`, false);
  if (DEPRECATED_META_TAGS.includes(tag)) {
    if (now < META_TAG_DEPRECATED_AT) return { messagingType: 'MESSAGE_TAG', tag: tag as MetaMessageTag };
    return failure('window_closed', `${since}: Meta rejects the ${tag} tag since 27 April 2026`, false);
  }
  // CUSTOMER_FEEDBACK exists only for the Customer Feedback template, which no node sends.
  return failure('window_closed', `${since}: the ${tag} tag cannot carry this message`, false);
}

/** WhatsApp: anything inside the 24-hour customer service window, only approved templates outside it. */
export function decideWhatsAppSend(input: { lastInboundAt: Instant; now?: Instant; isTemplate: boolean }): { ok: true } | ChannelFailure {
  if (input.isTemplate) return { ok: true };
  const last = toMs(input.lastInboundAt);
  const w = messagingWindow('whatsapp', last, input.now);
  if (w.state === 'open') return { ok: true };
  const since = last === undefined ? 'The contact never wrote' : `The contact last wrote ${new Date(last).toISOString()}`;
  return failure('window_closed', `${since}: outside the 24-hour customer service window WhatsApp accepts only templates`, false);
}
