import { z } from 'zod';

/** Ids stored in graphs: short, URL-safe, stable across versions. */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'Use letters, digits, "-" or "_" only');
export type Id = z.infer<typeof Id>;

/** IANA time zone name, checked against the runtime's zone database. */
export const TimeZone = z.string().refine(isValidTimeZone, { message: 'Unknown time zone' });

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock time "HH:mm" (24 h). */
export const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use HH:mm, e.g. 08:00');

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;

export const Duration = z.object({
  amount: z.number().int().min(0),
  unit: z.enum(['minutes', 'hours', 'days']),
});
export type Duration = z.infer<typeof Duration>;

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;
export function durationMs(d: Duration): number {
  return d.amount * UNIT_MS[d.unit];
}

export const Position = z.object({ x: z.number(), y: z.number() });
export type Position = z.infer<typeof Position>;

/** ISO-8601 timestamp with offset. */
export const IsoDateTime = z.iso.datetime({ offset: true });
/** Calendar date "YYYY-MM-DD". */
export const IsoDate = z.iso.date();
