import { SENDABLE_CHANNELS, t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type LimitRule, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { chooseChannel, deliveryOutcome } from '../shared/run-helpers.ts';
import { checkQuietHours, DELIVERY_PORTS, SendPurpose } from '../shared/send-common.ts';
import { checkTemplateParameters, checkTemplateRef, TemplateParameters, WhatsAppTemplateRef } from '../shared/send-wa-template.ts';

// §4.2.1 Send message (訊息節點), the journey's general send: plain text, a chatbot module, or a WhatsApp
// template, on the triggering contact's channel or the first reachable channel of a preferred order.
// Eligibility (§6.1, §6.7) is decided at send time: `skipped` when the contact is unsubscribed, the
// window is closed or there is no contact on the channel; `failed` with a reason code otherwise.
//
// Platform override (PLATFORMS.md §2): Meta rejects CONFIRMED_EVENT_UPDATE, ACCOUNT_UPDATE and
// POST_PURCHASE_UPDATE from 27 April 2026 (error 100), and HUMAN_AGENT is for human replies only, so an
// automated journey send can no longer use any message tag; the field stays so old journeys show why.

const Channel = z.enum(SENDABLE_CHANNELS);

const ChannelStrategy = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('trigger') }),
  z.object({
    mode: z.literal('preferred'),
    order: field(z.array(Channel).max(10).default([]), t('Channel order', '渠道優先順序'), { widget: 'list' }),
  }),
]);

const Content = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: field(z.string().max(10_000), t('Message text', '訊息內容'), { widget: 'template' }) }),
  z.object({
    kind: z.literal('module'),
    botId: field(z.string().max(64), t('Bot', '機器人'), { widget: 'module' }),
    moduleId: field(z.string().max(64), t('Module', '對話模組'), { widget: 'module' }),
    versionId: z.string().max(64).optional(),
  }),
  z.object({ kind: z.literal('whatsapp_template'), template: WhatsAppTemplateRef, parameters: TemplateParameters }),
]);

