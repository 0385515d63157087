import { type Condition, Customer } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import { evaluateCondition } from './conditions-eval.ts';

// The spec's examples (§3.5): now = 2023-01-05 18:00:00 in the team zone (GMT+8).
const now = new Date('2023-01-05T18:00:00+08:00');
const timeZone = 'Asia/Taipei';

function contact(extra: Partial<Customer> = {}): Customer {
  return Customer.parse({
    id: 'c1',
    createdAt: '2022-01-01T00:00:00+08:00',
    name: 'Amy Chen',
    email: 'amy@example.com',
    tags: [
      { name: 'vip', count: 3, firstAppliedAt: '2023-01-01T10:00:00+08:00', lastAppliedAt: '2023-01-04T10:00:00+08:00', lastSource: 'manual' },
      { name: 'newsletter', count: 1, firstAppliedAt: '2022-05-01T10:00:00+08:00', lastAppliedAt: '2022-05-01T10:00:00+08:00', lastSource: 'manual' },
    ],
    identities: [
      {
        channel: 'line',
        channelId: 'ch_line',
        externalUserId: 'U1',
        subscriptionStatus: 'subscribed',
        customerLastInteractionAt: '2023-01-03T09:00:00+08:00',
      },
      { channel: 'messenger', channelId: 'ch_fb', externalUserId: 'F1', subscriptionStatus: 'unsubscribed', overQuota: true },
    ],
    points: { balance: 120, lifetime: 5000 },
    bindings: [{ kind: 'phone', boundAt: '2022-02-01T00:00:00+08:00' }],
    attributes: { tier: 'gold', visits: 7, optin: true },
    ...extra,
  });
}

const dateCond = (op: string, extra: Record<string, unknown> = {}, type: 'date' | 'datetime' = 'date'): Condition =>
  ({ criterion: 'attribute', key: 'd', type, op, ...extra }) as Condition;

function check(c: Condition, value: string | undefined): boolean {
  const attrs: Record<string, string> = value === undefined ? {} : { d: value };
  return evaluateCondition({ op: 'and', items: [c] }, contact({ attributes: attrs }), { now, timeZone }).match;
}

