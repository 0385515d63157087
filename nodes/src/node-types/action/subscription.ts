import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, NEXT_PORT, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';

// §4.1.25 Subscribe / unsubscribe modules and §4.2.15 (ours as a journey node). In a chatbot both end the
// conversation flow: the card has no outputs and must be the module's last card, so a confirmation text
// can precede it. The definition is not `terminal`, because the journey node continues on `next`.

const Config = z.object({
  op: field(z.enum(['subscribe', 'unsubscribe']).default('unsubscribe'), t('Action', '動作'), { widget: 'select' }),
});

export const subscriptionAction = defineNode({
  type: 'action.subscription',
  version: 1,
  category: 'action',
  flowKinds: ['chatbot', 'journey'],
  channels: 'any',
  label: t('Subscribe / unsubscribe', '訂閱通知 / 取消訂閱'),
  description: t(
    'Unsubscribes the contact from marketing messages, or subscribes an unsubscribed contact again. Bot replies still reach unsubscribed contacts.',
    '將顧客設為取消訂閱行銷訊息,或將已取消訂閱的顧客恢復為訂閱中。機器人回覆仍會送達取消訂閱的顧客。',
  ),
  icon: 'bell-off',
  config: Config,
  defaultConfig: { op: 'unsubscribe' },
  examples: [
    { name: 'unsubscribe', config: { op: 'unsubscribe' } },
    { name: 'subscribe again', config: { op: 'subscribe' } },
  ],
  ports: (_config, { flowKind }) => (flowKind === 'journey' ? [NEXT_PORT] : []),
  check: (config, ctx) => {
    const issues: NodeIssue[] = [];
    if (ctx.flowKind === 'journey' && config.op === 'subscribe') {
      // A chatbot subscribes on the customer's own click; a journey acts without one.
      issues.push({
        path: ['op'],
        severity: 'warning',
        code: 'consent',
        message: t(
          'Only subscribe contacts who asked for it (e.g. after an opt-in reply); re-subscribing others can break messaging rules.',
          '請只為主動要求的顧客恢復訂閱(例如回覆同意後);為其他顧客恢復訂閱可能違反訊息規範。',
        ),
      });
    }
    return issues;
  },
  placement: { last: true },
  run: async (ctx) => {
    const status = ctx.config.op === 'subscribe' ? 'subscribed' : 'unsubscribed';
    await ctx.conversation.setSubscription(status);
    // In a chatbot the subscribe / unsubscribe module ends the conversation flow (§4.1.25).
    if (ctx.flow.kind === 'chatbot') return { kind: 'end', status: 'completed', reason: status, explanation: `Contact ${status}; the bot session ends` };
    return { kind: 'next', port: 'next', explanation: `Contact ${status}` };
  },
  needs: ['conversation'],
});
