import { builtinCatalogue } from '@omniflow/nodes';
import type { Customer } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import { RetryableHttpError } from '../channels/http-executor.ts';
import { ManualClock } from '../clock.ts';
import { MemoryContactStore } from '../contacts/contact-store.ts';
import { type Effect, type EffectResult, RecordingEffectHandler } from '../effects.ts';
import { createEmbeddedEngine, type EmbeddedEngine, type EngineFlowStatus } from '../embedded/engine.ts';
import { contact, tagEvent, tempDb } from '../testing/fixtures.ts';
import { MemoryContactDirectory } from './directory.ts';

// Durable jobs of the embedded engine: automation schedules (§3.10), scheduled versions (§2.3), the daily
// date evaluator (§3.5); and the entry rules around them: caps (§9.5, §9.7), cart restarts (§3.8), retries (§9.2).

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2025-03-03T02:00:00Z'); // 10:00 in Taipei

const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, version: 1, config });
const edge = (source: string, sourcePort: string, target: string) => ({ id: `${source}-${sourcePort}`, source, sourcePort, target });

/** trigger → wait → exit: a run stays waiting, so runs are easy to count. */
function journey(trigger: { type: string; config: Record<string, unknown> }, settings: Record<string, unknown> = {}, waitHours = 24) {
  return {
    formatVersion: 2,
    kind: 'journey',
    channels: ['line'],
    triggers: [node('t', trigger.type, trigger.config)],
    nodes: [node('wait', 'wait.wait', { mode: { kind: 'duration', days: 0, hours: waitHours, minutes: 0 } }), node('done', 'flow.exit', {})],
    edges: [edge('t', 'next', 'wait'), edge('wait', 'next', 'done')],
    settings: { timeZone: 'Asia/Taipei', reentry: { mode: 'always' }, ...settings },
  };
}

interface Harness {
  engine: EmbeddedEngine;
  clock: ManualClock;
  file: string;
  effects: RecordingEffectHandler;
  statuses: { flowId: string; status: EngineFlowStatus }[];
  advance(ms: number): Promise<void>;
  restart(): Promise<Harness>;
}

function harness(
  options: {
    contacts?: Customer[];
    audiences?: Record<string, string[]>;
    file?: string;
    clock?: ManualClock;
    store?: MemoryContactStore;
    answer?: (e: Effect) => EffectResult | Promise<EffectResult>;
  } = {},
): Harness {
  const clock = options.clock ?? new ManualClock(START);
  const store = options.store ?? new MemoryContactStore(options.contacts ?? [contact('c1')]);
  const contacts = options.contacts ?? [contact('c1')];
  const directory = new MemoryContactDirectory(options.audiences ?? {}, (key) => contacts.filter((c) => c.attributes[key] !== undefined).map((c) => c.id));
  const effects = new RecordingEffectHandler(options.answer);
  const file = options.file ?? tempDb();
  const statuses: Harness['statuses'] = [];
  const engine = createEmbeddedEngine({
    file,
    catalogue: builtinCatalogue(),
    contacts: store,
    effects,
    clock,
    directory,
    onFlowStatus: (c) => statuses.push({ flowId: c.flowId, status: c.status }),
    onError: (e) => console.error(e),
  });
  engine.start();
  const h: Harness = {
    engine,
    clock,
    file,
    effects,
    statuses,
    advance: async (ms) => {
      await engine.idle();
      clock.advance(ms);
      await engine.idle();
    },
    restart: async () => {
      await engine.stop();
      return harness({ ...options, file, clock, store });
    },
  };
  return h;
}

