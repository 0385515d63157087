import type { AttributeDefinition } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { waitNode } from './wait.ts';

const ctx: NodeCheckContext = { flowKind: 'journey', channels: ['line'] };
const issues = (config: unknown, c: NodeCheckContext = ctx) =>
  validateNodeConfig(waitNode, config, c).issues.map((i) => `${i.severity ?? 'error'}:${i.code}@${i.path.join('.')}`);
const duration = (days: number, hours: number, minutes: number) => ({ mode: { kind: 'duration', days, hours, minutes } });

describe('wait.wait', () => {
  it('needs a total of 1 minute to 365 days', () => {
    expect(issues(duration(0, 0, 1))).toEqual([]);
    expect(issues(duration(365, 0, 0))).toEqual([]);
    expect(issues(duration(0, 0, 0))).toEqual(['error:wait_too_short@mode']);
    expect(issues(duration(365, 1, 0))).toEqual(['error:wait_too_long@mode']);
  });

  it('continues on next for time-based modes and on event or timeout when waiting for an event', () => {
    const ports = (config: unknown) => waitNode.ports(waitNode.config.parse(config), { flowKind: 'journey' }).map((p) => `${p.id}:${p.role}`);
    expect(ports(duration(1, 0, 0))).toEqual(['next:next']);
    expect(ports({ mode: { kind: 'untilAttributeDate', attributeKey: 'birthday' } })).toEqual(['next:next']);
    expect(ports({ mode: { kind: 'forEvent', event: { event: 'reply' }, timeout: { amount: 1, unit: 'days' } } })).toEqual(['event:event', 'timeout:timeout']);
  });

  it('checks a fixed date and time', () => {
    const at = (value: string) => ({ mode: { kind: 'untilTime', target: { kind: 'datetime', at: value } } });
    expect(issues(at('2099-01-01T09:00:00+08:00'))).toEqual([]);
    expect(issues(at('2099-01-01 09:00'))).toEqual(['error:invalid_datetime@mode.target.at']);
    expect(issues(at('2001-01-01T09:00:00Z'))).toEqual(['warning:time_passed@mode.target.at']);
  });

  it('flags a weekday listed twice', () => {
    const config = { mode: { kind: 'untilTime', target: { kind: 'nextTime', time: '08:00', weekdays: ['mon', 'mon'] } } };
    expect(issues(config)).toEqual(['error:duplicate_weekday@mode.target.weekdays']);
  });

  it('needs a date attribute for "until attribute date"', () => {
    const attributes: AttributeDefinition[] = [
      { key: 'birthday', type: 'date', status: 'active' },
      { key: 'tier', type: 'text', status: 'active' },
    ];
    const config = (attributeKey: string) => ({ mode: { kind: 'untilAttributeDate', attributeKey, offsetDays: 1 } });
    expect(issues(config('birthday'), { ...ctx, attributes })).toEqual([]);
    expect(issues(config('tier'), { ...ctx, attributes })).toEqual(['error:attribute_type_mismatch@mode.attributeKey']);
    expect(issues(config('nope'), { ...ctx, attributes })).toEqual(['error:unknown_attribute@mode.attributeKey']);
  });

  it('needs event details and does not end on the interaction it waits for', () => {
    const forEvent = (event: object, continueIfInteracted = true) => ({
      mode: { kind: 'forEvent', event, timeout: { amount: 3, unit: 'days' } },
      continueIfInteracted,
    });
    expect(issues(forEvent({ event: 'tagApplied' }))).toEqual(['error:incomplete_event@mode.event.tag']);
    expect(issues(forEvent({ event: 'attributeChanged' }))).toEqual(['error:incomplete_event@mode.event.attributeKey']);
    expect(issues(forEvent({ event: 'reply' }, false))).toEqual(['error:contradiction@continueIfInteracted']);
    expect(issues(forEvent({ event: 'purchase' }, false))).toEqual([]);
  });

  it('caps the event timeout at 365 days in every unit', () => {
    const timeout = (amount: number, unit: string) => ({ mode: { kind: 'forEvent', event: { event: 'reply' }, timeout: { amount, unit } } });
    expect(issues(timeout(8760, 'hours'))).toEqual([]);
    expect(issues(timeout(8761, 'hours'))).toEqual(['error:too_large@mode.timeout.amount']);
    expect(issues(timeout(525_601, 'minutes'))).toEqual(['error:too_large@mode.timeout.amount']);
  });
});
