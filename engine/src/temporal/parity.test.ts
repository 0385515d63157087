import { builtinCatalogue } from '@omniflow/nodes';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { MemoryContactStore } from '../contacts/contact-store.ts';
import { type Effect, type EffectResult, RecordingEffectHandler } from '../effects.ts';
import type { ContactEvent, RunRecord, TimelineStep } from '../embedded/engine.ts';
import { contact, exampleFlow, messageEvent, tagEvent, testEngine } from '../testing/fixtures.ts';
import { createActivities } from './activities.ts';
import { parseTemporalConfig } from './config.ts';
import { InProcessGateway, settle, VirtualWorkflowTime } from './in-process.ts';
import { RunLedger } from './ledger.ts';
import { TemporalRuntime } from './runtime.ts';

// The same scripts (the example flows' scenarios) on both runtimes: the embedded engine, and the
// Temporal runtime's facade with the run workflow body in process. Every run must end the same way,
// with the same timeline (nodes, outcomes, ports, start times) and the same effects under the same
// idempotency keys (run ids aside, which each runtime names its own way).

const HOUR = 3_600_000;

type Action = { ingest: Record<string, unknown> } | { inbound: ContactEvent } | { advance: number } | { burst: Action[] };

interface Driver {
  publish(flowId: string, versionId: string, graph: unknown): void;
  ingest(event: Record<string, unknown>): void;
  inbound(event: ContactEvent): void;
  rest(): Promise<void>;
  advance(ms: number): Promise<void>;
  runs(): RunRecord[];
  timeline(runId: string): TimelineStep[];
  delivered: Effect[];
  stop(): Promise<void>;
}

interface Options {
  start?: string;
  answer?: (e: Effect) => EffectResult;
  contacts?: string[];
}

function embedded(options: Options): Driver {
  const t = testEngine({
    contacts: (options.contacts ?? ['c1']).map((id) => contact(id)),
    ...(options.start ? { clock: new ManualClock(new Date(options.start)) } : {}),
    ...(options.answer ? { answer: options.answer } : {}),
  });
  return {
    publish: (f, v, g) => t.engine.publish(f, v, g),
    ingest: (e) => t.engine.ingest(e),
    inbound: (e) => t.engine.deliverInbound(e),
    rest: () => t.engine.idle(),
    // Each timer fires at its due time (a bare clock jump would run its step at the jump's end).
    advance: async (ms) => {
      await t.engine.idle();
      const target = t.clock.now() + ms;
      for (;;) {
        const next = t.clock.nextTimerAt();
        if (next === undefined || next > target) break;
        t.clock.set(Math.max(next, t.clock.now()));
        await t.engine.idle();
      }
      t.clock.set(target);
      await t.engine.idle();
    },
    runs: () => t.engine.runs(),
    timeline: (id) => t.engine.runTimeline(id).steps,
    delivered: t.effects.delivered,
    stop: () => t.engine.stop(),
  };
}

function temporal(options: Options): Driver {
  const time = new VirtualWorkflowTime(Date.parse(options.start ?? '2025-03-03T02:00:00Z'));
  const gateway = new InProcessGateway(time);
  const ledger = new RunLedger(':memory:');
  const contacts = new MemoryContactStore((options.contacts ?? ['c1']).map((id) => contact(id)));
  const effects = new RecordingEffectHandler(options.answer);
  const runtime = new TemporalRuntime({
    config: parseTemporalConfig({ address: 'localhost:7233' }),
    catalogue: builtinCatalogue(),
    contacts,
    gateway,
    ledger,
    now: () => time.now(),
  });
  gateway.activities = createActivities({ catalogue: builtinCatalogue(), contacts, effects, ledger, runtime });
  const rest = async () => {
    for (let i = 0; i < 50; i++) {
      await runtime.idle();
      await settle(() => gateway.atRest());
      await new Promise((r) => setImmediate(r));
      await runtime.idle();
      if (gateway.atRest()) return;
    }
  };
  return {
    publish: (f, v, g) => runtime.publish(f, v, g),
    ingest: (e) => runtime.ingest(e),
    inbound: (e) => runtime.deliverInbound(e),
    rest,
    // Due waits fire in due order, each at its own time, as the embedded runtime's timers do.
    advance: async (ms) => {
      await rest();
      const target = time.now() + ms;
      for (;;) {
        const next = time.nextDeadline();
        if (next === undefined || next > target) break;
        time.advance(Math.max(0, next - time.now()));
        await rest();
      }
      time.advance(target - time.now());
      await rest();
    },
    runs: () => runtime.runs(),
    timeline: (id) => runtime.runTimeline(id).steps,
    delivered: effects.delivered,
    stop: () => runtime.stop(),
  };
}

