// Channel connections, their webhooks, the effect handler built from them, delivery statuses and §7 metrics.
export { assertKind, type ChannelConnectionDto, ChannelRegistry, type LoadedConnection } from './connections.ts';
export { DELIVERY_STATUSES, DeliveryLog, type DeliveryStatus, opensTracked, type RunFacts } from './deliveries.ts';
export { ChannelEffects, type ChannelEffectsOptions } from './effects.ts';
export { INBOUND_KINDS, type InboundKind, InboundRecorder } from './inbound.ts';
export { CHANNEL_KINDS, ChannelConnectionKind, CreateChannelInput, SECRETS, SETTINGS } from './kinds.ts';
export { type NodeMessageMetrics, type Ratio, ratio, type VersionMetrics, versionMetrics } from './metrics.ts';
export { loadSecretKey, SECRET_KEY_FILE, SecretBox, SecretDecryptError, SecretKeyError, secretHint } from './secret-box.ts';
export { registerWebhookRoutes, type WebhookDeps } from './webhooks.ts';
