import { describe, expect, it } from 'vitest';
import { postbackData } from './line-messages.ts';
import { MetaWebhookError, metaSignature, metaTriggerEvent, parseMetaWebhook, verifyMetaSignature, verifyMetaSubscription } from './meta-webhook.ts';
import { parseWhatsAppWebhook, whatsAppDelivery, whatsAppTriggerEvent } from './whatsapp-webhook.ts';

const SECRET = 'app-secret-123';
const signed = (payload: unknown) => {
  const body = JSON.stringify(payload);
  return { body, headers: { 'X-Hub-Signature-256': metaSignature(body, SECRET) } };
};
const rejects = (f: () => unknown, code: string) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MetaWebhookError);
    expect((e as MetaWebhookError).code).toBe(code);
    return;
  }
  throw new Error('expected a MetaWebhookError');
};

// Shapes of the samples on Meta's webhook reference pages (messages, messaging_postbacks,
// messaging_referrals; WhatsApp messages and statuses), with the placeholders filled in.
const PAGE = '1234567890';
const PSID = '6543210987654321';
const messaging = (events: Record<string, unknown>[], object = 'page') => ({ object, entry: [{ id: PAGE, time: 1458692752478, messaging: events }] });
const who = { sender: { id: PSID }, recipient: { id: PAGE }, timestamp: 1458692752478 };

describe('X-Hub-Signature-256', () => {
  it('accepts Meta’s signature and rejects forged, truncated and missing ones', () => {
    const body = '{"object":"page","entry":[]}';
    const sig = metaSignature(body, SECRET);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyMetaSignature(body, sig, SECRET)).toBe(true);
    expect(verifyMetaSignature(Buffer.from(body), sig.toUpperCase().replace('SHA256=', 'sha256='), SECRET)).toBe(true);
    expect(verifyMetaSignature(body, metaSignature(body, 'other-secret'), SECRET)).toBe(false);
    expect(verifyMetaSignature(`${body} `, sig, SECRET)).toBe(false);
    expect(verifyMetaSignature(body, sig.slice(0, 40), SECRET)).toBe(false);
    expect(verifyMetaSignature(body, sig.replace('sha256=', 'sha1='), SECRET)).toBe(false);
    expect(verifyMetaSignature(body, undefined, SECRET)).toBe(false);
  });
  it('parseMetaWebhook throws typed errors before reading the body', () => {
    const { body } = signed(messaging([]));
    rejects(() => parseMetaWebhook(body, {}, SECRET), 'missing_signature');
    rejects(() => parseMetaWebhook(body, { 'x-hub-signature-256': metaSignature(body, 'forged') }, SECRET), 'bad_signature');
    rejects(() => parseMetaWebhook('not json', { 'x-hub-signature-256': metaSignature('not json', SECRET) }, SECRET), 'malformed');
    const wrongObject = signed({ object: 'user', entry: [] });
    rejects(() => parseMetaWebhook(wrongObject.body, wrongObject.headers, SECRET), 'malformed');
    const noSender = signed(messaging([{ recipient: { id: PAGE }, timestamp: 1, message: { mid: 'm', text: 'x' } }]));
    rejects(() => parseMetaWebhook(noSender.body, noSender.headers, SECRET), 'malformed');
    expect(() => parseMetaWebhook(noSender.body, noSender.headers, SECRET)).toThrow(/^entry\.0\.messaging\.0\.sender/);
    const badPostback = signed(messaging([{ ...who, postback: { title: 'x' } }]));
    expect(() => parseMetaWebhook(badPostback.body, badPostback.headers, SECRET)).toThrow('entry.0.messaging.0.postback.payload');
    expect(new MetaWebhookError('bad_signature', '').status).toBe(401);
    expect(new MetaWebhookError('malformed', '').status).toBe(400);
  });
});

