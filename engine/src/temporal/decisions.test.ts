import { FlowGraph } from '@omniflow/schemas';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { CompiledFlow } from '../interpreter/compiled-flow.ts';
import { effectResultOfFailure, entryRefusal, eventEndsRun, resumedByEvent, resumes, route } from './decisions.ts';

// The workflow's decisions as plain functions: the same rules as the embedded runtime's #route,
// #handleEvent and #enterTx.

const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, version: 1, config });
const edge = (source: string, sourcePort: string, target: string) => ({
  id: `${source}-${sourcePort.replace(/[^A-Za-z0-9_-]/g, '_')}`,
  source,
  sourcePort,
  target,
});
const text = (t: string) => ({ content: { kind: 'text', text: t } });

const journey = new CompiledFlow(
  'j',
  'v1',
  FlowGraph.parse({
    formatVersion: 2,
    kind: 'journey',
    channels: ['line'],
    triggers: [node('t', 'trigger.api', { triggerKey: 'k' })],
    nodes: [node('a', 'message.send', text('a')), node('b', 'message.send', text('b'))],
    edges: [edge('t', 'next', 'a'), edge('a', 'sent', 'b')],
    settings: {
      goals: [{ id: 'g', label: 'Bought', when: { kind: 'event', match: { event: 'purchase' } } }],
      exitConditions: [{ id: 'x', label: 'Tagged stop', when: { kind: 'event', match: { event: 'tagApplied', tag: 'stop' } } }],
      reentry: { mode: 'afterCooldown', cooldown: { amount: 1, unit: 'days' } },
    },
  }),
);

const chatbot = new CompiledFlow(
  'b',
  'v1',
  FlowGraph.parse({
    formatVersion: 2,
    kind: 'chatbot',
    bot: { scope: 'line' },
    entryModuleId: 'm1',
    triggers: [node('kw', 'trigger.keyword', { keywords: ['hi'] })],
    modules: [
      { id: 'm1', name: 'One', cards: [node('c1', 'message.text', { text: 'one' }), node('c2', 'message.text', { text: 'two' })] },
      { id: 'm2', name: 'Two', cards: [node('c3', 'message.text', { text: 'three' })] },
    ],
    edges: [edge('kw', 'next', 'm1'), edge('c2', 'next', 'm2'), edge('c3', 'next', 'm1')],
    settings: { loopGuard: 2 },
  }),
);

describe('route', () => {
  it('follows a journey edge, or ends the run naming the port that leads nowhere', () => {
    expect(route(journey, { runId: 'r', nodeId: 'a', port: 'sent', hops: 0, byInput: false })).toEqual({ kind: 'goto', nodeId: 'b', hops: 0 });
    expect(route(journey, { runId: 'r', nodeId: 'b', port: 'failed', hops: 0, byInput: false })).toEqual({
      kind: 'finish',
      status: 'completed',
      reason: 'no_edge:b:failed',
    });
  });

  it('goes on with the next card of a module, jumps to modules and stops a loop at the guard', () => {
    expect(route(chatbot, { runId: 'r', nodeId: 'c1', port: 'next', hops: 0, byInput: false })).toEqual({ kind: 'goto', nodeId: 'c2', hops: 0 });
    expect(route(chatbot, { runId: 'r', nodeId: 'c2', port: 'next', hops: 0, byInput: false })).toEqual({ kind: 'goto', nodeId: 'c3', hops: 1 });
    expect(route(chatbot, { runId: 'r', nodeId: 'c3', port: 'next', hops: 2, byInput: false })).toEqual({
      kind: 'finish',
      status: 'exited',
      reason: 'loop_guard',
    });
    // An input resets the guard.
    expect(route(chatbot, { runId: 'r', nodeId: 'c3', port: 'next', hops: 2, byInput: true })).toEqual({ kind: 'goto', nodeId: 'c1', hops: 1 });
  });

  it('hands unconsumed free text on to keyword rules', () => {
    const decision = route(chatbot, {
      runId: 'r',
      nodeId: 'c1',
      port: 'freeText',
      hops: 3,
      byInput: true,
      resumedBy: { type: 'reply', payload: { text: 'hello', eventId: 'e9' } },
    });
    // Unconnected, the module goes on with its next card.
    expect(decision).toEqual({ kind: 'goto', nodeId: 'c2', hops: 0 });
    const lastCard = route(chatbot, {
      runId: 'r',
      nodeId: 'c2',
      port: 'freeText',
      hops: 0,
      byInput: true,
      resumedBy: { type: 'reply', payload: { text: 'x', eventId: 'e1' } },
    });
    expect(lastCard).toEqual({
      kind: 'finish',
      status: 'completed',
      reason: 'free_text',
      fallthrough: { eventId: 'e1:fallthrough', payload: { text: 'x', eventId: 'e1', fallthrough: true } },
    });
  });
});

