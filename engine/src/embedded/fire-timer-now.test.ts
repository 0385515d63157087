import { describe, expect, it } from 'vitest';
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
});
