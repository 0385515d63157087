import { describe, expect, it } from 'vitest';
import type { AnyNodeDefinition } from '../../define.ts';
import { runNode } from '../../testing/fake-run-context.ts';
import { carouselMessage } from './carousel.ts';
import { cartItemsMessage } from './cart-items.ts';
import { couponMessage } from './coupon.ts';
import { fbRecurringOptinMessage } from './fb-recurring-optin.ts';
import { fileMessage } from './file.ts';
import { imageMessage } from './image.ts';
import { imageCarouselMessage } from './image-carousel.ts';
import { imagemapMessage } from './imagemap.ts';
import { invoiceMessage } from './invoice.ts';
import { notifyFallbackMessage } from './notify-fallback.ts';
import { omnilinkMessage } from './omnilink.ts';
import { optionsListMessage } from './options-list.ts';
import { stickerPackMessage } from './sticker-pack.ts';
import { videoMessage } from './video.ts';
import { whatsappFlowMessage } from './whatsapp-flow.ts';
import { whatsappTemplateMessage } from './whatsapp-template.ts';

// Behaviour of every message card's `run`: what it sends (placeholders rendered in string values only,
// URLs percent-encoded) and which port each outcome takes. Configs start from the nodes' own examples.

const example = (def: AnyNodeDefinition, i = 0) => structuredClone(def.examples[i]!.config) as Record<string, unknown>;
const failing = (reason: string) => () => ({ ok: false as const, reason, message: reason, retryable: false });
const click = (payload: Record<string, unknown>) => ({ type: 'buttonClick', payload });
const timer = { type: 'timer', payload: {} };
const WA_CONTACT = { identities: [{ channel: 'whatsapp', channelId: 'wa', externalUserId: '886900000000' } as never] };

describe('simple cards: send, continue with the module, fail with the reason', () => {
  const cases: [AnyNodeDefinition, string, 'line' | 'messenger' | 'whatsapp'][] = [
    [fileMessage, 'message.file', 'messenger'],
    [imageMessage, 'message.image', 'line'],
    [imageCarouselMessage, 'message.image_carousel', 'line'],
    [imagemapMessage, 'message.imagemap', 'line'],
    [invoiceMessage, 'message.invoice', 'line'],
    [stickerPackMessage, 'message.sticker_pack', 'whatsapp'],
    [videoMessage, 'message.video', 'line'],
    [carouselMessage, 'message.carousel', 'line'],
  ];
  for (const [def, nodeType, channel] of cases) {
    it(`${def.type}: next on success, fail on a platform error`, async () => {
      const ok = await runNode(def, example(def), { channel, flowKind: 'chatbot' });
      expect(ok.outcome).toMatchObject({ kind: 'next', port: 'next' });
      expect(ok.calls.sends).toHaveLength(1);
      expect(ok.calls.sends[0]).toMatchObject({ nodeType, purpose: 'conversational' });
      const failed = await runNode(def, example(def), { channel, send: failing('rate_limited') });
      expect(failed.outcome).toMatchObject({ kind: 'fail', reason: 'rate_limited' });
    });
  }

  it('cards a channel cannot show are skipped without sending, so the module goes on', async () => {
    for (const [def, channel] of [
      [fileMessage, 'line'],
      [imagemapMessage, 'messenger'],
      [imageCarouselMessage, 'whatsapp'],
      [videoMessage, 'webchat'],
      [stickerPackMessage, 'line'],
      [invoiceMessage, 'whatsapp'],
      [carouselMessage, 'whatsapp'],
    ] as const) {
      const r = await runNode(def, example(def), { channel });
      expect(r.outcome, def.type).toMatchObject({ kind: 'next', port: 'skipped' });
      expect(r.calls.sends).toHaveLength(0);
    }
  });

  it('carousel: renders subtitles and percent-encodes link placeholders, keeps titles literal', async () => {
    const config = example(carouselMessage);
    const columns = config.columns as { buttons: { action: { kind: string; url?: string } }[]; title: string }[];
    columns[0]!.buttons[0]!.action.url = 'https://shop.example.com/?who={{system:customer_name}} & co';
    columns[0]!.title = 'Runner {{x}}';
    const r = await runNode(carouselMessage, config, { channel: 'line' });
    const sent = r.calls.sends[0]!.content as { columns: { subtitle: string; title: string; buttons: { action: { url?: string } }[] }[] };
    expect(sent.columns[0]!.subtitle).toBe('Hi Amy, 20% off this week');
    expect(sent.columns[0]!.title).toBe('Runner {{x}}');
    expect(sent.columns[0]!.buttons[0]!.action.url).toBe('https://shop.example.com/?who=Amy & co');
    const encoded = await runNode(carouselMessage, config, {
      channel: 'line',
      contact: { name: 'A&B ?' },
    });
    const url = (encoded.calls.sends[0]!.content as typeof sent).columns[0]!.buttons[0]!.action.url;
    expect(url).toBe('https://shop.example.com/?who=A%26B%20%3F & co');
  });

  it('image: the caption is rendered on WhatsApp only', async () => {
    const config = { ...example(imageMessage), caption: 'For {{system:customer_name}}' };
    const wa = await runNode(imageMessage, config, { channel: 'whatsapp' });
    expect(wa.calls.sends[0]!.content).toMatchObject({ caption: 'For Amy' });
    const line = await runNode(imageMessage, config, { channel: 'line' });
    expect(line.calls.sends[0]!.content).not.toHaveProperty('caption');
  });
});

