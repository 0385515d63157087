import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue, type PortSpec } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { renderText, skipOffChannel } from '../shared/card-run.ts';
import { failedSend } from '../shared/run-helpers.ts';
import { checkMediaUrl, MB, MediaAsset } from '../shared/send-common.ts';

// §4.1.15 Coupon card (and §1.7 coupons). The claim outcomes are ports (ours): `claimed`, `exhausted`
// (派發完畢), `limitReached` (領取達上限, with a view-claimed button) and `insufficientPoints`. Each
// failure outcome also has a text the customer sees when its port leads nowhere. Not in the web
// bot (§4.0); on WhatsApp the card is merged into one message with the link as a button.

const Config = z.object({
  couponId: field(z.string().max(64).default(''), t('Coupon', '優惠券'), { widget: 'select' }),
  image: field(MediaAsset.optional(), t('Custom image', '自訂圖片'), { widget: 'image' }),
  redeemButtonText: field(z.string().max(100).default(''), t('Claim button text', '領取按鈕文字'), {
    widget: 'text',
    help: t("Leave empty to use the default text in the customer's language.", '留白則依顧客語言顯示預設文字。'),
  }),
  exhaustedMessage: field(z.string().max(5000).default('優惠券已發送完畢,謝謝您的參與!'), t('"All given out" message', '派發完畢訊息'), {
    widget: 'template',
  }),
  limitReachedMessage: field(z.string().max(5000).default('您已達此優惠券的領取上限。'), t('"Claim limit reached" message', '領取達上限訊息'), {
    widget: 'template',
  }),
  insufficientPointsMessage: field(
    z.string().max(5000).default('點數不足,目前點數 {{system:loyaltyPoint:balance}} 點。'),
    t('"Not enough points" message', '點數不足訊息'),
    { widget: 'template' },
  ),
});

const CLAIM_PORTS: readonly PortSpec[] = [
  { id: 'claimed', label: t('Claimed', '領取成功'), role: 'success' },
  { id: 'exhausted', label: t('All given out', '派發完畢'), role: 'failure' },
  { id: 'limitReached', label: t('Claim limit reached', '領取達上限'), role: 'failure' },
  { id: 'insufficientPoints', label: t('Not enough points', '點數不足'), role: 'failure' },
];

const MESSAGE_FIELDS = ['exhaustedMessage', 'limitReachedMessage', 'insufficientPointsMessage'] as const;

