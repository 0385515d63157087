import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue, type PortSpec } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { containsEmoji } from '../../text-length.ts';
import { renderText, skipOffChannel } from '../shared/card-run.ts';
import { failedSend, stepTagSource } from '../shared/run-helpers.ts';
import { checkMediaUrl, MB, MediaAsset, SENT_PORT } from '../shared/send-common.ts';

// §4.1.16 WhatsApp Flow card: a message whose single button opens a WhatsApp Flow (a form). Outputs
// (ours): `sent` once delivered, and `submitted` when the customer submits the form; the "bot module"
// additional message is the module the `submitted` port leads to. Journeys send this card inside a bot
// module (§4.2.10) and wait for the submission with a wait-for-event node.

const Header = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('text'), text: field(z.string().max(1000), t('Header text', '標題文字')) }),
  z.object({ kind: z.literal('image'), media: MediaAsset }),
  z.object({ kind: z.literal('video'), media: MediaAsset }),
]);

export const FLOW_STATUSES = ['draft', 'published', 'restricted', 'deprecated', 'paused'] as const;
const SENDABLE: readonly (typeof FLOW_STATUSES)[number][] = ['draft', 'published', 'restricted'];

const AdditionalMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('text'), text: field(z.string().max(5000), t('Additional message', '額外訊息'), { widget: 'template' }) }),
  /** The module is the target of the `submitted` port. */
  z.object({ kind: z.literal('module') }),
]);

export const DEFAULT_FLOW_SUCCESS_MESSAGE = '感謝你完成表單回覆!Thank you for completing the response form.';

const Config = z.object({
  header: field(Header.default({ kind: 'none' }), t('Header', '標題'), { widget: 'select' }),
  body: field(z.string().max(5000).default(''), t('Body', '內文'), { widget: 'template' }),
  footer: field(z.string().max(1000).default(''), t('Footer', '頁尾'), { widget: 'text' }),
  button: z.object({
    name: field(z.string().max(100).default(''), t('Button name', '按鈕名稱'), { widget: 'text' }),
    flowId: field(z.string().max(64).default(''), t('WhatsApp Flow', 'WhatsApp Flow'), { widget: 'select' }),
    /** The Flow's status as last read from the WABA; the studio refreshes it when the card is opened. */
    flowStatus: field(z.enum(FLOW_STATUSES).default('published'), t('Flow status', 'Flow 狀態'), { widget: 'select' }),
  }),
  successMessage: field(z.string().max(5000).default(DEFAULT_FLOW_SUCCESS_MESSAGE), t('Thank-you message', '完成回覆訊息'), { widget: 'template' }),
  additionalMessage: field(AdditionalMessage.default({ kind: 'none' }), t('Additional message', '額外訊息'), { widget: 'select' }),
  tags: field(z.array(z.string().min(1).max(100)).max(50).default([]), t('Tags on submit', '提交後貼標'), { widget: 'tags' }),
});
type Config = z.output<typeof Config>;

const SUBMITTED_PORT: PortSpec = { id: 'submitted', label: t('Form submitted', '已提交表單'), role: 'event' };