describe('automation schedule (§3.10)', () => {
  const schedule = {
    type: 'trigger.schedule',
    config: { audienceId: 'vip', frequency: { kind: 'recurring', every: 1, unit: 'days', anchor: '2025-03-04T09:00', end: { kind: 'never' } } },
  };
  const unsubscribed = contact('c3', {
    identities: [{ channel: 'line', channelId: 'ch_line', externalUserId: 'Uc3', subscriptionStatus: 'unsubscribed', conversationState: 'pending_bot' }],
  } as Partial<Customer>);

  it('lists occurrences 30 days ahead, enters the audience at each, skips unsubscribed contacts, and honours a cancelled occurrence', async () => {
    let h = harness({ contacts: [contact('c1'), contact('c2'), unsubscribed], audiences: { vip: ['c1', 'c2', 'c3'] } });
    h.engine.publish('s', 'v1', journey(schedule));
    const upcoming = h.engine.listOccurrences('s');
    expect(upcoming).toHaveLength(30);
    expect(upcoming[0]).toMatchObject({ local: '2025-03-04T09:00', at: '2025-03-04T01:00:00.000Z', status: 'pending', triggerId: 't' });
    expect(h.engine.cancelOccurrence(upcoming[1]!.key)).toMatchObject({ cancelled: true, occurrence: { status: 'cancelled' } });
    expect(h.engine.cancelOccurrence(upcoming[1]!.key)).toEqual({ cancelled: false, reason: 'already_cancelled' });

    await h.advance(23 * HOUR); // 2025-03-04 01:00Z = 09:00 Taipei
    expect(h.engine.runs({ flowId: 's' }).map((r) => r.customerId)).toEqual(['c1', 'c2']);
    expect(h.engine.runs({ flowId: 's' })[0]!.trigger?.explanation).toBe('Schedule occurrence 2025-03-04T09:00 (audience vip)');
    expect(h.engine.nodeStats('s', 'v1').t).toMatchObject({ entered: 2, skipped: { unsubscribed: 1 } });

    await h.advance(DAY); // the cancelled occurrence
    expect(h.engine.runs({ flowId: 's' })).toHaveLength(2);
    const past = h.engine.listOccurrences('s', { includePast: true });
    expect(past.slice(0, 2).map((o) => [o.local, o.status, o.result?.audience])).toEqual([
      ['2025-03-04T09:00', 'done', 3],
      ['2025-03-05T09:00', 'cancelled', undefined],
    ]);
    // Republishing keeps a cancelled occurrence cancelled, and a restart never fires a done one again.
    h.engine.publish('s', 'v2', journey(schedule));
    h = await h.restart();
    await h.advance(0);
    expect(h.engine.runs({ flowId: 's' })).toHaveLength(2);
    expect(h.engine.listOccurrences('s', { includePast: true })[1]!.status).toBe('cancelled');

    await h.advance(DAY);
    expect(h.engine.runs({ flowId: 's' })).toHaveLength(4);
    expect(h.engine.listOccurrences('s')[0]!.local).toBe('2025-03-07T09:00');
    await h.engine.stop();
  });

  it('runs an occurrence that came due while the process was down, even when the flow is republished at start', async () => {
    const once = { type: 'trigger.schedule', config: { audienceId: 'vip', frequency: { kind: 'once', at: '2025-03-03T11:00' } } };
    let h = harness({ audiences: { vip: ['c1'] } });
    h.engine.publish('s', 'v1', journey(once));
    await h.engine.stop();
    h.clock.advance(2 * HOUR);
    h = harness({ audiences: { vip: ['c1'] }, file: h.file, clock: h.clock });
    h.engine.publish('s', 'v2', journey(once));
    await h.engine.idle();
    expect(h.engine.runs({ flowId: 's' }).map((r) => r.customerId)).toEqual(['c1']);
    expect(h.engine.listOccurrences('s', { includePast: true })).toEqual([expect.objectContaining({ local: '2025-03-03T11:00', status: 'done' })]);
    await h.engine.stop();
  });

  it('records an unknown audience on the occurrence instead of entering anyone', async () => {
    const h = harness({ audiences: {} });
    h.engine.publish('s', 'v1', journey(schedule));
    await h.advance(23 * HOUR);
    expect(h.engine.runs()).toHaveLength(0);
    expect(h.engine.listOccurrences('s', { includePast: true })[0]).toMatchObject({ status: 'failed', result: { reason: 'audience_not_found' } });
    await h.engine.stop();
  });
});