describe('evaluateCondition: date operators of §3.5 (now = 2023-01-05 18:00:00 GMT+8)', () => {
  const cases: [string, Condition, string | undefined, boolean][] = [
    // specific date
    ['specific date, date type: same day', dateCond('specificDate', { date: '2023-01-05' }), '2023-01-05', true],
    ['specific date, date type: other day', dateCond('specificDate', { date: '2023-01-05' }), '2023-01-06', false],
    ['specific date, datetime: 00:00:00', dateCond('specificDate', { date: '2023-01-05' }, 'datetime'), '2023-01-05T00:00:00+08:00', true],
    ['specific date, datetime: 23:59:59', dateCond('specificDate', { date: '2023-01-05' }, 'datetime'), '2023-01-05T23:59:59+08:00', true],
    ['specific date, datetime: next day 00:00', dateCond('specificDate', { date: '2023-01-05' }, 'datetime'), '2023-01-06T00:00:00+08:00', false],
    ['specific date, datetime in UTC that is the 5th in Taipei', dateCond('specificDate', { date: '2023-01-05' }, 'datetime'), '2023-01-04T16:30:00Z', true],
    // today
    ['today, date type', dateCond('today'), '2023-01-05', true],
    ['today, date type: yesterday', dateCond('today'), '2023-01-04', false],
    ['today, datetime: 00:00:00', dateCond('today', {}, 'datetime'), '2023-01-05T00:00:00+08:00', true],
    ['today, datetime: 23:59:59', dateCond('today', {}, 'datetime'), '2023-01-05T23:59:59+08:00', true],
    ['today, datetime: 2023-01-04 23:59:59', dateCond('today', {}, 'datetime'), '2023-01-04T23:59:59+08:00', false],
    // N-th past / future day
    ['1st past day = 2023-01-04', dateCond('nthPastDay', { n: 1 }), '2023-01-04', true],
    ['1st past day ≠ 2023-01-03', dateCond('nthPastDay', { n: 1 }), '2023-01-03', false],
    ['1st past day, datetime 2023-01-04 23:59:59', dateCond('nthPastDay', { n: 1 }, 'datetime'), '2023-01-04T23:59:59+08:00', true],
    ['1st future day = 2023-01-06', dateCond('nthFutureDay', { n: 1 }), '2023-01-06', true],
    ['1st future day, datetime 2023-01-06 00:00:00', dateCond('nthFutureDay', { n: 1 }, 'datetime'), '2023-01-06T00:00:00+08:00', true],
    ['1st future day ≠ today', dateCond('nthFutureDay', { n: 1 }), '2023-01-05', false],
    // within next N days
    ['within next 3 days, date: 2023-01-05 (inclusive)', dateCond('withinNextDays', { n: 3 }), '2023-01-05', true],
    ['within next 3 days, date: 2023-01-08 (inclusive)', dateCond('withinNextDays', { n: 3 }), '2023-01-08', true],
    ['within next 3 days, date: 2023-01-09', dateCond('withinNextDays', { n: 3 }), '2023-01-09', false],
    ['within next 3 days, date: 2023-01-04', dateCond('withinNextDays', { n: 3 }), '2023-01-04', false],
    ['within next 3 days, datetime: 18:00:00 now', dateCond('withinNextDays', { n: 3 }, 'datetime'), '2023-01-05T18:00:00+08:00', true],
    ['within next 3 days, datetime: 17:59:59 now', dateCond('withinNextDays', { n: 3 }, 'datetime'), '2023-01-05T17:59:59+08:00', false],
    ['within next 3 days, datetime: 2023-01-08 18:00:00', dateCond('withinNextDays', { n: 3 }, 'datetime'), '2023-01-08T18:00:00+08:00', true],
    ['within next 3 days, datetime: 2023-01-08 18:00:01', dateCond('withinNextDays', { n: 3 }, 'datetime'), '2023-01-08T18:00:01+08:00', false],
    // after N days
    ['after 3 days, date: 2023-01-09', dateCond('afterDays', { n: 3 }), '2023-01-09', true],
    ['after 3 days, date: 2023-01-08', dateCond('afterDays', { n: 3 }), '2023-01-08', false],
    ['after 3 days, date: far future', dateCond('afterDays', { n: 3 }), '2099-01-01', true],
    ['after 3 days, datetime: 2023-01-08 18:00:01', dateCond('afterDays', { n: 3 }, 'datetime'), '2023-01-08T18:00:01+08:00', true],
    ['after 3 days, datetime: 2023-01-08 18:00:00', dateCond('afterDays', { n: 3 }, 'datetime'), '2023-01-08T18:00:00+08:00', false],
    // specific month, any year
    ['this month: January 1990', dateCond('specificMonth', { month: 'this' }), '1990-01-20', true],
    ['this month: February', dateCond('specificMonth', { month: 'this' }), '1990-02-20', false],
    ['last month: December', dateCond('specificMonth', { month: 'last' }), '1985-12-31', true],
    ['next month: February', dateCond('specificMonth', { month: 'next' }), '2000-02-29', true],
    ['March', dateCond('specificMonth', { month: 3 }), '1977-03-01', true],
    ['March, datetime', dateCond('specificMonth', { month: 3 }, 'datetime'), '1977-03-01T10:00:00+08:00', true],
    ['month scan range: 101 years ago is out', dateCond('specificMonth', { month: 1 }), '1922-01-10', false],
    ['month scan range: 100 years ago is in', dateCond('specificMonth', { month: 1 }), '1923-01-10', true],
    ['month scan range: 31 years ahead is out', dateCond('specificMonth', { month: 1 }), '2054-01-10', false],
    // ours: before / after / within the last N days
    ['before 2023-01-01', dateCond('before', { date: '2023-01-01' }), '2022-12-31', true],
    ['before 2023-01-01 (same day is not before)', dateCond('before', { date: '2023-01-01' }), '2023-01-01', false],
    ['after 2023-01-01', dateCond('after', { date: '2023-01-01' }), '2023-01-02', true],
    ['after a datetime', dateCond('after', { date: '2023-01-05T12:00:00+08:00' }, 'datetime'), '2023-01-05T12:00:01+08:00', true],
    ['within last 7 days', dateCond('withinLastDays', { n: 7 }), '2022-12-29', true],
    ['within last 7 days: 8 days ago', dateCond('withinLastDays', { n: 7 }), '2022-12-28', false],
    ['within last 2 days, datetime', dateCond('withinLastDays', { n: 2 }, 'datetime'), '2023-01-03T18:00:00+08:00', true],
    // set / not set
    ['is set', dateCond('isSet'), '2023-01-05', true],
    ['is set: missing', dateCond('isSet'), undefined, false],
    ['is not set: missing', dateCond('isNotSet'), undefined, true],
    ['relative operator on a missing value', dateCond('today'), undefined, false],
  ];
  it.each(cases)('%s', (_name, c, value, expected) => {
    expect(check(c, value)).toBe(expected);
  });

  it('uses the team zone: 2023-01-05 23:30 in UTC is already the 6th in Taipei', () => {
    expect(check(dateCond('nthFutureDay', { n: 1 }, 'datetime'), '2023-01-05T23:30:00Z')).toBe(true);
    const utc = evaluateCondition({ op: 'and', items: [dateCond('today', {}, 'datetime')] }, contact({ attributes: { d: '2023-01-05T23:30:00Z' } }), {
      now,
      timeZone: 'UTC',
    });
    expect(utc.match).toBe(true);
  });
});