async function play(driver: Driver, actions: Action[]): Promise<void> {
  const act = (a: Action): boolean => {
    if ('ingest' in a) driver.ingest(a.ingest);
    else if ('inbound' in a) driver.inbound(a.inbound);
    else if ('burst' in a) for (const b of a.burst) act(b);
    else return false;
    return true;
  };
  for (const a of actions) {
    if ('advance' in a) await driver.advance(a.advance);
    else {
      act(a);
      await driver.rest();
    }
  }
}

/** What must be equal: per run (in flow, contact, entry order) its end, timeline and effects, run ids replaced. */
function outcome(driver: Driver) {
  const runs = [...driver.runs()].sort((a, b) => `${a.flowId}|${a.customerId}|${a.enteredAt}`.localeCompare(`${b.flowId}|${b.customerId}|${b.enteredAt}`));
  const names = new Map(runs.map((r, i) => [r.id, `RUN${i}`]));
  const anonymise = (text: string) => [...names].reduce((s, [id, name]) => s.split(id).join(name), text);
  return runs.map((r) => ({
    flowId: r.flowId,
    customerId: r.customerId,
    status: r.status,
    exitReason: r.exitReason,
    vars: r.vars,
    steps: driver.timeline(r.id).map((s) => ({
      seq: s.seq,
      nodeId: s.nodeId,
      outcome: s.outcome,
      port: s.port,
      startedAt: s.startedAt,
      explanation: s.explanation && anonymise(s.explanation),
    })),
    effects: driver.delivered
      .filter((e) => e.runId === r.id)
      .map((e) => anonymise(JSON.stringify({ key: e.idempotencyKey, kind: e.kind, nodeId: e.nodeId, payload: e.payload })))
      .sort(),
  }));
}

async function compare(flows: [string, string, string][], actions: Action[], options: Options = {}) {
  const results = [];
  for (const make of [embedded, temporal]) {
    const driver = make(options);
    for (const [flowId, versionId, file] of flows) driver.publish(flowId, versionId, exampleFlow(file));
    await play(driver, actions);
    results.push(outcome(driver));
    await driver.stop();
  }
  const [onEmbedded, onTemporal] = results;
  expect(onEmbedded!.length).toBeGreaterThan(0);
  expect(onTemporal).toEqual(onEmbedded);
  return onEmbedded!;
}

const cart: [string, string, string] = ['cart', 'cart-v1', 'abandoned-cart.journey.json'];
const bot: [string, string, string] = ['bot', 'bot-v1', 'keyword-bot.chatbot.json'];
const follow: [string, string, string] = ['follow', 'follow-v1', 'new-follower.journey.json'];