describe('scheduled versions (§2.3)', () => {
  const tagged = { type: 'trigger.tag_applied', config: { tags: ['go'] } };

  it('activates at the start time once, then ends at the end time, cancelling runs in flight', async () => {
    const h = harness();
    h.engine.publish('j', 'v1', journey(tagged), { startAt: START + HOUR, endAt: START + 3 * HOUR });
    expect(h.engine.flowStatus('j')).toMatchObject({ status: 'scheduled', startsAt: '2025-03-03T03:00:00.000Z', endsAt: '2025-03-03T05:00:00.000Z' });
    h.engine.ingest(tagEvent('c1', ['go']));
    await h.advance(HOUR - 1);
    expect(h.engine.runs()).toHaveLength(0);
    await h.advance(1);
    expect(h.engine.flowStatus('j')?.status).toBe('active');
    h.engine.ingest(tagEvent('c1', ['go']));
    await h.engine.idle();
    const [run] = h.engine.runs();
    expect(run?.state).toBe('waiting');
    await h.advance(2 * HOUR);
    expect(h.engine.flowStatus('j')?.status).toBe('ended');
    expect(h.engine.getRun(run!.id)).toMatchObject({ status: 'cancelled', exitReason: 'flow_end_time' });
    expect(h.statuses).toEqual([
      { flowId: 'j', status: 'active' },
      { flowId: 'j', status: 'ended' },
    ]);
    await h.engine.stop();
  });

  it('survives a restart: a start time that passed while the process was down activates on start', async () => {
    let h = harness();
    h.engine.publish('j', 'v1', journey(tagged), { startAt: START + HOUR });
    await h.engine.stop();
    h.clock.advance(2 * HOUR);
    h = harness({ file: h.file, clock: h.clock });
    await h.engine.idle();
    expect(h.engine.flowStatus('j')?.status).toBe('active');
    expect(h.statuses).toEqual([{ flowId: 'j', status: 'active' }]);
    h = await h.restart();
    await h.engine.idle();
    expect(h.statuses).toEqual([]);
    await h.engine.stop();
  });

  it('a paused scheduled flow does not start; resumed before its time it is scheduled again', async () => {
    const h = harness();
    h.engine.publish('j', 'v1', journey(tagged), { startAt: START + HOUR });
    h.engine.pause('j');
    h.engine.resume('j');
    expect(h.engine.flowStatus('j')?.status).toBe('scheduled');
    h.engine.pause('j');
    await h.advance(HOUR);
    expect(h.engine.flowStatus('j')?.status).toBe('paused');
    h.engine.resume('j');
    expect(h.engine.flowStatus('j')?.status).toBe('active');
    await h.engine.stop();
  });
});

describe('daily date evaluator (§3.5)', () => {
  const birthdayToday = {
    type: 'trigger.attribute_changed',
    config: { attributeKey: 'birthday', condition: { criterion: 'attribute', key: 'birthday', type: 'date', op: 'today' } },
  };

  it('enters contacts whose date matches today in the team zone, once per day even across a restart', async () => {
    const contacts = [
      contact('c1', { attributes: { birthday: '2025-03-03' } }),
      contact('c2', { attributes: { birthday: '2025-03-04' } }),
      contact('c3', { attributes: { birthday: '1990-01-01' } }),
      contact('c4'),
    ];
    let h = harness({ contacts });
    h.engine.publish('bday', 'v1', journey(birthdayToday));
    await h.engine.idle();
    const first = h.engine.runs({ flowId: 'bday' });
    expect(first.map((r) => r.customerId)).toEqual(['c1']);
    expect(first[0]!.trigger?.explanation).toBe(
      'Daily date check 2025-03-03: attribute birthday is today (2025-03-03) (value 2025-03-03, now 2025-03-03 10:00:00 Asia/Taipei)',
    );
    h = await h.restart();
    await h.advance(HOUR);
    expect(h.engine.runs({ flowId: 'bday' })).toHaveLength(1);
    // 2025-03-04 00:05 in Taipei is 2025-03-03 16:05Z.
    await h.advance(Date.parse('2025-03-03T16:05:00Z') - h.clock.now() - 1);
    expect(h.engine.runs({ flowId: 'bday' })).toHaveLength(1);
    await h.advance(1);
    expect(h.engine.runs({ flowId: 'bday' }).map((r) => r.customerId)).toEqual(['c1', 'c2']);
    await h.engine.stop();
  });
});

