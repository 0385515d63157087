import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { scheduleTrigger } from './schedule.ts';

const journey: NodeCheckContext = { flowKind: 'journey', channels: ['line'] };
const issues = (config: unknown) =>
  validateNodeConfig(scheduleTrigger, config, journey).issues.map((i) => ({ code: i.code, path: i.path.join('.'), severity: i.severity ?? 'error' }));
const recurring = (extra: Record<string, unknown>) => ({
  audienceId: 'aud1',
  frequency: { kind: 'recurring', every: 1, unit: 'days', anchor: '2025-01-01T09:00', ...extra },
});

describe('trigger.schedule', () => {
  it('a fresh schedule asks for the audience and the time', () => {
    expect(issues({})).toEqual([
      { code: 'required', path: 'audienceId', severity: 'error' },
      { code: 'required', path: 'frequency.at', severity: 'error' },
    ]);
  });
  it('times are wall-clock, without an offset (the journey time zone applies)', () => {
    expect(issues({ audienceId: 'a', frequency: { kind: 'once', at: '2025-11-11T10:00' } })).toEqual([]);
    expect(issues({ audienceId: 'a', frequency: { kind: 'once', at: '2025-11-11T10:00:00+08:00' } })).toEqual([
      { code: 'invalid_datetime', path: 'frequency.at', severity: 'error' },
    ]);
    expect(issues(recurring({ anchor: '2025-13-01T09:00' }))).toEqual([{ code: 'invalid_datetime', path: 'frequency.anchor', severity: 'error' }]);
  });
  it('an end date cannot be before the first run', () => {
    expect(issues(recurring({ end: { kind: 'onDate', date: '2024-12-31' } }))).toEqual([
      { code: 'invalid_range', path: 'frequency.end.date', severity: 'error' },
    ]);
    expect(issues(recurring({ end: { kind: 'onDate', date: '2025-01-01' } }))).toEqual([]);
    expect(issues(recurring({ end: { kind: 'onDate', date: '2025-02-30' } }))).toEqual([
      { code: 'invalid_date', path: 'frequency.end.date', severity: 'error' },
    ]);
  });
  it('warns when a monthly anchor day does not exist in every month', () => {
    expect(issues(recurring({ unit: 'months', anchor: '2025-01-31T09:00' }))).toEqual([
      { code: 'short_months', path: 'frequency.anchor', severity: 'warning' },
    ]);
    expect(issues(recurring({ unit: 'weeks', anchor: '2025-01-31T09:00' }))).toEqual([]);
  });
  it('every N is 1..365', () => {
    expect(issues(recurring({ every: 0 }))).toEqual([{ code: 'too_small', path: 'frequency.every', severity: 'error' }]);
    expect(issues(recurring({ every: 366 }))).toEqual([{ code: 'too_large', path: 'frequency.every', severity: 'error' }]);
  });
});
