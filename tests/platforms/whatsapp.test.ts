import {
  type Effect,
  MemoryContactStore,
  MemorySentLedger,
  MetaWebhookError,
  parseWhatsAppWebhook,
  WhatsAppAdapter,
  type WhatsAppDelivery,
  WhatsAppWebhookHandler,
  whatsAppDelivery,
  whatsAppTriggerEvent,
} from '@omniflow/engine';
import { Customer, type TriggerEvent } from '@omniflow/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { META_FAILURES, signedWebhook, startWhatsAppServer, type WhatsAppServer } from './meta-servers.ts';

// The WhatsApp Cloud API adapter against a local Cloud API server that checks path, version, Bearer token,
// the body schema and limits, the 24-hour customer service window and the WABA's approved templates.

const NOW = Date.parse('2026-11-25T09:00:00Z');
const H = 3_600_000;
const PHONE_ID = '106540352242922';
const TOKEN = 'EAAJ-system-user-token-42';
const WA = { fresh: '886911000001', stale: '886911000002' };

const contacts = new MemoryContactStore([
  Customer.parse({
    id: 'fresh',
    createdAt: '2025-01-01T00:00:00Z',
    identities: [{ channel: 'whatsapp', channelId: 'ch_wa', externalUserId: WA.fresh, customerLastInteractionAt: new Date(NOW - 2 * H).toISOString() }],
  }),
  Customer.parse({
    id: 'stale',
    createdAt: '2025-01-01T00:00:00Z',
    identities: [{ channel: 'whatsapp', channelId: 'ch_wa', externalUserId: WA.stale, customerLastInteractionAt: new Date(NOW - 48 * H).toISOString() }],
  }),
]);

let wa: WhatsAppServer;
beforeAll(async () => {
  wa = await startWhatsAppServer({
    phoneNumberId: PHONE_ID,
    accessToken: TOKEN,
    now: () => NOW,
    templates: [
      { name: 'order_shipped', language: 'zh_TW', bodyParameters: 2, header: 'image', buttons: ['quick_reply', 'url_with_parameter', 'phone'] },
      { name: 'hello_world', language: 'en_US', bodyParameters: 0 },
    ],
  });
  wa.inbound(WA.fresh, NOW - 2 * H);
  wa.inbound(WA.stale, NOW - 48 * H);
});
afterAll(() => wa.close());

let seq = 0;
function effect(customerId: string, payload: Record<string, unknown>): Effect {
  seq++;
  return {
    idempotencyKey: `run_${seq}:n:1:0`,
    kind: 'send',
    runId: `run_${seq}`,
    flowId: 'j1',
    customerId,
    nodeId: 'n',
    attempt: 1,
    payload: { channel: 'whatsapp', purpose: 'marketing', ...payload },
  };
}
const channel = (over: Record<string, unknown> = {}) => ({
  channelId: 'ch_wa',
  phoneNumberId: PHONE_ID,
  accessToken: TOKEN,
  appSecret: 'wa-secret',
  baseUrl: wa.url,
  ...over,
});
const adapter = (over: Record<string, unknown> = {}) => new WhatsAppAdapter({ channels: [channel(over)], contacts, now: () => NOW });
const text = (t: string) => ({ nodeType: 'message.send', content: { kind: 'text', text: t } });
const shipped = (over: Record<string, unknown> = {}) => ({
  nodeType: 'message.whatsapp_template',
  content: {
    template: { name: 'order_shipped', language: 'zh_TW', category: 'utility', bodyParameterCount: 2 },
    header: { kind: 'image', media: { url: 'https://x.test/box.jpg' } },
    parameters: ['Ken', 'A-1001'],
    buttons: [
      { type: 'quick_reply', id: 'thanks', text: 'Thanks', action: 'route' },
      { type: 'url', id: 'track', text: 'Track', urlParameter: 'A-1001' },
      { type: 'phone', id: 'call', text: 'Call us' },
    ],
    ...over,
  },
});