describe('cart items', () => {
  const items = Array.from({ length: 12 }, (_, i) => ({ sku: `s${i}`, name: `Item ${i}` }));
  it('shows the newest items up to maxItems; WhatsApp the last one; an empty cart is skipped', async () => {
    const { fakeContext } = await import('../../testing/fake-run-context.ts');
    const { ctx, calls } = fakeContext(cartItemsMessage, { maxItems: 3 });
    const withCart = { ...ctx, run: { ...ctx.run, vars: { cartItems: items } } };
    expect(await (cartItemsMessage as AnyNodeDefinition).run!(withCart)).toMatchObject({ port: 'next' });
    expect((calls.sends[0]!.content as { items: { sku: string }[] }).items.map((i) => i.sku)).toEqual(['s11', 's10', 's9']);
    const wa = { ...withCart, run: { ...withCart.run, channel: 'whatsapp' as const } };
    await (cartItemsMessage as AnyNodeDefinition).run!(wa);
    expect((calls.sends[1]!.content as { items: unknown[] }).items).toHaveLength(1);
    const empty = await runNode(cartItemsMessage, { maxItems: 3 });
    expect(empty.outcome).toMatchObject({ port: 'skipped' });
    expect(empty.calls.sends).toHaveLength(0);
  });
});

describe('coupon', () => {
  it('offers the coupon and waits for the claim; each claim result takes its port', async () => {
    const config = example(couponMessage, 1);
    const offer = await runNode(couponMessage, config, { channel: 'line' });
    expect(offer.outcome).toMatchObject({ kind: 'wait', events: [{ event: 'buttonClick' }] });
    expect(offer.calls.sends[0]).toMatchObject({ nodeType: 'message.coupon', content: { couponId: 'cpn_vip_points_500', redeemButtonText: '立即兌換' } });
    const claimed = await runNode(couponMessage, config, { resumedBy: click({ claim: 'claimed' }) });
    expect(claimed.outcome).toMatchObject({ port: 'claimed' });
    expect(claimed.calls.sends).toHaveLength(0);
    for (const claim of ['exhausted', 'limitReached', 'insufficientPoints']) {
      const r = await runNode(couponMessage, config, { resumedBy: click({ claim }) });
      expect(r.outcome).toMatchObject({ kind: 'next', port: claim });
      expect(r.calls.sends).toHaveLength(1);
    }
    const exhausted = await runNode(couponMessage, config, { resumedBy: click({ claim: 'exhausted' }) });
    expect(exhausted.calls.sends[0]!.content).toMatchObject({ text: 'Amy好,本檔優惠已全數兌換完畢,下次請早!' });
    expect((await runNode(couponMessage, config, { resumedBy: click({ claim: 'bogus' }) })).outcome).toMatchObject({
      kind: 'fail',
      reason: 'unknown_claim_result',
    });
    expect((await runNode(couponMessage, config, { resumedBy: timer })).outcome).toMatchObject({ kind: 'end', reason: 'coupon_not_claimed' });
    expect((await runNode(couponMessage, config, { channel: 'webchat' })).outcome).toMatchObject({ port: 'skipped' });
    expect((await runNode(couponMessage, config, { send: failing('blocked') })).outcome).toMatchObject({ kind: 'fail', reason: 'blocked' });
  });
});

