import { describe, expect, it } from 'vitest';
import { checkSchedule, FLOW_STATUSES, nextStatus, TRANSITIONS } from './transitions.ts';

describe('the §2.3 lifecycle', () => {
  it.each([
    ['publish', 'draft', 'active'],
    ['publish', 'paused', 'active'],
    ['publish', 'active', 'active'],
    ['publish', 'scheduled', 'scheduled'],
    ['schedule', 'draft', 'scheduled'],
    ['pause', 'active', 'paused'],
    ['pause', 'scheduled', 'paused'],
    ['resume', 'paused', 'active'],
    ['end', 'active', 'ended'],
    ['end', 'paused', 'ended'],
    ['archive', 'ended', 'archived'],
    ['archive', 'draft', 'archived'],
  ] as const)('%s from %s leads to %s', (action, from, to) => {
    expect(nextStatus(action, from)).toEqual({ ok: true, to });
  });

  it.each([
    ['pause', 'draft'],
    ['pause', 'ended'],
    ['resume', 'active'],
    ['end', 'draft'],
    ['end', 'ended'],
    ['publish', 'ended'],
    ['publish', 'archived'],
    ['schedule', 'active'],
    ['schedule', 'scheduled'],
    ['archive', 'active'],
    ['delete', 'active'],
    ['delete', 'ended'],
    ['edit', 'ended'],
    ['edit', 'archived'],
  ] as const)('refuses %s from %s, naming both ends', (action, from) => {
    const result = nextStatus(action, from);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.from).toBe(from);
      expect(result.message).toContain(`from ${from} to ${result.to}`);
      expect(result.allowedFrom).not.toContain(from);
    }
  });

  it('resumes to scheduled when the scheduled start is still ahead', () => {
    expect(nextStatus('resume', 'paused', { scheduledStartInFuture: true })).toEqual({ ok: true, to: 'scheduled' });
  });

  it('never leaves ended or archived except by archiving an ended flow', () => {
    for (const [action, row] of Object.entries(TRANSITIONS)) {
      if (action !== 'archive') expect(row.ended).toBeUndefined();
      expect(row.archived).toBeUndefined();
    }
    expect(FLOW_STATUSES).toHaveLength(6);
  });
});

describe('checkSchedule', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

  it('accepts a start a minute ahead and a later end', () => {
    expect(checkSchedule({ startAt: at(60), endAt: at(3600) }, now)).toEqual([]);
    expect(checkSchedule({ startAt: at(60) }, now)).toEqual([]);
  });

  it('refuses a start less than a minute ahead', () => {
    expect(checkSchedule({ startAt: at(59) }, now)).toEqual([
      { field: 'schedule.startAt', message: 'schedule.startAt must be at least 1 minute in the future' },
    ]);
  });

  it('refuses an end before or at the start', () => {
    expect(checkSchedule({ startAt: at(120), endAt: at(120) }, now).map((e) => e.field)).toEqual(['schedule.endAt']);
    expect(checkSchedule({ startAt: at(600), endAt: at(30) }, now).map((e) => e.field)).toEqual(['schedule.endAt', 'schedule.endAt']);
  });
});