export const whatsappFlowMessage = defineNode({
  type: 'message.whatsapp_flow',
  version: 1,
  category: 'message',
  flowKinds: ['chatbot'],
  channels: ['whatsapp'],
  botScopes: ['whatsapp'],
  label: t('WhatsApp Flow', 'WhatsApp Flow'),
  description: t(
    'Sends a message whose button opens a WhatsApp Flow form; continues when it is sent and again when the customer submits the form.',
    '發送可開啟 WhatsApp Flow 表單的訊息;發送後繼續,顧客提交表單時再從「已提交表單」繼續。',
  ),
  icon: 'clipboard-list',
  config: Config,
  defaultConfig: { header: { kind: 'none' }, body: '', footer: '', button: { name: '', flowId: '', flowStatus: 'published' } },
  examples: [
    {
      name: 'appointment with text header',
      config: {
        header: { kind: 'text', text: '預約門市試穿' },
        body: 'Hi {{system:customer_name|"朋友"}},選擇方便的門市與時段,我們會保留尺寸給您 🙌',
        footer: '預約後可隨時取消',
        button: { name: '立即預約', flowId: '1234567890123456', flowStatus: 'published' },
        successMessage: '{{system:customer_name}},已收到您的預約!',
        additionalMessage: { kind: 'text', text: '需要更改時段?直接回覆這則訊息即可。' },
        tags: ['appointment_requested'],
      },
    },
    {
      name: 'survey with video header and module',
      config: {
        header: { kind: 'video', media: { url: 'https://example.com/flows/survey-intro.mp4', sizeBytes: 6_500_000 } },
        body: '花 1 分鐘告訴我們這次的購物體驗,完成即可獲得 50 點!',
        button: { name: 'Start survey', flowId: '9876543210987654', flowStatus: 'restricted' },
        additionalMessage: { kind: 'module' },
      },
    },
    {
      name: 'lead form with image header',
      config: {
        header: { kind: 'image', media: { url: 'https://example.com/flows/lead.jpg', width: 1200, height: 628, sizeBytes: 850_000 } },
        body: '留下聯絡方式,專人將於 24 小時內與您聯繫。',
        button: { name: '填寫資料', flowId: '5555555555555555', flowStatus: 'published' },
      },
    },
  ],
  ports: () => [SENT_PORT, SUBMITTED_PORT],
  limits: [
    { path: 'header.text', measure: 'chars', min: 1, field: t('Header text', '標題文字'), source: '§4.1.16' },
    { path: 'header.text', measure: 'chars', max: 80, field: t('Header text', '標題文字'), source: '§4.1.16' },
    {
      path: 'header.media.sizeBytes',
      measure: 'number',
      max: 10 * MB,
      when: (c) => c.header.kind === 'video',
      field: t('Header video size (bytes)', '標題影片大小(位元組)'),
      source: '§4.1.16 video ≤ 10 MB',
    },
    { path: 'body', measure: 'chars', min: 1, field: t('Body', '內文'), source: '§4.1.16' },
    { path: 'body', measure: 'chars', max: 550, field: t('Body', '內文'), source: '§4.1.16' },
    { path: 'footer', measure: 'chars', max: 60, field: t('Footer', '頁尾'), source: '§4.1.16; WhatsApp interactive footer ≤ 60' },
    { path: 'button.name', measure: 'chars', min: 1, field: t('Button name', '按鈕名稱'), source: '§4.1.16' },
    { path: 'button.name', measure: 'chars', max: 20, field: t('Button name', '按鈕名稱'), source: '§4.1.16' },
    { path: 'button.flowId', measure: 'chars', min: 1, field: t('WhatsApp Flow', 'WhatsApp Flow'), source: '§4.1.16' },
    { path: 'successMessage', measure: 'chars', min: 1, field: t('Thank-you message', '完成回覆訊息'), source: '§4.1.16' },
    { path: 'successMessage', measure: 'chars', max: 4096, field: t('Thank-you message', '完成回覆訊息'), source: 'WhatsApp text body ≤ 4096' },
    { path: 'additionalMessage.text', measure: 'chars', min: 1, field: t('Additional message', '額外訊息'), source: '§4.1.16' },
    { path: 'additionalMessage.text', measure: 'chars', max: 4096, field: t('Additional message', '額外訊息'), source: 'WhatsApp text body ≤ 4096' },
    { path: 'tags', measure: 'items', max: 20, field: t('Tags on submit', '提交後貼標'), source: 'ours (as §4.2.5)' },
  ],
  placeholders: ['body', 'successMessage', 'additionalMessage.text'],
  check: (config: Config, ctx) => {
    const issues: NodeIssue[] = [];
    if (containsEmoji(config.button.name)) {
      issues.push({ path: ['button', 'name'], code: 'emoji_not_allowed', message: t('The button name cannot contain emoji.', '按鈕名稱不能包含表情符號。') });
    }
    const status = config.button.flowStatus;
    if (!SENDABLE.includes(status)) {
      issues.push({
        path: ['button', 'flowStatus'],
        code: 'flow_not_sendable',
        message: t(
          `This Flow is ${status} and cannot be sent. Choose a draft, published or restricted Flow.`,
          `此 Flow 狀態為「${status === 'deprecated' ? '已停用' : '已暫停'}」,無法發送。請選擇草稿、已發佈或受限制的 Flow。`,
        ),
      });
    } else if (status === 'draft') {
      issues.push({
        path: ['button', 'flowStatus'],
        code: 'flow_draft',
        severity: 'warning',
        message: t('This Flow is still a draft: publish it before customers use it.', '此 Flow 仍是草稿,請在顧客使用前發佈。'),
      });
    } else if (status === 'restricted') {
      issues.push({
        path: ['button', 'flowStatus'],
        code: 'flow_restricted',
        severity: 'warning',
        message: t(
          'This Flow is restricted: WhatsApp sends at most 10 messages with it per hour.',
          '此 Flow 受限制:每小時最多只能發送 10 則含此 Flow 的訊息。',
        ),
      });
    }
    if (config.header.kind === 'image' || config.header.kind === 'video') {
      issues.push(...checkMediaUrl(config.header.media.url, ['header', 'media', 'url']));
    }
    if (config.header.kind === 'image' && (config.header.media.sizeBytes ?? 0) > 5 * MB) {
      issues.push({
        path: ['header', 'media', 'sizeBytes'],
        code: 'image_compressed',
        severity: 'warning',
        message: t('The header image is over 5 MB and will be compressed before sending.', '標題圖片超過 5 MB,發送前會自動壓縮。'),
      });
    }
    if (config.additionalMessage.kind === 'module' && ctx.scope !== undefined && ctx.scope !== 'whatsapp') {
      issues.push({
        path: ['additionalMessage', 'kind'],
        code: 'scope_rule',
        message: t('A bot module as the additional message is only available in WhatsApp bots.', '僅 WhatsApp 機器人可將對話模組設為額外訊息。'),
      });
    }
    return issues;
  },
  // First run: sends the Flow message and continues on `sent`. The customer's submission arrives later as
  // a `formSubmitted` event for this node; the engine re-runs it with that event, which tags the contact,
  // thanks them (plus the optional text) and continues on `submitted`.
  run: async (ctx): Promise<NodeOutcome> => {
    const c = ctx.config;
    if (ctx.resumedBy?.type === 'formSubmitted') {
      if (c.tags.length > 0) await ctx.tags.apply(c.tags, stepTagSource(ctx));
      const texts = [c.successMessage, c.additionalMessage.kind === 'text' ? c.additionalMessage.text : ''].filter((s) => s.trim() !== '');
      for (const text of texts) {
        const sent = await ctx.send({ nodeType: 'message.text', content: { text: renderText(ctx, text), buttons: [] }, purpose: 'conversational' });
        if (!sent.ok) return failedSend(sent);
      }
      return { kind: 'next', port: 'submitted', vars: { [`form_${ctx.node.id}`]: ctx.resumedBy.payload }, explanation: `Flow ${c.button.flowId} submitted` };
    }
    const skip = skipOffChannel(ctx, ['whatsapp'], 'A WhatsApp Flow');
    if (skip) return skip;
    if (!SENDABLE.includes(c.button.flowStatus)) {
      return { kind: 'fail', reason: 'flow_not_sendable', message: `WhatsApp Flow ${c.button.flowId} is ${c.button.flowStatus}`, retryable: false };
    }
    const sent = await ctx.send({
      nodeType: 'message.whatsapp_flow',
      channel: 'whatsapp',
      content: { header: c.header, body: renderText(ctx, c.body), footer: c.footer, button: { name: c.button.name, flowId: c.button.flowId } },
      purpose: 'conversational',
    });
    if (!sent.ok) return failedSend(sent);
    return { kind: 'next', port: 'sent', explanation: `Flow ${c.button.flowId} sent (${sent.messageId})` };
  },
  needs: ['send', 'tags'],
});
