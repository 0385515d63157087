import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CapiAdapter,
  ChannelEffectHandler,
  createEmbeddedEngine,
  type Effect,
  type EffectResult,
  LineAdapter,
  ManualClock,
  MemoryContactStore,
  uuidFromKey,
} from '@omniflow/engine';
import { builtinCatalogue } from '@omniflow/nodes';
import { Customer } from '@omniflow/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CapiServer, type LineServer, startCapiServer, startLineServer } from './servers.ts';

// The abandoned-cart example journey through the embedded engine, with the real LINE and CAPI adapters
// pointed at the local platform servers. LINE accepts the Flex push but loses the response (500): the
// runtime redelivers with the same retry key, LINE answers 409 (already accepted), and the journey goes on.

const here = dirname(fileURLToPath(import.meta.url));
const FLOW = JSON.parse(readFileSync(join(here, '../../examples/flows/abandoned-cart.journey.json'), 'utf8'));
const LINE_TOKEN = 'line-token-e2e';
const CAPI_TOKEN = 'capi-token-e2e';
const USER = 'Uaaaabbbbccccddddeeeeffff00001111';
const HOUR = 3_600_000;

let line: LineServer;
let capi: CapiServer;
const clock = new ManualClock(new Date('2025-03-03T02:00:00Z'));

beforeAll(async () => {
  line = await startLineServer({ accessToken: LINE_TOKEN });
  capi = await startCapiServer({ accessToken: CAPI_TOKEN, now: () => clock.now() });
});
afterAll(async () => {
  await line.close();
  await capi.close();
});

describe('abandoned cart, end to end through the channel adapters', () => {
  it('delivers the Flex push and the CAPI event exactly once each', async () => {
    const contacts = new MemoryContactStore([
      Customer.parse({
        id: 'c1',
        name: 'Mei',
        phone: '886911223344',
        createdAt: '2025-01-01T00:00:00Z',
        identities: [{ channel: 'line', channelId: 'ch_line', externalUserId: USER, subscriptionStatus: 'subscribed' }],
      }),
    ]);
    const handler = new ChannelEffectHandler({
      line: new LineAdapter({ channels: [{ channelId: 'ch_line', accessToken: LINE_TOKEN, channelSecret: 'x', baseUrl: line.url }], contacts }),
      capi: new CapiAdapter({ contacts, accessToken: () => CAPI_TOKEN, baseUrl: capi.url }),
    });
    const deliveries: { effect: Effect; result: EffectResult }[] = [];
    const effects = {
      deliver: async (effect: Effect) => {
        const result = await handler.deliver(effect);
        deliveries.push({ effect, result });
        return result;
      },
    };
    const engine = createEmbeddedEngine({
      file: join(mkdtempSync(join(tmpdir(), 'omniflow-e2e-')), 'engine.db'),
      catalogue: builtinCatalogue(),
      contacts,
      effects,
      clock,
      retryInitialMs: 1000,
      onError: (e) => console.error(e),
    });
    engine.start();
    try {
      engine.publish('cart', 'cart-v1', FLOW);
      line.acceptThenFail(1);
      engine.ingest({
        id: 'evt_1',
        type: 'tag.applied',
        occurredAt: new Date(clock.now()).toISOString(),
        customerId: 'c1',
        channel: 'line',
        payload: { tags: ['cart_abandoned'] },
        dedupeKey: 'evt_1',
      });
      await engine.idle();
      clock.advance(HOUR);
      await engine.idle();
      // The lost response: the runtime retries after its back-off.
      for (let i = 0; i < 5 && engine.runs({ flowId: 'cart' })[0]?.status !== 'completed'; i++) {
        clock.advance(2000);
        await engine.idle();
      }
      const [run] = engine.runs({ flowId: 'cart' });
      expect(run?.status).toBe('completed');
      const steps = engine.runTimeline(run!.id).steps.map((s) => [s.nodeId, s.port ?? '']);
      expect(steps).toContainEqual(['coupon', 'sent']);
      expect(steps).toContainEqual(['capi', 'sent']);

      // LINE: one accepted push of one Flex message; the redelivery was answered 409.
      expect(line.sends).toHaveLength(1);
      const push = line.sends[0]!;
      expect(push).toMatchObject({ kind: 'push', to: USER });
      expect(push.messages).toHaveLength(1);
      expect(push.messages[0]).toMatchObject({ type: 'flex', altText: 'Mei, your cart is waiting: 10% off today' });
      expect(JSON.stringify(push.messages[0])).toContain('Mei, the items in your cart are still waiting.');
      const sendEffects = deliveries.filter((d) => d.effect.kind === 'send');
      expect(sendEffects.map((d) => d.effect.attempt)).toEqual([1, 2]);
      expect(push.retryKey).toBe(uuidFromKey(sendEffects[0]!.effect.idempotencyKey));
      expect(line.requests.filter((r) => r.retryKey === push.retryKey).map((r) => r.status)).toEqual([500, 409]);

      // CAPI: one event, its event_id the node's idempotency key, seconds, hashed phone.
      expect(capi.events).toHaveLength(1);
      const ev = capi.events[0]!;
      expect(ev).toMatchObject({
        event_name: 'InitiateCheckout',
        action_source: 'chat',
        event_id: `${run!.id}:capi:4`,
        event_time: Math.floor(clock.now() / 1000),
      });
      expect([...capi.eventIds.values()]).toEqual([1]);
      expect((ev.user_data as { ph: string[] }).ph[0]).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await engine.stop();
    }
  });
});
