import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, NEXT_PORT, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { sendCard, skipOffChannel } from '../shared/card-run.ts';
import { stepTagSource } from '../shared/run-helpers.ts';
import { aspectOf, checkMediaUrl, MediaAsset } from '../shared/send-common.ts';

// §4.1.18 FB recurring notification opt-in (fb_ig scope, P8). Messenger renders it as a
// notification_messages template: an image, a topic and a button whose label ("接收訊息") Facebook
// fixes. Clicking it sets fbRecurringOptIn (daily, until the customer cancels), may tag the contact,
// and continues on `next`. P7: with other cards in the module everything is sent as standard
// messages and the 24 h rule applies.
//
// Platform override: Meta's Marketing Messages page (developers.facebook.com/docs/messenger-platform/
// marketing-messages, zh_TW/zh_CN/zh_HK versions) says Messenger marketing messages, a.k.a. recurring
// notifications, are discontinued on 10 February 2026 (an English copy says 12 January 2026). Not in
// PLATFORMS.md yet, so this is a warning on every card rather than an error.

/** The button label Facebook shows; it cannot be changed. */
export const RECURRING_OPTIN_BUTTON_LABEL = t('Get messages', '接收訊息');
/** Facebook shows the image at 1.94:1 on mobile and 1.66:1 on the web (§4.1.18). */
export const RECURRING_OPTIN_RATIOS = { mobile: 1.94, web: 1.66 } as const;

const Config = z.object({
  image: field(MediaAsset.optional(), t('Image', '圖片'), {
    widget: 'image',
    help: t('Shown at 1.94:1 on phones and 1.66:1 on computers.', '手機顯示比例 1.94:1,電腦 1.66:1。'),
  }),
  topic: field(z.string().max(1000).default(''), t('Topic', '主題'), {
    widget: 'text',
    help: t('What the customer subscribes to. Variables cannot be used.', '顧客訂閱的通知主題,不能使用替換變數。'),
  }),
  frequency: field(z.literal('daily').default('daily'), t('Frequency', '頻率'), { widget: 'select' }),
  tags: field(z.array(z.string().min(1).max(100)).max(50).default([]), t('Tags on opt-in', '訂閱時貼標'), { widget: 'tags' }),
});

export const fbRecurringOptinMessage = defineNode({
  type: 'message.fb_recurring_optin',
  version: 1,
  category: 'message',
  flowKinds: ['chatbot'],
  channels: ['messenger'],
  botScopes: ['fb_ig'],
  label: t('FB recurring notification', 'FB 訂閱定期通知'),
  description: t(
    'Asks the customer to receive daily notifications on a topic. The "接收訊息" button is fixed by Facebook; clicking it continues here.',
    '邀請顧客訂閱某主題的每日通知;「接收訊息」按鈕由 Facebook 固定,點擊後從此處繼續。',
  ),
  icon: 'bell-ring',
  config: Config,
  defaultConfig: { topic: '' },
  examples: [
    { name: 'topic only', config: { topic: '每日限時優惠' } },
    {
      name: 'with image and tags',
      config: {
        image: { url: 'https://example.com/optin/daily-deals.jpg', width: 1164, height: 600 },
        topic: 'Daily deals and new arrivals',
        tags: ['recurring_optin', 'deals'],
      },
    },
  ],
  ports: () => [{ ...NEXT_PORT, label: t('Subscribed', '已訂閱') }],
  limits: [
    { path: 'topic', measure: 'chars', min: 1, field: t('Topic', '主題'), source: '§4.1.18' },
    { path: 'topic', measure: 'chars', max: 65, field: t('Topic', '主題'), source: 'Messenger notification_messages title ≤ 65 (☑️ copies of Meta docs)' },
    { path: 'tags', measure: 'items', max: 5, field: t('Tags on opt-in', '訂閱時貼標'), source: '§4.1.1 (≤ 5 tags per click)' },
  ],
  // §5.2: the recurring-notification topic forbids variables; nothing else here is customer text.
  placeholders: [],
  placement: {
    warnIfNotAlone: t(
      'This module has other cards, so all of them are sent as standard messages and the 24-hour rule applies (P7).',
      '此模組還有其他卡片,因此全部會以一般訊息發送,並受 24 小時對話限制(P7)。',
    ),
  },
  check: (config, ctx) => {
    const issues: NodeIssue[] = [];
    if (config.image) {
      issues.push(...checkMediaUrl(config.image.url, ['image', 'url']));
      const ratio = aspectOf(config.image);
      const near = (target: number) => ratio !== undefined && Math.abs(ratio - target) / target <= 0.05;
      if (ratio !== undefined && !near(RECURRING_OPTIN_RATIOS.mobile) && !near(RECURRING_OPTIN_RATIOS.web)) {
        issues.push({
          path: ['image'],
          code: 'image_ratio',
          severity: 'warning',
          channel: 'messenger',
          message: t(
            `The image is ${ratio.toFixed(2)}:1; Facebook shows it at 1.94:1 on phones and 1.66:1 on computers, so it will be cropped.`,
            `圖片比例為 ${ratio.toFixed(2)}:1,Facebook 在手機以 1.94:1、電腦以 1.66:1 顯示,圖片會被裁切。`,
          ),
        });
      }
    }
    issues.push({
      path: [],
      code: 'platform_discontinued',
      severity: 'warning',
      channel: 'messenger',
      message: t(
        'Meta discontinued Messenger recurring notifications (marketing messages) on 10 February 2026; opt-in requests may fail. Consider another opt-in method.',
        'Meta 已於 2026 年 2 月 10 日停用 Messenger 定期通知(行銷訊息),訂閱邀請可能發送失敗,建議改用其他訂閱方式。',
      ),
    });
    if (ctx.channels.includes('instagram')) {
      issues.push({
        path: [],
        code: 'channel_rule',
        severity: 'warning',
        channel: 'instagram',
        message: t(
          'Recurring notifications exist on Messenger only; Instagram customers skip this card.',
          '定期通知僅適用於 Messenger,Instagram 顧客會略過此卡片。',
        ),
      });
    }
    return issues;
  },
  // Sends the opt-in request and waits for Facebook's opt-in (the fixed button's tap); the opt-in tags the
  // contact and continues on `next`. No opt-in before the input expiry ends the session here.
  run: async (ctx): Promise<NodeOutcome> => {
    const c = ctx.config;
    if (!ctx.resumedBy) {
      const skip = skipOffChannel(ctx, ['messenger'], 'A recurring-notification opt-in');
      if (skip) return skip;
      const sent = await sendCard(
        ctx,
        'message.fb_recurring_optin',
        { topic: c.topic, frequency: c.frequency, ...(c.image ? { image: c.image } : {}) },
        'Opt-in sent',
      );
      if (sent.kind !== 'next') return sent;
      return {
        kind: 'wait',
        until: new Date(ctx.now().getTime() + ctx.flow.inputExpiryMinutes * 60_000),
        events: [{ event: 'buttonClick' }],
        explanation: `Asked to receive "${c.topic}" ${c.frequency}`,
      };
    }
    if (ctx.resumedBy.type === 'timer') return { kind: 'end', status: 'completed', reason: 'not_opted_in', explanation: 'No opt-in' };
    if (c.tags.length > 0) await ctx.tags.apply(c.tags, stepTagSource(ctx));
    return { kind: 'next', port: 'next', explanation: `Opted in to "${c.topic}"` };
  },
  needs: ['send', 'contacts', 'tags'],
});
