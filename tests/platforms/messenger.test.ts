import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChannelConfigError,
  ChannelEffectHandler,
  createEmbeddedEngine,
  type Effect,
  InstagramAdapter,
  ManualClock,
  MemoryContactStore,
  MemorySentLedger,
  MessengerAdapter,
  MetaWebhookError,
  MetaWebhookHandler,
  SqliteSentLedger,
} from '@omniflow/engine';
import { builtinCatalogue } from '@omniflow/nodes';
import { Customer, type TriggerEvent } from '@omniflow/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { META_FAILURES, type MessengerServer, signedWebhook, startMessengerServer } from './meta-servers.ts';

// The Messenger / Instagram adapters against local Send API servers that check path, version, token,
// body limits and the 24-hour window as Meta does, answering Graph error bodies.

const NOW = Date.parse('2026-11-25T09:00:00Z');
const H = 3_600_000;
const PAGE = '104512345678901';
const TOKEN = 'EAAG-page-token-123456';
const PSID = { fresh: '7000000000000001', stale: '7000000000000002', never: '7000000000000003', week: '7000000000000004' };
const IGSID = '1780000000000009';

const identity = (channel: 'messenger' | 'instagram', externalUserId: string, lastInboundMs?: number) => ({
  channel,
  channelId: channel === 'messenger' ? 'ch_fb' : 'ch_ig',
  externalUserId,
  ...(lastInboundMs !== undefined ? { customerLastInteractionAt: new Date(lastInboundMs).toISOString() } : {}),
});
const contacts = new MemoryContactStore([
  Customer.parse({ id: 'fresh', createdAt: '2025-01-01T00:00:00Z', identities: [identity('messenger', PSID.fresh, NOW - H)] }),
  Customer.parse({ id: 'stale', createdAt: '2025-01-01T00:00:00Z', identities: [identity('messenger', PSID.stale, NOW - 30 * H)] }),
  Customer.parse({ id: 'never', createdAt: '2025-01-01T00:00:00Z', identities: [identity('messenger', PSID.never)] }),
  Customer.parse({ id: 'week', createdAt: '2025-01-01T00:00:00Z', identities: [identity('messenger', PSID.week, NOW - 6 * 24 * H)] }),
  Customer.parse({ id: 'ig', createdAt: '2025-01-01T00:00:00Z', identities: [identity('instagram', IGSID, NOW - 2 * H)] }),
  Customer.parse({ id: 'line_only', createdAt: '2025-01-01T00:00:00Z', identities: [{ channel: 'line', channelId: 'l', externalUserId: 'U1' }] }),
]);

let fb: MessengerServer;
let ig: MessengerServer;
beforeAll(async () => {
  fb = await startMessengerServer({ pageId: PAGE, accessToken: TOKEN, now: () => NOW });
  ig = await startMessengerServer({ platform: 'instagram', pageId: '17841400000000001', accessToken: 'IGQW-token-abcdef', now: () => NOW });
  fb.inbound(PSID.fresh, NOW - H);
  fb.inbound(PSID.stale, NOW - 30 * H);
  fb.inbound(PSID.week, NOW - 6 * 24 * H);
  ig.inbound(IGSID, NOW - 2 * H);
});
afterAll(async () => {
  await fb.close();
  await ig.close();
});

let seq = 0;
function effect(customerId: string, payload: Record<string, unknown>, channel = 'messenger'): Effect {
  seq++;
  return {
    idempotencyKey: `run_${seq}:card:1:0`,
    kind: 'send',
    runId: `run_${seq}`,
    flowId: 'flow_1',
    customerId,
    nodeId: 'card',
    attempt: 1,
    payload: { channel, purpose: 'marketing', ...payload },
  };
}
const text = (t: string, messageTag?: string) => ({ nodeType: 'message.send', content: { kind: 'text', text: t, ...(messageTag ? { messageTag } : {}) } });
const fbPage = (over: Record<string, unknown> = {}) => ({
  channelId: 'ch_fb',
  pageId: PAGE,
  accessToken: TOKEN,
  appSecret: 'app-secret',
  baseUrl: fb.url,
  ...over,
});
const messenger = (over: Record<string, unknown> = {}) => new MessengerAdapter({ channels: [fbPage(over)], contacts, now: () => NOW });

