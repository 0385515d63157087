import { z } from 'zod';

/** Messaging channels a contact can be reached on (PRODUCT_SPEC §1.2). */
export const CHANNEL_KINDS = ['line', 'messenger', 'instagram', 'whatsapp', 'webchat', 'wechat', 'sms'] as const;
export const ChannelKind = z.enum(CHANNEL_KINDS);
export type ChannelKind = z.infer<typeof ChannelKind>;

/** Channels a flow can send automated messages on (WeChat only appears in splits, SMS only in fallback). */
export const SENDABLE_CHANNELS = ['line', 'messenger', 'instagram', 'whatsapp', 'webchat'] as const satisfies readonly ChannelKind[];

/** Chatbot platform scope, chosen at creation and fixed (§2.1). */
export const BOT_SCOPES = ['all', 'fb_ig', 'web', 'whatsapp', 'line'] as const;
export const BotScope = z.enum(BOT_SCOPES);
export type BotScope = z.infer<typeof BotScope>;

/** Which channels a bot of each scope answers on (§2.1 scope table). */
export const BOT_SCOPE_CHANNELS: Readonly<Record<BotScope, readonly ChannelKind[]>> = {
  all: ['messenger', 'instagram', 'line', 'webchat'],
  fb_ig: ['messenger', 'instagram'],
  web: ['webchat'],
  whatsapp: ['whatsapp'],
  line: ['line'],
};

export const CHANNEL_LABELS: Readonly<Record<ChannelKind, string>> = {
  line: 'LINE',
  messenger: 'Messenger',
  instagram: 'Instagram',
  whatsapp: 'WhatsApp',
  webchat: 'Web chat',
  wechat: 'WeChat',
  sms: 'SMS',
};

export const ChannelStatus = z.enum(['connected', 'disconnected']);

/** A connected channel account; credentials live encrypted in the api, referenced by id. */
export const Channel = z.object({
  id: z.string().min(1),
  kind: ChannelKind,
  name: z.string().min(1).max(120),
  status: ChannelStatus,
  /** Overrides the platform's API base URL (tests point adapters at local servers). */
  baseUrl: z.url().optional(),
  credentialsRef: z.string().optional(),
});
export type Channel = z.infer<typeof Channel>;
