import { builtinCatalogue } from '@omniflow/nodes';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { MemoryContactStore } from '../contacts/contact-store.ts';
import { type Effect, type EffectResult, RecordingEffectHandler } from '../effects.ts';
import { contact } from '../testing/fixtures.ts';
import { createActivities, isClientRejection } from './activities.ts';
import type { StepRequest } from './contract.ts';
import { RunLedger } from './ledger.ts';

// The activities in Temporal's mock activity context (its info, heartbeats and cancellation), with real
// contacts, a recording effect handler and a real (in-memory) SQLite ledger.

const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, version: 1, config });
const edge = (source: string, sourcePort: string, target: string) => ({ id: `${source}-${sourcePort}`, source, sourcePort, target });
const START = Date.parse('2025-03-03T02:00:00Z');

const graph = (settings: Record<string, unknown> = {}) => ({
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [node('t', 'trigger.api', { triggerKey: 'k' })],
  nodes: [
    node('hello', 'message.send', { content: { kind: 'text', text: 'Hello {{system:customer_name}}' }, purpose: 'marketing' }),
    node('tag', 'action.tag', { op: 'add', tags: ['greeted'] }),
  ],
  edges: [edge('t', 'next', 'hello'), edge('hello', 'sent', 'tag')],
  settings: { timeZone: 'Asia/Taipei', ...settings },
});

function setup(options: { answer?: (e: Effect) => EffectResult; settings?: Record<string, unknown> } = {}) {
  const ledger = new RunLedger(':memory:');
  ledger.publish('j', 'v1', graph(options.settings), START);
  const contacts = new MemoryContactStore([contact('c1', { attributes: { tier: 'gold' } })]);
  const effects = new RecordingEffectHandler(options.answer);
  const published: unknown[] = [];
  const activities = createActivities({
    catalogue: builtinCatalogue(),
    contacts,
    effects,
    ledger,
    runtime: { publishEvents: async (e) => void published.push(...e), enterFromNode: async () => ({ entered: false }) },
  });
  return { ledger, contacts, effects, activities, published };
}

const request = (extra: Partial<StepRequest> = {}): StepRequest => ({
  runId: 'run_1',
  flowId: 'j',
  versionId: 'v1',
  customerId: 'c1',
  channel: 'line',
  isTest: false,
  trigger: { type: 'api.invoked', payload: {} },
  nodeId: 'hello',
  stepSeq: 0,
  stepStartedAt: START,
  vars: {},
  checkBeforeNode: true,
  recorded: {},
  ...extra,
});

const failureOf = async (p: Promise<unknown>): Promise<ApplicationFailure> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApplicationFailure) return e;
    throw e;
  }
  throw new Error('expected an ApplicationFailure');
};

describe('executeStep activity', () => {
  it('suspends on a send with the key runId:nodeId:stepSeq:callIndex, then replays the delivered result', async () => {
    const { activities } = setup();
    const env = new MockActivityEnvironment();
    const first = await env.run(activities.executeStep, request());
    expect(first).toEqual({ kind: 'suspend', intents: [{ key: 'run_1:hello:0:0', kind: 'send', payload: expect.objectContaining({ channel: 'line' }) }] });
    const second = await env.run(
      activities.executeStep,
      request({ checkBeforeNode: false, recorded: { 'run_1:hello:0:0': { ok: true, messageId: 'm1', channel: 'line' } } }),
    );
    expect(second).toMatchObject({ kind: 'outcome', outcome: { kind: 'next', port: 'sent' }, effectKeys: ['run_1:hello:0:0'] });
  });

  it('applies internal effects once per key even when the activity is retried', async () => {
    const { activities, contacts } = setup();
    const env = new MockActivityEnvironment({ attempt: 2 });
    const a = await env.run(activities.executeStep, request({ nodeId: 'tag', stepSeq: 1 }));
    const b = await env.run(activities.executeStep, request({ nodeId: 'tag', stepSeq: 1 }));
    expect(a).toMatchObject({ kind: 'outcome', events: [{ type: 'tag.applied', key: 'run_1:tag:1:0' }] });
    expect(b).toMatchObject({ kind: 'outcome' });
    expect((await contacts.get('c1'))?.tags).toEqual([expect.objectContaining({ name: 'greeted', count: 1 })]);
  });

  it('checks journey goals and quiet hours before the node', async () => {
    const goal = {
      goals: [
        {
          id: 'gold',
          label: 'Gold',
          when: { kind: 'condition', condition: { op: 'and', items: [{ criterion: 'attribute', key: 'tier', type: 'text', op: 'equals', value: 'gold' }] } },
        },
      ],
    };
    const g = setup({ settings: goal });
    expect(await new MockActivityEnvironment().run(g.activities.executeStep, request())).toMatchObject({
      kind: 'ended',
      status: 'goal_reached',
      reason: 'goal:gold',
    });
    // 10:00 Taipei is 02:00 UTC: inside a 09:00–12:00 quiet window, deferred to its end.
    const quiet = { quietHours: { start: '09:00', end: '12:00', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], mode: 'defer' } };
    const q = setup({ settings: quiet });
    expect(await new MockActivityEnvironment().run(q.activities.executeStep, request())).toEqual({
      kind: 'quiet',
      mode: 'defer',
      untilMs: Date.parse('2025-03-03T04:00:00Z'),
    });
  });

  it('refuses bad input as non-retryable, naming the field; an unknown node breaks the run', async () => {
    const { activities } = setup();
    const env = new MockActivityEnvironment();
    const e = await failureOf(env.run(activities.executeStep, { ...request(), stepSeq: -1 }));
    expect(e).toMatchObject({ type: 'OmniflowValidationError', nonRetryable: true });
    expect(e.message).toMatch(/stepSeq/);
    expect(await env.run(activities.executeStep, request({ nodeId: 'nope' }))).toMatchObject({ kind: 'broken', reason: 'unknown_node' });
    expect(await failureOf(env.run(activities.executeStep, request({ versionId: 'v9' })))).toMatchObject({
      type: 'OmniflowUnknownVersion',
      nonRetryable: true,
    });
  });
});

