import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { MemoryContactStore } from '../contacts/contact-store.ts';
import { RecordingEffectHandler } from '../effects.ts';
import { contact, tagEvent, testEngine } from '../testing/fixtures.ts';

const MIN = 60_000;

const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, version: 1, config });
const edge = (source: string, sourcePort: string, target: string) => ({
  id: `${source}-${sourcePort.replace(/[^A-Za-z0-9_-]/g, '_')}`,
  source,
  sourcePort,
  target,
});

/** trigger (tag "go") → send → wait 10 min → send → end */
function journey(settings: Record<string, unknown> = {}, extra: { nodes?: unknown[]; edges?: unknown[] } = {}) {
  return {
    formatVersion: 2,
    kind: 'journey',
    channels: ['line'],
    triggers: [node('t', 'trigger.tag_applied', { tags: ['go'] })],
    nodes: [
      node('hello', 'message.send', { content: { kind: 'text', text: 'Hello {{system:customer_name}}' }, purpose: 'transactional' }),
      node('wait', 'wait.wait', { mode: { kind: 'duration', days: 0, hours: 0, minutes: 10 } }),
      node('bye', 'message.send', { content: { kind: 'text', text: 'Bye' }, purpose: 'transactional' }),
      ...(extra.nodes ?? []),
    ],
    edges: [edge('t', 'next', 'hello'), edge('hello', 'sent', 'wait'), edge('wait', 'next', 'bye'), ...(extra.edges ?? [])],
    settings: { timeZone: 'Asia/Taipei', ...settings },
  };
}

describe('embedded engine: effects through the outbox', () => {
  it('records a send in the outbox, delivers it once with its idempotency key and replays the result', async () => {
    const t = testEngine();
    t.engine.publish('j', 'v1', journey());
    t.engine.ingest(tagEvent('c1', ['go']));
    await t.engine.idle();
    const [run] = t.engine.runs();
    expect(run?.state).toBe('waiting');
    const outbox = t.engine.outbox(run!.id);
    expect(outbox).toEqual([expect.objectContaining({ key: `${run!.id}:hello:0:0`, kind: 'send', status: 'done', attempts: 1 })]);
    expect(t.effects.delivered).toHaveLength(1);
    expect((t.effects.delivered[0]!.payload.content as { text: string }).text).toBe('Hello Customer c1');
    await t.advance(10 * MIN);
    expect(t.engine.getRun(run!.id)?.status).toBe('completed');
    expect(t.effects.delivered.map((e) => e.idempotencyKey)).toEqual([`${run!.id}:hello:0:0`, `${run!.id}:bye:3:0`]);
    await t.engine.stop();
  });

  it('retries a failing delivery with back-off on the clock, then the node sees the result', async () => {
    let calls = 0;
    const t = testEngine({
      answer: () => {
        calls += 1;
        if (calls < 3) throw new Error('connection reset');
        return { ok: true, messageId: 'm1', channel: 'line' as const };
      },
    });
    t.engine.publish('j', 'v1', journey());
    t.engine.ingest(tagEvent('c1', ['go']));
    await t.engine.idle();
    const [run] = t.engine.runs();
    expect(run?.state).toBe('effect');
    await t.advance(5_000);
    expect(calls).toBe(2);
    await t.advance(10_000);
    expect(calls).toBe(3);
    expect(t.engine.getRun(run!.id)?.state).toBe('waiting');
    expect(t.engine.outbox(run!.id)[0]).toMatchObject({ status: 'done', attempts: 3 });
    await t.engine.stop();
  });

  it('hands the final failure to the node, which takes its failed port', async () => {
    const t = testEngine({ answer: () => ({ ok: false, reason: 'invalid_recipient', message: 'no such user', retryable: false }) });
    t.engine.publish('j', 'v1', journey({}, { nodes: [node('oops', 'flow.exit', { reason: 'send failed' })], edges: [edge('hello', 'failed', 'oops')] }));
    t.engine.ingest(tagEvent('c1', ['go']));
    await t.engine.idle();
    const [run] = t.engine.runs();
    expect(run?.status).toBe('completed');
    expect(run?.exitReason).toBe('send failed');
    const steps = t.engine.runTimeline(run!.id).steps;
    expect(steps[0]).toMatchObject({ nodeId: 'hello', port: 'failed' });
    expect(steps[0]!.explanation).toContain('invalid_recipient');
    await t.engine.stop();
  });
});