describe('WhatsApp Cloud API adapter', () => {
  it('session text inside 24 h: Bearer auth, /v24.0/{phone number id}/messages, messaging_product, a wamid back', async () => {
    const r = await adapter().deliver(effect('fresh', text('Your table is ready')));
    expect(r).toMatchObject({ ok: true, channel: 'whatsapp' });
    expect(r.ok && r.messageId).toMatch(/^wamid\./);
    expect(wa.requests.at(-1)).toMatchObject({ path: `/v24.0/${PHONE_ID}/messages`, status: 200 });
    expect(wa.sends.at(-1)!.body).toMatchObject({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: WA.fresh,
      type: 'text',
      text: { body: 'Your table is ready' },
    });
  });

  it('interactive reply buttons, lists and media pass the server’s schema', async () => {
    const a = adapter();
    const payloads = [
      {
        nodeType: 'message.text',
        content: { text: 'Confirm?', buttons: ['Yes', 'No', 'Later'].map((l) => ({ id: l.toLowerCase(), label: l, action: { kind: 'module' } })) },
      },
      {
        nodeType: 'message.options_list',
        content: {
          header: 'Shipping',
          body: 'How should we ship?',
          footer: 'Prices in NT$',
          buttonText: 'Options',
          options: Array.from({ length: 10 }, (_, i) => ({ id: `o${i}`, title: `Option ${i}`, description: 'about 2 days' })),
        },
      },
      { nodeType: 'message.image', content: { url: 'https://x.test/a.jpg', caption: 'New in' } },
      { nodeType: 'message.file', content: { url: 'https://x.test/menu.pdf', fileName: 'menu.pdf' } },
    ];
    for (const p of payloads) expect(await a.deliver(effect('fresh', p))).toMatchObject({ ok: true });
    expect(wa.sends.slice(-4).map((s) => s.type)).toEqual(['interactive', 'interactive', 'image', 'document']);
  });

  it('window rules: outside 24 h a session message is window_closed (nothing sent), a template goes out', async () => {
    const before = wa.requests.length;
    expect(await adapter().deliver(effect('stale', text('Hello again')))).toMatchObject({ ok: false, reason: 'window_closed', retryable: false });
    expect(wa.requests.length).toBe(before);
    const r = await adapter().deliver(effect('stale', shipped()));
    expect(r).toMatchObject({ ok: true });
    const body = wa.sends.at(-1)!.body as { template: { components: { type: string; sub_type?: string; index?: string }[] } };
    expect(body.template.components.map((c) => [c.type, c.sub_type ?? '', c.index ?? ''])).toEqual([
      ['header', '', ''],
      ['body', '', ''],
      ['button', 'quick_reply', '0'],
      ['button', 'url', '1'],
    ]);
    // The send node's template content, outside the window too.
    const hello = {
      nodeType: 'message.send',
      content: { kind: 'whatsapp_template', template: { name: 'hello_world', language: 'en_US', category: 'utility', bodyParameterCount: 0 }, parameters: [] },
    };
    expect(await adapter().deliver(effect('stale', hello))).toMatchObject({ ok: true });
  });

  it('a stale window record meets the platform’s 131047 and still ends as window_closed', async () => {
    const skewed = new WhatsAppAdapter({ channels: [channel()], contacts, now: () => NOW - 30 * H });
    expect(await skewed.deliver(effect('stale', text('Hi')))).toMatchObject({ ok: false, reason: 'window_closed', retryable: false });
    expect(wa.requests.at(-1)).toMatchObject({ code: 131047 });
  });

  it('template parameter rules are enforced before sending; the WABA’s own checks map to typed failures', async () => {
    const before = wa.requests.length;
    expect(await adapter().deliver(effect('stale', shipped({ parameters: ['Ken'] })))).toMatchObject({ reason: 'invalid_message', retryable: false });
    expect(await adapter().deliver(effect('stale', shipped({ parameters: ['Ken', 'two\nlines'] })))).toMatchObject({ reason: 'invalid_message' });
    expect(wa.requests.length).toBe(before);
    // Our snapshot says 1 parameter, the approved template has 2: WhatsApp answers 132000.
    const stale = shipped({ template: { name: 'order_shipped', language: 'zh_TW', category: 'utility', bodyParameterCount: 1 }, parameters: ['Ken'] });
    const r = await adapter().deliver(effect('stale', stale));
    expect(r).toMatchObject({ ok: false, reason: 'bad_request', retryable: false });
    expect(r.ok ? '' : r.message).toContain('132000');
    const unknown = shipped({ template: { name: 'not_approved', language: 'zh_TW', category: 'marketing', bodyParameterCount: 2 } });
    expect(await adapter().deliver(effect('stale', unknown))).toMatchObject({ ok: false, reason: 'bad_request', status: 404 });
  });

  it('throttling and 5xx are retryable; a bad token is not and does not leak', async () => {
    wa.failNext(META_FAILURES.waThroughput130429);
    expect(await adapter().deliver(effect('fresh', text('x')))).toMatchObject({ ok: false, reason: 'rate_limited', retryable: true });
    wa.failNext(META_FAILURES.http429);
    expect(await adapter().deliver(effect('fresh', text('x')))).toMatchObject({ ok: false, reason: 'rate_limited', retryable: true, status: 429 });
    wa.failNext(META_FAILURES.waUnknown131000);
    expect(await adapter().deliver(effect('fresh', text('x')))).toMatchObject({ ok: false, reason: 'server_error', retryable: true, status: 500 });
    const r = await adapter({ accessToken: 'EAAJ-leaked-token-777' }).deliver(effect('fresh', text('x')));
    expect(r).toMatchObject({ ok: false, reason: 'unauthorized', retryable: false, status: 401 });
    expect(JSON.stringify(r)).not.toContain('EAAJ-leaked-token-777');
    const timeout = new WhatsAppAdapter({ channels: [channel({ baseUrl: 'http://10.255.255.1:9' })], contacts, now: () => NOW, timeoutMs: 100 });
    expect(await timeout.deliver(effect('fresh', text('x')))).toMatchObject({ ok: false, retryable: true });
  });

  it('rejects a phone number where the phone number id belongs', () => {
    expect(() => adapter({ phoneNumberId: '+886 911 000 001' })).toThrow(/channels\.0\.phoneNumberId: must be the numeric phone number id/);
  });

  it('redelivered effects are answered from the ledger: one message on the wire', async () => {
    const a = new WhatsAppAdapter({ channels: [channel()], contacts, now: () => NOW, ledger: new MemorySentLedger() });
    const e = effect('fresh', text('Only once, please'));
    const first = await a.deliver(e);
    expect(await a.deliver({ ...e, attempt: 2 })).toEqual(first);
    expect(wa.sends.filter((s) => (s.body as { text?: { body: string } }).text?.body === 'Only once, please')).toHaveLength(1);
    expect(wa.duplicates()).toBe(0);
  });
});

