import {
  type Effect,
  LineAdapter,
  LineWebhookError,
  LineWebhookHandler,
  lineSignature,
  MemoryContactStore,
  MemoryReplyTokenStore,
  uuidFromKey,
} from '@omniflow/engine';
import { Customer, type TriggerEvent } from '@omniflow/schemas';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LineServer, startLineServer } from './servers.ts';

const TOKEN = 'line-access-token-abc';
const USER = 'U0123456789abcdef0123456789abcdef';
let line: LineServer;

beforeAll(async () => {
  line = await startLineServer({ accessToken: TOKEN });
});
afterAll(() => line.close());

const contacts = new MemoryContactStore([
  Customer.parse({ id: 'c1', createdAt: '2025-01-01T00:00:00Z', identities: [{ channel: 'line', channelId: 'ch_line', externalUserId: USER }] }),
  Customer.parse({ id: 'c2', createdAt: '2025-01-01T00:00:00Z', identities: [{ channel: 'messenger', channelId: 'ch_fb', externalUserId: 'PSID' }] }),
]);

let seq = 0;
function effect(payload: Record<string, unknown>, extra: Partial<Effect> = {}): Effect {
  seq++;
  return {
    idempotencyKey: `run_${seq}:card:1:0`,
    kind: 'send',
    runId: `run_${seq}`,
    flowId: 'flow_1',
    customerId: 'c1',
    nodeId: 'card',
    attempt: 1,
    payload: { channel: 'line', purpose: 'marketing', ...payload },
    ...extra,
  };
}
const text = (t: string) => ({ nodeType: 'message.text', content: { text: t, buttons: [] } });

describe('LINE adapter against the local LINE server', () => {
  let adapter: LineAdapter;
  let tokens: MemoryReplyTokenStore;
  beforeEach(() => {
    tokens = new MemoryReplyTokenStore();
    adapter = new LineAdapter({
      channels: [{ channelId: 'ch_line', accessToken: TOKEN, channelSecret: 's', baseUrl: line.url }],
      contacts,
      replyTokens: tokens,
    });
  });

  it('pushes with Bearer auth and a retry key derived from the idempotency key', async () => {
    const e = effect(text('Hello'));
    const r = await adapter.deliver(e);
    expect(r).toMatchObject({ ok: true, channel: 'line' });
    const sent = line.sends.at(-1)!;
    expect(sent).toMatchObject({ kind: 'push', to: USER, retryKey: uuidFromKey(e.idempotencyKey), messages: [{ type: 'text', text: 'Hello' }] });
  });

  it('a redelivered push is answered 409 (already accepted) and counts as sent, once', async () => {
    const e = effect(text('Once only'));
    const first = await adapter.deliver(e);
    const again = await adapter.deliver({ ...e, attempt: 2 });
    expect(first.ok && again.ok).toBe(true);
    expect(line.sends.filter((s) => s.retryKey === uuidFromKey(e.idempotencyKey))).toHaveLength(1);
    expect(line.requests.at(-1)!.status).toBe(409);
    expect(again.ok && first.ok && again.messageId).toBe(first.ok ? first.messageId : '');
  });

  it('429 and 500 are retryable typed failures; 401 is not', async () => {
    line.failNext(429);
    expect(await adapter.deliver(effect(text('a')))).toMatchObject({ ok: false, reason: 'rate_limited', retryable: true });
    line.failNext(500);
    expect(await adapter.deliver(effect(text('a')))).toMatchObject({ ok: false, reason: 'server_error', retryable: true });
    const bad = new LineAdapter({ channels: [{ channelId: 'ch_line', accessToken: 'wrong', channelSecret: 's', baseUrl: line.url }], contacts });
    const r = await bad.deliver(effect(text('a')));
    expect(r).toMatchObject({ ok: false, reason: 'unauthorized', retryable: false });
    expect(r.ok ? '' : r.message).toContain('Authentication failed');
  });

  it('a timeout is retryable', async () => {
    const slow = new LineAdapter({
      channels: [{ channelId: 'ch_line', accessToken: TOKEN, channelSecret: 's', baseUrl: 'http://10.255.255.1:9' }],
      contacts,
      timeoutMs: 100,
    });
    const r = await slow.deliver(effect(text('a')));
    expect(r).toMatchObject({ ok: false, retryable: true });
  });

  it('sends buttons templates, quick replies, Flex and carousels the server accepts', async () => {
    const flex = { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'Hi' }] } };
    const payloads = [
      { nodeType: 'message.text', content: { text: 'Choose', buttons: [{ id: 'b1', label: 'Menu', action: { kind: 'module', tags: [] } }] } },
      { nodeType: 'message.quick_reply', content: { title: 'Rate us', options: Array.from({ length: 13 }, (_, i) => ({ id: `o${i}`, label: `${i}` })) } },
      { nodeType: 'message.line_flex', content: { altText: 'Hi', contents: flex } },
      {
        nodeType: 'message.carousel',
        content: {
          columns: ['a', 'b'].map((id) => ({
            id,
            imageUrl: 'https://x.test/a.png',
            title: id,
            subtitle: 's',
            buttons: [{ id: `${id}1`, label: 'Buy', action: { kind: 'url', url: 'https://x.test' } }],
          })),
        },
      },
    ];
    for (const p of payloads) expect(await adapter.deliver(effect(p))).toMatchObject({ ok: true });
    const types = line.sends.slice(-4).map((s) => s.messages[0]!.type);
    expect(types).toEqual(['template', 'text', 'flex', 'template']);
  });

  it('never sends over-limit content: a typed invalid_message failure, nothing on the wire', async () => {
    const before = line.requests.length;
    expect(await adapter.deliver(effect(text('x'.repeat(5001))))).toMatchObject({ ok: false, reason: 'invalid_message', retryable: false });
    expect(line.requests.length).toBe(before);
  });

  it('no LINE identity → no_contact_on_channel', async () => {
    expect(await adapter.deliver(effect(text('x'), { customerId: 'c2' }))).toMatchObject({ ok: false, reason: 'no_contact_on_channel' });
  });

  it('replies with a valid reply token (no retry key), once; then pushes', async () => {
    tokens.put('ch_line', USER, line.issueReplyToken(), Date.now());
    const r1 = await adapter.deliver(effect({ ...text('Reply'), purpose: 'conversational' }));
    expect(r1.ok).toBe(true);
    expect(line.sends.at(-1)).toMatchObject({ kind: 'reply' });
    expect(line.sends.at(-1)!.retryKey).toBeUndefined();
    await adapter.deliver(effect({ ...text('Second'), purpose: 'conversational' }));
    expect(line.sends.at(-1)).toMatchObject({ kind: 'push' });
  });

  it('an invalid reply token falls back to push', async () => {
    tokens.put('ch_line', USER, 'used-or-expired', Date.now());
    const r = await adapter.deliver(effect({ ...text('Fallback'), purpose: 'conversational' }));
    expect(r.ok).toBe(true);
    expect(line.sends.at(-1)).toMatchObject({ kind: 'push', messages: [{ text: 'Fallback' }] });
  });
});

