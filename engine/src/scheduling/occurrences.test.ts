import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { nextDailyEvaluation, occurrencesBetween, ScheduleConfig } from './occurrences.ts';

const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();
const locals = (config: unknown, zone: string, from: string, until: string) =>
  occurrencesBetween(ScheduleConfig.parse(config), zone, at(from, zone), at(until, zone)).map((o) => o.local);

describe('schedule occurrences (§3.10)', () => {
  it('keeps the wall-clock time across a DST change', () => {
    const zone = 'America/New_York';
    const config = { audienceId: 'a', frequency: { kind: 'recurring', every: 1, unit: 'days', anchor: '2025-03-07T09:00' } };
    const out = occurrencesBetween(ScheduleConfig.parse(config), zone, at('2025-03-07T00:00', zone), at('2025-03-11T00:00', zone));
    expect(out.map((o) => o.local)).toEqual(['2025-03-07T09:00', '2025-03-08T09:00', '2025-03-09T09:00', '2025-03-10T09:00']);
    // 09:00 EST is 14:00Z, 09:00 EDT is 13:00Z: 23 hours between the 8th and the 9th.
    expect(out[2]!.at - out[1]!.at).toBe(23 * 3_600_000);
  });

  it('runs on the last day of months without the anchor day, and stops after K runs or on the end date', () => {
    const monthly = {
      audienceId: 'a',
      frequency: { kind: 'recurring', every: 1, unit: 'months', anchor: '2025-01-31T10:00', end: { kind: 'afterRuns', runs: 3 } },
    };
    expect(locals(monthly, 'Asia/Taipei', '2025-01-01T00:00', '2026-01-01T00:00')).toEqual(['2025-01-31T10:00', '2025-02-28T10:00', '2025-03-31T10:00']);
    const weekly = {
      audienceId: 'a',
      frequency: { kind: 'recurring', every: 2, unit: 'weeks', anchor: '2025-01-06T09:00', end: { kind: 'onDate', date: '2025-02-03' } },
    };
    expect(locals(weekly, 'Asia/Taipei', '2025-01-01T00:00', '2026-01-01T00:00')).toEqual(['2025-01-06T09:00', '2025-01-20T09:00', '2025-02-03T09:00']);
  });

  it('skips past occurrences, and always keeps the next one on record even beyond the window', () => {
    const quarterly = { audienceId: 'a', frequency: { kind: 'recurring', every: 3, unit: 'months', anchor: '2020-01-15T08:00' } };
    expect(locals(quarterly, 'Asia/Taipei', '2025-03-01T00:00', '2025-03-31T00:00')).toEqual(['2025-04-15T08:00']);
    const once = { audienceId: 'a', frequency: { kind: 'once', at: '2025-03-04T09:00' } };
    expect(locals(once, 'Asia/Taipei', '2025-03-01T00:00', '2025-03-02T00:00')).toEqual(['2025-03-04T09:00']);
    expect(locals(once, 'Asia/Taipei', '2025-03-05T00:00', '2025-04-02T00:00')).toEqual([]);
  });

  it('rejects a config without an audience or with a malformed time, naming the field', () => {
    const bad = ScheduleConfig.safeParse({ audienceId: '', frequency: { kind: 'once', at: 'tomorrow' } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual(['audienceId', 'frequency.at']);
  });

  it('evaluates dates daily at 00:05 in the zone, including across DST', () => {
    const zone = 'Europe/London';
    // 2025-03-30 is 23 hours long in London; the next evaluation is still 00:05 local.
    const next = nextDailyEvaluation(at('2025-03-30T12:00', zone), zone);
    expect(next.day).toBe('2025-03-31');
    expect(DateTime.fromMillis(next.at, { zone }).toFormat('HH:mm')).toBe('00:05');
    expect(nextDailyEvaluation(at('2025-03-30T00:01', zone), zone).day).toBe('2025-03-30');
  });
});