describe('evaluateCondition: other criteria', () => {
  const c = contact();
  const cases: [string, Condition, boolean][] = [
    ['tag has any', { criterion: 'tag', op: 'hasAny', tags: ['vip', 'x'] }, true],
    ['tag has all', { criterion: 'tag', op: 'hasAll', tags: ['vip', 'x'] }, false],
    ['tag has none', { criterion: 'tag', op: 'hasNone', tags: ['x', 'y'] }, true],
    ['tag has none (has one)', { criterion: 'tag', op: 'hasNone', tags: ['vip'] }, false],
    ['tag count ≥ 3 in 7 days', { criterion: 'tagCount', tag: 'vip', min: 3, withinDays: 7 }, true],
    ['tag count ≥ 2 in 7 days (old tag)', { criterion: 'tagCount', tag: 'newsletter', min: 2, withinDays: 7 }, false],
    ['text equals', { criterion: 'attribute', key: 'tier', type: 'text', op: 'equals', value: 'gold' }, true],
    ['text equals is case-sensitive', { criterion: 'attribute', key: 'tier', type: 'text', op: 'equals', value: 'Gold' }, false],
    ['text not equals', { criterion: 'attribute', key: 'tier', type: 'text', op: 'notEquals', value: 'silver' }, true],
    ['text contains', { criterion: 'attribute', key: 'tier', type: 'text', op: 'contains', value: 'ol' }, true],
    ['text not contains', { criterion: 'attribute', key: 'tier', type: 'text', op: 'notContains', value: 'ol' }, false],
    ['text is set', { criterion: 'attribute', key: 'tier', type: 'text', op: 'isSet' }, true],
    ['text is not set (missing)', { criterion: 'attribute', key: 'nope', type: 'text', op: 'isNotSet' }, true],
    ['number =', { criterion: 'attribute', key: 'visits', type: 'number', op: 'eq', value: 7 }, true],
    ['number ≠', { criterion: 'attribute', key: 'visits', type: 'number', op: 'neq', value: 7 }, false],
    ['number >', { criterion: 'attribute', key: 'visits', type: 'number', op: 'gt', value: 6 }, true],
    ['number ≥', { criterion: 'attribute', key: 'visits', type: 'number', op: 'gte', value: 7 }, true],
    ['number <', { criterion: 'attribute', key: 'visits', type: 'number', op: 'lt', value: 7 }, false],
    ['number ≤', { criterion: 'attribute', key: 'visits', type: 'number', op: 'lte', value: 7 }, true],
    ['number between (inclusive)', { criterion: 'attribute', key: 'visits', type: 'number', op: 'between', value: 7, value2: 10 }, true],
    ['number on a missing value', { criterion: 'attribute', key: 'nope', type: 'number', op: 'gt', value: 0 }, false],
    ['boolean is yes', { criterion: 'attribute', key: 'optin', type: 'boolean', op: 'isTrue' }, true],
    ['boolean is no', { criterion: 'attribute', key: 'optin', type: 'boolean', op: 'isFalse' }, false],
    ['boolean is not set', { criterion: 'attribute', key: 'nope', type: 'boolean', op: 'isNotSet' }, true],
    ['profile email is set', { criterion: 'profile', field: 'email', op: 'isSet' }, true],
    ['profile phone is not set', { criterion: 'profile', field: 'phone', op: 'isNotSet' }, true],
    ['profile name equals (full name)', { criterion: 'profile', field: 'name', op: 'equals', value: 'Amy Chen' }, true],
    ['profile name contains', { criterion: 'profile', field: 'name', op: 'contains', value: 'Amy' }, true],
    ['points balance ≥ 100', { criterion: 'points', field: 'balance', op: 'gte', value: 100 }, true],
    ['points lifetime < 5000', { criterion: 'points', field: 'lifetime', op: 'lt', value: 5000 }, false],
    ['phone binding', { criterion: 'binding', binding: 'phone', op: 'isBound' }, true],
    ['omo binding', { criterion: 'binding', binding: 'omo', op: 'isBound' }, false],
    ['not social bound', { criterion: 'binding', binding: 'social', op: 'isNotBound' }, true],
    ['subscribed (some identity)', { criterion: 'subscription', field: 'status', status: 'subscribed' }, true],
    ['blocked', { criterion: 'subscription', field: 'status', status: 'blocked' }, false],
    ['over quota yes', { criterion: 'subscription', field: 'overQuota', value: true }, true],
    ['recurring opt-in yes', { criterion: 'subscription', field: 'fbRecurringOptIn', value: true }, false],
    ['last interaction within 30 days', { criterion: 'time', field: 'customerLastInteractionAt', op: 'withinLastDays', n: 30 }, true],
    ['last interaction within 1 day', { criterion: 'time', field: 'customerLastInteractionAt', op: 'withinLastDays', n: 1 }, false],
    [
      'last interaction between',
      { criterion: 'time', field: 'customerLastInteractionAt', op: 'between', from: '2023-01-01T00:00:00+08:00', to: '2023-01-04T00:00:00+08:00' },
      true,
    ],
    ['last checkout not set', { criterion: 'time', field: 'lastCheckoutAt', op: 'isNotSet' }, true],
    ['subscribed at is set', { criterion: 'time', field: 'subscribedAt', op: 'isSet' }, false],
    ['channel LINE', { criterion: 'channel', channels: ['line'] }, true],
    ['channel WhatsApp', { criterion: 'channel', channels: ['whatsapp'] }, false],
    ['push opened any (no data)', { criterion: 'pushInteraction', action: 'opened', negate: false, target: 'any' }, false],
    ['push not opened any (no data)', { criterion: 'pushInteraction', action: 'opened', negate: true, target: 'any' }, true],
    ['journey is in (no data)', { criterion: 'journey', op: 'isIn', journeyId: 'j1' }, false],
  ];
  it.each(cases)('%s', (_name, cond, expected) => {
    expect(evaluateCondition({ op: 'and', items: [cond] }, c, { now, timeZone }).match).toBe(expected);
  });

  it('looks at the run channel when one is given', () => {
    const sub = { criterion: 'subscription', field: 'status', status: 'subscribed' } as const;
    expect(evaluateCondition({ op: 'and', items: [sub] }, c, { now, timeZone, channel: 'messenger' }).match).toBe(false);
    expect(evaluateCondition({ op: 'and', items: [sub] }, c, { now, timeZone, channel: 'line' }).match).toBe(true);
  });

  it('uses facts for push interactions, journey history and the tag log', () => {
    const facts = {
      pushInteractions: [{ action: 'clicked' as const, flowId: 'j1', nodeId: 'n1' }],
      journeys: { active: ['j1'], past: ['j0'], reachedNodes: [{ journeyId: 'j0', nodeId: 'x' }], goalsReached: ['j0'] },
      tagEvents: [
        { tag: 'newsletter', op: 'apply' as const, at: '2023-01-04T00:00:00+08:00' },
        { tag: 'newsletter', op: 'apply' as const, at: '2023-01-05T00:00:00+08:00' },
      ],
    };
    const ev = (cond: Condition) => evaluateCondition({ op: 'and', items: [cond] }, c, { now, timeZone, facts }).match;
    expect(ev({ criterion: 'pushInteraction', action: 'clicked', negate: false, target: { flowId: 'j1', nodeId: 'n1' } })).toBe(true);
    expect(ev({ criterion: 'pushInteraction', action: 'clicked', negate: false, target: { flowId: 'j1', nodeId: 'n2' } })).toBe(false);
    expect(ev({ criterion: 'journey', op: 'isIn', journeyId: 'j1' })).toBe(true);
    expect(ev({ criterion: 'journey', op: 'wasIn', journeyId: 'j0' })).toBe(true);
    expect(ev({ criterion: 'journey', op: 'reachedNode', journeyId: 'j0', nodeId: 'x' })).toBe(true);
    expect(ev({ criterion: 'journey', op: 'goalReached', journeyId: 'j0' })).toBe(true);
    expect(ev({ criterion: 'tagCount', tag: 'newsletter', min: 2, withinDays: 7 })).toBe(true);
  });

  it('combines groups with and / or, nests them, and explains the result', () => {
    const r = evaluateCondition(
      {
        op: 'or',
        items: [
          { criterion: 'tag', op: 'hasAny', tags: ['x'] },
          {
            op: 'and',
            items: [
              { criterion: 'points', field: 'balance', op: 'gte', value: 100 },
              { criterion: 'attribute', key: 'tier', type: 'text', op: 'equals', value: 'gold' },
            ],
          },
        ],
      },
      c,
      { now, timeZone },
    );
    expect(r.match).toBe(true);
    expect(r.explanation).toContain('any of');
    expect(r.explanation).toContain('points balance ≥ 100 (120)');
    expect(evaluateCondition({ op: 'and', items: [] }, c, { now, timeZone }).match).toBe(true);
  });
});