export const couponMessage = defineNode({
  type: 'message.coupon',
  version: 1,
  category: 'message',
  flowKinds: ['chatbot'],
  channels: ['line', 'messenger', 'instagram', 'whatsapp'],
  botScopes: ['all', 'fb_ig', 'whatsapp', 'line'],
  label: t('Coupon', '優惠券卡片'),
  description: t(
    'Offers a coupon with a claim button; continues on whether it was claimed, all given out, over the claim limit, or short of points.',
    '提供可領取的優惠券,依領取成功、派發完畢、達領取上限或點數不足分流。',
  ),
  icon: 'ticket-percent',
  config: Config,
  defaultConfig: { couponId: '' },
  examples: [
    { name: 'default texts', config: { couponId: 'cpn_2026_xmas_100off' } },
    {
      name: 'custom image and button',
      config: {
        couponId: 'cpn_vip_points_500',
        image: { url: 'https://example.com/coupons/vip-500.jpg', width: 1040, height: 1040, sizeBytes: 420_000 },
        redeemButtonText: '立即兌換',
        exhaustedMessage: '{{system:customer_name|"您"}}好,本檔優惠已全數兌換完畢,下次請早!',
        limitReachedMessage: '您已兌換過此優惠券,可到「我的優惠券」查看。',
        insufficientPointsMessage: '兌換需要 500 點,您目前有 {{system:loyaltyPoint:balance}} 點。',
      },
    },
  ],
  ports: () => [...CLAIM_PORTS],
  limits: [
    { path: 'couponId', measure: 'chars', min: 1, field: t('Coupon', '優惠券'), source: '§4.1.15' },
    {
      path: 'redeemButtonText',
      measure: 'chars',
      max: 20,
      field: t('Claim button text', '領取按鈕文字'),
      source: '§4.1.1 button labels; Messenger/WhatsApp button titles ≤ 20',
    },
    {
      path: 'redeemButtonText',
      measure: 'chars',
      max: 20,
      count: 'graphemes',
      channels: ['line'],
      field: t('Claim button text', '領取按鈕文字'),
      source: 'LINE action label',
    },
    { path: 'image.sizeBytes', measure: 'number', max: 10 * MB, field: t('Image file size (bytes)', '圖片檔案大小(位元組)'), source: '§6.9 bot image ≤ 10 MB' },
    {
      path: 'image.sizeBytes',
      measure: 'number',
      max: 5 * MB,
      channels: ['whatsapp'],
      field: t('Image file size (bytes)', '圖片檔案大小(位元組)'),
      source: '§6.9 WhatsApp image ≤ 5 MB',
    },
    {
      path: 'image.sizeBytes',
      measure: 'number',
      max: 8 * MB,
      channels: ['messenger', 'instagram'],
      field: t('Image file size (bytes)', '圖片檔案大小(位元組)'),
      source: '§6.9 FB ≤ 8 MB',
    },
    ...MESSAGE_FIELDS.map((path) => ({
      path,
      measure: 'chars' as const,
      min: 1,
      field: t('Claim result message', '領取結果訊息'),
      source: '§1.7 (separate messages per outcome)',
    })),
    ...MESSAGE_FIELDS.map((path) => ({
      path,
      measure: 'chars' as const,
      max: 1999,
      channels: ['messenger', 'instagram'] as const,
      field: t('Claim result message', '領取結果訊息'),
      source: 'Messenger Send API: text < 2000',
    })),
    ...MESSAGE_FIELDS.map((path) => ({
      path,
      measure: 'chars' as const,
      max: 4096,
      channels: ['whatsapp'] as const,
      field: t('Claim result message', '領取結果訊息'),
      source: 'WhatsApp text body',
    })),
    ...MESSAGE_FIELDS.map((path) => ({
      path,
      measure: 'chars' as const,
      max: 5000,
      count: 'utf16' as const,
      channels: ['line'] as const,
      field: t('Claim result message', '領取結果訊息'),
      source: 'LINE text message',
    })),
  ],
  // §5.2 lists the insufficient-points message; the other two outcome texts are the same kind of plain text.
  placeholders: [...MESSAGE_FIELDS],
  check: (config, ctx) => {
    const issues: NodeIssue[] = [];
    if (config.image) issues.push(...checkMediaUrl(config.image.url, ['image', 'url']));
    // §4.0: the web bot has no coupon card (the palette hides it; a pasted card still gets this error).
    if (ctx.scope === 'web' || (ctx.channels.length > 0 && ctx.channels.every((c) => c === 'webchat'))) {
      issues.push({
        path: [],
        code: 'channel_rule',
        channel: 'webchat',
        message: t('Coupon cards are not available in the website bot.', '網站對話插件機器人不支援優惠券卡片。'),
      });
    }
    return issues;
  },
  // Sends the card, then waits for the claim: the coupon service answers the claim button's tap with the
  // claim's result (`payload.claim`), which picks the port. A failed claim also tells the customer why.
  run: async (ctx): Promise<NodeOutcome> => {
    const c = ctx.config;
    if (!ctx.resumedBy) {
      const skip = skipOffChannel(ctx, ['line', 'messenger', 'instagram', 'whatsapp'], 'A coupon card');
      if (skip) return skip;
      const sent = await ctx.send({
        nodeType: 'message.coupon',
        content: { couponId: c.couponId, ...(c.image ? { image: c.image } : {}), redeemButtonText: c.redeemButtonText },
        purpose: 'conversational',
      });
      if (!sent.ok) return failedSend(sent);
      return {
        kind: 'wait',
        until: new Date(ctx.now().getTime() + ctx.flow.inputExpiryMinutes * 60_000),
        events: [{ event: 'buttonClick' }],
        explanation: `Coupon ${c.couponId} offered`,
      };
    }
    if (ctx.resumedBy.type === 'timer')
      return { kind: 'end', status: 'completed', reason: 'coupon_not_claimed', explanation: 'The coupon was not claimed in time' };
    const claim = ctx.resumedBy.payload.claim;
    if (claim === 'claimed') return { kind: 'next', port: 'claimed', explanation: `Coupon ${c.couponId} claimed` };
    const text =
      claim === 'exhausted'
        ? c.exhaustedMessage
        : claim === 'limitReached'
          ? c.limitReachedMessage
          : claim === 'insufficientPoints'
            ? c.insufficientPointsMessage
            : undefined;
    if (text === undefined) {
      const message =
        claim === undefined
          ? `The claim of coupon ${c.couponId} came back without a result (payload.claim); the coupon service must answer the tap`
          : `The claim of coupon ${c.couponId} answered "${String(claim)}", which is none of claimed, exhausted, limitReached, insufficientPoints`;
      return { kind: 'fail', reason: 'unknown_claim_result', message, retryable: false };
    }
    const sent = await ctx.send({ nodeType: 'message.text', content: { text: renderText(ctx, text), buttons: [] }, purpose: 'conversational' });
    if (!sent.ok) return failedSend(sent);
    return { kind: 'next', port: String(claim), explanation: `Coupon ${c.couponId} not claimed: ${String(claim)}` };
  },
  needs: ['send', 'contacts', 'points'],
});
