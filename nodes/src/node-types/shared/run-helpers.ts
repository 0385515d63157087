import type { ChannelKind, ContactIdentity, Customer, TagSource } from '@omniflow/schemas';
import { DateTime } from 'luxon';
import type { NodeOutcome, RunContext, SendResult } from '../../run-context.ts';

// Small pieces several node `run` bodies share: the tag source of the flow kind, the reply text of a
// resuming event, channel choice and eligibility for journey sends, and wall-clock arithmetic in the
// team time zone.

/** Tags applied by a step carry the flow kind as their source (§1.4), which journeys exclude by default. */
export function stepTagSource(ctx: RunContext<unknown>): TagSource {
  return ctx.flow.kind === 'chatbot' ? 'chatbot' : 'journey';
}

/** The text of a reply event (trimmed), or undefined. */
export function replyText(ctx: RunContext<unknown>): string | undefined {
  const text = ctx.resumedBy?.payload.text;
  return typeof text === 'string' ? text.trim() : undefined;
}

/** A chatbot card's send: a failed send fails the card (the run timeline shows why). */
export function failedSend(sent: Extract<SendResult, { ok: false }>): NodeOutcome {
  return { kind: 'fail', reason: sent.reason, message: sent.message, retryable: sent.retryable };
}

export function identityOn(contact: Readonly<Customer>, channel: ChannelKind | undefined): ContactIdentity | undefined {
  if (!channel) return undefined;
  return contact.identities.find((i) => i.channel === channel);
}

/**
 * §4.2.1 channel strategy and §6.7 eligibility: the channel to send on, or why the send is skipped.
 * Marketing sends skip unsubscribed, blocked and over-quota identities; other purposes skip blocked ones.
 */
export function chooseChannel(
  ctx: RunContext<unknown>,
  strategy: { mode: 'trigger' } | { mode: 'preferred'; order: readonly ChannelKind[] },
  purpose: 'marketing' | 'transactional' | 'conversational',
): { channel: ChannelKind } | { skip: string } {
  const candidates: (ChannelKind | undefined)[] = strategy.mode === 'trigger' ? [ctx.run.channel ?? ctx.contact.identities[0]?.channel] : [...strategy.order];
  let reason = 'no_contact_on_channel';
  for (const channel of candidates) {
    const identity = identityOn(ctx.contact, channel);
    if (!identity || !channel) continue;
    if (identity.subscriptionStatus === 'blocked') {
      reason = 'blocked';
      continue;
    }
    if (purpose === 'marketing' && identity.subscriptionStatus === 'unsubscribed') {
      reason = 'unsubscribed';
      continue;
    }
    if (purpose === 'marketing' && identity.overQuota) {
      reason = 'over_quota';
      continue;
    }
    return { channel };
  }
  return { skip: reason };
}

/** Delivery outcome of a journey send: `sent`, `skipped` when the platform window was closed, else `failed`. */
export function deliveryOutcome(sent: SendResult, channel: ChannelKind): NodeOutcome {
  if (sent.ok) return { kind: 'next', port: 'sent', explanation: `Sent on ${channel} (message ${sent.messageId})` };
  if (sent.reason === 'window_closed') return { kind: 'next', port: 'skipped', explanation: `Skipped on ${channel}: messaging window closed` };
  return { kind: 'next', port: 'failed', explanation: `Failed on ${channel}: ${sent.reason} — ${sent.message}` };
}

/** `now` plus a wall-clock duration in the team zone (a day is a calendar day across DST changes). */
export function addWallClock(now: Date, zone: string, d: { days?: number; hours?: number; minutes?: number }): Date {
  // Hours and minutes are exact durations in luxon too; only days need the zone's calendar. Skipping
  // the zone math for the common "wait N minutes/hours" keeps it off the engine's hot path.
  if (!d.days) return new Date(now.getTime() + ((d.hours ?? 0) * 60 + (d.minutes ?? 0)) * 60_000);
  return DateTime.fromJSDate(now, { zone }).plus(d).toJSDate();
}

const WEEKDAY_NUMBERS: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

/** The next `HH:mm` strictly after now in the team zone, optionally only on some weekdays. */
export function nextTimeOfDay(now: Date, zone: string, time: string, weekdays: readonly string[] = []): Date {
  const [h, m] = time.split(':').map(Number) as [number, number];
  const start = DateTime.fromJSDate(now, { zone });
  const allowed = new Set(weekdays.map((w) => WEEKDAY_NUMBERS[w]));
  for (let i = 0; i < 8; i++) {
    const candidate = start.plus({ days: i }).set({ hour: h, minute: m, second: 0, millisecond: 0 });
    if (candidate <= start) continue;
    if (allowed.size > 0 && !allowed.has(candidate.weekday)) continue;
    return candidate.toJSDate();
  }
  return start.plus({ days: 7 }).toJSDate();
}

/** A date attribute ± days at `HH:mm` in the team zone, or undefined when the value is not a date. */
export function attributeDateAt(value: unknown, zone: string, offsetDays: number, time: string): Date | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const base = /^\d{4}-\d{2}-\d{2}$/.test(value) ? DateTime.fromISO(value, { zone }) : DateTime.fromISO(value, { setZone: true }).setZone(zone);
  if (!base.isValid) return undefined;
  const [h, m] = time.split(':').map(Number) as [number, number];
  return base.plus({ days: offsetDays }).set({ hour: h, minute: m, second: 0, millisecond: 0 }).toJSDate();
}

/** FNV-1a 32-bit: a stable hash for sticky random splits. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
