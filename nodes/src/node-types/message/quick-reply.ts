import { AttributeKey, t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue, type PortSpec } from '../../define.ts';
import { field, ItemId } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { saveAttributeIssues } from '../shared/cards-attributes.ts';
import { duplicateIdIssues, duplicateLabelIssues } from '../shared/cards-buttons.ts';
import { FREE_TEXT_PORT, REPLY_TIMEOUT_PORT } from '../shared/cards-ports.ts';
import { failedSend, replyText } from '../shared/run-helpers.ts';

// §4.1.8 Quick reply. The spec's 10 options is stricter than LINE's and Messenger's 13, so it holds
// everywhere; labels follow the platforms' 20. The bot waits for a tap (P1: last card, P3: never with
// user input); the 1 h session expiry leaves by `timeout`, and a typed reply matching no option by
// `freeText` (ours). Not in WhatsApp bots (§4.0), which use the options list instead.

const Option = z.object({
  id: ItemId,
  label: field(z.string().max(100), t('Option label', '選項名稱')),
  saveAttribute: field(z.object({ key: AttributeKey, value: z.string().max(1000) }).optional(), t('Save to attribute', '儲存至自訂屬性'), {
    widget: 'attribute',
  }),
});

const Config = z.object({
  title: field(z.string().max(10_000), t('Message text', '訊息內容'), { widget: 'template' }),
  options: field(z.array(Option).max(50).default([]), t('Options', '選項'), { widget: 'list' }),
});

const TITLE = t('Message text', '訊息內容');

export const quickReplyMessage = defineNode({
  type: 'message.quick_reply',
  version: 1,
  category: 'message',
  flowKinds: ['chatbot'],
  channels: ['line', 'messenger', 'instagram', 'webchat'],
  botScopes: ['all', 'fb_ig', 'web', 'line'],
  label: t('Quick reply', '快速回覆'),
  description: t(
    'A message with up to 10 reply chips; each leads to its own module. Must be the last card of its module.',
    '附有最多 10 個快速回覆按鈕的訊息,每個選項可前往不同模組。必須是模組的最後一張卡片。',
  ),
  icon: 'message-circle-reply',
  config: Config,
  defaultConfig: { title: '', options: [] },
  examples: [
    {
      name: 'satisfaction',
      config: {
        title: 'Thanks {{system:customer_name|"for chatting"}}! How did we do?',
        options: [
          { id: 'good', label: 'Great 👍', saveAttribute: { key: 'csat', value: 'good' } },
          { id: 'ok', label: 'OK', saveAttribute: { key: 'csat', value: 'ok' } },
          { id: 'bad', label: 'Not good', saveAttribute: { key: 'csat', value: 'bad' } },
        ],
      },
    },
    {
      name: 'yes / no',
      config: {
        title: 'Would you like our weekly deals?',
        options: [
          { id: 'yes', label: 'Yes please' },
          { id: 'no', label: 'No thanks' },
        ],
      },
    },
  ],
  ports: (config) => [
    ...config.options.map((o): PortSpec => ({ id: `option:${o.id}`, label: t(o.label, o.label), role: 'branch' })),
    REPLY_TIMEOUT_PORT,
    FREE_TEXT_PORT,
  ],
  limits: [
    { path: 'title', measure: 'chars', min: 1, field: TITLE, source: '§4.1.8' },
    { path: 'title', measure: 'chars', max: 5000, count: 'utf16', channels: ['line'], field: TITLE, source: 'LINE text message' },
    { path: 'title', measure: 'chars', max: 1999, channels: ['messenger', 'instagram'], field: TITLE, source: 'Messenger Send API: text < 2000' },
    { path: 'title', measure: 'chars', max: 4096, channels: ['webchat'], field: TITLE, source: 'ours: web chat' },
    { path: 'options', measure: 'items', min: 1, max: 10, field: t('Options', '選項'), source: '§4.1.8 (LINE and Messenger allow 13)' },
    { path: 'options[].label', measure: 'chars', min: 1, field: t('Option label', '選項名稱'), source: '§4.1.8' },
    {
      path: 'options[].label',
      measure: 'chars',
      max: 20,
      field: t('Option label', '選項名稱'),
      source: 'Messenger / Instagram quick reply title 20 (ours on web chat)',
    },
    {
      path: 'options[].label',
      measure: 'chars',
      max: 20,
      count: 'graphemes',
      channels: ['line'],
      field: t('Option label', '選項名稱'),
      source: 'LINE quick reply label 20',
    },
  ],
  placeholders: ['title'],
  check: (config, ctx) => {
    const issues: NodeIssue[] = [
      ...duplicateIdIssues(config.options.map((o, i) => ({ id: o.id, path: ['options', i] }))),
      ...duplicateLabelIssues(
        config.options.map((o, i) => ({ label: o.label, path: ['options', i, 'label'] })),
        'option',
      ),
    ];
    config.options.forEach((o, i) => {
      issues.push(...saveAttributeIssues(o.saveAttribute, ctx.attributes, ['options', i, 'saveAttribute']));
    });
    return issues;
  },
  placement: { last: true, notWith: ['message.user_input'] },
  waits: true,
  run: async (ctx): Promise<NodeOutcome> => {
    const { config } = ctx;
    if (!ctx.resumedBy) {
      const sent = await ctx.send({
        nodeType: 'message.quick_reply',
        content: { title: ctx.render(config.title), options: config.options.map((o) => ({ id: o.id, label: o.label })) },
        purpose: 'conversational',
      });
      if (!sent.ok) return failedSend(sent);
      return {
        kind: 'wait',
        until: new Date(ctx.now().getTime() + ctx.flow.inputExpiryMinutes * 60_000),
        events: [{ event: 'buttonClick' }, { event: 'reply' }],
        timeoutPort: 'timeout',
        explanation: `Offered ${config.options.length} quick replies`,
      };
    }
    const payload = ctx.resumedBy.payload;
    const text = replyText(ctx);
    const option =
      config.options.find((o) => o.id === payload.optionId || o.id === payload.buttonId) ??
      (text === undefined ? undefined : config.options.find((o) => o.label.trim().toLowerCase() === text.toLowerCase()));
    if (!option) return { kind: 'next', port: 'freeText', vars: { [`reply_${ctx.node.id}`]: text ?? '' }, explanation: `"${text ?? ''}" matches no option` };
    if (option.saveAttribute) await ctx.attributes.set(option.saveAttribute.key, option.saveAttribute.value);
    return { kind: 'next', port: `option:${option.id}`, explanation: `Chose "${option.label}"` };
  },
  needs: ['send', 'attributes'],
});