describe('FB recurring opt-in', () => {
  it('asks on Messenger, tags and continues on opt-in, ends without one, skips Instagram', async () => {
    const config = example(fbRecurringOptinMessage, 1);
    const ask = await runNode(fbRecurringOptinMessage, config, { channel: 'messenger' });
    expect(ask.outcome).toMatchObject({ kind: 'wait', events: [{ event: 'buttonClick' }] });
    expect(ask.calls.sends[0]).toMatchObject({
      nodeType: 'message.fb_recurring_optin',
      content: { topic: 'Daily deals and new arrivals', frequency: 'daily' },
    });
    const optIn = await runNode(fbRecurringOptinMessage, config, { channel: 'messenger', flowKind: 'chatbot', resumedBy: click({ buttonId: 'optin' }) });
    expect(optIn.outcome).toMatchObject({ kind: 'next', port: 'next' });
    expect(optIn.calls.tags).toEqual([{ op: 'apply', tags: ['recurring_optin', 'deals'], source: 'chatbot' }]);
    expect((await runNode(fbRecurringOptinMessage, config, { resumedBy: timer })).outcome).toMatchObject({ kind: 'end' });
    expect((await runNode(fbRecurringOptinMessage, config, { channel: 'instagram' })).outcome).toMatchObject({ port: 'skipped' });
    expect((await runNode(fbRecurringOptinMessage, config, { channel: 'messenger', send: failing('window_closed') })).outcome).toMatchObject({ kind: 'fail' });
  });
});

describe('options list', () => {
  it('sends the list, routes a pick or a typed title, saves attributes, free text, fails on send errors', async () => {
    const config = {
      body: 'Hi {{system:customer_name}}, pick one',
      buttonText: 'See options',
      options: [
        { id: 'a', title: 'Shoes', description: 'For {{system:customer_name}}', saveAttribute: { key: 'interest', value: 'shoes' } },
        { id: 'b', title: 'Bags' },
      ],
    };
    const ask = await runNode(optionsListMessage, config, { channel: 'whatsapp' });
    expect(ask.outcome).toMatchObject({ kind: 'wait', timeoutPort: 'timeout' });
    expect(ask.calls.sends[0]!.content).toMatchObject({ body: 'Hi Amy, pick one', options: [{ id: 'a', description: 'For Amy' }, { id: 'b' }] });
    const pick = await runNode(optionsListMessage, config, { resumedBy: click({ optionId: 'a' }) });
    expect(pick.outcome).toMatchObject({ port: 'option:a' });
    expect(pick.calls.attributes).toEqual([{ key: 'interest', value: 'shoes' }]);
    expect((await runNode(optionsListMessage, config, { resumedBy: { type: 'reply', payload: { text: ' bags ' } } })).outcome).toMatchObject({
      port: 'option:b',
    });
    expect((await runNode(optionsListMessage, config, { resumedBy: { type: 'reply', payload: { text: 'hats' } } })).outcome).toMatchObject({
      port: 'freeText',
      vars: { reply_n1: 'hats' },
    });
    expect((await runNode(optionsListMessage, config, { send: failing('window_closed') })).outcome).toMatchObject({ kind: 'fail', reason: 'window_closed' });
  });
});

