import { builtinCatalogue } from '@omniflow/nodes';
import type { FlowGraph } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import { MemoryContactStore } from '../contacts/contact-store.ts';
import { type Effect, type EffectResult, RecordingEffectHandler } from '../effects.ts';
import { contact, tagEvent, testEngine } from '../testing/fixtures.ts';
import { createActivities } from './activities.ts';
import type { RunInput, RuntimeEvent } from './contract.ts';
import { InProcessRun, runInputFor, settle, VirtualWorkflowTime } from './in-process.ts';
import { RunLedger } from './ledger.ts';

// The run workflow's body driven in process with the real activities (node execution through the shared
// interpreter, effect delivery, the ledger) and a virtual workflow clock — and compared with the
// embedded runtime running the same journey.

const MIN = 60_000;
const START = Date.parse('2025-03-03T02:00:00Z');

const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, version: 1, config });
const edge = (source: string, sourcePort: string, target: string) => ({
  id: `${source}-${sourcePort.replace(/[^A-Za-z0-9_-]/g, '_')}`,
  source,
  sourcePort,
  target,
});
const send = (text: string) => ({ content: { kind: 'text', text }, purpose: 'transactional' });

/** trigger (tag "go") → send → wait 10 min → send */
function journey(settings: Record<string, unknown> = {}, extra: { nodes?: unknown[]; edges?: unknown[] } = {}) {
  return {
    formatVersion: 2,
    kind: 'journey',
    channels: ['line'],
    triggers: [node('t', 'trigger.tag_applied', { tags: ['go'] })],
    nodes: [
      node('hello', 'message.send', send('Hello {{system:customer_name}}')),
      node('wait', 'wait.wait', { mode: { kind: 'duration', days: 0, hours: 0, minutes: 10 } }),
      node('bye', 'message.send', send('Bye')),
      ...(extra.nodes ?? []),
    ],
    edges: [edge('t', 'next', 'hello'), edge('hello', 'sent', 'wait'), edge('wait', 'next', 'bye'), ...(extra.edges ?? [])],
    settings: { timeZone: 'Asia/Taipei', ...settings },
  };
}

/** trigger → wait for a reply (timeout 1 hour) → replied: send / timeout: send */
const replyJourney = (settings: Record<string, unknown> = {}) => ({
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [node('t', 'trigger.tag_applied', { tags: ['go'] })],
  nodes: [
    node('ask', 'wait.wait', { mode: { kind: 'forEvent', event: { event: 'reply' }, timeout: { amount: 1, unit: 'hours' } } }),
    node('thanks', 'message.send', send('Thanks')),
    node('nudge', 'message.send', send('Still there?')),
  ],
  edges: [edge('t', 'next', 'ask'), edge('ask', 'event', 'thanks'), edge('ask', 'timeout', 'nudge')],
  settings: { timeZone: 'Asia/Taipei', ...settings },
});

function harness(graph: unknown, options: { answer?: (e: Effect) => EffectResult; input?: (i: RunInput) => RunInput; stepBudget?: number } = {}) {
  const ledger = new RunLedger(':memory:');
  const time = new VirtualWorkflowTime(START);
  const contacts = new MemoryContactStore([contact('c1')]);
  const effects = new RecordingEffectHandler(options.answer);
  const published: RuntimeEvent[] = [];
  const activities = createActivities({
    catalogue: builtinCatalogue(),
    contacts,
    effects,
    ledger,
    runtime: {
      publishEvents: async (events) => {
        published.push(...events);
      },
      enterFromNode: async () => ({ entered: false, reason: 'not_in_this_test' }),
    },
  });
  const parsed: FlowGraph = ledger.publish('j', 'v1', graph, START);
  const base = runInputFor({ ledger, runId: 'run_1', flowId: 'j', versionId: 'v1', graph: parsed, customerId: 'c1', now: START, channel: 'line' });
  const input = options.input ? options.input(base) : base;
  const start = (i: RunInput) => new InProcessRun(i, { activities, time, ...(options.stepBudget ? { stepBudget: options.stepBudget } : {}) });
  const run = start(input);
  const rest = (r: InProcessRun = run) => settle(() => r.settled || time.blocked > 0);
  return { ledger, time, contacts, effects, published, activities, run, rest, start, parsed };
}

