import { DateTime } from 'luxon';
import { z } from 'zod';

// When an automation schedule (§3.10) runs. Times are wall-clock in the journey's time zone, so a 09:00
// schedule stays 09:00 across DST changes: each occurrence is anchor + k × (every unit) computed on the
// calendar (luxon), never by adding milliseconds. A month without the anchor's day runs on its last day.

const LocalDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'a local date and time like 2025-03-01T09:00');

/** The trigger.schedule config as the engine reads it (the node type's schema is the contract). */
export const ScheduleConfig = z.object({
  audienceId: z.string().min(1, 'audienceId is required'),
  frequency: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('once'), at: LocalDateTime }),
    z.object({
      kind: z.literal('recurring'),
      every: z.number().int().min(1),
      unit: z.enum(['days', 'weeks', 'months']),
      anchor: LocalDateTime,
      end: z
        .discriminatedUnion('kind', [
          z.object({ kind: z.literal('never') }),
          z.object({ kind: z.literal('onDate'), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
          z.object({ kind: z.literal('afterRuns'), runs: z.number().int().min(1) }),
        ])
        .default({ kind: 'never' }),
    }),
  ]),
});
export type ScheduleConfig = z.infer<typeof ScheduleConfig>;

export interface Occurrence {
  /** 0-based position in the series. */
  index: number;
  /** Wall-clock time in the zone, "YYYY-MM-DDTHH:mm". */
  local: string;
  at: number;
}

/** Occurrences 30 days ahead are materialised (§3.10, ours). */
export const MATERIALISE_AHEAD_MS = 30 * 86_400_000;

function occurrenceAt(config: ScheduleConfig, zone: string, index: number): DateTime | undefined {
  const f = config.frequency;
  if (f.kind === 'once') return index === 0 ? DateTime.fromISO(f.at, { zone }) : undefined;
  const anchor = DateTime.fromISO(f.anchor, { zone });
  const at = anchor.plus({ [f.unit]: f.every * index });
  if (f.end.kind === 'afterRuns' && index >= f.end.runs) return undefined;
  if (f.end.kind === 'onDate' && at.toISODate()! > f.end.date) return undefined;
  return at;
}

/**
 * Occurrences due in [from, until], plus the first one after `until` when none falls inside, so a
 * schedule every 3 months always has its next occurrence on record. At most `max` are returned.
 */
export function occurrencesBetween(config: ScheduleConfig, zone: string, from: number, until: number, max = 1000): Occurrence[] {
  const out: Occurrence[] = [];
  const f = config.frequency;
  // Skip ahead without stepping through every past occurrence of a long-running daily schedule.
  let index = 0;
  if (f.kind === 'recurring') {
    const anchor = DateTime.fromISO(f.anchor, { zone });
    const elapsed = DateTime.fromMillis(from, { zone }).diff(anchor, f.unit).get(f.unit);
    index = Math.max(0, Math.floor(elapsed / f.every) - 1);
  }
  for (; out.length < max; index++) {
    const at = occurrenceAt(config, zone, index);
    if (!at?.isValid) break;
    const ms = at.toMillis();
    if (ms < from) continue;
    if (ms > until && out.length > 0) break;
    out.push({ index, local: at.toFormat("yyyy-LL-dd'T'HH:mm"), at: ms });
    if (ms > until) break;
  }
  return out;
}

/** The next daily evaluation after `now`: 00:05 in the zone (§3.5), on the calendar so DST days are right. */
export function nextDailyEvaluation(now: number, zone: string): { day: string; at: number } {
  const local = DateTime.fromMillis(now, { zone });
  let at = local.startOf('day').plus({ minutes: 5 });
  if (at.toMillis() <= now) at = local.plus({ days: 1 }).startOf('day').plus({ minutes: 5 });
  return { day: at.toISODate()!, at: at.toMillis() };
}
