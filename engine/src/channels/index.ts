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
export { HttpExecutor, type HttpExecutorOptions, RetryableHttpError, type SecretResolver } from './http-executor.ts';
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
