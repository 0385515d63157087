import { z } from 'zod';
import { ChannelKind } from './channel.ts';
import { IsoDateTime } from './common.ts';
import { TagSource } from './contact.ts';

/** Event types the engine's trigger matcher consumes (§3). */
export const TRIGGER_EVENT_TYPES = [
  'message.received',
  'postback.received',
  'contact.created',
  'contact.followed',
  'contact.unfollowed',
  'tag.applied',
  'tag.removed',
  'attribute.changed',
  'attribute.date_condition_met',
  'website.visited',
  'cart.item_added',
  'cart.checked_out',
  'cart.cleared',
  'import.row_imported',
  'schedule.fired',
  'omnilink.succeeded',
  'journey.invoked',
  'api.invoked',
  'post.commented',
  'entry_point.opened',
  'form.submitted',
] as const;
export const TriggerEventType = z.enum(TRIGGER_EVENT_TYPES);
export type TriggerEventType = z.infer<typeof TriggerEventType>;

/** The trigger event envelope of §3. `dedupeKey` makes redelivered platform events start one run. */
export const TriggerEvent = z.object({
  id: z.string(),
  type: TriggerEventType,
  occurredAt: IsoDateTime,
  customerId: z.string(),
  contactId: z.string().optional(),
  channel: ChannelKind.optional(),
  channelId: z.string().optional(),
  source: TagSource.or(z.string()).optional(),
  payload: z.record(z.string(), z.unknown()).default({}),
  dedupeKey: z.string().min(1).max(300),
});
export type TriggerEvent = z.infer<typeof TriggerEvent>;