describe('embedded engine: durability', () => {
  it('continues runs and fires timers after a restart on the same file', async () => {
    const clock = new ManualClock(new Date('2025-03-03T02:00:00Z'));
    const store = new MemoryContactStore([contact('c1'), contact('c2')]);
    const first = testEngine({ clock, store });
    first.engine.publish('j', 'v1', journey());
    first.engine.ingest(tagEvent('c1', ['go']));
    first.engine.ingest(tagEvent('c2', ['go']));
    await first.engine.idle();
    expect(first.engine.runs().map((r) => r.status)).toEqual(['waiting', 'waiting']);
    await first.engine.stop();

    clock.advance(30 * MIN);
    const effects = new RecordingEffectHandler();
    const second = testEngine({ clock, store, file: first.file, effects });
    await second.engine.idle();
    expect(second.engine.runs().map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(effects.delivered.map((e) => e.nodeId)).toEqual(['bye', 'bye']);
    await second.engine.stop();
  });

  it('redelivers an effect whose delivery was interrupted, with the same key', async () => {
    const clock = new ManualClock(new Date('2025-03-03T02:00:00Z'));
    const store = new MemoryContactStore([contact('c1')]);
    // The first process never hears back from the channel (it "crashes" mid-delivery).
    const first = testEngine({ clock, store, answer: () => new Promise(() => {}) });
    first.engine.publish('j', 'v1', journey());
    first.engine.ingest(tagEvent('c1', ['go']));
    await new Promise((r) => setTimeout(r, 50));
    expect(first.effects.delivered).toHaveLength(1);
    first.engine.db.close();

    const second = testEngine({ clock, store, file: first.file });
    await second.engine.idle();
    expect(second.effects.delivered.map((e) => e.idempotencyKey)).toEqual([first.effects.delivered[0]!.idempotencyKey]);
    expect(second.engine.runs()[0]?.status).toBe('waiting');
    await second.engine.stop();
  });
});

describe('embedded engine: entry', () => {
  it('dedupes trigger events by their dedupe key', async () => {
    const t = testEngine();
    t.engine.publish('j', 'v1', journey({ reentry: { mode: 'always' }, maxConcurrentRunsPerContact: 5 }));
    const e = tagEvent('c1', ['go']);
    t.engine.ingest(e);
    t.engine.ingest({ ...e, id: 'other-delivery' });
    await t.engine.idle();
    expect(t.engine.runs()).toHaveLength(1);
    await t.engine.stop();
  });

  it('applies re-entry never, always and the concurrency cap', async () => {
    const t = testEngine();
    t.engine.publish('never', 'n1', journey({ reentry: { mode: 'never' } }));
    t.engine.publish('always', 'a1', journey({ reentry: { mode: 'always' }, maxConcurrentRunsPerContact: 2 }));
    for (let i = 0; i < 3; i++) t.engine.ingest(tagEvent('c1', ['go']));
    await t.engine.idle();
    expect(t.engine.runs({ flowId: 'never' })).toHaveLength(1);
    expect(t.engine.runs({ flowId: 'always' })).toHaveLength(2);
    await t.advance(10 * MIN);
    t.engine.ingest(tagEvent('c1', ['go']));
    await t.engine.idle();
    expect(t.engine.runs({ flowId: 'never' })).toHaveLength(1);
    expect(t.engine.runs({ flowId: 'always' })).toHaveLength(3);
    await t.engine.stop();
  });

  it('checks entry conditions', async () => {
    const t = testEngine({ contacts: [contact('c1'), contact('c2', { attributes: { tier: 'gold' } })] });
    t.engine.publish(
      'j',
      'v1',
      journey({ entryConditions: { op: 'and', items: [{ criterion: 'attribute', key: 'tier', type: 'text', op: 'equals', value: 'gold' }] } }),
    );
    t.engine.ingest(tagEvent('c1', ['go']));
    t.engine.ingest(tagEvent('c2', ['go']));
    await t.engine.idle();
    expect(t.engine.runs().map((r) => r.customerId)).toEqual(['c2']);
    await t.engine.stop();
  });

  it('matches "all" tags only when applied at once, and honours source filters', async () => {
    const t = testEngine();
    const g = journey();
    g.triggers = [node('t', 'trigger.tag_applied', { tags: ['a', 'b'], match: 'all', excludeSources: ['import'] })];
    t.engine.publish('j', 'v1', g);
    t.engine.ingest(tagEvent('c1', ['a']));
    t.engine.ingest({ ...tagEvent('c1', ['a', 'b']), source: 'import' });
    await t.engine.idle();
    expect(t.engine.runs()).toHaveLength(0);
    t.engine.ingest(tagEvent('c1', ['b', 'a', 'c']));
    await t.engine.idle();
    expect(t.engine.runs()).toHaveLength(1);
    await t.engine.stop();
  });

  it('does not re-trigger a journey with its own tag changes, but does trigger another journey', async () => {
    const t = testEngine();
    const tagger = {
      formatVersion: 2,
      kind: 'journey',
      channels: ['line'],
      triggers: [node('t', 'trigger.tag_applied', { tags: ['loop'] })],
      nodes: [node('tag', 'action.tag', { op: 'add', tags: ['loop'] })],
      edges: [edge('t', 'next', 'tag')],
      settings: { reentry: { mode: 'always' } },
    };
    t.engine.publish('tagger', 'v1', tagger);
    const other = journey();
    other.triggers = [node('t', 'trigger.tag_applied', { tags: ['loop'] })];
    t.engine.publish('other', 'o1', other);
    t.engine.ingest(tagEvent('c1', ['loop']));
    await t.engine.idle();
    expect(t.engine.runs({ flowId: 'tagger' })).toHaveLength(1);
    // "other" started from the manual tag and again from tagger's tag? No: max 1 concurrent run.
    expect(t.engine.runs({ flowId: 'other' })).toHaveLength(1);
    expect((await t.contacts.get('c1'))?.tags.find((x) => x.name === 'loop')?.lastSource).toBe('journey');
    await t.engine.stop();
  });

  it('does not trigger while paused, and cancels runs when ended', async () => {
    const t = testEngine();
    t.engine.publish('j', 'v1', journey({ reentry: { mode: 'always' } }));
    t.engine.pause('j');
    t.engine.ingest(tagEvent('c1', ['go']));
    await t.engine.idle();
    expect(t.engine.runs()).toHaveLength(0);
    t.engine.resume('j');
    t.engine.ingest(tagEvent('c1', ['go']));
    await t.engine.idle();
    expect(t.engine.runs()[0]?.status).toBe('waiting');
    t.engine.end('j');
    expect(t.engine.runs()[0]?.status).toBe('cancelled');
    expect(t.engine.nodeStats('j', 'v1').wait?.waiting).toBe(0);
    await t.engine.stop();
  });

  it('starts a journey from the trigger-journey node with variables', async () => {
    const t = testEngine();
    const caller = journey();
    caller.nodes = [node('call', 'flow.trigger_journey', { journeyId: 'callee', variables: [{ name: 'coupon', value: 'C-{{system:customer_name}}' }] })];
    caller.edges = [edge('t', 'next', 'call')];
    t.engine.publish('caller', 'v1', caller);
    const callee = journey();
    callee.triggers = [node('sys', 'trigger.system', {})];
    callee.nodes = [node('hello', 'message.send', { content: { kind: 'text', text: 'Your code {{trigger:vars.coupon}}' }, purpose: 'transactional' })];
    callee.edges = [edge('sys', 'next', 'hello')];
    t.engine.publish('callee', 'c1', callee);
    t.engine.ingest(tagEvent('c1', ['go']));
    await t.engine.idle();
    expect(t.engine.runs({ flowId: 'caller' })[0]?.status).toBe('completed');
    const [callee1] = t.engine.runs({ flowId: 'callee' });
    expect(callee1?.status).toBe('completed');
    expect((t.effects.delivered[0]!.payload.content as { text: string }).text).toBe('Your code C-Customer c1');
    expect(t.engine.runTimeline(t.engine.runs({ flowId: 'caller' })[0]!.id).steps[0]).toMatchObject({ port: 'entered' });
    await t.engine.stop();
  });
});

describe('embedded engine: publishing new versions', () => {
  async function twoVersions(policy: 'keep' | 'cancel' | 'move_at_next_wait') {
    const t = testEngine();
    t.engine.publish('j', 'v1', journey());
    t.engine.ingest(tagEvent('c1', ['go']));
    await t.engine.idle();
    const v2 = journey();
    v2.nodes[2] = node('bye', 'message.send', { content: { kind: 'text', text: 'Bye from v2' }, purpose: 'transactional' });
    t.engine.publish('j', 'v2', v2, { inFlight: policy });
    await t.advance(10 * MIN);
    return t;
  }
  it('keep: runs stay pinned to their version', async () => {
    const t = await twoVersions('keep');
    expect(t.engine.runs()[0]).toMatchObject({ versionId: 'v1', status: 'completed' });
    expect((t.effects.delivered[1]!.payload.content as { text: string }).text).toBe('Bye');
    await t.engine.stop();
  });
  it('cancel: runs of older versions are cancelled', async () => {
    const t = await twoVersions('cancel');
    expect(t.engine.runs()[0]).toMatchObject({ versionId: 'v1', status: 'cancelled' });
    expect(t.effects.delivered).toHaveLength(1);
    await t.engine.stop();
  });
  it('move at next wait: a waiting run moves to the same node of the new version', async () => {
    const t = await twoVersions('move_at_next_wait');
    expect(t.engine.runs()[0]).toMatchObject({ versionId: 'v2', status: 'completed' });
    expect((t.effects.delivered[1]!.payload.content as { text: string }).text).toBe('Bye from v2');
    await t.engine.stop();
  });
});

describe('embedded engine: safety bounds', () => {
  it('fails a run that loops without a wait (steps per activation)', async () => {
    const t = testEngine();
    const g = journey();
    const always = { op: 'and', items: [] };
    g.nodes = [
      node('a', 'logic.split', { branches: [{ id: 'x', label: 'x', condition: always }] }),
      node('b', 'logic.split', { branches: [{ id: 'x', label: 'x', condition: always }] }),
    ];
    g.edges = [edge('t', 'next', 'a'), edge('a', 'branch:x', 'b'), edge('b', 'branch:x', 'a')];
    t.engine.publish('j', 'v1', g);
    t.engine.ingest(tagEvent('c1', ['go']));
    await t.engine.idle();
    expect(t.engine.runs()[0]).toMatchObject({ status: 'failed', exitReason: 'step_limit' });
    await t.engine.stop();
  });

  it('stops a chatbot after 50 module transitions without customer input', async () => {
    const t = testEngine();
    const bot = {
      formatVersion: 2,
      kind: 'chatbot',
      bot: { scope: 'line' },
      triggers: [node('kw', 'trigger.keyword', { keywords: ['loop'], match: 'exact' })],
      modules: [
        { id: 'm1', name: 'One', cards: [node('c1', 'logic.condition', { condition: { op: 'and', items: [] } })] },
        { id: 'm2', name: 'Two', cards: [node('c2', 'logic.condition', { condition: { op: 'and', items: [] } })] },
      ],
      entryModuleId: 'm1',
      edges: [edge('kw', 'next', 'm1'), edge('c1', 'met', 'm2'), edge('c2', 'met', 'm1')],
    };
    t.engine.publish('bot', 'b1', bot);
    t.engine.ingest({ ...tagEvent('c1', []), type: 'message.received', payload: { text: 'LOOP' } });
    await t.engine.idle();
    const [run] = t.engine.runs();
    expect(run).toMatchObject({ status: 'exited', exitReason: 'loop_guard' });
    // 50 module transitions are allowed; the 51st ends the session.
    expect(t.engine.runTimeline(run!.id).steps).toHaveLength(51);
    await t.engine.stop();
  });
});

describe('embedded engine: waits', () => {
  it('waits for an event with a timeout and takes the event port when it comes', async () => {
    const t = testEngine({ contacts: [contact('c1'), contact('c2')] });
    const g = journey();
    g.nodes = [
      node('w', 'wait.wait', { mode: { kind: 'forEvent', event: { event: 'tagApplied', tag: 'paid' }, timeout: { amount: 2, unit: 'hours' } } }),
      node('yes', 'flow.goal', { label: 'Paid' }),
      node('no', 'flow.exit', { reason: 'never paid' }),
    ];
    g.edges = [edge('t', 'next', 'w'), edge('w', 'event', 'yes'), edge('w', 'timeout', 'no')];
    t.engine.publish('j', 'v1', g);
    t.engine.ingest(tagEvent('c1', ['go']));
    t.engine.ingest(tagEvent('c2', ['go']));
    await t.engine.idle();
    t.engine.deliverInbound({ customerId: 'c1', kind: 'tagApplied', payload: { tags: ['paid'] } });
    await t.advance(2 * 60 * MIN);
    const [r1, r2] = t.engine.runs();
    expect(r1).toMatchObject({ customerId: 'c1', status: 'goal_reached' });
    expect(r2).toMatchObject({ customerId: 'c2', status: 'completed', exitReason: 'never paid' });
    expect(t.engine.nodeStats('j', 'v1').w?.ports).toEqual({ event: 1, timeout: 1 });
    await t.engine.stop();
  });

  it('waits until the next 09:00 in the team time zone', async () => {
    // 2025-03-03T02:00Z is 10:00 in Taipei: the next 09:00 is tomorrow, 23 h later.
    const t = testEngine();
    const g = journey();
    g.nodes[1] = node('wait', 'wait.wait', { mode: { kind: 'untilTime', target: { kind: 'nextTime', time: '09:00', weekdays: [] } } });
    t.engine.publish('j', 'v1', g);
    t.engine.ingest(tagEvent('c1', ['go']));
    await t.advance(23 * 60 * MIN - 1);
    expect(t.engine.runs()[0]?.status).toBe('waiting');
    await t.advance(1);
    expect(t.engine.runs()[0]?.status).toBe('completed');
    await t.engine.stop();
  });
});

describe('embedded engine: ending a run with an undelivered effect', () => {
  it('cancels its pending outbox row, so a restart does not deliver it', async () => {
    const t = testEngine({ answer: () => new Promise(() => {}) });
    const g = journey();
    g.nodes.push(node('second', 'message.send', { content: { kind: 'text', text: 'x' }, purpose: 'transactional' }));
    t.engine.publish('j', 'v1', g);
    t.engine.ingest(tagEvent('c1', ['go']));
    await new Promise((r) => setTimeout(r, 30));
    // The first delivery hangs (in flight); end the flow while it does.
    t.engine.end('j');
    const [run] = t.engine.runs();
    expect(run?.status).toBe('cancelled');
    expect(t.engine.outbox(run!.id).map((o) => o.status)).toEqual(['cancelled']);
    t.engine.db.close();
    const again = testEngine({ file: t.file, store: t.contacts, clock: t.clock });
    await again.engine.idle();
    expect(again.effects.delivered).toHaveLength(0);
    await again.engine.stop();
  });
});
