import { describe, expect, it } from 'vitest';
import { ConditionGroup } from './condition.ts';
import { Customer, Phone } from './contact.ts';
import { JourneySettings } from './graph.ts';

describe('ConditionGroup', () => {
  it('parses nested groups mixing criteria, with typed attribute operators', () => {
    const group = {
      op: 'and',
      items: [
        { criterion: 'tag', op: 'hasAny', tags: ['vip'] },
        {
          op: 'or',
          items: [
            { criterion: 'attribute', key: 'birthday', type: 'date', op: 'specificMonth', month: 'this' },
            { criterion: 'points', field: 'balance', op: 'gte', value: 100 },
          ],
        },
      ],
    };
    expect(ConditionGroup.parse(group)).toEqual(group);
  });

  it('rejects an operator that does not fit the attribute type, naming the path', () => {
    const bad = { op: 'and', items: [{ criterion: 'attribute', key: 'age', type: 'number', op: 'contains', value: 3 }] };
    const result = ConditionGroup.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.slice(0, 2)).toEqual(['items', 0]);
  });

  it('rejects attribute keys with spaces (§1.5)', () => {
    expect(ConditionGroup.safeParse({ op: 'and', items: [{ criterion: 'attribute', key: 'member tier', type: 'text', op: 'isSet' }] }).success).toBe(false);
  });
});

describe('contacts', () => {
  it('accepts international phones without + or a leading 0 (§1.3)', () => {
    expect(['886911223344', '85291122333', '6581234567', '60123456789'].every((p) => Phone.safeParse(p).success)).toBe(true);
    expect(['+886911223344', '0911223344', '886-911'].some((p) => Phone.safeParse(p).success)).toBe(false);
  });

  it('keeps points balance and lifetime apart, defaulting to zero', () => {
    const c = Customer.parse({ id: 'c1', createdAt: '2026-01-01T00:00:00Z' });
    expect(c.points).toEqual({ balance: 0, lifetime: 0 });
    expect(Customer.safeParse({ id: 'c1', createdAt: '2026-01-01T00:00:00Z', points: { balance: 5, lifetime: -1 } }).success).toBe(false);
  });
});

describe('JourneySettings', () => {
  it('defaults to never re-enter, one active run per contact, team time zone GMT+8', () => {
    expect(JourneySettings.parse({})).toMatchObject({
      reentry: { mode: 'never' },
      maxConcurrentRunsPerContact: 1,
      timeZone: 'Asia/Taipei',
      exitConditions: [],
      goals: [],
    });
  });

  it('rejects unknown time zones and malformed quiet hours', () => {
    expect(JourneySettings.safeParse({ timeZone: 'Mars/Base' }).success).toBe(false);
    expect(JourneySettings.safeParse({ quietHours: { start: '25:00', end: '08:00' } }).success).toBe(false);
  });
});