describe('Messenger Send API adapter', () => {
  it('inside the window: POST /v24.0/{page}/messages?access_token=…, UPDATE for journeys, RESPONSE for bot replies', async () => {
    const a = messenger();
    const r = await a.deliver(effect('fresh', text('Your order shipped')));
    expect(r).toMatchObject({ ok: true, channel: 'messenger' });
    expect(fb.sends.at(-1)).toMatchObject({
      recipientId: PSID.fresh,
      messagingType: 'UPDATE',
      message: { text: 'Your order shipped' },
      auth: 'query',
      messageId: r.ok ? r.messageId : '',
    });
    expect(fb.requests.at(-1)!.path).toBe(`/v24.0/${PAGE}/messages`);
    await a.deliver(effect('fresh', { nodeType: 'message.text', content: { text: 'Hi!', buttons: [] }, purpose: 'conversational' }));
    expect(fb.sends.at(-1)).toMatchObject({ messagingType: 'RESPONSE' });
  });

  it('button template, quick replies, generic carousel and attachments pass the server’s schema', async () => {
    const a = messenger();
    const payloads = [
      { nodeType: 'message.text', content: { text: 'Choose', buttons: [{ id: 'b1', label: 'Menu', action: { kind: 'module', tags: [] } }] } },
      { nodeType: 'message.quick_reply', content: { title: 'Rate us', options: Array.from({ length: 13 }, (_, i) => ({ id: `o${i}`, label: `${i} ★` })) } },
      {
        nodeType: 'message.carousel',
        content: {
          columns: ['a', 'b'].map((id) => ({
            id,
            imageUrl: 'https://x.test/a.png',
            title: `Item ${id}`,
            subtitle: 'NT$990',
            buttons: [{ id: `${id}1`, label: 'Buy', action: { kind: 'url', url: 'https://x.test/buy' } }],
          })),
        },
      },
      { nodeType: 'message.image', content: { url: 'https://x.test/a.png' } },
      { nodeType: 'message.file', content: { url: 'https://x.test/menu.pdf' } },
    ];
    for (const p of payloads) expect(await a.deliver(effect('fresh', p))).toMatchObject({ ok: true });
    const kinds = fb.sends.slice(-5).map((s) => {
      const m = s.message as { text?: string; quick_replies?: unknown[]; attachment?: { type: string; payload: { template_type?: string } } };
      return m.attachment ? (m.attachment.payload.template_type ?? m.attachment.type) : m.quick_replies ? 'quick_replies' : 'text';
    });
    expect(kinds).toEqual(['button', 'quick_replies', 'generic', 'image', 'file']);
  });

  it('window rules: outside 24 h without a tag → window_closed and nothing sent; HUMAN_AGENT within 7 days → MESSAGE_TAG', async () => {
    const a = messenger();
    const before = fb.requests.length;
    for (const who of ['stale', 'never']) {
      expect(await a.deliver(effect(who, text('Come back!')))).toMatchObject({ ok: false, reason: 'window_closed', retryable: false });
    }
    // Meta rejects the three event/purchase/account tags since 27 April 2026.
    expect(await a.deliver(effect('stale', text('Your order shipped', 'POST_PURCHASE_UPDATE')))).toMatchObject({ reason: 'window_closed' });
    expect(fb.requests.length).toBe(before);
    expect(await a.deliver(effect('week', text('An agent replies', 'HUMAN_AGENT')))).toMatchObject({ ok: true });
    expect(fb.sends.at(-1)).toMatchObject({ recipientId: PSID.week, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
  });

  it('when our record is stale the platform’s own window error is still a non-retryable window_closed', async () => {
    // The adapter believes the contact wrote an hour ago; the platform knows better (code 10, subcode 2018278).
    const skewed = new MessengerAdapter({ channels: [fbPage()], contacts, now: () => NOW - 29 * H });
    expect(await skewed.deliver(effect('stale', text('Hello')))).toMatchObject({ ok: false, reason: 'window_closed', retryable: false, status: 400 });
    expect(fb.requests.at(-1)).toMatchObject({ status: 400, code: 10 });
  });

  it('platform errors become typed failures; only throttling and 5xx are retryable; tokens never leak', async () => {
    const a = messenger();
    const cases = [
      [META_FAILURES.rateLimit613, 'rate_limited', true],
      [META_FAILURES.appRateLimit4, 'rate_limited', true],
      [META_FAILURES.http429, 'rate_limited', true],
      [META_FAILURES.server500, 'server_error', true],
      [META_FAILURES.personUnavailable551, 'rejected', false],
    ] as const;
    for (const [error, reason, retryable] of cases) {
      fb.failNext(error);
      const r = await a.deliver(effect('fresh', text('x')));
      expect(r).toMatchObject({ ok: false, reason, retryable, status: error.status });
      expect(r.ok ? '' : r.message).toContain(`code ${error.code}`);
    }
    const wrong = messenger({ accessToken: 'EAAG-wrong-token-999' });
    const r = await wrong.deliver(effect('fresh', text('x')));
    expect(r).toMatchObject({ ok: false, reason: 'unauthorized', retryable: false });
    expect(JSON.stringify(r)).not.toContain('EAAG-wrong-token-999');
    const badVersion = await messenger({ apiVersion: 'v2.0' }).deliver(effect('fresh', text('x')));
    expect(badVersion).toMatchObject({ ok: false, reason: 'bad_request', retryable: false });
    const overLimit = await a.deliver(effect('fresh', text('x'.repeat(2000))));
    expect(overLimit).toMatchObject({ ok: false, reason: 'invalid_message', retryable: false });
    expect(await a.deliver(effect('line_only', text('x')))).toMatchObject({ reason: 'no_contact_on_channel' });
    expect(await new MessengerAdapter({ channels: () => undefined, contacts }).deliver(effect('fresh', text('x')))).toMatchObject({
      reason: 'channel_not_configured',
    });
  });

  it('no retry key at Meta: a redelivered effect is answered from the sent ledger, not sent twice', async () => {
    const withLedger = new MessengerAdapter({ channels: [fbPage()], contacts, now: () => NOW, ledger: new MemorySentLedger() });
    const e = effect('fresh', text('Exactly once'));
    const first = await withLedger.deliver(e);
    const again = await withLedger.deliver({ ...e, attempt: 2 });
    expect(again).toEqual(first);
    expect(fb.sends.filter((s) => (s.message as { text?: string }).text === 'Exactly once')).toHaveLength(1);
    expect(fb.duplicates()).toBe(0);
    // Without a ledger the platform gets the message twice: the server counts it.
    const bare = messenger();
    const e2 = effect('fresh', text('Twice without a ledger'));
    await bare.deliver(e2);
    await bare.deliver({ ...e2, attempt: 2 });
    expect(fb.duplicates()).toBe(1);
  });

  it('the SQLite ledger survives a restart (a new process on the same file)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'omniflow-ledger-')), 'ledger.db');
    const e = effect('fresh', text('Across a crash'));
    const one = new SqliteSentLedger(file);
    const first = await new MessengerAdapter({ channels: [fbPage()], contacts, now: () => NOW, ledger: one }).deliver(e);
    one.close();
    const two = new SqliteSentLedger(file);
    const again = await new MessengerAdapter({ channels: [fbPage()], contacts, now: () => NOW, ledger: two }).deliver({ ...e, attempt: 2 });
    two.close();
    expect(again).toEqual(first);
    expect(fb.sends.filter((s) => (s.message as { text?: string }).text === 'Across a crash')).toHaveLength(1);
  });
});

describe('channel settings', () => {
  it('a bad setting is a typed error naming the field; a bad resolver answer a non-retryable failure', async () => {
    const build = (over: Record<string, unknown>) => () => new MessengerAdapter({ channels: [fbPage(over) as never], contacts });
    expect(build({ pageId: 'my page' })).toThrow(ChannelConfigError);
    expect(build({ pageId: 'my page' })).toThrow(/^channels\.0\.pageId: /);
    expect(build({ apiVersion: '24' })).toThrow(/channels\.0\.apiVersion/);
    expect(build({ baseUrl: 'ftp://graph' })).toThrow(/channels\.0\.baseUrl/);
    expect(build({ accessToken: '' })).toThrow(/channels\.0\.accessToken/);
    const viaResolver = new MessengerAdapter({ channels: () => fbPage({ auth: 'cookie' }) as never, contacts, now: () => NOW });
    const r = await viaResolver.deliver(effect('fresh', text('x')));
    expect(r).toMatchObject({ ok: false, reason: 'channel_not_configured', retryable: false });
    expect(r.ok ? '' : r.message).toContain('auth');
  });
});

describe('Instagram', () => {
  const igAdapter = (auth?: 'bearer') =>
    new InstagramAdapter({
      channels: [
        { channelId: 'ch_ig', pageId: '17841400000000001', accessToken: 'IGQW-token-abcdef', appSecret: 's', baseUrl: ig.url, ...(auth ? { auth } : {}) },
      ],
      contacts,
      now: () => NOW,
    });

  it('sends with Authorization: Bearer (Instagram Login) to the IG account id; refuses video and non-HUMAN_AGENT tags', async () => {
    const r = await igAdapter('bearer').deliver(
      effect('ig', { nodeType: 'message.quick_reply', content: { title: 'Size?', options: [{ id: 's', label: 'S' }] } }, 'instagram'),
    );
    expect(r).toMatchObject({ ok: true, channel: 'instagram' });
    expect(ig.sends.at(-1)).toMatchObject({ recipientId: IGSID, auth: 'bearer', messagingType: 'UPDATE' });
    expect(await igAdapter().deliver(effect('ig', { nodeType: 'message.video', content: { url: 'https://x.test/v.mp4' } }, 'instagram'))).toMatchObject({
      reason: 'unsupported_content',
    });
    const stale = new InstagramAdapter({
      channels: [{ channelId: 'ch_ig', pageId: '17841400000000001', accessToken: 'IGQW-token-abcdef', appSecret: 's', baseUrl: ig.url }],
      contacts,
      now: () => NOW + 30 * H,
    });
    const before = ig.requests.length;
    expect(await stale.deliver(effect('ig', text('Deal', 'ACCOUNT_UPDATE'), 'instagram'))).toMatchObject({ reason: 'window_closed' });
    expect(ig.requests.length).toBe(before);
  });
});

describe('retries through the engine: only retryable failures are retried', () => {
  const journey = {
    formatVersion: 2,
    kind: 'journey',
    channels: ['messenger'],
    triggers: [{ id: 'api', type: 'trigger.api', version: 1, config: { triggerKey: 'fb' } }],
    nodes: [
      {
        id: 'send',
        type: 'message.send',
        version: 1,
        config: { content: { kind: 'text', text: 'Hello from the journey' }, purpose: 'transactional', respectQuietHours: false, promotional: false },
      },
    ],
    edges: [{ id: 'e_api', source: 'api', sourcePort: 'next', target: 'send' }],
    settings: { reentry: { mode: 'always' } },
  };
  const api = (id: string, customerId: string, at: number): TriggerEvent => ({
    id,
    type: 'api.invoked',
    occurredAt: new Date(at).toISOString(),
    customerId,
    channel: 'messenger',
    payload: { triggerKey: 'fb' },
    dedupeKey: id,
  });

  it('613 is retried after back-off and sent once; 551 fails the node at once', async () => {
    const clock = new ManualClock(new Date(NOW));
    const attempts: number[] = [];
    const adapter = new MessengerAdapter({ channels: [fbPage()], contacts, now: () => clock.now(), ledger: new MemorySentLedger() });
    const engine = createEmbeddedEngine({
      file: join(mkdtempSync(join(tmpdir(), 'omniflow-fb-')), 'engine.db'),
      catalogue: builtinCatalogue(),
      contacts,
      effects: new ChannelEffectHandler({
        messenger: {
          deliver: (e) => {
            attempts.push(e.attempt);
            return adapter.deliver(e);
          },
        },
      }),
      clock,
      retryInitialMs: 1000,
      onError: (e) => console.error(e),
    });
    engine.start();
    try {
      engine.publish('j', 'j-v1', journey);
      const sentBefore = fb.sends.length;
      fb.failNext(META_FAILURES.rateLimit613);
      engine.ingest(api('e1', 'fresh', clock.now()));
      await engine.idle();
      for (let i = 0; i < 5 && engine.runs({ flowId: 'j' })[0]?.status !== 'completed'; i++) {
        clock.advance(2000);
        await engine.idle();
      }
      const [run] = engine.runs({ flowId: 'j' });
      expect(run?.status).toBe('completed');
      expect(engine.runTimeline(run!.id).steps.map((s) => [s.nodeId, s.port])).toContainEqual(['send', 'sent']);
      expect(attempts).toEqual([1, 2]);
      expect(fb.sends.length - sentBefore).toBe(1);

      attempts.length = 0;
      const requestsBefore = fb.requests.length;
      fb.failNext(META_FAILURES.personUnavailable551);
      engine.ingest(api('e2', 'fresh', clock.now()));
      await engine.idle();
      clock.advance(10_000);
      await engine.idle();
      const second = engine.runs({ flowId: 'j' }).find((r) => r.id !== run!.id)!;
      expect(engine.runTimeline(second.id).steps.map((s) => [s.nodeId, s.port])).toContainEqual(['send', 'failed']);
      expect(attempts).toEqual([1]);
      expect(fb.requests.length - requestsBefore).toBe(1);
    } finally {
      await engine.stop();
    }
  });
});

describe('MetaWebhookHandler', () => {
  it('ingests signed Page webhooks and rejects forged ones before parsing', async () => {
    const ingested: TriggerEvent[] = [];
    const resolved: unknown[] = [];
    const handler = new MetaWebhookHandler({
      platform: 'messenger',
      channel: { channelId: 'ch_fb', appSecret: 'the-app-secret' },
      resolveCustomer: async (i) => {
        resolved.push(i);
        return `cust_${i.externalUserId}`;
      },
      ingest: (e) => ingested.push(e),
    });
    const payload = {
      object: 'page',
      entry: [
        { id: PAGE, time: NOW, messaging: [{ sender: { id: PSID.fresh }, recipient: { id: PAGE }, timestamp: NOW, message: { mid: 'm_abc', text: 'menu' } }] },
      ],
    };
    const { body, headers } = signedWebhook(payload, 'the-app-secret');
    expect(await handler.handle(body, headers)).toEqual({ accepted: 1, ignored: 0 });
    expect(ingested[0]).toMatchObject({ type: 'message.received', customerId: `cust_${PSID.fresh}`, dedupeKey: 'messenger:m_abc', payload: { text: 'menu' } });
    expect(resolved[0]).toMatchObject({ channel: 'messenger', channelId: 'ch_fb', externalUserId: PSID.fresh, at: new Date(NOW) });
    const forged = signedWebhook(payload, 'not-the-secret');
    await expect(handler.handle(forged.body, forged.headers)).rejects.toBeInstanceOf(MetaWebhookError);
    await expect(handler.handle(body, {})).rejects.toMatchObject({ code: 'missing_signature' });
    expect(ingested).toHaveLength(1);
  });
});
