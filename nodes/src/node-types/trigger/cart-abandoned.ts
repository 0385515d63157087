import { Duration, durationMs, t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineTrigger, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';
import { checkChannelsInFlow } from '../shared/trig-keywords.ts';

// §3.8 Cart abandonment (購物車再行銷 2.0) as a journey trigger: add-to-cart by a bound visitor starts
// the sequence and every further add-to-cart restarts the countdown (the engine moves the contact's
// run back to its first wait). The messages themselves are the journey's wait + send nodes; on FB keep
// them within 24 h. Only one channel can be active at a time, so the trigger names exactly one.

const CART_CHANNELS = ['line', 'messenger', 'whatsapp'] as const;
const MAX_RESTART_MS = 365 * 86_400_000;

const Config = z.object({
  channel: field(z.enum(CART_CHANNELS).optional(), t('Channel', '渠道'), {
    widget: 'select',
    help: t('Only one channel can run cart remarketing at a time.', '同一時間只能有一個渠道啟用購物車再行銷。'),
  }),
  restartCycle: field(Duration.default({ amount: 7, unit: 'days' }), t('Restart cycle', '重啟週期'), {
    help: t(
      'Counted from the last message sent; after it, a new add-to-cart starts the sequence again.',
      '自最後一則訊息送出起算;超過後,新的加入購物車會重新開始整個流程。',
    ),
  }),
  stopOnCheckout: field(z.boolean().default(true), t('Stop when the customer checks out', '完成結帳時停止'), { widget: 'toggle' }),
  stopOnCartCleared: field(z.boolean().default(true), t('Stop when the cart is emptied', '清空購物車時停止'), {
    widget: 'toggle',
    help: t('Needs a clear-cart event from the shop (WACA or a self-built site).', '需要商店送出清空購物車事件(WACA 或自建網站)。'),
  }),
});

export const cartAbandonedTrigger = defineTrigger({
  type: 'trigger.cart_abandoned',
  version: 1,
  flowKinds: ['journey'],
  channels: CART_CHANNELS,
  requiredFeatures: ['cart_remarketing'],
  label: t('Cart abandoned', '購物車未結帳'),
  description: t(
    'Starts when a bound visitor adds to cart; each new add-to-cart restarts the countdown. By default the journey stops when the customer checks out or empties the cart.',
    '已綁定的訪客加入購物車時開始;每次再加入購物車都會重新倒數。預設在顧客完成結帳或清空購物車時停止。',
  ),
  icon: 'shopping-cart',
  config: Config,
  defaultConfig: { restartCycle: { amount: 7, unit: 'days' } },
  examples: [
    { name: 'LINE reminders', config: { channel: 'line', restartCycle: { amount: 3, unit: 'days' } } },
    { name: 'WhatsApp, stop on checkout only', config: { channel: 'whatsapp', restartCycle: { amount: 12, unit: 'hours' }, stopOnCartCleared: false } },
  ],
  check: (config, ctx) => {
    const issues: NodeIssue[] = [];
    if (!config.channel) {
      issues.push({ path: ['channel'], code: 'required', message: t('Choose the channel for cart reminders.', '請選擇購物車提醒的渠道。') });
    } else {
      issues.push(...checkChannelsInFlow([config.channel], ctx, ['channel']).map((i) => ({ ...i, path: ['channel'] })));
    }
    if (durationMs(config.restartCycle) > MAX_RESTART_MS) {
      issues.push({ path: ['restartCycle', 'amount'], code: 'too_large', message: t('The restart cycle can be at most 365 days.', '重啟週期最長 365 天。') });
    }
    if (!config.stopOnCheckout && !config.stopOnCartCleared) {
      issues.push({
        path: ['stopOnCheckout'],
        code: 'never_stops',
        severity: 'warning',
        message: t('Customers who already checked out will still get cart reminders.', '已完成結帳的顧客仍會收到購物車提醒。'),
      });
    }
    return issues;
  },
  events: ['cart.item_added'],
  needs: [],
});