describe('OmniLink', () => {
  it('offers the link; linked → tags, target and source messages, journey, success; otherwise failure', async () => {
    const config = example(omnilinkMessage, 0);
    const offer = await runNode(omnilinkMessage, config, { channel: 'messenger' });
    expect(offer.outcome).toMatchObject({ kind: 'wait', events: [{ event: 'buttonClick' }] });
    expect(offer.calls.sends[0]).toMatchObject({ nodeType: 'message.omnilink', content: { targetChannel: 'line', buttonName: '一鍵綁定 LINE' } });
    const linked = await runNode(omnilinkMessage, config, { channel: 'messenger', flowKind: 'chatbot', resumedBy: click({ linked: true }) });
    expect(linked.outcome).toMatchObject({ kind: 'next', port: 'success' });
    expect(linked.calls.tags[0]).toMatchObject({ op: 'apply', tags: ['omnilink_line', 'from_facebook'] });
    expect(linked.calls.sends.map((s) => s.channel)).toEqual(['line', undefined]);
    expect(linked.calls.sends[0]!.content).toMatchObject({ text: 'Amy,綁定成功!95 折優惠已放入您的優惠券夾。' });
    expect(linked.calls.journeys).toEqual([{ journeyId: 'jrn_welcome_linked', vars: { omnilinkTarget: 'line' } }]);
    const failed = await runNode(omnilinkMessage, config, { resumedBy: click({ linked: false }) });
    expect(failed.outcome).toMatchObject({ port: 'failure' });
    expect(failed.calls.sends[0]!.content).toMatchObject({ text: '綁定沒有成功,請稍後再試或直接聯繫客服。' });
    expect((await runNode(omnilinkMessage, config, { resumedBy: timer })).outcome).toMatchObject({ port: 'failure' });
    const module = await runNode(omnilinkMessage, example(omnilinkMessage, 1), { resumedBy: click({ linked: true }) });
    expect(module.calls.sends[0]).toMatchObject({ channel: 'whatsapp', content: { kind: 'module', module: { moduleId: 'mod_linked_welcome' } } });
    expect((await runNode(omnilinkMessage, config, { channel: 'webchat' })).outcome).toMatchObject({ port: 'skipped' });
  });
});

describe('WhatsApp Flow', () => {
  const config = () => ({
    body: 'Hi {{system:customer_name}}, book a fitting',
    button: { name: 'Book', flowId: '123', flowStatus: 'published' },
    additionalMessage: { kind: 'text', text: 'See you soon {{system:customer_name}}' },
    tags: ['booked'],
  });
  it('sends and continues on sent; a submission tags, thanks and continues on submitted', async () => {
    const sent = await runNode(whatsappFlowMessage, config(), { channel: 'whatsapp' });
    expect(sent.outcome).toMatchObject({ kind: 'next', port: 'sent' });
    expect(sent.calls.sends[0]).toMatchObject({ channel: 'whatsapp', content: { body: 'Hi Amy, book a fitting', button: { flowId: '123' } } });
    const submitted = await runNode(whatsappFlowMessage, config(), { resumedBy: { type: 'formSubmitted', payload: { size: 'M' } } });
    expect(submitted.outcome).toMatchObject({ port: 'submitted', vars: { form_n1: { size: 'M' } } });
    expect(submitted.calls.tags[0]).toMatchObject({ tags: ['booked'] });
    expect(submitted.calls.sends.map((s) => (s.content as { text: string }).text)).toEqual([
      '感謝你完成表單回覆!Thank you for completing the response form.',
      'See you soon Amy',
    ]);
  });
  it('refuses a Flow that cannot be sent, skips other channels, fails on a platform error', async () => {
    const paused = { ...config(), button: { name: 'Book', flowId: '123', flowStatus: 'paused' } };
    expect((await runNode(whatsappFlowMessage, paused, { channel: 'whatsapp' })).outcome).toMatchObject({ kind: 'fail', reason: 'flow_not_sendable' });
    expect((await runNode(whatsappFlowMessage, config(), { channel: 'line' })).outcome).toMatchObject({ port: 'skipped' });
    expect((await runNode(whatsappFlowMessage, config(), { channel: 'whatsapp', send: failing('window_closed') })).outcome).toMatchObject({ kind: 'fail' });
  });
});