const shape = (steps: { seq: number; nodeId: string; outcome: string; port?: string }[]) =>
  steps.map((s) => `${s.seq}:${s.nodeId}:${s.outcome}:${s.port ?? ''}`);

describe('run workflow body (in process)', () => {
  it('takes the same steps, sends with the same idempotency keys and ends the same way as the embedded runtime', async () => {
    // Embedded runtime.
    const t = testEngine();
    t.engine.publish('j', 'v1', journey());
    t.engine.ingest(tagEvent('c1', ['go']));
    await t.engine.idle();
    await t.advance(10 * MIN);
    const [embeddedRun] = t.engine.runs();
    const embedded = t.engine.runTimeline(embeddedRun!.id);
    const embeddedKeys = t.effects.delivered.map((e) => e.idempotencyKey.replace(embeddedRun!.id, 'RUN'));
    const embeddedEnd = t.engine.getRun(embeddedRun!.id);
    await t.engine.stop();

    // The workflow body.
    const h = harness(journey());
    await h.rest();
    expect(h.ledger.getRun('run_1')).toMatchObject({ status: 'waiting', state: 'waiting', currentNodeId: 'wait' });
    expect(h.run.interpreter.snapshot()).toMatchObject({ status: 'waiting', nodeId: 'wait', wait: { untilMs: START + 10 * MIN } });
    h.time.advance(10 * MIN - 1);
    await h.rest();
    expect(h.effects.delivered).toHaveLength(1);
    h.time.advance(1);
    await h.rest();
    expect(await h.run.result).toEqual({ kind: 'done', status: 'completed', reason: 'no_edge:bye:sent' });

    const timeline = h.ledger.runTimeline('run_1');
    expect(shape(timeline.steps)).toEqual(shape(embedded.steps));
    expect(h.effects.delivered.map((e) => e.idempotencyKey.replace('run_1', 'RUN'))).toEqual(embeddedKeys);
    expect(embeddedKeys).toEqual(['RUN:hello:0:0', 'RUN:bye:3:0']);
    expect(timeline.run).toMatchObject({ status: embeddedEnd!.status, exitReason: embeddedEnd!.exitReason });
    expect(h.ledger.nodeStats('j', 'v1')).toMatchObject({ hello: { entered: 1, ports: { sent: 1 } }, wait: { entered: 1, waiting: 0, ports: { next: 1 } } });
  });

  it('resumes a wait with the inbound event it listens for, ignoring others and duplicates', async () => {
    const h = harness(replyJourney());
    await h.rest();
    h.run.signal({ id: 'e1', kind: 'tagApplied', type: 'tag.applied', payload: { tags: ['x'] }, occurredAt: START }, h.time);
    await h.rest();
    expect(h.run.interpreter.snapshot().status).toBe('waiting');
    h.time.advance(MIN);
    h.run.signal({ id: 'e2', kind: 'reply', type: 'message.received', payload: { text: 'yes' }, occurredAt: START + MIN }, h.time);
    h.run.signal({ id: 'e2', kind: 'reply', type: 'message.received', payload: { text: 'yes' }, occurredAt: START + MIN }, h.time);
    await h.rest();
    expect(await h.run.result).toMatchObject({ status: 'completed' });
    expect(h.effects.delivered.map((e) => e.nodeId)).toEqual(['thanks']);
    const steps = h.ledger.runTimeline('run_1').steps;
    expect(steps.find((s) => s.nodeId === 'ask' && s.outcome === 'passed')?.input).toMatchObject({
      resumedBy: { type: 'reply', payload: { text: 'yes', eventId: 'e2' } },
    });
  });

  it('takes the timeout port when the wait times out', async () => {
    const h = harness(replyJourney());
    await h.rest();
    h.time.advance(60 * MIN);
    await h.rest();
    expect(await h.run.result).toMatchObject({ status: 'completed' });
    expect(h.effects.delivered.map((e) => e.nodeId)).toEqual(['nudge']);
    expect(shape(h.ledger.runTimeline('run_1').steps)).toEqual(['0:ask:waiting:', '1:ask:passed:timeout', '2:nudge:passed:sent']);
  });

  it('ends on a journey goal event while waiting, and on an end request (flow ended)', async () => {
    const goal = { goals: [{ id: 'bought', label: 'Bought', when: { kind: 'event', match: { event: 'purchase' } } }] };
    const h = harness(replyJourney(goal));
    await h.rest();
    h.run.signal({ id: 'p1', kind: 'purchase', type: 'cart.checked_out', payload: {}, occurredAt: START }, h.time);
    await h.rest();
    expect(await h.run.result).toEqual({ kind: 'done', status: 'goal_reached', reason: 'goal:bought' });
    expect(h.ledger.getRun('run_1')).toMatchObject({ status: 'goal_reached', state: 'done' });

    const e = harness(replyJourney());
    await e.rest();
    e.run.interpreter.onEnd({ status: 'cancelled', reason: 'flow_ended' });
    e.time.poke();
    await e.rest();
    expect(await e.run.result).toEqual({ kind: 'done', status: 'cancelled', reason: 'flow_ended' });
    expect(e.ledger.getRun('run_1')).toMatchObject({ status: 'cancelled', exitReason: 'flow_ended' });
  });

  it('hands a platform 4xx to the node as its result (the node takes its failed port) without retrying', async () => {
    const h = harness(journey(), { answer: () => ({ ok: false, reason: 'invalid_request', message: 'bad', retryable: false, status: 400 }) as EffectResult });
    await h.rest();
    expect(await h.run.result).toEqual({ kind: 'done', status: 'completed', reason: 'no_edge:hello:failed' });
    expect(h.effects.delivered).toHaveLength(1);
    expect(h.ledger.runTimeline('run_1').steps).toEqual([expect.objectContaining({ nodeId: 'hello', port: 'failed' })]);
  });

  it('continues as new at a wait once the step budget is spent, and the next execution finishes the run', async () => {
    const h = harness(journey(), { stepBudget: 2 });
    await h.rest();
    const first = await h.run.result;
    expect(first.kind).toBe('continue');
    if (first.kind !== 'continue') return;
    expect(first.input.position).toMatchObject({ nodeId: 'wait', stepSeq: 1, wait: { untilMs: START + 10 * MIN } });
    expect(first.input.generation).toBe(1);
    const next = h.start({ ...first.input, stepBudget: 500 });
    await h.rest(next);
    expect(next.interpreter.snapshot()).toMatchObject({ status: 'waiting', generation: 1 });
    h.time.advance(10 * MIN);
    await h.rest(next);
    expect(await next.result).toMatchObject({ status: 'completed' });
    // The same keys as without the hand-over: the send is not repeated.
    expect(h.effects.delivered.map((e) => e.idempotencyKey)).toEqual(['run_1:hello:0:0', 'run_1:bye:3:0']);
  });

  it('publish policy: move_at_next_wait moves a waiting run to the new version; cancel ends it', async () => {
    const h = harness(journey());
    await h.rest();
    const v2 = h.ledger.publish(
      'j',
      'v2',
      journey({}, { nodes: [node('extra', 'message.send', send('New in v2'))], edges: [edge('bye', 'sent', 'extra')] }),
      START,
    );
    h.run.interpreter.onVersionPublished({ versionId: 'v2', graph: v2, policy: 'move_at_next_wait' });
    h.time.poke();
    await h.rest();
    expect(h.run.interpreter.snapshot().versionId).toBe('v2');
    h.time.advance(10 * MIN);
    await h.rest();
    expect(await h.run.result).toMatchObject({ status: 'completed', reason: 'no_edge:extra:sent' });
    expect(h.ledger.getRun('run_1')?.versionId).toBe('v2');

    const c = harness(journey());
    await c.rest();
    c.run.interpreter.onVersionPublished({ versionId: 'v2', graph: c.parsed, policy: 'cancel' });
    c.time.poke();
    await c.rest();
    expect(await c.run.result).toEqual({ kind: 'done', status: 'cancelled', reason: 'new_version_published' });
  });

  it('hands tags a journey applied back to the runtime as events, keyed by the call', async () => {
    const graph = journey({}, { nodes: [node('tag', 'action.tag', { op: 'add', tags: ['vip'] })], edges: [] });
    graph.edges = [edge('t', 'next', 'tag'), edge('tag', 'next', 'hello'), edge('hello', 'sent', 'wait'), edge('wait', 'next', 'bye')];
    const h = harness(graph);
    await h.rest();
    expect(h.published).toEqual([
      expect.objectContaining({
        id: 'run_1:tag:0:0',
        type: 'tag.applied',
        kind: 'tagApplied',
        customerId: 'c1',
        payload: expect.objectContaining({ tags: ['vip'] }),
      }),
    ]);
    expect((await h.contacts.get('c1'))?.tags.map((t) => t.name)).toEqual(['vip']);
  });

  it('fails the run with engine_error when an activity fails for good, and records it', async () => {
    const h = harness(journey());
    const broken = new InProcessRun(
      { ...runInputFor({ ledger: h.ledger, runId: 'run_2', flowId: 'j', versionId: 'v1', graph: h.parsed, customerId: 'c1', now: START }) },
      {
        activities: {
          ...h.activities,
          executeStep: async () => {
            throw new Error('contact store unavailable');
          },
        },
        time: h.time,
      },
    );
    expect(await broken.result).toEqual({ kind: 'done', status: 'failed', reason: 'engine_error' });
    expect(h.ledger.getRun('run_2')).toMatchObject({ status: 'failed', state: 'done', exitReason: 'engine_error' });
    expect(h.ledger.runTimeline('run_2').steps).toEqual([
      expect.objectContaining({ nodeId: 'hello', outcome: 'failed', error: { reason: 'engine_error', message: 'contact store unavailable' } }),
    ]);
  });

  it('does not swallow a cancellation: the delivery in progress is dropped and the requested end is recorded', async () => {
    class Cancelled extends Error {}
    const h = harness(journey());
    let cancel!: (e: Error) => void;
    const hanging = new Promise<never>((_, reject) => {
      cancel = reject;
    });
    const input = runInputFor({ ledger: h.ledger, runId: 'run_3', flowId: 'j', versionId: 'v1', graph: h.parsed, customerId: 'c1', now: START });
    const run = new InProcessRun(input, {
      activities: { ...h.activities, deliverEffect: () => hanging },
      time: h.time,
      isCancellation: (e) => e instanceof Cancelled,
    });
    await settle(() => h.ledger.getRun('run_3')?.state === 'effect');
    // What workflows.ts does on the end signal: note the end, cancel the scope, record the end outside it.
    run.interpreter.onEnd({ status: 'cancelled', reason: 'flow_ended' });
    cancel(new Cancelled('cancelled'));
    await expect(run.result).rejects.toBeInstanceOf(Cancelled);
    const ending = run.interpreter.ending!;
    expect(await run.interpreter.finishEnded(ending.status, ending.reason)).toEqual({ kind: 'done', status: 'cancelled', reason: 'flow_ended' });
    expect(h.ledger.getRun('run_3')).toMatchObject({ status: 'cancelled', state: 'done', exitReason: 'flow_ended' });
  });
});