describe('deliverEffect activity', () => {
  const deliver = {
    runId: 'run_1',
    flowId: 'j',
    customerId: 'c1',
    nodeId: 'hello',
    intent: { key: 'run_1:hello:0:0', kind: 'send' as const, payload: { channel: 'line' } },
  };

  it('delivers with the idempotency key and the attempt number from the activity context', async () => {
    const { activities, effects } = setup();
    const result = await new MockActivityEnvironment({ attempt: 3 }).run(activities.deliverEffect, deliver);
    expect(result).toMatchObject({ ok: true });
    expect(effects.delivered).toEqual([expect.objectContaining({ idempotencyKey: 'run_1:hello:0:0', attempt: 3, runId: 'run_1', nodeId: 'hello' })]);
  });

  it('classifies failures: a platform 4xx is final, 5xx/429 are retried, a plain failure is the answer', async () => {
    const answerWith = (r: EffectResult) => setup({ answer: () => r }).activities;
    const rejected = await failureOf(
      new MockActivityEnvironment().run(
        answerWith({ ok: false, reason: 'invalid_request', message: 'bad token', retryable: false, status: 400 } as EffectResult).deliverEffect,
        deliver,
      ),
    );
    expect(rejected).toMatchObject({ type: 'OmniflowPlatformRejected', nonRetryable: true, details: [expect.objectContaining({ status: 400 })] });
    const busy = await failureOf(
      new MockActivityEnvironment().run(
        answerWith({ ok: false, reason: 'rate_limited', message: 'slow down', retryable: true, status: 429 } as EffectResult).deliverEffect,
        deliver,
      ),
    );
    expect(busy).toMatchObject({ type: 'OmniflowPlatformRetryable', nonRetryable: false });
    const plain = await new MockActivityEnvironment().run(
      answerWith({ ok: false, reason: 'no_identity', message: 'not on LINE', retryable: false }).deliverEffect,
      deliver,
    );
    expect(plain).toMatchObject({ ok: false, reason: 'no_identity' });
    expect([400, 401, 403, 404, 422].every(isClientRejection)).toBe(true);
    expect([408, 429, 500, 503, undefined].some(isClientRejection)).toBe(false);
  });

  it('lets a thrown error through for Temporal to retry', async () => {
    const { activities } = setup({
      answer: () => {
        throw new Error('connection reset');
      },
    });
    await expect(new MockActivityEnvironment().run(activities.deliverEffect, deliver)).rejects.toThrow('connection reset');
  });
});

describe('ledger activity', () => {
  it('writes timeline steps and the run end idempotently', async () => {
    const { activities, ledger } = setup();
    ledger.insertRun({ id: 'run_1', flowId: 'j', versionId: 'v1', customerId: 'c1', kind: 'journey', nodeId: 'hello', vars: {}, enteredAt: START });
    const entries = [
      {
        kind: 'step' as const,
        runId: 'run_1',
        seq: 0,
        nodeId: 'hello',
        nodeType: 'message.send',
        startedAt: START,
        endedAt: START,
        outcome: 'passed' as const,
        port: 'sent',
      },
      { kind: 'finish' as const, runId: 'run_1', status: 'completed' as const, reason: 'no_edge:tag:next', endedAt: START + 5, vars: { a: 1 } },
    ];
    const env = new MockActivityEnvironment();
    await env.run(activities.recordLedger, entries);
    await env.run(activities.recordLedger, entries);
    const { run, steps } = ledger.runTimeline('run_1');
    expect(run).toMatchObject({ status: 'completed', state: 'done', exitReason: 'no_edge:tag:next', vars: { a: 1 } });
    expect(steps).toHaveLength(1);
  });
});
