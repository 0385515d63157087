import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue, type PortSpec } from '../../define.ts';
import { field, ItemId } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { ButtonAction } from '../shared/button-action.ts';
import { renderAction } from '../shared/card-run.ts';
import { failedSend } from '../shared/run-helpers.ts';

// §4.1.1 Text + buttons. Limits: spec §4.1.1 and §4.0, with the platforms' own limits where they are
// stricter (PLATFORMS.md §1.2 LINE buttons template, §2 Messenger button template, §3 WhatsApp reply buttons).

const Button = z.object({
  id: ItemId,
  label: field(z.string(), t('Button label', '按鈕名稱')),
  action: ButtonAction,
});

const Config = z.object({
  text: field(z.string(), t('Message text', '訊息內容'), { widget: 'template' }),
  buttons: field(z.array(Button).max(10).default([]), t('Buttons', '按鈕'), { widget: 'list' }),
});
type Config = z.output<typeof Config>;

const hasButtons = (c: Config) => c.buttons.length > 0;

export const textMessage = defineNode({
  type: 'message.text',
  version: 1,
  category: 'message',
  // Journeys send text through message.send, which adds channel strategy and delivery outcomes.
  flowKinds: ['chatbot'],
  channels: ['line', 'messenger', 'instagram', 'whatsapp', 'webchat'],
  label: t('Text + buttons', '文字訊息'),
  description: t(
    'A text message with up to three buttons that open a link, go to a module or tag the contact.',
    '文字訊息,可加上按鈕開啟連結、前往模組或貼標籤。',
  ),
  icon: 'message-square-text',
  config: Config,
  defaultConfig: { text: '', buttons: [] },
  examples: [
    { name: 'plain text', config: { text: 'Hi {{system:customer_name|"there"}}! How can we help?', buttons: [] } },
    {
      name: 'with buttons',
      config: {
        text: 'What would you like to do?',
        buttons: [
          { id: 'b1', label: 'See menu', action: { kind: 'module', tags: ['menu_clicked'] } },
          { id: 'b2', label: 'Our website', action: { kind: 'url', url: 'https://example.com/?utm_source=bot' } },
        ],
      },
    },
  ],
  ports: (config) =>
    config.buttons
      .filter((b) => b.action.kind === 'module')
      .map((b): PortSpec => ({ id: `button:${b.id}`, label: { en: b.label, 'zh-Hant': b.label }, role: 'branch' })),
  limits: [
    { path: 'text', measure: 'chars', min: 1, field: t('Message text', '訊息內容'), source: '§4.1.1' },
    { path: 'buttons[].label', measure: 'chars', min: 1, field: t('Button label', '按鈕名稱'), source: '§4.1.1' },
    // Message text, without buttons: the channel's plain text limit.
    {
      path: 'text',
      measure: 'chars',
      max: 5000,
      count: 'utf16',
      channels: ['line'],
      when: (c) => !hasButtons(c),
      field: t('Message text', '訊息內容'),
      source: 'LINE text message',
    },
    {
      path: 'text',
      measure: 'chars',
      max: 1999,
      channels: ['messenger', 'instagram'],
      when: (c) => !hasButtons(c),
      field: t('Message text', '訊息內容'),
      source: 'Messenger Send API: text < 2000',
    },
    {
      path: 'text',
      measure: 'chars',
      max: 4096,
      channels: ['whatsapp'],
      when: (c) => !hasButtons(c),
      field: t('Message text', '訊息內容'),
      source: 'WhatsApp text body',
    },
    { path: 'text', measure: 'chars', max: 4096, channels: ['webchat'], field: t('Message text', '訊息內容'), source: 'ours: web chat' },
    // With buttons the message becomes a template with a shorter text.
    {
      path: 'text',
      measure: 'chars',
      max: 160,
      count: 'graphemes',
      channels: ['line'],
      when: hasButtons,
      field: t('Message text', '訊息內容'),
      source: 'LINE buttons template text (no image or title)',
    },
    {
      path: 'text',
      measure: 'chars',
      max: 640,
      channels: ['messenger', 'instagram'],
      when: hasButtons,
      field: t('Message text', '訊息內容'),
      source: 'Messenger button template',
    },
    {
      path: 'text',
      measure: 'chars',
      max: 1024,
      channels: ['whatsapp'],
      when: hasButtons,
      field: t('Message text', '訊息內容'),
      source: 'WhatsApp interactive reply buttons body',
    },
    // Buttons: 3 everywhere (§4.1.1), LINE's buttons template allows 4.
    { path: 'buttons', measure: 'items', max: 3, channels: ['messenger', 'instagram', 'whatsapp', 'webchat'], field: t('Buttons', '按鈕'), source: '§4.1.1' },
    { path: 'buttons', measure: 'items', max: 4, channels: ['line'], field: t('Buttons', '按鈕'), source: 'LINE buttons template actions' },
    { path: 'buttons[].label', measure: 'chars', max: 20, field: t('Button label', '按鈕名稱'), source: '§4.1.1' },
    {
      path: 'buttons[].label',
      measure: 'chars',
      max: 20,
      count: 'graphemes',
      channels: ['line'],
      field: t('Button label', '按鈕名稱'),
      source: 'LINE action label',
    },
    {
      path: 'buttons[].action.tags',
      measure: 'items',
      max: 5,
      channels: ['line', 'messenger', 'instagram', 'whatsapp'],
      field: t('Tags on click', '點擊貼標'),
      source: '§4.1.1',
    },
    { path: 'buttons[].action.url', measure: 'chars', max: 1000, channels: ['line'], field: t('Button URL', '按鈕網址'), source: 'LINE URI action' },
  ],
  placeholders: ['text', 'buttons[].action.url'],
  check: (config, ctx) => {
    const issues: NodeIssue[] = [];
    config.buttons.forEach((b, i) => {
      // URL buttons are not allowed on WhatsApp in general bots; the WhatsApp-only bot supports them (§4.1.1).
      if (b.action.kind === 'url' && ctx.channels.includes('whatsapp') && ctx.flowKind === 'chatbot' && ctx.scope !== 'whatsapp') {
        issues.push({
          path: ['buttons', i, 'action', 'kind'],
          channel: 'whatsapp',
          code: 'channel_rule',
          message: t('Link buttons are not available on WhatsApp in this bot.', '此機器人在 WhatsApp 上不支援連結按鈕。'),
        });
      }
      // Button tagging is not available in the website bot (§4.1.1, §6.5).
      if (b.action.tags.length > 0 && ctx.channels.length > 0 && ctx.channels.every((c) => c === 'webchat')) {
        issues.push({
          path: ['buttons', i, 'action', 'tags'],
          channel: 'webchat',
          severity: 'warning',
          code: 'channel_rule',
          message: t('Web chat buttons cannot apply tags; these tags will be ignored.', '網站對話插件的按鈕無法貼標籤,這些標籤將被忽略。'),
        });
      }
    });
    const labels = config.buttons.map((b) => b.label);
    labels.forEach((l, i) => {
      if (labels.indexOf(l) !== i)
        issues.push({ path: ['buttons', i, 'label'], code: 'duplicate_label', message: t('Two buttons have the same label.', '有兩個按鈕名稱相同。') });
    });
    return issues;
  },
  // Sends, then the module goes on to its next card; a module button's click arrives later as a
  // postback and the engine routes it through the button's port.
  run: async (ctx): Promise<NodeOutcome> => {
    const sent = await ctx.send({
      nodeType: 'message.text',
      content: {
        text: ctx.render(ctx.config.text),
        buttons: ctx.config.buttons.map((b) => ({ ...b, action: renderAction(ctx, b.action) })),
      },
      purpose: 'conversational',
    });
    if (!sent.ok) return failedSend(sent);
    return { kind: 'next', port: 'next', explanation: 'Text sent' };
  },
  needs: ['send'],
});
