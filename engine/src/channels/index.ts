// Channel adapters: the EffectHandler implementations that deliver outbox effects to the platforms.
export {
  buildUserData,
  CapiAdapter,
  type CapiAdapterOptions,
  capiEvent,
  HASHED_KEYS,
  hashUserDataValue,
  type MetaAccountIds,
  normaliseBirthdate,
  normaliseCity,
  normaliseCountry,
  normaliseEmail,
  normaliseExternalId,
  normaliseGender,
  normaliseName,
  normalisePhone,
  normaliseState,
  normaliseZip,
  sha256Hex,
} from './capi.ts';
export { type ChannelFailure, type FailureReason, failure, graphemes, redact, UUID_RE, uuidFromKey } from './common.ts';
export { EgressAllowList, EgressBlockedError, isBlockedAddress, type ResolvedAddress, type Resolver, systemResolver, vetHost } from './egress.ts';
export { type ChannelAdapters, ChannelEffectHandler, type SendAdapter } from './handler.ts';
export { HttpExecutor, type HttpExecutorOptions, type MappedHttpResult, parseRetryAfter, RetryableHttpError, type SecretResolver } from './http-executor.ts';
export {
  type ContactLookup,
  LINE_DEFAULT_BASE_URL,
  LineAdapter,
  type LineAdapterOptions,
  type LineChannelConfig,
  type LineInboundEvent,
  LineWebhookError,
  type LineWebhookErrorCode,
  LineWebhookHandler,
  type LineWebhookHandlerOptions,
  lineResult,
  lineSignature,
  lineTriggerEvent,
  MemoryReplyTokenStore,
  type ParsedLineWebhook,
  parseLineWebhook,
  type ReplyTokenStore,
  verifyLineSignature,
} from './line.ts';
export { LINE_LIMITS, type LineMessage, parsePostbackData, postbackData, toLineMessages } from './line-messages.ts';
export { InstagramAdapter, MessengerAdapter, type MessengerAdapterOptions, type MetaPageConfig } from './messenger.ts';
export { MESSENGER_LIMITS, type MessengerButton, type MessengerMessage, type MetaPlatform, toMessengerMessage } from './messenger-messages.ts';
export {
  ChannelConfigError,
  channelResolver,
  fromLedger,
  type GraphErrorBody,
  graphFailure,
  META_DEFAULT_API_VERSION,
  META_GRAPH_BASE_URL,
  META_RATE_LIMIT_CODES,
  MemorySentLedger,
  MetaPageConfigSchema,
  type SentLedger,
  SqliteSentLedger,
  WhatsAppChannelConfigSchema,
} from './meta-common.ts';
export {
  type HeaderBag,
  type MetaInboundEvent,
  type MetaReferral,
  MetaWebhookError,
  type MetaWebhookErrorCode,
  MetaWebhookHandler,
  type MetaWebhookHandlerOptions,
  metaSignature,
  metaTriggerEvent,
  type ParsedMetaWebhook,
  parseMetaWebhook,
  type SubscriptionCheck,
  verifyMetaSignature,
  verifyMetaSubscription,
} from './meta-webhook.ts';
export { evaluateResponseMapping, type MappedValue, type ResponseMappingSpec } from './response-mapping.ts';
export { WhatsAppAdapter, type WhatsAppAdapterOptions, type WhatsAppChannelConfig } from './whatsapp.ts';
export { isWhatsAppTemplate, toWhatsAppMessage, toWhatsAppTemplate, WHATSAPP_LIMITS, type WhatsAppMessage } from './whatsapp-messages.ts';
export {
  type ParsedWhatsAppWebhook,
  parseWhatsAppWebhook,
  WHATSAPP_STATUSES,
  type WhatsAppDelivery,
  type WhatsAppInboundMessage,
  type WhatsAppReply,
  type WhatsAppStatusEvent,
  type WhatsAppStatusValue,
  WhatsAppWebhookHandler,
  type WhatsAppWebhookHandlerOptions,
  whatsAppDelivery,
  whatsAppTriggerEvent,
} from './whatsapp-webhook.ts';
export {
  DEPRECATED_META_TAGS,
  decideMetaSend,
  decideWhatsAppSend,
  HUMAN_AGENT_WINDOW_MS,
  lastInboundOf,
  META_MESSAGE_TAGS,
  META_TAG_DEPRECATED_AT,
  type MessagingWindow,
  type MetaMessageTag,
  type MetaSendDecision,
  messagingWindow,
  STANDARD_WINDOW_MS,
  type WindowChannel,
  type WindowState,
} from './window.ts';
