import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addWallClock } from './run-helpers.ts';

describe('addWallClock', () => {
  // 2026-03-08 02:00 is when New York springs forward; 2026-11-01 02:00 when it falls back.
  const zone = 'America/New_York';
  const starts = ['2026-03-07T12:00:00-05:00', '2026-03-08T01:30:00-05:00', '2026-10-31T23:00:00-04:00', '2026-11-01T01:30:00-04:00'];

  it('adds hours and minutes as exact durations, as luxon does, across DST changes', () => {
    for (const start of starts) {
      for (const d of [{ minutes: 1 }, { hours: 1 }, { hours: 2, minutes: 30 }, { hours: 25 }]) {
        const now = new Date(start);
        expect(addWallClock(now, zone, d).toISOString(), `${start} + ${JSON.stringify(d)}`).toBe(
          DateTime.fromJSDate(now, { zone }).plus(d).toJSDate().toISOString(),
        );
      }
    }
  });

  it('adds days as calendar days in the zone: the same wall-clock time the next day', () => {
    const before = new Date('2026-03-07T12:00:00-05:00');
    const after = addWallClock(before, zone, { days: 1 });
    expect(DateTime.fromJSDate(after, { zone }).toFormat('yyyy-MM-dd HH:mm')).toBe('2026-03-08 12:00');
    expect(after.getTime() - before.getTime()).toBe(23 * 3_600_000);
  });
});
