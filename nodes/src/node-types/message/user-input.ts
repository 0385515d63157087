import { AttributeKey, AttributeType, t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue, type PortSpec } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { attributeTarget } from '../shared/cards-attributes.ts';
import { failedSend, replyText } from '../shared/run-helpers.ts';

// §4.1.10 User input: asks a question and waits for the answer (P2: last card, P3: never with a quick
// reply). A reply in the wrong format is not saved: the bot re-asks `onInvalid.reask` times (default
// once), then leaves by `invalid`, which falls back to `next` when unconnected (the spec's default).
// No answer within the 1 h session leaves by `timeout` (unconnected: the session ends). Media answers
// are stored as a generated link, so they need a text attribute.

const Config = z.object({
  question: field(z.string().max(10_000), t('Question', '問題'), { widget: 'template' }),
  saveTo: field(AttributeKey.optional(), t('Save the answer to', '將回答儲存至'), { widget: 'attribute' }),
  expectedType: field(AttributeType.default('text'), t('Expected answer', '預期的回答格式'), {
    widget: 'select',
    help: t("Follows the attribute's type when saving to one.", '儲存至自訂屬性時須與屬性類型相同。'),
  }),
  acceptMedia: field(z.enum(['none', 'image', 'video']).default('none'), t('Accept a photo or video', '接受圖片或影片'), {
    widget: 'select',
    help: t('The file is stored as a link in a text attribute.', '檔案會以連結形式儲存在文字屬性中。'),
  }),
  onInvalid: field(
    z
      .object({
        reask: field(z.number().int().min(0).max(10).default(1), t('Ask again (times)', '重新詢問次數'), { widget: 'number' }),
        message: field(z.string().max(10_000).default(''), t('Ask-again message', '重新詢問訊息'), {
          widget: 'template',
          help: t('Empty: repeat the question.', '留空則重複原問題。'),
        }),
      })
      .default({ reask: 1, message: '' }),
    t('When the answer is not valid', '回答格式不正確時'),
  ),
});

const QUESTION = t('Question', '問題');
const REASK = t('Ask-again message', '重新詢問訊息');

const textLimits = (path: 'question' | 'onInvalid.message', name: typeof QUESTION) =>
  [
    { path, measure: 'chars', max: 5000, count: 'utf16', channels: ['line'], field: name, source: 'LINE text message' },
    { path, measure: 'chars', max: 1999, channels: ['messenger', 'instagram'], field: name, source: 'Messenger Send API: text < 2000' },
    { path, measure: 'chars', max: 4096, channels: ['whatsapp'], field: name, source: 'WhatsApp text body' },
    { path, measure: 'chars', max: 4096, channels: ['webchat'], field: name, source: 'ours: web chat' },
  ] as const;

const PORTS: PortSpec[] = [
  { id: 'next', label: t('Answered', '已回答'), role: 'next' },
  { id: 'invalid', label: t('Invalid answer', '回答格式不正確'), role: 'failure' },
  { id: 'timeout', label: t('No reply in 1 hour', '1 小時內未回覆'), role: 'timeout' },
];