export const MESSAGE_TAGS = ['none', 'HUMAN_AGENT', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE'] as const;
/** Rejected by Meta from 27 April 2026 (PLATFORMS.md §2). */
export const DEPRECATED_MESSAGE_TAGS: readonly string[] = ['CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE'];

const Config = z.object({
  channelStrategy: field(ChannelStrategy.default({ mode: 'trigger' }), t('Send on', '發送渠道'), { widget: 'select' }),
  content: field(Content.default({ kind: 'text', text: '' }), t('Content', '訊息內容'), { widget: 'select' }),
  messageTag: field(z.enum(MESSAGE_TAGS).default('none'), t('Facebook message tag', 'Facebook 訊息標籤'), { widget: 'select' }),
  purpose: SendPurpose,
  promotional: field(z.boolean().default(true), t('Promotional content', '含促銷內容'), {
    widget: 'toggle',
    help: t(
      'Promotions, coupons or discounts. Promotional messages cannot use Facebook message tags.',
      '促銷、優惠券或折扣。促銷訊息不能使用 Facebook 訊息標籤。',
    ),
  }),
  respectQuietHours: field(z.boolean().default(true), t('Respect quiet hours', '遵守勿擾時段'), { widget: 'toggle' }),
});
type Config = z.output<typeof Config>;

const TEXT = t('Message text', '訊息內容');
const isText = (c: Config) => c.content.kind === 'text';
const textRule = (rule: Omit<LimitRule<Config>, 'path' | 'measure' | 'field' | 'when'>): LimitRule<Config> => ({
  path: 'content.text',
  measure: 'chars',
  field: TEXT,
  when: isText,
  ...rule,
});

/** Channels the node can deliver on: the preferred order, or wherever the contact came from. */
function reachable(config: Config, channels: readonly string[]): readonly string[] {
  return config.channelStrategy.mode === 'preferred' ? config.channelStrategy.order : channels;
}

export const sendMessage = defineNode({
  type: 'message.send',
  version: 1,
  category: 'message',
  flowKinds: ['journey'],
  channels: ['line', 'messenger', 'instagram', 'whatsapp', 'webchat'],
  label: t('Send message', '發送訊息'),
  description: t(
    "Sends text, a chatbot module or a WhatsApp template on the contact's channel (or the first reachable channel in your order).",
    '在顧客所在渠道(或依您設定的優先順序中第一個可送達的渠道)發送文字、機器人模組或 WhatsApp 範本。',
  ),
  icon: 'send',
  config: Config,
  defaultConfig: { channelStrategy: { mode: 'trigger' }, content: { kind: 'text', text: '' } },
  examples: [
    {
      name: 'welcome text',
      config: {
        channelStrategy: { mode: 'trigger' },
        content: { kind: 'text', text: 'Hi {{system:customer_name|"there"}}, thanks for joining! Here is 10% off your first order: WELCOME10' },
      },
    },
    {
      name: 'bot module, LINE first',
      config: {
        channelStrategy: { mode: 'preferred', order: ['line', 'whatsapp', 'messenger'] },
        content: { kind: 'module', botId: 'bot_main', moduleId: 'mod_xmas_catalogue' },
        purpose: 'marketing',
      },
    },
    {
      name: 'order shipped template',
      config: {
        channelStrategy: { mode: 'preferred', order: ['whatsapp'] },
        content: {
          kind: 'whatsapp_template',
          template: { name: 'order_shipped', language: 'zh_TW', category: 'utility', bodyParameterCount: 2 },
          parameters: ['{{system:customer_name}}', '{{trigger:order_id}}'],
        },
        purpose: 'transactional',
        promotional: false,
        respectQuietHours: false,
      },
    },
  ],
  ports: () => [...DELIVERY_PORTS],
  limits: [
    { path: 'channelStrategy.order', measure: 'items', min: 1, field: t('Channel order', '渠道優先順序'), source: '§4.2.1' },
    textRule({ min: 1, source: '§4.2.1' }),
    textRule({ max: 5000, count: 'utf16', channels: ['line'], source: 'LINE text message' }),
    textRule({ max: 1999, channels: ['messenger', 'instagram'], source: 'Messenger Send API: text < 2000' }),
    textRule({ max: 4096, channels: ['whatsapp'], source: 'WhatsApp text body' }),
    textRule({ max: 4096, channels: ['webchat'], source: 'ours: web chat' }),
    { path: 'content.botId', measure: 'chars', min: 1, field: t('Bot', '機器人'), source: '§4.2.1' },
    { path: 'content.moduleId', measure: 'chars', min: 1, field: t('Module', '對話模組'), source: '§4.2.1' },
    { path: 'content.template.name', measure: 'chars', min: 1, field: t('Template', '訊息範本'), source: '§4.2.1' },
    { path: 'content.template.language', measure: 'chars', min: 1, field: t('Language', '語言'), source: '§4.2.2' },
    { path: 'content.parameters[]', measure: 'chars', min: 1, field: t('Template parameter', '範本參數'), source: '§4.2.2' },
  ],
  placeholders: ['content.text', 'content.parameters[]'],
  check: (config: Config, ctx) => {
    const issues: NodeIssue[] = [];
    const { channelStrategy: strategy, content } = config;
    if (strategy.mode === 'preferred') {
      strategy.order.forEach((c, i) => {
        if (strategy.order.indexOf(c) !== i) {
          issues.push({
            path: ['channelStrategy', 'order', i],
            code: 'duplicate_channel',
            message: t('This channel is already in the list.', '此渠道已在清單中。'),
          });
        }
      });
    }
    const channels = reachable(config, ctx.channels);

    if (content.kind === 'whatsapp_template') {
      issues.push(
        ...checkTemplateRef(content.template, ['content', 'template']),
        ...checkTemplateParameters(content.template, content.parameters, ['content', 'parameters']),
      );
      if (strategy.mode === 'preferred' && !strategy.order.includes('whatsapp')) {
        issues.push({
          path: ['channelStrategy', 'order'],
          code: 'template_needs_whatsapp',
          message: t(
            'A WhatsApp template can only be sent on WhatsApp: add WhatsApp to the channel order.',
            'WhatsApp 範本只能透過 WhatsApp 發送,請將 WhatsApp 加入渠道順序。',
          ),
        });
      } else if (channels.some((c) => c !== 'whatsapp')) {
        issues.push({
          path: ['content'],
          code: 'template_whatsapp_only',
          severity: 'warning',
          message: t(
            'Contacts on channels other than WhatsApp are skipped: a template is WhatsApp-only.',
            'WhatsApp 範本只能在 WhatsApp 發送,其他渠道的顧客會被略過。',
          ),
        });
      }
    }
    if (content.kind === 'text' && channels.includes('whatsapp')) {
      issues.push({
        path: ['content', 'kind'],
        code: 'whatsapp_window',
        severity: 'warning',
        channel: 'whatsapp',
        message: t(
          'On WhatsApp, plain text only reaches contacts who wrote in the last 24 hours; the others are skipped. Use a template to reach everyone.',
          'WhatsApp 的純文字訊息只能送達 24 小時內有互動的顧客,其他人會被略過;若要送達所有人請使用範本。',
        ),
      });
    }

    const tag = config.messageTag;
    if (tag !== 'none') {
      if (DEPRECATED_MESSAGE_TAGS.includes(tag)) {
        issues.push({
          path: ['messageTag'],
          code: 'deprecated_message_tag',
          channel: 'messenger',
          message: t(
            `Facebook rejects the ${tag} message tag since 27 April 2026. Send inside the 24-hour window instead.`,
            `自 2026 年 4 月 27 日起 Facebook 已不接受 ${tag} 訊息標籤,請改在 24 小時對話期間內發送。`,
          ),
        });
      } else {
        issues.push({
          path: ['messageTag'],
          code: 'human_agent_automated',
          channel: 'messenger',
          message: t('The HUMAN_AGENT tag is for replies written by a person; journeys cannot use it.', 'HUMAN_AGENT 標籤僅限真人客服回覆,旅程不能使用。'),
        });
      }
      if (config.promotional) {
        issues.push({
          path: ['promotional'],
          code: 'promotional_with_tag',
          channel: 'messenger',
          message: t('Messages sent with a Facebook message tag must not be promotional.', '使用 Facebook 訊息標籤發送的訊息不能含促銷內容。'),
        });
      }
    }

    issues.push(...checkQuietHours(config));
    if (config.purpose === 'transactional' && config.promotional) {
      issues.push({
        path: ['promotional'],
        code: 'promotional_transactional',
        severity: 'warning',
        message: t(
          'A transactional message should not be promotional; turn off "Promotional content" or mark it as marketing.',
          '交易訊息不應含促銷內容,請關閉「含促銷內容」或將用途改為行銷。',
        ),
      });
    }
    return issues;
  },
  run: async (ctx): Promise<NodeOutcome> => {
    const { content, purpose } = ctx.config;
    const choice = chooseChannel(ctx, ctx.config.channelStrategy, purpose);
    if ('skip' in choice) return { kind: 'next', port: 'skipped', explanation: `Skipped: ${choice.skip}` };
    if (content.kind === 'whatsapp_template' && choice.channel !== 'whatsapp') {
      return { kind: 'next', port: 'skipped', explanation: `Skipped: a WhatsApp template cannot go out on ${choice.channel}` };
    }
    const rendered =
      content.kind === 'text'
        ? { kind: 'text', text: ctx.render(content.text) }
        : content.kind === 'module'
          ? { ...content }
          : { kind: content.kind, template: content.template, parameters: content.parameters.map((p) => ctx.render(p)) };
    const sent = await ctx.send({
      nodeType: 'message.send',
      channel: choice.channel,
      content: { ...rendered, messageTag: ctx.config.messageTag },
      purpose,
    });
    return deliveryOutcome(sent, choice.channel);
  },
  needs: ['send', 'contacts', 'clock'],
});
