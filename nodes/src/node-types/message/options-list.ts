import { AttributeKey, t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue, type PortSpec } from '../../define.ts';
import { field, ItemId } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { awaitChoice, pickedOption, renderText, sendCard } from '../shared/card-run.ts';
import { saveAttributeIssues } from '../shared/cards-attributes.ts';
import { duplicateIdIssues, duplicateLabelIssues } from '../shared/cards-buttons.ts';
import { FREE_TEXT_PORT, REPLY_TIMEOUT_PORT } from '../shared/cards-ports.ts';
import { replyText } from '../shared/run-helpers.ts';

// §4.1.9 Options list, WhatsApp only (P8): a WhatsApp interactive list message with one section.
// Limits are the platform's (PLATFORMS.md §3 list: ≤10 rows, button ≤20, body ≤4096, row title ≤24,
// description ≤72, text header and footer ≤60). It waits for the pick like a quick reply, so it has
// the same `timeout` and `freeText` outcomes besides one port per option.

const Option = z.object({
  id: ItemId,
  title: field(z.string().max(200), t('Option', '選項')),
  description: field(z.string().max(1000).default(''), t('Description', '說明'), { widget: 'template' }),
  saveAttribute: field(z.object({ key: AttributeKey, value: z.string().max(1000) }).optional(), t('Save to attribute', '儲存至自訂屬性'), {
    widget: 'attribute',
  }),
});

const Config = z.object({
  header: field(z.string().max(1000).default(''), t('Header', '標題'), { help: t('Optional.', '選填。') }),
  body: field(z.string().max(10_000), t('Message text', '訊息內容'), { widget: 'template' }),
  footer: field(z.string().max(1000).default(''), t('Footer', '頁尾'), { help: t('Optional.', '選填。') }),
  buttonText: field(z.string().max(200), t('List button text', '選單按鈕文字'), {
    help: t('The button that opens the list, e.g. "See options".', '開啟選單的按鈕,例如「查看選項」。'),
  }),
  options: field(z.array(Option).max(50).default([]), t('Options', '選項'), { widget: 'list' }),
});

const WA = ['whatsapp'] as const;

export const optionsListMessage = defineNode({
  type: 'message.options_list',
  version: 1,
  category: 'message',
  flowKinds: ['chatbot'],
  channels: WA,
  botScopes: WA,
  label: t('Options list', '選項列表'),
  description: t(
    'A WhatsApp list of up to 10 options with descriptions; each option leads to its own module. Must be the last card of its module.',
    'WhatsApp 選單,最多 10 個附說明的選項,每個選項可前往不同模組。必須是模組的最後一張卡片。',
  ),
  icon: 'list',
  config: Config,
  defaultConfig: { header: '', body: '', footer: '', buttonText: '', options: [] },
  examples: [
    {
      name: 'store services',
      config: {
        header: 'How can we help?',
        body: 'Hi {{system:customer_name|"there"}}, pick a topic and we will take it from there.',
        footer: 'Reply within 1 hour',
        buttonText: 'See topics',
        options: [
          { id: 'order', title: 'Order status', description: 'Track your latest order', saveAttribute: { key: 'last_topic', value: 'order' } },
          { id: 'points', title: 'My points', description: 'You have {{system:loyaltyPoint:balance|"0"}} points' },
          { id: 'agent', title: 'Talk to an agent' },
        ],
      },
    },
  ],
  ports: (config) => [
    ...config.options.map((o): PortSpec => ({ id: `option:${o.id}`, label: t(o.title, o.title), role: 'branch' })),
    REPLY_TIMEOUT_PORT,
    FREE_TEXT_PORT,
  ],
  limits: [
    { path: 'header', measure: 'chars', max: 60, channels: WA, field: t('Header', '標題'), source: 'WhatsApp list header (text) ≤60' },
    { path: 'body', measure: 'chars', min: 1, field: t('Message text', '訊息內容'), source: '§4.1.9' },
    { path: 'body', measure: 'chars', max: 4096, channels: WA, field: t('Message text', '訊息內容'), source: 'WhatsApp list body.text ≤4096' },
    { path: 'footer', measure: 'chars', max: 60, channels: WA, field: t('Footer', '頁尾'), source: 'WhatsApp list footer ≤60' },
    { path: 'buttonText', measure: 'chars', min: 1, field: t('List button text', '選單按鈕文字'), source: 'WhatsApp list action.button (required)' },
    { path: 'buttonText', measure: 'chars', max: 20, channels: WA, field: t('List button text', '選單按鈕文字'), source: 'WhatsApp list action.button ≤20' },
    { path: 'options', measure: 'items', min: 1, max: 10, field: t('Options', '選項'), source: '§4.1.9; WhatsApp list ≤10 rows' },
    { path: 'options[].title', measure: 'chars', min: 1, field: t('Option', '選項'), source: 'WhatsApp list row title (required)' },
    { path: 'options[].title', measure: 'chars', max: 24, channels: WA, field: t('Option', '選項'), source: 'WhatsApp list row title ≤24' },
    { path: 'options[].description', measure: 'chars', max: 72, channels: WA, field: t('Description', '說明'), source: 'WhatsApp list row description ≤72' },
  ],
  placeholders: ['body', 'options[].description'],
  check: (config, ctx) => {
    const issues: NodeIssue[] = [
      ...duplicateIdIssues(config.options.map((o, i) => ({ id: o.id, path: ['options', i] }))),
      ...duplicateLabelIssues(
        config.options.map((o, i) => ({ label: o.title, path: ['options', i, 'title'] })),
        'option',
      ),
    ];
    config.options.forEach((o, i) => {
      issues.push(...saveAttributeIssues(o.saveAttribute, ctx.attributes, ['options', i, 'saveAttribute']));
    });
    return issues;
  },
  placement: { last: true },
  waits: true,
  // Sends the list and waits like a quick reply: a picked row (by id, or its title typed) routes to its
  // port and may save an attribute; other text takes `freeText`; no answer in time takes `timeout`.
  run: async (ctx): Promise<NodeOutcome> => {
    const c = ctx.config;
    if (!ctx.resumedBy) {
      const sent = await sendCard(
        ctx,
        'message.options_list',
        {
          header: c.header,
          body: renderText(ctx, c.body),
          footer: c.footer,
          buttonText: c.buttonText,
          options: c.options.map((o) => ({ id: o.id, title: o.title, description: renderText(ctx, o.description) })),
        },
        'List sent',
      );
      if (sent.kind !== 'next') return sent;
      return awaitChoice(ctx, `Offered ${c.options.length} options`);
    }
    const option = pickedOption(ctx, c.options, (o) => o.title);
    if (!option) {
      const text = replyText(ctx) ?? '';
      return { kind: 'next', port: 'freeText', vars: { [`reply_${ctx.node.id}`]: text }, explanation: `"${text}" matches no option` };
    }
    if (option.saveAttribute) await ctx.attributes.set(option.saveAttribute.key, option.saveAttribute.value);
    return { kind: 'next', port: `option:${option.id}`, explanation: `Chose "${option.title}"` };
  },
  needs: ['send', 'attributes'],
});