describe('entry rules: caps and cart restarts', () => {
  const tagged = { type: 'trigger.tag_applied', config: { tags: ['go'] } };

  it('stops at the total trigger cap and at the per-contact cap, counting the skip reason on the trigger', async () => {
    const h = harness({ contacts: [contact('c1'), contact('c2'), contact('c3')] });
    h.engine.publish('cap', 'v1', journey(tagged, { triggerCap: { total: 2 } }));
    h.engine.publish('daily', 'daily-v1', journey(tagged, { triggerCap: { perContact: { count: 1, per: 'day' } }, maxConcurrentRunsPerContact: 5 }));
    for (const c of ['c1', 'c2', 'c3']) h.engine.ingest(tagEvent(c, ['go']));
    h.engine.ingest(tagEvent('c1', ['go']));
    await h.engine.idle();
    expect(h.engine.runs({ flowId: 'cap' })).toHaveLength(2);
    expect(h.engine.nodeStats('cap', 'v1').t).toMatchObject({ entered: 2, skipped: { trigger_cap: 1, concurrent_run: 1 } });
    expect(h.engine.runs({ flowId: 'daily' })).toHaveLength(3);
    expect(h.engine.nodeStats('daily', 'daily-v1').t?.skipped).toEqual({ trigger_cap_per_contact: 1 });
    await h.advance(DAY);
    h.engine.ingest(tagEvent('c1', ['go']));
    await h.engine.idle();
    expect(h.engine.runs({ flowId: 'daily', customerId: 'c1' })).toHaveLength(2);
    await h.engine.stop();
  });

  it('skips a marketing send over the frequency cap, and refuses entry once the cap is reached', async () => {
    const h = harness();
    const send = (id: string) => node(id, 'message.send', { content: { kind: 'text', text: `Offer ${id}` }, purpose: 'marketing' });
    h.engine.publish('promo', 'v1', {
      formatVersion: 2,
      kind: 'journey',
      channels: ['line'],
      triggers: [node('t', 'trigger.tag_applied', { tags: ['go'] })],
      nodes: [send('first'), send('second'), node('done', 'flow.exit', {})],
      edges: [edge('t', 'next', 'first'), edge('first', 'sent', 'second'), edge('second', 'sent', 'done'), edge('second', 'skipped', 'done')],
      settings: { timeZone: 'Asia/Taipei', reentry: { mode: 'always' }, frequencyCap: { maxMessages: 1, per: 'day' } },
    });
    h.engine.ingest(tagEvent('c1', ['go']));
    await h.engine.idle();
    const [run] = h.engine.runs();
    expect(h.effects.delivered).toHaveLength(1);
    const second = h.engine.runTimeline(run!.id).steps.find((s) => s.nodeId === 'second');
    expect(second).toMatchObject({ outcome: 'skipped', port: 'skipped', error: { reason: 'frequency_cap' } });
    expect(second?.explanation).toBe('Skipped: frequency cap (1 marketing message(s) this day, at most 1)');
    h.engine.ingest(tagEvent('c1', ['go']));
    await h.engine.idle();
    expect(h.engine.runs()).toHaveLength(1);
    expect(h.engine.nodeStats('promo', 'v1').t?.skipped).toEqual({ frequency_cap: 1 });
    await h.engine.stop();
  });

  it('cart: each add-to-cart restarts the sequence, checkout stops it, and the restart cycle holds back a new one', async () => {
    const h = harness();
    h.engine.publish('cart', 'v1', journey({ type: 'trigger.cart_abandoned', config: { channel: 'line', restartCycle: { amount: 7, unit: 'days' } } }, {}, 1));
    const cartEvent = (type: 'cart.item_added' | 'cart.checked_out', id: string) => ({
      id,
      type,
      occurredAt: new Date(h.clock.now()).toISOString(),
      customerId: 'c1',
      payload: { productName: 'Red shoes' },
      dedupeKey: id,
    });
    h.engine.ingest(cartEvent('cart.item_added', 'a1'));
    await h.engine.idle();
    h.engine.ingest(cartEvent('cart.item_added', 'a2'));
    await h.engine.idle();
    const [first, second] = h.engine.runs();
    expect(first).toMatchObject({ status: 'cancelled', exitReason: 'cart_restarted' });
    expect(second).toMatchObject({ state: 'waiting', channel: 'line', trigger: { explanation: 'Added to cart: Red shoes (reminders on line)' } });
    h.engine.ingest(cartEvent('cart.checked_out', 'c1'));
    await h.engine.idle();
    expect(h.engine.getRun(second!.id)).toMatchObject({ status: 'exited', exitReason: 'cart_checked_out' });
    h.engine.ingest(cartEvent('cart.item_added', 'a3'));
    await h.engine.idle();
    expect(h.engine.runs()).toHaveLength(2);
    expect(h.engine.nodeStats('cart', 'v1').t?.skipped).toEqual({ restart_cycle: 1 });
    await h.advance(7 * DAY);
    h.engine.ingest(cartEvent('cart.item_added', 'a4'));
    await h.engine.idle();
    expect(h.engine.runs()).toHaveLength(3);
    await h.engine.stop();
  });

  it('website visits: one entry per page view, on the third visit', async () => {
    const h = harness();
    h.engine.publish('site', 'v1', journey({ type: 'trigger.website_visit', config: { pages: { kind: 'any' }, visitCount: { mode: 'exactly', n: 3 } } }));
    const view = (pageviewId: string, dwellSeconds = 0) =>
      h.engine.ingest({
        id: `${pageviewId}:${dwellSeconds}`,
        type: 'website.visited',
        occurredAt: new Date(h.clock.now()).toISOString(),
        customerId: 'c1',
        payload: { url: 'https://shop.example.com/', pageviewId, dwellSeconds },
        dedupeKey: `visit:${pageviewId}`,
      });
    view('p1');
    view('p2');
    view('p2', 20); // the same page view again: not a new visit
    await h.engine.idle();
    expect(h.engine.runs()).toHaveLength(0);
    view('p3');
    view('p3', 10);
    await h.engine.idle();
    expect(h.engine.runs()).toHaveLength(1);
    expect(h.engine.runs()[0]!.trigger?.explanation).toBe('Website visit https://shop.example.com/: any page, visit 3 (exactly 3)');
    await h.engine.stop();
  });
});