describe('WhatsApp template (§4.2.2)', () => {
  it('renders single-line parameters and URL suffixes, sends on WhatsApp: sent / failed / skipped', async () => {
    const config = { ...example(whatsappTemplateMessage, 0), parameters: ['{{system:customer_name}}', 'VIP     gold'] };
    const r = await runNode(whatsappTemplateMessage, config, { contact: { ...WA_CONTACT, name: 'Amy\n  Lee\t', memberId: 'M 1' } });
    expect(r.outcome).toMatchObject({ kind: 'next', port: 'sent' });
    const sent = r.calls.sends[0]!;
    expect(sent).toMatchObject({ channel: 'whatsapp', purpose: 'marketing', content: { template: { name: 'xmas_sale_2026', language: 'zh_TW' } } });
    expect((sent.content as { parameters: string[] }).parameters).toEqual(['Amy Lee', 'VIP    gold']);
    const url = (sent.content as { buttons: { type: string; urlParameter?: string }[] }).buttons.find((b) => b.type === 'url');
    expect(url?.urlParameter).toBe('xmas?utm_source=omnichat&ref=');
    const failed = await runNode(whatsappTemplateMessage, config, { contact: WA_CONTACT, send: failing('template_paused') });
    expect(failed.outcome).toMatchObject({ port: 'failed' });
    const noWhatsApp = await runNode(whatsappTemplateMessage, config);
    expect(noWhatsApp.outcome).toMatchObject({ port: 'skipped' });
    expect(noWhatsApp.calls.sends).toHaveLength(0);
  });
  it('an empty parameter fails naming it instead of sending a template WhatsApp rejects', async () => {
    const config = { ...example(whatsappTemplateMessage, 1), parameters: ['{{trigger:order_id}}'] };
    const r = await runNode(whatsappTemplateMessage, config, { contact: WA_CONTACT });
    expect(r.outcome).toMatchObject({ port: 'failed' });
    expect((r.outcome as { explanation: string }).explanation).toContain('parameter 1');
    expect(r.calls.sends).toHaveLength(0);
  });
});

