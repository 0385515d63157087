import { z } from 'zod';
import { ChannelKind } from './channel.ts';
import { IsoDate, IsoDateTime } from './common.ts';
import { AttributeKey, SubscriptionStatus } from './contact.ts';

// The condition grammar of PRODUCT_SPEC §4.3, shared by splits, entry filters, exits, goals and audiences.
// Operators are data (one enum per value type) so the studio can list them and the engine can table-drive them.

export const TEXT_OPERATORS = ['equals', 'notEquals', 'contains', 'notContains', 'isSet', 'isNotSet'] as const;
export const NUMBER_OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'isSet', 'isNotSet'] as const;
/** Date operators of §3.5 plus ours (before/after/withinLastDays). */
export const DATE_OPERATORS = [
  'specificDate',
  'today',
  'nthPastDay',
  'nthFutureDay',
  'withinNextDays',
  'afterDays',
  'specificMonth',
  'before',
  'after',
  'withinLastDays',
  'isSet',
  'isNotSet',
] as const;
export const BOOLEAN_OPERATORS = ['isTrue', 'isFalse', 'isNotSet'] as const;
export const PROFILE_OPERATORS = ['isSet', 'isNotSet', 'equals', 'contains'] as const;

export const MonthSelector = z.union([z.enum(['this', 'last', 'next']), z.number().int().min(1).max(12)]);

const TextAttributeCondition = z.object({
  criterion: z.literal('attribute'),
  key: AttributeKey,
  type: z.literal('text'),
  op: z.enum(TEXT_OPERATORS),
  value: z.string().max(1000).optional(),
});
const NumberAttributeCondition = z.object({
  criterion: z.literal('attribute'),
  key: AttributeKey,
  type: z.literal('number'),
  op: z.enum(NUMBER_OPERATORS),
  value: z.number().optional(),
  value2: z.number().optional(),
});
const DateAttributeCondition = z.object({
  criterion: z.literal('attribute'),
  key: AttributeKey,
  type: z.enum(['date', 'datetime']),
  op: z.enum(DATE_OPERATORS),
  /** For specificDate / before / after: a date ("YYYY-MM-DD") or datetime. */
  date: z.union([IsoDate, IsoDateTime]).optional(),
  /** For nthPastDay / nthFutureDay / withinNextDays / afterDays / withinLastDays. */
  n: z.number().int().min(0).max(36500).optional(),
  month: MonthSelector.optional(),
});
const BooleanAttributeCondition = z.object({
  criterion: z.literal('attribute'),
  key: AttributeKey,
  type: z.literal('boolean'),
  op: z.enum(BOOLEAN_OPERATORS),
});

export const AttributeCondition = z.discriminatedUnion('type', [
  TextAttributeCondition,
  NumberAttributeCondition,
  DateAttributeCondition,
  BooleanAttributeCondition,
]);
export type AttributeCondition = z.infer<typeof AttributeCondition>;

export const TagCondition = z.object({
  criterion: z.literal('tag'),
  op: z.enum(['hasAny', 'hasAll', 'hasNone']),
  tags: z.array(z.string().min(1).max(100)).min(1).max(50),
});

/** Tag frequency: applied at least `min` times within the last `withinDays` days. */
export const TagCountCondition = z.object({
  criterion: z.literal('tagCount'),
  tag: z.string().min(1).max(100),
  min: z.number().int().min(1),
  withinDays: z.number().int().min(1).max(180),
});

export const ProfileCondition = z.object({
  criterion: z.literal('profile'),
  field: z.enum(['memberId', 'phone', 'email', 'name']),
  op: z.enum(PROFILE_OPERATORS),
  value: z.string().max(200).optional(),
});

export const PointsCondition = z.object({
  criterion: z.literal('points'),
  field: z.enum(['balance', 'lifetime']),
  op: z.enum(NUMBER_OPERATORS),
  value: z.number().int().optional(),
  value2: z.number().int().optional(),
});

export const BindingCondition = z.object({
  criterion: z.literal('binding'),
  binding: z.enum(['phone', '91app', 'social', 'omo']),
  op: z.enum(['isBound', 'isNotBound']),
});

export const SubscriptionCondition = z.object({
  criterion: z.literal('subscription'),
  field: z.enum(['status', 'overQuota', 'fbRecurringOptIn']),
  status: SubscriptionStatus.optional(),
  value: z.boolean().optional(),
});

export const TimeCondition = z.object({
  criterion: z.literal('time'),
  field: z.enum(['subscribedAt', 'customerLastInteractionAt', 'teamLastMarketingAt', 'teamLastInteractionAt', 'lastCheckoutAt']),
  op: z.enum(['between', 'withinLastDays', 'before', 'after', 'isSet', 'isNotSet']),
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
  n: z.number().int().min(1).max(3650).optional(),
});

export const ChannelCondition = z.object({
  criterion: z.literal('channel'),
  channels: z.array(ChannelKind).min(1),
});

/** Push interaction: 3 actions × (any | specific send) × (did | did not) = the seed's 12 operators. */
export const PushInteractionCondition = z.object({
  criterion: z.literal('pushInteraction'),
  action: z.enum(['opened', 'read', 'clicked']),
  negate: z.boolean().default(false),
  target: z.union([z.literal('any'), z.object({ flowId: z.string(), nodeId: z.string() })]),
});

export const JourneyHistoryCondition = z.object({
  criterion: z.literal('journey'),
  op: z.enum(['isIn', 'wasIn', 'reachedNode', 'goalReached']),
  journeyId: z.string().min(1),
  nodeId: z.string().optional(),
});

export const Condition = z.union([
  AttributeCondition,
  TagCondition,
  TagCountCondition,
  ProfileCondition,
  PointsCondition,
  BindingCondition,
  SubscriptionCondition,
  TimeCondition,
  ChannelCondition,
  PushInteractionCondition,
  JourneyHistoryCondition,
]);
export type Condition = z.infer<typeof Condition>;

export interface ConditionGroup {
  op: 'and' | 'or';
  items: (Condition | ConditionGroup)[];
}

export const ConditionGroup: z.ZodType<ConditionGroup> = z.object({
  op: z.enum(['and', 'or']),
  get items() {
    return z.array(z.union([Condition, ConditionGroup])).max(50);
  },
});

export function isConditionGroup(item: Condition | ConditionGroup): item is ConditionGroup {
  return 'items' in item;
}

/** Events a goal, exit or wait-for-event can listen for. */
export const FLOW_EVENT_KINDS = [
  'reply',
  'buttonClick',
  'tagApplied',
  'tagRemoved',
  'attributeChanged',
  'formSubmitted',
  'purchase',
  'unsubscribed',
  'blocked',
] as const;
export const FlowEventKind = z.enum(FLOW_EVENT_KINDS);
export type FlowEventKind = z.infer<typeof FlowEventKind>;

/** An event filter: the kind plus an optional tag / attribute / button detail. */
export const EventMatcher = z.object({
  event: FlowEventKind,
  tag: z.string().max(100).optional(),
  attributeKey: AttributeKey.optional(),
  buttonId: z.string().optional(),
});
export type EventMatcher = z.infer<typeof EventMatcher>;