describe('per-node retry policy (§9.2)', () => {
  it('retries as the node says, with its back-off, and shows each attempt on the timeline', async () => {
    let calls = 0;
    const h = harness({
      answer: () => {
        calls += 1;
        throw new Error(`503 from the platform (${calls})`);
      },
    });
    h.engine.publish('j', 'v1', {
      formatVersion: 2,
      kind: 'journey',
      channels: ['line'],
      triggers: [node('t', 'trigger.tag_applied', { tags: ['go'] })],
      nodes: [
        node('hello', 'message.send', { content: { kind: 'text', text: 'Hi' }, purpose: 'transactional', retry: { maxAttempts: 2, initialMs: 1000 } }),
        node('oops', 'flow.exit', {}),
      ],
      edges: [edge('t', 'next', 'hello'), edge('hello', 'failed', 'oops')],
      settings: { timeZone: 'Asia/Taipei' },
    });
    h.engine.ingest(tagEvent('c1', ['go']));
    await h.engine.idle();
    expect(calls).toBe(1);
    await h.advance(999);
    expect(calls).toBe(1);
    await h.advance(1);
    expect(calls).toBe(2);
    await h.advance(60_000);
    expect(calls).toBe(2);
    const [run] = h.engine.runs();
    expect(run?.status).not.toBe('running');
    const step = h.engine.runTimeline(run!.id).steps.find((s) => s.nodeId === 'hello' && s.attempts);
    expect(step?.attempts?.map((a) => [a.attempt, a.outcome, a.message])).toEqual([
      [1, 'retry', '503 from the platform (1)'],
      [2, 'failed', '503 from the platform (2)'],
    ]);
    expect(step?.attempts?.[0]?.retryAt).toBe(new Date(START + 1000).toISOString());
    await h.engine.stop();
  });

  it("waits for the platform's Retry-After when it is longer than the back-off, and for the back-off when it is shorter", async () => {
    const calls: number[] = [];
    const h = harness({
      answer: (e) => {
        calls.push(Date.now());
        // First a 429 asking for 30 s (longer than the 1 s back-off), then one asking for 0.5 s (shorter than 2 s).
        if (calls.length === 1) throw new RetryableHttpError('HTTP 429', { ok: true, status: 429, headers: {}, body: '' }, 30_000);
        if (calls.length === 2) return { ok: false, reason: 'rate_limited', message: 'slow down', retryable: true, retryAfterMs: 500 } as EffectResult;
        return { ok: true, messageId: `m_${e.idempotencyKey}`, channel: 'line' };
      },
    });
    h.engine.publish('j', 'v1', {
      formatVersion: 2,
      kind: 'journey',
      channels: ['line'],
      triggers: [node('t', 'trigger.tag_applied', { tags: ['go'] })],
      nodes: [
        node('hello', 'message.send', { content: { kind: 'text', text: 'Hi' }, purpose: 'transactional', retry: { maxAttempts: 3, initialMs: 1000 } }),
        node('done', 'flow.exit', {}),
      ],
      edges: [edge('t', 'next', 'hello'), edge('hello', 'sent', 'done')],
      settings: { timeZone: 'Asia/Taipei' },
    });
    h.engine.ingest(tagEvent('c1', ['go']));
    await h.engine.idle();
    expect(calls).toHaveLength(1);
    await h.advance(1_000); // the back-off alone would retry now
    expect(calls).toHaveLength(1);
    await h.advance(29_000);
    expect(calls).toHaveLength(2);
    await h.advance(1_999); // Retry-After 0.5 s is shorter than the 2 s back-off: the back-off wins
    expect(calls).toHaveLength(2);
    await h.advance(1);
    expect(calls).toHaveLength(3);
    const [run] = h.engine.runs();
    const step = h.engine.runTimeline(run!.id).steps.find((s) => s.nodeId === 'hello' && s.attempts);
    expect(step?.attempts?.map((a) => a.retryAt)).toEqual([new Date(START + 30_000).toISOString(), new Date(START + 32_000).toISOString(), undefined]);
    await h.engine.stop();
  });
});
