import { z } from 'zod';
import { ChannelKind } from './channel.ts';
import { Id, IsoDateTime } from './common.ts';

/** Custom attribute key: `^[A-Za-z0-9_]+$`, case-sensitive (§1.5). */
export const AttributeKey = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_]+$/, 'Attribute keys use letters, digits and "_" only, with no spaces');

export const ATTRIBUTE_TYPES = ['text', 'number', 'date', 'datetime', 'boolean'] as const;
export const AttributeType = z.enum(ATTRIBUTE_TYPES);
export type AttributeType = z.infer<typeof AttributeType>;

export const AttributeDefinition = z.object({
  key: AttributeKey,
  displayName: z.string().max(100).optional(),
  description: z.string().max(500).optional(),
  type: AttributeType,
  status: z.enum(['active', 'archived']).default('active'),
});
export type AttributeDefinition = z.infer<typeof AttributeDefinition>;

/** A stored attribute value; dates are "YYYY-MM-DD", datetimes ISO-8601 with offset. */
export const AttributeValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type AttributeValue = z.infer<typeof AttributeValue>;

/** Result of a typed attribute write (§1.5). */
export const AttributeWriteResult = z.enum(['ok', 'invalid_format', 'archived', 'type_mismatch']);

export const SubscriptionStatus = z.enum(['subscribed', 'unsubscribed', 'blocked']);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatus>;

/** Conversation state of the hand-off contract (§1.10). */
export const ConversationState = z.enum(['pending_bot', 'pending_human', 'in_progress', 'closed']);
export type ConversationState = z.infer<typeof ConversationState>;

/** Where a tag application came from (§1.4); journeys exclude their own source by default. */
export const TAG_SOURCES = [
  'manual',
  'batch',
  'import',
  'journey',
  'chatbot',
  'keyword',
  'omnilink',
  'phone_binding',
  'social_binding',
  'integration',
  'api',
  'website',
  'broadcast',
  'coupon',
  'game',
  'wa_flow',
] as const;
export const TagSource = z.enum(TAG_SOURCES);
export type TagSource = z.infer<typeof TagSource>;

/** What produced a change: a flow step or a product feature. */
export const SourceRef = z.union([
  z.object({ flowId: z.string(), versionId: z.string(), nodeId: z.string(), runId: z.string() }),
  z.object({ feature: z.string(), objectId: z.string().optional() }),
]);
export type SourceRef = z.infer<typeof SourceRef>;

export const ContactTag = z.object({
  name: z.string().min(1).max(100),
  count: z.number().int().min(1),
  firstAppliedAt: IsoDateTime,
  lastAppliedAt: IsoDateTime,
  lastSource: TagSource,
});
export type ContactTag = z.infer<typeof ContactTag>;

export const TagEvent = z.object({
  at: IsoDateTime,
  customerId: z.string(),
  channel: ChannelKind.optional(),
  channelUserId: z.string().optional(),
  tag: z.string(),
  op: z.enum(['apply', 'remove']),
  source: TagSource,
  sourceRef: SourceRef.optional(),
});
export type TagEvent = z.infer<typeof TagEvent>;

/** Points: balance is spendable, lifetime never decreases on redemption (§1.6). */
export const PointsBalance = z.object({
  balance: z.number().int(),
  lifetime: z.number().int().min(0),
});
export type PointsBalance = z.infer<typeof PointsBalance>;

export const PointsLedgerEntry = z.object({
  id: z.string(),
  customerId: z.string(),
  delta: z.number().int(),
  op: z.enum(['add', 'deduct']),
  reason: z.string().max(200),
  sourceRef: SourceRef.optional(),
  idempotencyKey: z.string(),
  balanceAfter: z.number().int(),
  lifetimeAfter: z.number().int(),
  at: IsoDateTime,
});
export type PointsLedgerEntry = z.infer<typeof PointsLedgerEntry>;

/** International phone without "+" or leading 0, e.g. 886911223344 (§1.3). */
export const Phone = z.string().regex(/^[1-9]\d{6,14}$/, 'Use the international format without "+" or a leading 0, e.g. 886911223344');

export const Binding = z.object({
  kind: z.enum(['social', 'phone', '91app', 'omo']),
  boundAt: IsoDateTime,
  detail: z.record(z.string(), z.string()).default({}),
});

/** One identity on one channel (§1.3 contact). */
export const ContactIdentity = z.object({
  id: Id.optional(),
  channel: ChannelKind,
  channelId: z.string().min(1),
  externalUserId: z.string().min(1).max(200),
  displayName: z.string().max(200).optional(),
  subscriptionStatus: SubscriptionStatus.default('subscribed'),
  subscribedAt: IsoDateTime.optional(),
  customerLastInteractionAt: IsoDateTime.optional(),
  teamLastMarketingAt: IsoDateTime.optional(),
  teamLastInteractionAt: IsoDateTime.optional(),
  overQuota: z.boolean().default(false),
  fbRecurringOptIn: z.boolean().default(false),
  conversationState: ConversationState.optional(),
  source: z.string().max(60).optional(),
});
export type ContactIdentity = z.infer<typeof ContactIdentity>;

/** The merged customer profile across channels (§1.3). */
export const Customer = z.object({
  id: z.string(),
  memberId: z.string().max(100).optional(),
  name: z.string().max(200).optional(),
  phone: Phone.optional(),
  email: z.email().optional(),
  identities: z.array(ContactIdentity).default([]),
  tags: z.array(ContactTag).default([]),
  attributes: z.record(AttributeKey, AttributeValue).default({}),
  points: PointsBalance.default({ balance: 0, lifetime: 0 }),
  bindings: z.array(Binding).default([]),
  lastCheckoutAt: IsoDateTime.optional(),
  createdAt: IsoDateTime,
});
export type Customer = z.infer<typeof Customer>;