describe('LINE webhook handler', () => {
  const SECRET = 'chan-secret-0123';
  const channel = { channelId: 'ch_line', accessToken: TOKEN, channelSecret: SECRET };
  const ingested: TriggerEvent[] = [];
  const tokens = new MemoryReplyTokenStore();
  const handler = new LineWebhookHandler({
    channel,
    resolveCustomer: async ({ externalUserId }) => `cust_${externalUserId.slice(1, 6)}`,
    ingest: (e) => ingested.push(e),
    replyTokens: tokens,
  });
  const body = JSON.stringify({
    destination: 'U8e742f61d673b39c7fff3cecb7536ef0',
    events: [
      {
        type: 'message',
        webhookEventId: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
        timestamp: Date.now(),
        mode: 'active',
        replyToken: 'tok-1',
        source: { type: 'user', userId: USER },
        deliveryContext: { isRedelivery: false },
        message: { id: '1', type: 'text', text: 'menu', quoteToken: 'q' },
      },
    ],
  });

  it('accepts a signed webhook, remembers the reply token and ingests a trigger event', async () => {
    expect(await handler.handle(body, { 'X-LINE-Signature': lineSignature(body, SECRET) })).toEqual({ accepted: 1, ignored: 0 });
    expect(ingested.at(-1)).toMatchObject({
      type: 'message.received',
      customerId: 'cust_01234',
      dedupeKey: 'line:01HZZZZZZZZZZZZZZZZZZZZZZZ',
      payload: { text: 'menu' },
    });
    expect(tokens.take('ch_line', USER, Date.now())).toBe('tok-1');
  });

  it('rejects a forged signature before parsing', async () => {
    await expect(handler.handle(body, { 'x-line-signature': lineSignature(body, 'not-the-secret') })).rejects.toBeInstanceOf(LineWebhookError);
  });
});
