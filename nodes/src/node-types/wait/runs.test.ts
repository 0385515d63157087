import { describe, expect, it } from 'vitest';
import { runNode } from '../../testing/fake-run-context.ts';
import { delayCard } from './delay.ts';
import { waitNode } from './wait.ts';

// now = 2025-03-03T02:00:00Z = Monday 10:00 in Taipei.
const until = (o: unknown) => (o as { until?: Date }).until?.toISOString();

describe('wait runs', () => {
  it('duration: waits, then continues on the timer', async () => {
    const w = await runNode(waitNode, { mode: { kind: 'duration', days: 1, hours: 2, minutes: 3 } });
    expect(w.outcome).toMatchObject({ kind: 'wait', events: [] });
    expect(until(w.outcome)).toBe('2025-03-04T04:03:00.000Z');
    const done = await runNode(waitNode, { mode: { kind: 'duration', days: 1, hours: 0, minutes: 0 } }, { resumedBy: { type: 'timer', payload: {} } });
    expect(done.outcome).toMatchObject({ kind: 'next', port: 'next' });
  });

  it('until a time of day in the team zone, optionally on some weekdays', async () => {
    const tomorrow = await runNode(waitNode, { mode: { kind: 'untilTime', target: { kind: 'nextTime', time: '09:00', weekdays: [] } } });
    expect(until(tomorrow.outcome)).toBe('2025-03-04T01:00:00.000Z');
    const today = await runNode(waitNode, { mode: { kind: 'untilTime', target: { kind: 'nextTime', time: '18:30', weekdays: [] } } });
    expect(until(today.outcome)).toBe('2025-03-03T10:30:00.000Z');
    const saturday = await runNode(waitNode, { mode: { kind: 'untilTime', target: { kind: 'nextTime', time: '09:00', weekdays: ['sat'] } } });
    expect(until(saturday.outcome)).toBe('2025-03-08T01:00:00.000Z');
    const at = await runNode(waitNode, { mode: { kind: 'untilTime', target: { kind: 'datetime', at: '2025-12-01T00:00:00+08:00' } } });
    expect(until(at.outcome)).toBe('2025-11-30T16:00:00.000Z');
    const past = await runNode(waitNode, { mode: { kind: 'untilTime', target: { kind: 'datetime', at: '2020-01-01T00:00:00+08:00' } } });
    expect(past.outcome).toMatchObject({ kind: 'next', port: 'next' });
  });

  it('until an attribute date ± days at a time', async () => {
    const config = { mode: { kind: 'untilAttributeDate', attributeKey: 'birthday', offsetDays: -3, time: '10:00' } };
    const w = await runNode(waitNode, config, { contact: { attributes: { birthday: '2025-03-20' } } });
    expect(until(w.outcome)).toBe('2025-03-17T02:00:00.000Z');
    const missing = await runNode(waitNode, config);
    expect(missing.outcome).toMatchObject({ kind: 'next', port: 'next' });
  });

  it('for an event with a timeout: event port on the event, timeout port on the timer', async () => {
    const config = { mode: { kind: 'forEvent', event: { event: 'tagApplied', tag: 'paid' }, timeout: { amount: 2, unit: 'hours' } } };
    const w = await runNode(waitNode, config);
    expect(w.outcome).toMatchObject({ kind: 'wait', events: [{ event: 'tagApplied', tag: 'paid' }], timeoutPort: 'timeout' });
    expect(until(w.outcome)).toBe('2025-03-03T04:00:00.000Z');
    expect((await runNode(waitNode, config, { resumedBy: { type: 'tagApplied', payload: { tags: ['paid'] } } })).outcome).toMatchObject({ port: 'event' });
    expect((await runNode(waitNode, config, { resumedBy: { type: 'timer', payload: {} } })).outcome).toMatchObject({ port: 'timeout' });
  });

  it('a wait that must not continue after an interaction ends the run when the contact replies', async () => {
    const config = { mode: { kind: 'duration', days: 1, hours: 0, minutes: 0 }, continueIfInteracted: false };
    const w = await runNode(waitNode, config);
    expect(w.outcome).toMatchObject({ kind: 'wait', events: [{ event: 'reply' }, { event: 'buttonClick' }] });
    expect((await runNode(waitNode, config, { resumedBy: { type: 'reply', payload: { text: 'hi' } } })).outcome).toMatchObject({
      kind: 'end',
      status: 'exited',
    });
  });

  it('delay card: waits minutes, cancels on interaction, fails when the 24 h window closed', async () => {
    const w = await runNode(delayCard, { minutes: 30, continueIfInteracted: false }, { flowKind: 'chatbot' });
    expect(until(w.outcome)).toBe('2025-03-03T02:30:00.000Z');
    expect((await runNode(delayCard, { minutes: 30 }, { resumedBy: { type: 'reply', payload: {} } })).outcome).toMatchObject({ port: 'cancelled' });
    expect((await runNode(delayCard, { minutes: 30 }, { resumedBy: { type: 'timer', payload: {} } })).outcome).toMatchObject({ port: 'next' });
    const closed = await runNode(
      delayCard,
      { minutes: 30 },
      {
        channel: 'messenger',
        resumedBy: { type: 'timer', payload: {} },
        contact: { identities: [{ channel: 'messenger', channelId: 'p', externalUserId: 'F', customerLastInteractionAt: '2025-03-01T00:00:00Z' } as never] },
      },
    );
    expect(closed.outcome).toMatchObject({ port: 'windowClosed' });
  });
});