export const userInputMessage = defineNode({
  type: 'message.user_input',
  version: 1,
  category: 'message',
  flowKinds: ['chatbot'],
  channels: ['line', 'messenger', 'instagram', 'whatsapp', 'webchat'],
  label: t('User input', '用戶輸入'),
  description: t(
    'Asks a question, waits up to 1 hour for the answer and can save it to a custom attribute. Must be the last card of its module.',
    '提出問題並等待顧客回答(最多 1 小時),可將回答儲存至自訂屬性。必須是模組的最後一張卡片。',
  ),
  icon: 'text-cursor-input',
  config: Config,
  defaultConfig: { question: '', expectedType: 'text', acceptMedia: 'none', onInvalid: { reask: 1, message: '' } },
  examples: [
    {
      name: 'birthday',
      config: {
        question: 'Hi {{system:customer_name|"there"}}, when is your birthday? (YYYY-MM-DD)',
        saveTo: 'birthday',
        expectedType: 'date',
        onInvalid: { reask: 2, message: 'Please use the format YYYY-MM-DD, e.g. 1990-05-31.' },
      },
    },
    { name: 'receipt photo', config: { question: 'Please send a photo of your receipt.', saveTo: 'receipt_url', expectedType: 'text', acceptMedia: 'image' } },
    { name: 'free answer', config: { question: 'Anything else you would like to tell us?' } },
  ],
  ports: () => PORTS,
  limits: [
    { path: 'question', measure: 'chars', min: 1, field: QUESTION, source: '§4.1.10' },
    ...textLimits('question', QUESTION),
    ...textLimits('onInvalid.message', REASK),
    { path: 'onInvalid.reask', measure: 'number', max: 3, field: t('Ask again (times)', '重新詢問次數'), source: 'ours: the session lasts 1 h' },
  ],
  placeholders: ['question', 'onInvalid.message'],
  check: (config, ctx) => {
    const issues: NodeIssue[] = [];
    if (config.acceptMedia !== 'none' && config.expectedType !== 'text') {
      issues.push({
        path: ['acceptMedia'],
        code: 'media_needs_text',
        message: t('Photos and videos are saved as a link, so the expected answer must be text.', '圖片與影片會以連結儲存,預期的回答格式必須是文字。'),
      });
    }
    if (config.saveTo && ctx.attributes) {
      const def = attributeTarget(config.saveTo, ctx.attributes, ['saveTo'], issues);
      if (def && def.type !== config.expectedType) {
        issues.push({
          path: ['expectedType'],
          code: 'attribute_type_mismatch',
          message: t(
            `"${def.key}" is a ${def.type} attribute, but the answer is expected as ${config.expectedType}.`,
            `「${def.key}」是${def.type}類型的屬性,但預期的回答格式為${config.expectedType}。`,
          ),
        });
      }
    }
    return issues;
  },
  placement: { last: true, notWith: ['message.quick_reply'] },
  waits: true,
  run: async (ctx): Promise<NodeOutcome> => {
    const { config } = ctx;
    const expiry = new Date(ctx.now().getTime() + ctx.flow.inputExpiryMinutes * 60_000);
    const ask = async (text: string, reasked: number): Promise<NodeOutcome> => {
      const sent = await ctx.send({ nodeType: 'message.text', content: { text: ctx.render(text), buttons: [] }, purpose: 'conversational' });
      if (!sent.ok) return failedSend(sent);
      return {
        kind: 'wait',
        until: expiry,
        events: [{ event: 'reply' }],
        timeoutPort: 'timeout',
        state: { reasked },
        explanation: reasked ? `Asked again (${reasked}); waiting for the answer` : 'Asked; waiting for the answer',
      };
    };
    if (!ctx.resumedBy) return ask(config.question, 0);
    const media = ctx.resumedBy.payload.mediaUrl;
    const text = typeof media === 'string' && config.acceptMedia !== 'none' ? media : replyText(ctx);
    const value = text === undefined ? undefined : parseAnswer(text, config.expectedType);
    let saved: string = 'ok';
    if (value !== undefined && config.saveTo) saved = await ctx.attributes.set(config.saveTo, value);
    if (value === undefined || saved !== 'ok') {
      const reasked = Number(ctx.waitState?.reasked ?? 0);
      if (reasked < config.onInvalid.reask) return ask(config.onInvalid.message || config.question, reasked + 1);
      return { kind: 'next', port: 'invalid', explanation: `"${text ?? ''}" is not a valid ${config.expectedType} answer` };
    }
    return {
      kind: 'next',
      port: 'next',
      vars: { [config.saveTo ?? `input_${ctx.node.id}`]: value },
      explanation: `Answer ${JSON.stringify(value)}${config.saveTo ? ` saved to ${config.saveTo}` : ''}`,
    };
  },
  needs: ['send', 'attributes'],
});

/** The typed value of an answer, or undefined when it does not fit the expected type (§1.5 formats). */
export function parseAnswer(text: string, type: z.output<typeof AttributeType>): string | number | boolean | undefined {
  const v = text.trim();
  if (v === '') return undefined;
  switch (type) {
    case 'text':
      return v;
    case 'number':
      return /^[-+]?\d+(\.\d+)?$/.test(v) ? Number(v) : undefined;
    case 'boolean': {
      const lower = v.toLowerCase();
      if (['yes', 'y', 'true', '是', '對'].includes(lower)) return true;
      if (['no', 'n', 'false', '否', '不是'].includes(lower)) return false;
      return undefined;
    }
    case 'date': {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return undefined;
      const d = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v ? v : undefined;
    }
    case 'datetime':
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)) ? v : undefined;
  }
}