describe('parity: the example flows on the embedded and the Temporal runtime', () => {
  it('abandoned cart: waits an hour, sends the coupon and the CAPI event', async () => {
    const runs = await compare([cart], [{ ingest: tagEvent('c1', ['cart_abandoned']) }, { advance: HOUR }]);
    expect(runs[0]).toMatchObject({ status: 'completed' });
  });

  it('abandoned cart: exits on the purchased tag; a purchase is the goal', async () => {
    await compare(
      [cart],
      [
        { ingest: tagEvent('c1', ['cart_abandoned']) },
        { advance: 10 * 60_000 },
        { inbound: { customerId: 'c1', kind: 'tagApplied', payload: { tags: ['purchased'] } } },
        { advance: 2 * HOUR },
      ],
    );
    await compare([cart], [{ ingest: tagEvent('c1', ['cart_abandoned']) }, { inbound: { customerId: 'c1', kind: 'purchase', payload: { orderId: 'o1' } } }]);
  });

  it('abandoned cart at night: quiet hours defer the coupon to 08:00 team time', async () => {
    const runs = await compare([cart], [{ ingest: tagEvent('c1', ['cart_abandoned']) }, { advance: HOUR }, { advance: 10 * HOUR }], {
      start: '2025-03-03T13:30:00Z',
    });
    expect(runs[0]!.steps.some((s) => s.explanation?.startsWith('Quiet hours: deferred'))).toBe(true);
  });

  it('keyword bot: quick replies, hand-off, email input and the VIP route', async () => {
    await compare(
      [bot],
      [
        { ingest: messageEvent('c1', '  Hello there ') },
        { inbound: { customerId: 'c1', kind: 'buttonClick', channel: 'line', payload: { optionId: 'human' } } },
      ],
    );
    await compare(
      [bot],
      [
        { ingest: messageEvent('c1', '你好') },
        { inbound: { customerId: 'c1', kind: 'reply', channel: 'line', payload: { text: 'newsletter' } } },
        { inbound: { customerId: 'c1', kind: 'reply', channel: 'line', payload: { text: 'amy@example.com' } } },
      ],
    );
  });

  it('keyword bot: a quick second reply reaches the session the first one led to; a quick reply expires after 1 h', async () => {
    await compare(
      [bot],
      [
        {
          burst: [
            { ingest: messageEvent('c1', 'hi') },
            { inbound: { customerId: 'c1', kind: 'buttonClick', channel: 'line', payload: { optionId: 'news' } } },
            { inbound: { customerId: 'c1', kind: 'reply', channel: 'line', payload: { text: 'fast@example.com' } } },
          ],
        },
      ],
    );
    await compare([bot], [{ ingest: messageEvent('c1', 'hi') }, { advance: HOUR }]);
  });

  it('keyword bot: free text falls through to keyword rules, whose match ends the session', async () => {
    const runs = await compare(
      [bot],
      [
        { ingest: messageEvent('c1', 'hi') },
        { inbound: { customerId: 'c1', kind: 'reply', channel: 'line', payload: { text: 'opening hours' } } },
        { inbound: { customerId: 'c1', kind: 'buttonClick', channel: 'line', payload: { flowId: 'bot', nodeId: 'c_hours', buttonId: 'back' } } },
        { ingest: messageEvent('c1', 'agent') },
      ],
    );
    expect(runs.length).toBeGreaterThan(1);
  });

  it('new follower: welcome, a day’s wait, the CRM call and the tag from its answer', async () => {
    const created = (id: string) => ({
      id: `created_${id}`,
      type: 'contact.created',
      occurredAt: '2025-03-03T02:00:00Z',
      customerId: id,
      channel: 'line',
      payload: {},
      dedupeKey: `created_${id}`,
    });
    const answer = (e: Effect): EffectResult => {
      if (e.kind !== 'http') return { ok: true, messageId: `m_${e.idempotencyKey}`, channel: 'line' };
      return e.customerId === 'c1' ? { ok: true, status: 200, headers: {}, body: '{"tier":"gold"}' } : { ok: true, status: 404, headers: {}, body: '' };
    };
    await compare([follow], [{ ingest: created('c1') }, { ingest: created('c2') }, { advance: 24 * HOUR }], { contacts: ['c1', 'c2'], answer });
  });
});