describe('events', () => {
  const wait = { events: [{ event: 'buttonClick' as const, buttonId: 'yes' }] };
  it('resumes a wait only with a matching event, a postback only at its own card', () => {
    expect(resumes(wait, 'card', { id: 'e', kind: 'buttonClick', type: 'postback.received', payload: { buttonId: 'yes' }, occurredAt: 0 })).toBe(true);
    expect(resumes(wait, 'card', { id: 'e', kind: 'buttonClick', type: 'postback.received', payload: { buttonId: 'no' }, occurredAt: 0 })).toBe(false);
    expect(
      resumes(wait, 'card', { id: 'e', kind: 'buttonClick', type: 'postback.received', payload: { buttonId: 'yes', nodeId: 'other' }, occurredAt: 0 }),
    ).toBe(false);
    expect(
      resumes(wait, 'card', { id: 'e', kind: 'buttonClick', type: 'postback.received', payload: { buttonId: 'yes', fallthrough: true }, occurredAt: 0 }),
    ).toBe(false);
    expect(resumedByEvent({ id: 'e', kind: 'reply', type: 'message.received', payload: { text: 'hi' }, occurredAt: 0 })).toEqual({
      type: 'reply',
      payload: { text: 'hi', eventId: 'e' },
    });
  });

  it('ends a journey run on a goal event before an exit event', () => {
    const settings = journey.journeySettings;
    expect(eventEndsRun(settings, 'purchase', {})).toEqual({ status: 'goal_reached', reason: 'goal:g' });
    expect(eventEndsRun(settings, 'tagApplied', { tags: ['stop'] })).toEqual({ status: 'exited', reason: 'exit:x' });
    expect(eventEndsRun(settings, 'tagApplied', { tags: ['go'] })).toBeUndefined();
    expect(eventEndsRun(undefined, 'purchase', {})).toBeUndefined();
  });
});

describe('entry', () => {
  const day = 86_400_000;
  const cooldown = () => day;
  it('applies concurrency, never and cooldown rules', () => {
    const settings = journey.journeySettings!;
    expect(entryRefusal(settings, { active: 1, total: 1 }, 0, cooldown)).toBe('concurrent_run');
    expect(entryRefusal(settings, { active: 0, total: 1, lastEndedAt: 1000 }, 1000 + day - 1, cooldown)).toBe('cooldown');
    expect(entryRefusal(settings, { active: 0, total: 1, lastEndedAt: 1000 }, 1000 + day, cooldown)).toBeUndefined();
    expect(entryRefusal({ ...settings, reentry: { mode: 'never' } }, { active: 0, total: 1 }, 0, cooldown)).toBe('reentry_never');
    expect(entryRefusal(undefined, { active: 3, total: 3 }, 0, cooldown)).toBeUndefined();
  });
});

describe('failed deliveries', () => {
  const activityFailure = (cause: Error) => new ActivityFailure('activity failed', 'deliverEffect', '7', RetryState.NON_RETRYABLE_FAILURE, 'worker', cause);
  it('hands the node the platform answer a failed delivery carries, or an undelivered result', () => {
    const answer = { ok: false, reason: 'invalid_request', message: 'bad token', retryable: false, status: 400 };
    const rejected = ApplicationFailure.create({ type: 'OmniflowPlatformRejected', nonRetryable: true, message: 'x', details: [answer] });
    expect(effectResultOfFailure(activityFailure(rejected), 'send')).toEqual(answer);
    expect(effectResultOfFailure(activityFailure(new Error('timed out')), 'send')).toEqual({
      ok: false,
      reason: 'delivery_failed',
      message: 'timed out',
      retryable: false,
    });
    expect(effectResultOfFailure(activityFailure(new Error('reset')), 'http')).toEqual({ ok: false, reason: 'network', message: 'reset' });
  });
});