describe('WhatsApp webhooks for what the server sent', () => {
  it('a button tap on our reply buttons routes back to the node; statuses track the wamid', async () => {
    const a = adapter();
    const sent = await a.deliver(
      effect('fresh', { nodeType: 'message.text', content: { text: 'Confirm?', buttons: [{ id: 'yes', label: 'Yes', action: { kind: 'module' } }] } }),
    );
    const wamid = sent.ok ? sent.messageId : '';
    const button = (wa.sends.at(-1)!.body as { interactive: { action: { buttons: { reply: { id: string } }[] } } }).interactive.action.buttons[0]!.reply.id;
    const ts = String(Math.floor(NOW / 1000));
    const value = { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_ID } };
    const { body, headers } = signedWebhook(
      {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                field: 'messages',
                value: {
                  ...value,
                  contacts: [{ profile: { name: 'Ken' }, wa_id: WA.fresh }],
                  messages: [
                    {
                      context: { from: '15550783881', id: wamid },
                      from: WA.fresh,
                      id: 'wamid.in1',
                      timestamp: ts,
                      type: 'interactive',
                      interactive: { type: 'button_reply', button_reply: { id: button, title: 'Yes' } },
                    },
                  ],
                },
              },
              { field: 'messages', value: { ...value, statuses: [{ id: wamid, status: 'delivered', timestamp: ts, recipient_id: WA.fresh }] } },
            ],
          },
        ],
      },
      'wa-secret',
    );
    const parsed = parseWhatsAppWebhook(body, headers, 'wa-secret');
    const trigger = whatsAppTriggerEvent(parsed.messages[0]!, 'fresh', 'ch_wa');
    expect(trigger).toMatchObject({ type: 'postback.received', payload: { flowId: 'j1', nodeId: 'n', buttonId: 'yes', replyTo: wamid } });
    expect(whatsAppDelivery(parsed.statuses[0]!)).toMatchObject({ messageId: wamid, status: 'delivered' });
  });
});

describe('WhatsAppWebhookHandler', () => {
  it('hands messages to the engine and statuses to onDelivery; other numbers are skipped; forged bodies rejected', async () => {
    const ingested: TriggerEvent[] = [];
    const deliveries: WhatsAppDelivery[] = [];
    const handler = new WhatsAppWebhookHandler({
      channel: { channelId: 'ch_wa', appSecret: 'wa-secret', phoneNumberId: PHONE_ID },
      resolveCustomer: async ({ externalUserId, profileName }) => `cust_${externalUserId}_${profileName ?? ''}`,
      ingest: (e) => ingested.push(e),
      onDelivery: (d) => deliveries.push(d),
    });
    const value = (phoneNumberId: string, extra: Record<string, unknown>) => ({
      field: 'messages',
      value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId }, ...extra },
    });
    const ts = String(Math.floor(NOW / 1000));
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            value(PHONE_ID, {
              contacts: [{ profile: { name: 'Mei' }, wa_id: WA.fresh }],
              messages: [{ from: WA.fresh, id: 'wamid.h1', timestamp: ts, type: 'text', text: { body: 'unsub' } }],
            }),
            value(PHONE_ID, {
              statuses: [
                { id: 'wamid.out', status: 'failed', timestamp: ts, recipient_id: WA.fresh, errors: [{ code: 131026, title: 'Message undeliverable' }] },
              ],
            }),
            value('999999999999999', { messages: [{ from: WA.stale, id: 'wamid.other', timestamp: ts, type: 'text', text: { body: 'x' } }] }),
          ],
        },
      ],
    };
    const { body, headers } = signedWebhook(payload, 'wa-secret');
    expect(await handler.handle(body, headers)).toEqual({ accepted: 1, statuses: 1, ignored: 1 });
    expect(ingested).toHaveLength(1);
    expect(ingested[0]).toMatchObject({
      type: 'message.received',
      customerId: `cust_${WA.fresh}_Mei`,
      dedupeKey: 'whatsapp:wamid.h1',
      payload: { text: 'unsub' },
    });
    expect(deliveries[0]).toMatchObject({ messageId: 'wamid.out', status: 'failed', failure: { reason: 'rejected', retryable: false, code: 131026 } });
    const forged = signedWebhook(payload, 'guessed-secret');
    await expect(handler.handle(forged.body, forged.headers)).rejects.toBeInstanceOf(MetaWebhookError);
    expect(ingested).toHaveLength(1);
  });
});