describe('notify with fallback (§4.2.11)', () => {
  const config = { linePush: { text: 'Hi {{system:customer_name}}' }, lon: { text: 'Order shipped' }, sms: { text: 'SMS: shipped', waitMinutes: 30 } };
  const phone = '886912345678';
  it('delivers by LINE push when the contact has one LINE identity', async () => {
    const r = await runNode(notifyFallbackMessage, config, { contact: { phone } });
    expect(r.outcome).toMatchObject({ port: 'line_push' });
    expect(r.calls.sends[0]).toMatchObject({ channel: 'line', content: { text: 'Hi Amy' }, purpose: 'transactional' });
  });
  it('falls back to a LINE notification message, then waits and sends an SMS', async () => {
    const pushFails = (m: { nodeType: string }) =>
      m.nodeType === 'message.text'
        ? { ok: false as const, reason: 'not_friend', message: 'x', retryable: false }
        : { ok: true as const, messageId: 'm2', channel: 'line' as const };
    const lon = await runNode(notifyFallbackMessage, config, { contact: { phone }, send: pushFails });
    expect(lon.outcome).toMatchObject({ port: 'lon' });
    expect(lon.calls.sends[1]).toMatchObject({ nodeType: 'message.line_notification', content: { phone, text: 'Order shipped' } });
    const wait = await runNode(notifyFallbackMessage, config, { contact: { phone }, send: failing('not_delivered') });
    expect(wait.outcome).toMatchObject({ kind: 'wait' });
    expect((wait.outcome as { until: Date }).until.toISOString()).toBe('2025-03-03T02:30:00.000Z');
    const sms = await runNode(notifyFallbackMessage, config, { contact: { phone }, resumedBy: timer, waitState: { tried: [] } });
    expect(sms.outcome).toMatchObject({ port: 'sms' });
    expect(sms.calls.sends).toEqual([{ nodeType: 'message.sms', channel: 'sms', content: { phone, text: 'SMS: shipped' }, purpose: 'transactional' }]);
  });
  it('goes straight to SMS when no LINE step is possible; fails without a phone or on a low balance', async () => {
    const noLine = await runNode(notifyFallbackMessage, { ...config, lon: { enabled: false, text: '' } }, { contact: { phone, identities: [] } });
    expect(noLine.outcome).toMatchObject({ port: 'sms' });
    expect(noLine.calls.sends.map((m) => m.channel)).toEqual(['sms']);
    const nothing = await runNode(notifyFallbackMessage, config, { contact: { identities: [] } });
    expect(nothing.outcome).toMatchObject({ port: 'failed' });
    const broke = await runNode(notifyFallbackMessage, config, { contact: { phone }, send: failing('insufficient_balance') });
    expect(broke.outcome).toMatchObject({ port: 'failed' });
    expect(broke.calls.sends).toHaveLength(1);
    const smsFails = await runNode(notifyFallbackMessage, config, { contact: { phone }, resumedBy: timer, send: failing('carrier_rejected') });
    expect(smsFails.outcome).toMatchObject({ port: 'failed' });
  });
});

describe('links', () => {
  it('values inside a link are percent-encoded; a placeholder that starts it is the address itself', async () => {
    const { textMessage } = await import('./text.ts');
    const { lineFlexMessage } = await import('./line-flex.ts');
    const config = {
      text: 'Hi',
      buttons: [
        { id: 'a', label: 'Mine', action: { kind: 'url', url: '{{system:customer_name}}/x?n={{system:customer_name}}' } },
        { id: 'b', label: 'Shop', action: { kind: 'url', url: 'https://shop.example.com/?n={{system:customer_name}}' } },
      ],
    };
    const r = await runNode(textMessage, config, { contact: { name: 'https://amy.example.com' } });
    const urls = (r.calls.sends[0]!.content as { buttons: { action: { url: string } }[] }).buttons.map((b) => b.action.url);
    expect(urls).toEqual(['https://amy.example.com/x?n=https%3A%2F%2Famy.example.com', 'https://shop.example.com/?n=https%3A%2F%2Famy.example.com']);
    const flex = await runNode(
      lineFlexMessage,
      {
        altText: 'For {{system:customer_name}}',
        contents: {
          type: 'bubble',
          body: {
            type: 'box',
            layout: 'vertical',
            contents: [
              { type: 'text', text: 'Hi {{system:customer_name}} & co' },
              { type: 'button', action: { type: 'uri', label: 'Go', uri: 'https://x.example/?n={{system:customer_name}}' } },
            ],
          },
        },
      },
      { flowKind: 'journey', contact: { name: 'A&B' } },
    );
    const body = (flex.calls.sends[0]!.content as { contents: { body: { contents: { text?: string; action?: { uri: string } }[] } } }).contents.body.contents;
    expect(body[0]!.text).toBe('Hi A&B & co');
    expect(body[1]!.action!.uri).toBe('https://x.example/?n=A%26B');
  });
});
