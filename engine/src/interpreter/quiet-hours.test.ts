import { describe, expect, it } from 'vitest';
import { quietHoursEnd } from './quiet-hours.ts';

const zone = 'Asia/Taipei';
const all = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const at = (local: string) => new Date(`${local}+08:00`);
const end = (local: string, qh: { start: string; end: string; days?: readonly (typeof all)[number][] }) =>
  quietHoursEnd(at(local), zone, { start: qh.start, end: qh.end, days: [...(qh.days ?? all)] })?.toISOString();

describe('quiet hours (§6.6) in the team time zone', () => {
  const night = { start: '22:00', end: '08:00' };
  it.each([
    ['before the window', '2025-03-03T21:59:00', night, undefined],
    ['at its start', '2025-03-03T22:00:00', night, '2025-03-04T00:00:00.000Z'],
    ['after midnight', '2025-03-04T03:00:00', night, '2025-03-04T00:00:00.000Z'],
    ['at its end', '2025-03-04T08:00:00', night, undefined],
    ['a same-day window', '2025-03-03T12:30:00', { start: '12:00', end: '13:00' }, '2025-03-03T05:00:00.000Z'],
    ['only on weekends: Monday night is not quiet', '2025-03-03T23:00:00', { ...night, days: ['sat', 'sun'] as const }, undefined],
    ['only on weekends: the Sunday window runs into Monday morning', '2025-03-03T07:00:00', { ...night, days: ['sun'] as const }, '2025-03-03T00:00:00.000Z'],
    ['an empty window', '2025-03-03T12:00:00', { start: '12:00', end: '12:00' }, undefined],
  ])('%s', (_name, local, qh, expected) => {
    expect(end(local, qh)).toBe(expected);
  });
});
