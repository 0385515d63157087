import { CapiAdapter, type Effect, MemoryContactStore, sha256Hex } from '@omniflow/engine';
import { Customer } from '@omniflow/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CapiServer, startCapiServer } from './servers.ts';

const TOKEN = 'EAAB-capi-token-xyz';
let capi: CapiServer;
beforeAll(async () => {
  capi = await startCapiServer({ accessToken: TOKEN, version: 'v24.0' });
});
afterAll(() => capi.close());

const contacts = new MemoryContactStore([
  Customer.parse({
    id: 'c1',
    createdAt: '2025-01-01T00:00:00Z',
    email: 'John_Smith@gmail.com',
    phone: '16505551212',
    identities: [{ channel: 'messenger', channelId: 'ch_fb', externalUserId: 'PSID-42' }],
  }),
  Customer.parse({ id: 'c2', createdAt: '2025-01-01T00:00:00Z', identities: [{ channel: 'line', channelId: 'ch_line', externalUserId: 'U1' }] }),
]);

let seq = 0;
const effect = (payload: Record<string, unknown>, customerId = 'c1'): Effect => {
  seq++;
  return {
    idempotencyKey: `run_${seq}:capi:4:0`,
    kind: 'capi',
    runId: `run_${seq}`,
    flowId: 'f',
    customerId,
    nodeId: 'capi',
    attempt: 1,
    payload: {
      datasetId: '1234567890123456',
      eventName: 'Purchase',
      actionSource: 'business_messaging',
      messagingChannel: 'messenger',
      eventId: `run_${seq}:capi:4`,
      eventTime: Math.floor(Date.now() / 1000),
      customData: { value: '1280', currency: 'TWD', contentIds: ['SKU-1'], orderId: 'o-1' },
      ...payload,
    },
  };
};

describe('CAPI adapter against the local Conversions API server', () => {
  const logs: string[] = [];
  const base = () => ({ baseUrl: capi.url });
  const a = () =>
    new CapiAdapter({ contacts, accessToken: (id) => (id === '1234567890123456' ? TOKEN : undefined), metaIds: () => ({ pageId: '777' }), ...base() });

  it('sends one event with event_id, seconds, hashed and unhashed user_data', async () => {
    const e = effect({ testEventCode: 'TEST123' });
    expect(await a().deliver(e)).toMatchObject({ ok: true });
    const ev = capi.events.at(-1)!;
    expect(ev).toMatchObject({
      event_name: 'Purchase',
      event_id: e.payload.eventId,
      action_source: 'business_messaging',
      messaging_channel: 'messenger',
      custom_data: { value: 1280, currency: 'TWD', content_ids: ['SKU-1'], order_id: 'o-1' },
    });
    const ud = ev.user_data as Record<string, unknown>;
    expect(ud.em).toEqual([sha256Hex('john_smith@gmail.com')]);
    expect(ud.ph).toEqual(['e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176']);
    expect(ud.page_scoped_user_id).toBe('PSID-42');
    expect(ud.page_id).toBe('777');
    expect(capi.testEventCodes).toContain('TEST123');
    expect(capi.eventIds.get(String(e.payload.eventId))).toBe(1);
  });

  it('converts a millisecond event_time to seconds (the server rejects milliseconds)', async () => {
    expect(await a().deliver(effect({ eventTime: Date.now() }))).toMatchObject({ ok: true });
  });

  it('no matched identity → typed no_identity, nothing sent', async () => {
    const before = capi.events.length;
    expect(await a().deliver(effect({}, 'c2'))).toMatchObject({ ok: false, reason: 'no_identity', retryable: false });
    expect(capi.events.length).toBe(before);
  });

  it('5xx and rate limits are retryable; a bad token is not, and the token is never in the message', async () => {
    capi.failNext(500);
    expect(await a().deliver(effect({}))).toMatchObject({ ok: false, reason: 'server_error', retryable: true });
    capi.failNext(429);
    expect(await a().deliver(effect({}))).toMatchObject({ ok: false, reason: 'rate_limited', retryable: true });
    const wrong = new CapiAdapter({ contacts, accessToken: () => 'bad-token-value', ...base() });
    const r = await wrong.deliver(effect({}));
    expect(r).toMatchObject({ ok: false, reason: 'unauthorized', retryable: false });
    expect(r.ok ? '' : r.message).not.toContain('bad-token-value');
  });

  it('uses the configured base URL and version in the path', async () => {
    const viaLog = new CapiAdapter({
      contacts,
      accessToken: () => TOKEN,
      baseUrl: capi.url,
      fetch: async (url, init) => {
        logs.push(String(url));
        return fetch(url, init);
      },
    });
    await viaLog.deliver(effect({}));
    expect(logs.at(-1)).toMatch(/\/v24\.0\/1234567890123456\/events\?access_token=EAAB-capi-token-xyz$/);
  });
});