describe('GET subscription handshake', () => {
  it('echoes hub.challenge only for subscribe + the right verify token', () => {
    const q = (token: string, mode = 'subscribe') => new URLSearchParams({ 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': '1158201444' });
    expect(verifyMetaSubscription(q('my-verify-token'), 'my-verify-token')).toEqual({ ok: true, challenge: '1158201444' });
    expect(verifyMetaSubscription(q('wrong'), 'my-verify-token')).toMatchObject({ ok: false, status: 403 });
    expect(verifyMetaSubscription(q('my-verify-token', 'unsubscribe'), 'my-verify-token')).toMatchObject({ ok: false, status: 403 });
    expect(verifyMetaSubscription({ 'hub.mode': 'subscribe' }, 'my-verify-token')).toMatchObject({ ok: false, status: 400 });
  });
});

describe('Messenger / Instagram events', () => {
  it('parses text, quick-reply taps, postbacks with an m.me ref, referrals; ignores echoes, reads and plugin visitors', () => {
    const qr = postbackData({ flowId: 'bot', nodeId: 'menu' }, 'hours');
    const { body, headers } = signed(
      messaging([
        { ...who, message: { mid: 'm_1', text: 'hello, world!' } },
        { ...who, message: { mid: 'm_2', text: 'Opening hours', quick_reply: { payload: qr } } },
        {
          ...who,
          postback: { mid: 'm_3', title: 'Get Started', payload: 'GET_STARTED', referral: { ref: 'spring-sale', source: 'SHORTLINK', type: 'OPEN_THREAD' } },
        },
        { ...who, referral: { ref: 'xmas_2026', source: 'SHORTLINK', type: 'OPEN_THREAD' } },
        { ...who, referral: { ref: 'ad-ref', ad_id: '6045246247433', source: 'ADS', type: 'OPEN_THREAD', ads_context_data: { ad_title: 'Sale' } } },
        { ...who, message: { mid: 'm_4', is_echo: true, app_id: 1517776481860111, text: 'our own send' } },
        { ...who, read: { watermark: 1458668856253 } },
        { sender: { user_ref: 'plugin-visitor' }, recipient: { id: PAGE }, timestamp: 1, referral: { source: 'CUSTOMER_CHAT_PLUGIN', type: 'OPEN_THREAD' } },
        { ...who, message: { mid: 'm_5', attachments: [{ type: 'image', payload: { url: 'https://scontent.xx.fbcdn.net/a.jpg' } }] } },
      ]),
    );
    const parsed = parseMetaWebhook(body, headers, SECRET);
    expect(parsed.platform).toBe('messenger');
    expect(parsed.ignored).toBe(3);
    const events = parsed.events.map((e) => metaTriggerEvent(e, 'c1', 'ch_fb'));
    expect(events.map((e) => [e.type, e.dedupeKey])).toEqual([
      ['message.received', 'messenger:m_1'],
      ['postback.received', 'messenger:m_2'],
      ['entry_point.opened', 'messenger:m_3'],
      ['entry_point.opened', `messenger:${PSID}:1458692752478:referral`],
      ['entry_point.opened', `messenger:${PSID}:1458692752478:referral`],
      ['message.received', 'messenger:m_5'],
    ]);
    expect(events[0]).toMatchObject({ channel: 'messenger', channelId: 'ch_fb', customerId: 'c1', payload: { text: 'hello, world!', senderId: PSID } });
    expect(events[1]!.payload).toMatchObject({ buttonId: 'hours', nodeId: 'menu', flowId: 'bot', text: 'Opening hours' });
    expect(events[2]!.payload).toMatchObject({ entry: 'mme_ref', ref: 'spring-sale', data: 'GET_STARTED' });
    expect(events[3]!.payload).toMatchObject({ entry: 'mme_ref', ref: 'xmas_2026', referralSource: 'SHORTLINK', opensWindow: true });
    expect(events[4]!.payload).toMatchObject({ entry: 'ad_referral', adId: '6045246247433' });
    expect(events[5]!.payload).toMatchObject({ attachments: [{ type: 'image', url: 'https://scontent.xx.fbcdn.net/a.jpg' }] });
    expect(events[0]!.occurredAt).toBe('2016-03-23T00:25:52.478Z');
  });

  it('Instagram webhooks use object "instagram" and the same messaging shape', () => {
    const { body, headers } = signed(
      messaging([{ ...who, postback: { mid: 'aWdfZA', title: 'Menu', payload: postbackData({ flowId: 'f', nodeId: 'n' }, 'b1') } }], 'instagram'),
    );
    const parsed = parseMetaWebhook(body, headers, SECRET);
    expect(parsed.platform).toBe('instagram');
    expect(metaTriggerEvent(parsed.events[0]!, 'c9', 'ch_ig')).toMatchObject({
      type: 'postback.received',
      channel: 'instagram',
      dedupeKey: 'instagram:aWdfZA',
      payload: { buttonId: 'b1', nodeId: 'n', title: 'Menu' },
    });
  });
});

describe('WhatsApp webhooks', () => {
  const change = (value: Record<string, unknown>) => ({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' }, ...value },
          },
        ],
      },
    ],
  });
  const contacts = [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }];

  it('parses text, interactive button_reply / list_reply and template button messages', () => {
    const id = postbackData({ flowId: 'j', nodeId: 'ask' }, 'yes');
    const { body, headers } = signed(
      change({
        contacts,
        messages: [
          {
            from: '16505551234',
            id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
            timestamp: '1749416383',
            type: 'text',
            text: { body: 'Does it come in another color?' },
          },
          {
            context: { from: '15550783881', id: 'wamid.ctx' },
            from: '16505551234',
            id: 'wamid.b',
            timestamp: '1749416400',
            type: 'interactive',
            interactive: { type: 'button_reply', button_reply: { id, title: 'Yes' } },
          },
          {
            from: '16505551234',
            id: 'wamid.l',
            timestamp: '1749416401',
            type: 'interactive',
            interactive: { type: 'list_reply', list_reply: { id: 'row-2', title: 'Priority Mail', description: '1–3 days' } },
          },
          {
            context: { from: '15550783881', id: 'wamid.tpl' },
            from: '16505551234',
            id: 'wamid.t',
            timestamp: '1749416402',
            type: 'button',
            button: { payload: id, text: 'Yes' },
          },
          {
            from: '16505551234',
            id: 'wamid.i',
            timestamp: '1749416403',
            type: 'image',
            image: { id: '1003383421387256', mime_type: 'image/jpeg', caption: 'this one' },
          },
        ],
      }),
    );
    const parsed = parseWhatsAppWebhook(body, headers, SECRET);
    expect(parsed.statuses).toEqual([]);
    const events = parsed.messages.map((m) => whatsAppTriggerEvent(m, 'c1', 'ch_wa'));
    expect(events.map((e) => e.type)).toEqual(['message.received', 'postback.received', 'postback.received', 'postback.received', 'message.received']);
    expect(events[0]).toMatchObject({
      channel: 'whatsapp',
      dedupeKey: 'whatsapp:wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
      occurredAt: '2025-06-08T20:59:43.000Z',
    });
    expect(events[0]!.payload).toMatchObject({ text: 'Does it come in another color?', profileName: 'Sheena Nelson', waId: '16505551234' });
    expect(events[1]!.payload).toMatchObject({ buttonId: 'yes', nodeId: 'ask', flowId: 'j', text: 'Yes', replyKind: 'button_reply', replyTo: 'wamid.ctx' });
    expect(events[2]!.payload).toMatchObject({ data: 'row-2', description: '1–3 days', replyKind: 'list_reply' });
    expect(events[3]!.payload).toMatchObject({ buttonId: 'yes', replyKind: 'button' });
    expect(parsed.messages[4]!.media).toEqual({ id: '1003383421387256', mimeType: 'image/jpeg', caption: 'this one' });
  });

  it('parses sent / delivered / read / failed statuses; a failed one maps its error code', () => {
    const st = (status: string, extra: Record<string, unknown> = {}) => ({
      id: 'wamid.out1',
      status,
      timestamp: '1750263773',
      recipient_id: '16505551234',
      ...extra,
    });
    const { body, headers } = signed(
      change({
        statuses: [
          st('sent', { pricing: { billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' } }),
          st('delivered'),
          st('read'),
          st('failed', {
            errors: [
              {
                code: 131047,
                title: 'Re-engagement message',
                message: 'Re-engagement message',
                error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
                href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
              },
            ],
          }),
          st('failed', { errors: [{ code: 130429, title: 'Rate limit hit' }] }),
        ],
      }),
    );
    const parsed = parseWhatsAppWebhook(body, headers, SECRET);
    expect(parsed.statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read', 'failed', 'failed']);
    expect(parsed.statuses[0]!.pricing).toEqual({ billable: true, pricingModel: 'PMP', category: 'utility', type: 'regular' });
    const d = parsed.statuses.map(whatsAppDelivery);
    expect(d[2]).toEqual({ messageId: 'wamid.out1', status: 'read', at: '2025-06-18T16:22:53.000Z', recipientId: '16505551234' });
    expect(d[3]!.failure).toMatchObject({ reason: 'window_closed', retryable: false, code: 131047 });
    expect(d[3]!.failure!.message).toContain('more than 24 hours');
    expect(d[4]!.failure).toMatchObject({ reason: 'rate_limited', retryable: true });
  });

  it('rejects forged or missing signatures and malformed bodies', () => {
    const { body } = signed(change({ messages: [] }));
    rejects(() => parseWhatsAppWebhook(body, {}, SECRET), 'missing_signature');
    rejects(() => parseWhatsAppWebhook(body, { 'x-hub-signature-256': metaSignature(body, 'attacker') }, SECRET), 'bad_signature');
    const bad = signed(change({ statuses: [{ id: 'w', status: 'teleported', timestamp: '1', recipient_id: '1' }] }));
    rejects(() => parseWhatsAppWebhook(bad.body, bad.headers, SECRET), 'malformed');
    expect(() => parseWhatsAppWebhook(bad.body, bad.headers, SECRET)).toThrow('entry.0.changes.0.value.statuses.0.status');
    const noBody = signed(change({ messages: [{ from: '1', id: 'w', timestamp: '1749416383', type: 'text' }] }));
    expect(() => parseWhatsAppWebhook(noBody.body, noBody.headers, SECRET)).toThrow('entry.0.changes.0.value.messages.0.text.body');
    const noMeta = signed({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { messages: [] } }] }] });
    rejects(() => parseWhatsAppWebhook(noMeta.body, noMeta.headers, SECRET), 'malformed');
    const other = signed({
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED' } }] }],
    });
    expect(parseWhatsAppWebhook(other.body, other.headers, SECRET)).toEqual({ messages: [], statuses: [], ignored: 1 });
  });
});
