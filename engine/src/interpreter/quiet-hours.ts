import type { AnyNodeDefinition } from '@omniflow/nodes';
import type { QuietHours } from '@omniflow/schemas';
import { DateTime } from 'luxon';

// §6.6 quiet hours: a daily window in the team time zone during which marketing sends are deferred to
// the window's end (or skipped). The runtime applies it before a sending node runs, so nodes stay simple
// and the §6.1 window check and exit conditions are evaluated again after a deferral.

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/** When the quiet window containing `now` ends, or undefined when `now` is outside it. `days` are the days a window starts on. */
export function quietHoursEnd(now: Date, zone: string, qh: Pick<QuietHours, 'start' | 'end' | 'days'>): Date | undefined {
  const start = minutesOf(qh.start);
  const end = minutesOf(qh.end);
  if (start === end) return undefined;
  const local = DateTime.fromJSDate(now, { zone });
  const t = local.hour * 60 + local.minute;
  const startsOn = (d: DateTime) => qh.days.includes(DAYS[d.weekday - 1]!);
  const at = (d: DateTime, minutes: number) => d.startOf('day').plus({ minutes }).toJSDate();
  if (start < end) return startsOn(local) && t >= start && t < end ? at(local, end) : undefined;
  if (t >= start && startsOn(local)) return at(local.plus({ days: 1 }), end);
  const yesterday = local.minus({ days: 1 });
  if (t < end && startsOn(yesterday)) return at(local, end);
  return undefined;
}

/** A message node that respects quiet hours: it sends, is not transactional and did not opt out. */
export function respectsQuietHours(def: AnyNodeDefinition, config: Readonly<Record<string, unknown>>): boolean {
  if (def.category !== 'message' || !def.needs.includes('send')) return false;
  if (config.purpose === 'transactional') return false;
  return config.respectQuietHours !== false;
}
