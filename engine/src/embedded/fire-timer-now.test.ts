import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { contact, tagEvent, testEngine } from '../testing/fixtures.ts';

// fireTimerNow: the fast-forward behind runs.fastForward. The clock does not move; only the run's own timer.

const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, version: 1, config });
const edge = (source: string, sourcePort: string, target: string) => ({ id: `${source}-${sourcePort}`, source, sourcePort, target });

/** trigger (tag "go") → wait 1 h → tag "waited" → end; or, with `event`, a wait for a reply. */
const journey = (wait: Record<string, unknown>) => ({
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [node('t', 'trigger.tag_applied', { tags: ['go'] })],
  nodes: [node('wait', 'wait.wait', wait), node('tag', 'action.tag', { op: 'add', tags: ['waited'] }), node('end', 'flow.exit', {})],
  edges: [edge('t', 'next', 'wait'), edge('wait', 'next', 'tag'), edge('tag', 'next', 'end')],
  settings: { timeZone: 'Asia/Taipei' },
});

describe('embedded engine: fireTimerNow', () => {
  it("makes one waiting run's timer due now; the run goes on and other runs keep waiting", async () => {
    const t = testEngine({ contacts: [contact('c1'), contact('c2')] });
    t.engine.publish('j', 'v1', journey({ mode: { kind: 'duration', days: 0, hours: 1, minutes: 0 } }));
    t.engine.ingest(tagEvent('c1', ['go']));
    t.engine.ingest(tagEvent('c2', ['go']));
    await t.engine.idle();
    const [first, second] = t.engine.runs();
    expect([first?.state, second?.state]).toEqual(['waiting', 'waiting']);

    const dueAt = t.engine.fireTimerNow(first!.id);
    expect(dueAt?.getTime()).toBe(t.clock.now() + 3_600_000);
    await t.engine.idle();
    expect(t.engine.getRun(first!.id)?.status).toBe('completed');
    expect(t.engine.runTimeline(first!.id).steps.map((s) => s.nodeId)).toEqual(['wait', 'wait', 'tag', 'end']);
    expect(t.engine.getRun(second!.id)?.state).toBe('waiting');
    // Finished: nothing left to fire.
    expect(t.engine.fireTimerNow(first!.id)).toBeUndefined();
    expect(t.engine.fireTimerNow('no-such-run')).toBeUndefined();
    await t.engine.stop();
  });

  /** tag "go" → wait → marketing send, with quiet hours 22:00–08:00 in Taipei. */
  const quietJourney = (waitHours: number) => ({
    formatVersion: 2,
    kind: 'journey',
    channels: ['line'],
    triggers: [node('t', 'trigger.tag_applied', { tags: ['go'] })],
    nodes: [
      node('wait', 'wait.wait', { mode: { kind: 'duration', days: 0, hours: waitHours, minutes: 0 } }),
      node('promo', 'message.send', { content: { kind: 'text', text: 'Sale!' }, purpose: 'marketing' }),
      node('end', 'flow.exit', {}),
    ],
    edges: [edge('t', 'next', 'wait'), edge('wait', 'next', 'promo'), edge('promo', 'sent', 'end')],
    settings: { timeZone: 'Asia/Taipei', quietHours: { start: '22:00', end: '08:00', mode: 'defer' } },
  });

  it('judges quiet hours at the fired timer’s due time: a wait due at 23:00 holds the send till 08:00 even when fired at 10:00', async () => {
    const t = testEngine({ clock: new ManualClock(new Date('2025-03-03T02:00:00Z')) }); // 10:00 in Taipei
    t.engine.publish('j', 'v1', quietJourney(13)); // due 23:00 Taipei
    t.engine.ingest(tagEvent('c1', ['go']));
    await t.engine.idle();
    const [run] = t.engine.runs();
    t.engine.fireTimerNow(run!.id);
    await t.engine.idle();
    expect(t.effects.of('send')).toHaveLength(0);
    const held = t.engine.runTimeline(run!.id).steps.at(-1);
    expect(held).toMatchObject({ nodeId: 'promo', outcome: 'waiting', explanation: 'Quiet hours: deferred until 2025-03-04T00:00:00.000Z' });
    // The hold is nine hours of the run's own timeline (23:00 → 08:00), not of the real clock.
    expect(t.engine.fireTimerNow(run!.id)?.toISOString()).toBe(new Date(Date.parse('2025-03-03T02:00:00Z') + 9 * 3_600_000).toISOString());
    await t.engine.idle();
    expect(t.effects.of('send')).toHaveLength(1);
    expect(t.engine.getRun(run!.id)?.status).toBe('completed');
    await t.engine.stop();
  });

  it('does not hold a send whose fired wait was due outside quiet hours, though the real clock is inside them', async () => {
    const t = testEngine({ clock: new ManualClock(new Date('2025-03-03T15:00:00Z')) }); // 23:00 in Taipei
    t.engine.publish('j', 'v1', quietJourney(10)); // due 09:00 Taipei
    t.engine.ingest(tagEvent('c1', ['go']));
    await t.engine.idle();
    const [run] = t.engine.runs();
    t.engine.fireTimerNow(run!.id);
    await t.engine.idle();
    expect(t.effects.of('send')).toHaveLength(1);
    expect(t.engine.getRun(run!.id)?.status).toBe('completed');
    await t.engine.stop();
  });
});
