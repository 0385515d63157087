import { CHANNEL_LABELS, type ChannelKind, t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, NEXT_PORT, type NodeIssue, type PortSpec } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { identityOn } from '../shared/run-helpers.ts';

// §4.1.12 Chatbot delay / scheduled reply. Whole minutes only. On WhatsApp, Messenger and Instagram the
// delayed module cannot be sent once 24 h have passed since the customer's last message (§6.1), which
// takes `windowClosed`. The delay routes to its next module by itself, so it must be the module's last
// card (ours), like user input.

const WINDOW_MINUTES = 24 * 60;
const WINDOW_CHANNELS: readonly ChannelKind[] = ['messenger', 'instagram', 'whatsapp'];

const Config = z.object({
  minutes: field(z.number().int().default(10), t('Wait (minutes)', '等待時間(分鐘)'), { widget: 'number' }),
  continueIfInteracted: field(z.boolean().default(false), t('Send even if the customer interacted meanwhile', '顧客在等待期間互動仍照常發送'), {
    widget: 'toggle',
    help: t('Interacting means clicking a bot button or typing text during the wait.', '互動指在等待期間點擊機器人按鈕或輸入文字。'),
  }),
});

export const delayCard = defineNode({
  type: 'wait.delay',
  version: 1,
  category: 'wait',
  flowKinds: ['chatbot'],
  channels: ['messenger', 'instagram', 'line', 'whatsapp'],
  // §4.0: not in web-chat bots; in all-platform bots it works for the FB, IG and LINE targets.
  botScopes: ['all', 'fb_ig', 'whatsapp', 'line'],
  label: t('Delay', '延遲回覆'),
  description: t(
    'Waits a number of minutes, then sends the next module. On WhatsApp, Messenger and Instagram the module can only be sent within 24 hours of the customer’s last message.',
    '等待指定分鐘數後發送下一個模組。在 WhatsApp、Messenger 與 Instagram 上,只能在顧客最後一則訊息後 24 小時內發送。',
  ),
  icon: 'timer',
  config: Config,
  defaultConfig: { minutes: 10, continueIfInteracted: false },
  examples: [
    { name: 'follow up after 30 minutes', config: { minutes: 30, continueIfInteracted: false } },
    { name: 'reminder the next morning', config: { minutes: 720, continueIfInteracted: true } },
  ],
  ports: (config) => {
    const ports: PortSpec[] = [NEXT_PORT];
    // Only a delay that stops on interaction can be cancelled.
    if (!config.continueIfInteracted) ports.push({ id: 'cancelled', label: t('Customer interacted', '顧客已互動'), role: 'skipped' });
    ports.push({ id: 'windowClosed', label: t('24-hour window closed', '已超過 24 小時對話限制'), role: 'failure' });
    return ports;
  },
  limits: [
    { path: 'minutes', measure: 'number', min: 1, max: 525_600, field: t('Wait (minutes)', '等待時間(分鐘)'), source: '§4.1.12 (ours: at most 365 days)' },
  ],
  check: (config, ctx) => {
    const issues: NodeIssue[] = [];
    if (config.minutes <= WINDOW_MINUTES) return issues;
    // Longer than the window: unless the customer writes again, the module can never go out.
    for (const channel of ctx.channels.filter((c) => WINDOW_CHANNELS.includes(c))) {
      issues.push({
        path: [],
        channel,
        severity: 'warning',
        code: 'window_will_close',
        message: t(
          `A delay over 24 hours on ${CHANNEL_LABELS[channel]} only sends if the customer messages again during the wait${config.continueIfInteracted ? '' : ', which this delay treats as cancelling it'}.`,
          `在 ${CHANNEL_LABELS[channel]} 上延遲超過 24 小時,只有在等待期間顧客再次傳訊才能發送${config.continueIfInteracted ? '' : ',但此設定會因顧客互動而取消發送'}。`,
        ),
      });
    }
    return issues;
  },
  placement: { last: true },
  waits: true,
  run: async (ctx): Promise<NodeOutcome> => {
    const resumed = ctx.resumedBy;
    if (!resumed) {
      const until = new Date(ctx.now().getTime() + ctx.config.minutes * 60_000);
      return {
        kind: 'wait',
        until,
        events: ctx.config.continueIfInteracted ? [] : [{ event: 'reply' }, { event: 'buttonClick' }],
        explanation: `Delaying ${ctx.config.minutes} min`,
      };
    }
    if (resumed.type !== 'timer') return { kind: 'next', port: 'cancelled', explanation: 'The customer interacted during the delay' };
    const channel = ctx.run.channel;
    const last = identityOn(ctx.contact, channel)?.customerLastInteractionAt;
    if (channel && WINDOW_CHANNELS.includes(channel) && last && ctx.now().getTime() - Date.parse(last) > WINDOW_MINUTES * 60_000) {
      return { kind: 'next', port: 'windowClosed', explanation: `More than 24 h since the customer's last message on ${channel}` };
    }
    return { kind: 'next', port: 'next', explanation: 'Delay over' };
  },
  needs: ['clock'],
});
