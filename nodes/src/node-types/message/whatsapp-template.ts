import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue, type PortSpec } from '../../define.ts';
import { field, ItemId } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { chooseChannel, deliveryOutcome } from '../shared/run-helpers.ts';
import { checkMediaUrl, checkQuietHours, DELIVERY_PORTS, MB, MediaAsset, SendPurpose } from '../shared/send-common.ts';
import { checkSingleLine, checkTemplateParameters, checkTemplateRef, TemplateParameters, WhatsAppTemplateRef } from '../shared/send-wa-template.ts';

// §4.2.2 WhatsApp template (訊息範本). Journey-only: inside a WhatsApp bot the 24 h window is open and
// the bot's own cards apply; templates are what journeys, broadcasts and 1:1 chats use to reach
// contacts outside it. The buttons mirror the approved template (the studio copies them when the
// template is chosen); the marketer decides what each quick reply does. Quick replies that continue the
// journey get a `button:<id>` port. A Flow button is kept apart from the list because it is exclusive
// with the other call-to-action buttons and its name counts a CJK character as 3.

const Header = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  /** A text header; `parameter` fills its {{1}} when the template has one. */
  z.object({ kind: z.literal('text'), parameter: field(z.string().max(1000).optional(), t('Header parameter', '標題參數'), { widget: 'template' }) }),
  z.object({ kind: z.literal('image'), media: MediaAsset }),
  z.object({ kind: z.literal('video'), media: MediaAsset }),
  z.object({ kind: z.literal('document'), media: MediaAsset, filename: z.string().max(240).optional() }),
]);

const Button = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('quick_reply'),
    id: ItemId,
    text: z.string().max(100),
    /** `route` continues the journey on this button's port; the others open a system module (§4.2.2). */
    action: field(z.enum(['route', 'member_center', 'coupon_wallet']).default('route'), t('On tap', '點擊後'), { widget: 'select' }),
  }),
  z.object({
    type: z.literal('url'),
    id: ItemId,
    text: z.string().max(100),
    /** The dynamic suffix of the template's URL ({{1}} at its end), when it has one. */
    urlParameter: field(z.string().max(2000).optional(), t('Link parameter', '連結參數'), { widget: 'template' }),
  }),
  z.object({ type: z.literal('phone'), id: ItemId, text: z.string().max(100) }),
  z.object({ type: z.literal('go_to_order'), id: ItemId, text: z.string().max(100) }),
]);
type Button = z.output<typeof Button>;

const FLOW_STATUSES = ['draft', 'published', 'restricted', 'deprecated', 'paused'] as const;

const Config = z.object({
  template: WhatsAppTemplateRef,
  header: field(Header.default({ kind: 'none' }), t('Header', '標題'), { widget: 'select' }),
  parameters: TemplateParameters,
  buttons: field(z.array(Button).max(50).default([]), t('Buttons', '按鈕'), { widget: 'list' }),
  flowButton: z
    .object({
      text: field(z.string().max(100), t('Flow button name', 'Flow 按鈕名稱')),
      flowId: field(z.string().max(64), t('WhatsApp Flow', 'WhatsApp Flow'), { widget: 'select' }),
      flowStatus: field(z.enum(FLOW_STATUSES), t('Flow status', 'Flow 狀態'), { widget: 'select' }),
    })
    .optional(),
  purpose: SendPurpose,
  respectQuietHours: field(z.boolean().default(true), t('Respect quiet hours', '遵守勿擾時段'), { widget: 'toggle' }),
});
type Config = z.output<typeof Config>;

/** Per-type button maxima (§4.2.2 buttons table). */
const BUTTON_MAX: Readonly<Record<Button['type'], { max: number; en: string; zh: string }>> = {
  quick_reply: { max: 10, en: 'quick-reply buttons', zh: '快速回覆按鈕' },
  url: { max: 2, en: '"visit website" buttons', zh: '「前往網站」按鈕' },
  phone: { max: 1, en: '"call phone" buttons', zh: '「撥打電話」按鈕' },
  go_to_order: { max: 1, en: '"go to order" buttons', zh: '「前往訂單」按鈕' },
};
const CTA_TYPES: readonly Button['type'][] = ['url', 'phone', 'go_to_order'];

export const whatsappTemplateMessage = defineNode({
  type: 'message.whatsapp_template',
  version: 1,
  category: 'message',
  flowKinds: ['journey'],
  channels: ['whatsapp'],
  label: t('WhatsApp template', 'WhatsApp 訊息範本'),
  description: t(
    'Sends an approved WhatsApp template with personalised parameters; reaches contacts outside the 24-hour window. Quick-reply buttons can branch the journey.',
    '發送已核准的 WhatsApp 訊息範本並帶入個人化參數,可送達 24 小時對話期間外的顧客;快速回覆按鈕可讓旅程分流。',
  ),
  icon: 'message-square-dashed',
  config: Config,
  defaultConfig: { template: { name: '', language: '', category: 'marketing', bodyParameterCount: 0 } },
  examples: [
    {
      name: 'promotion with quick replies',
      config: {
        template: { name: 'xmas_sale_2026', language: 'zh_TW', category: 'marketing', bodyParameterCount: 2 },
        header: { kind: 'image', media: { url: 'https://example.com/wa/xmas-sale.jpg', width: 1200, height: 628, sizeBytes: 640_000 } },
        parameters: ['{{system:customer_name|"朋友"}}', '{{system:loyaltyPoint:balance}}'],
        buttons: [
          { type: 'quick_reply', id: 'interested', text: '我有興趣', action: 'route' },
          { type: 'quick_reply', id: 'wallet', text: '我的優惠券', action: 'coupon_wallet' },
          { type: 'quick_reply', id: 'stop', text: '不用了,謝謝', action: 'route' },
          { type: 'url', id: 'shop', text: '前往商城', urlParameter: 'xmas?utm_source=omnichat&ref={{system:member_id}}' },
        ],
      },
    },
    {
      name: 'delivery update with video',
      config: {
        template: { name: 'delivery_update', language: 'en', category: 'utility', bodyParameterCount: 1 },
        header: { kind: 'video', media: { url: 'https://example.com/wa/how-to-pick-up.mp4', sizeBytes: 9_800_000 } },
        parameters: ['{{trigger:order_id}}'],
        buttons: [{ type: 'phone', id: 'call', text: 'Call the store' }],
        purpose: 'transactional',
        respectQuietHours: false,
      },
    },
    {
      name: 'booking Flow',
      config: {
        template: { name: 'book_fitting', language: 'zh_TW', category: 'marketing', bodyParameterCount: 0 },
        header: { kind: 'text', parameter: '{{system:customer_name}}' },
        buttons: [{ type: 'quick_reply', id: 'later', text: '之後再說', action: 'route' }],
        flowButton: { text: '預約試穿', flowId: '1234567890123456', flowStatus: 'published' },
      },
    },
  ],
  ports: (config: Config) => [
    ...DELIVERY_PORTS,
    ...config.buttons
      .filter((b) => b.type === 'quick_reply' && b.action === 'route')
      .map((b): PortSpec => ({ id: `button:${b.id}`, label: { en: b.text, 'zh-Hant': b.text }, role: 'branch' })),
  ],
  limits: [
    { path: 'template.name', measure: 'chars', min: 1, field: t('Template', '訊息範本'), source: '§4.2.2' },
    { path: 'template.language', measure: 'chars', min: 1, field: t('Language', '語言'), source: '§4.2.2' },
    { path: 'parameters[]', measure: 'chars', min: 1, field: t('Template parameter', '範本參數'), source: '§4.2.2' },
    { path: 'header.parameter', measure: 'chars', min: 1, field: t('Header parameter', '標題參數'), source: '§4.2.2' },
    {
      path: 'header.media.sizeBytes',
      measure: 'number',
      max: 5 * MB,
      when: (c) => c.header.kind === 'image',
      field: t('Header image size (bytes)', '標題圖片大小(位元組)'),
      source: '§6.9 WhatsApp image ≤ 5 MB',
    },
    {
      path: 'header.media.sizeBytes',
      measure: 'number',
      max: 16 * MB,
      when: (c) => c.header.kind === 'video',
      field: t('Header video size (bytes)', '標題影片大小(位元組)'),
      source: '§6.9 WhatsApp video ≤ 16 MB',
    },
    { path: 'buttons', measure: 'items', max: 10, field: t('Buttons', '按鈕'), source: '§4.2.2 (max 10 buttons)' },
    { path: 'buttons[].text', measure: 'chars', min: 1, field: t('Button text', '按鈕文字'), source: '§4.2.2' },
    { path: 'flowButton.text', measure: 'chars', min: 1, field: t('Flow button name', 'Flow 按鈕名稱'), source: '§4.2.2' },
    {
      path: 'flowButton.text',
      measure: 'chars',
      max: 20,
      count: 'cjk3',
      field: t('Flow button name', 'Flow 按鈕名稱'),
      source: '§4.2.2 (1 Chinese character counts as 3)',
    },
    { path: 'flowButton.flowId', measure: 'chars', min: 1, field: t('WhatsApp Flow', 'WhatsApp Flow'), source: '§4.2.2' },
  ],
  placeholders: ['parameters[]', 'header.parameter', 'buttons[].urlParameter'],
  check: (config: Config) => {
    const issues: NodeIssue[] = [
      ...checkTemplateRef(config.template, ['template']),
      ...checkTemplateParameters(config.template, config.parameters, ['parameters']),
      ...checkQuietHours(config),
    ];
    if (config.header.kind === 'text' && config.header.parameter !== undefined) {
      issues.push(...checkSingleLine(config.header.parameter, ['header', 'parameter'], t('The header parameter', '標題參數')));
    }
    if (config.header.kind === 'image' || config.header.kind === 'video' || config.header.kind === 'document') {
      issues.push(...checkMediaUrl(config.header.media.url, ['header', 'media', 'url']));
    }

    const { buttons, flowButton } = config;
    const seen = new Set<string>();
    buttons.forEach((b, i) => {
      if (seen.has(b.id))
        issues.push({ path: ['buttons', i, 'id'], code: 'duplicate_id', message: t('Two buttons have the same id.', '有兩個按鈕的 ID 相同。') });
      seen.add(b.id);
      if (b.type === 'url' && b.urlParameter !== undefined) {
        issues.push(...checkSingleLine(b.urlParameter, ['buttons', i, 'urlParameter'], t('The link parameter', '連結參數')));
      }
      if (b.type === 'go_to_order') {
        issues.push({
          path: ['buttons', i, 'type'],
          code: 'go_to_order_not_allowed',
          message: t(
            '"Go to order" buttons exist only on system-notification templates, which journeys cannot use.',
            '「前往訂單」按鈕僅限系統通知範本,而旅程不能使用系統通知範本。',
          ),
        });
      }
    });
    for (const [type, rule] of Object.entries(BUTTON_MAX) as [Button['type'], (typeof BUTTON_MAX)[Button['type']]][]) {
      const ofType = buttons.map((b, i) => [b, i] as const).filter(([b]) => b.type === type);
      if (ofType.length > rule.max) {
        issues.push({
          path: ['buttons', ofType[rule.max]![1]],
          code: 'too_many_of_type',
          message: t(`A template can have at most ${rule.max} ${rule.en}.`, `範本最多只能有 ${rule.max} 個${rule.zh}。`),
        });
      }
    }
    if (flowButton) {
      if (buttons.length + 1 > 10) {
        issues.push({
          path: ['flowButton'],
          code: 'too_many',
          message: t('A template can have at most 10 buttons, including the Flow button.', '範本最多 10 個按鈕(含 Flow 按鈕)。'),
        });
      }
      const cta = buttons.findIndex((b) => CTA_TYPES.includes(b.type));
      if (cta >= 0) {
        issues.push({
          path: ['buttons', cta],
          code: 'flow_button_exclusive',
          message: t(
            'A template with a Flow button cannot have other call-to-action buttons (website, phone, order).',
            '含 Flow 按鈕的範本不能再有其他行動按鈕(網站、電話、訂單)。',
          ),
        });
      }
      if (flowButton.flowStatus !== 'published' && flowButton.flowStatus !== 'restricted') {
        issues.push({
          path: ['flowButton', 'flowStatus'],
          code: 'flow_not_published',
          message: t(
            'The Flow must be published (or restricted) to be sent in a template; drafts are not allowed.',
            '範本中的 Flow 必須已發佈(或受限制),不能使用草稿。',
          ),
        });
      } else if (flowButton.flowStatus === 'restricted') {
        issues.push({
          path: ['flowButton', 'flowStatus'],
          code: 'flow_restricted',
          severity: 'warning',
          message: t(
            'This Flow is restricted: WhatsApp sends at most 10 messages with it per hour.',
            '此 Flow 受限制:每小時最多只能發送 10 則含此 Flow 的訊息。',
          ),
        });
      }
    }
    return issues;
  },
  // Renders the parameters per contact (§4.2.2: single-line text, so line breaks and tabs in a contact's
  // data become spaces and long space runs shrink to four), then sends on the contact's WhatsApp. An empty
  // parameter is a failure naming it: WhatsApp rejects the whole template otherwise. Quick replies that
  // route come back as postbacks through their `button:<id>` ports.
  run: async (ctx): Promise<NodeOutcome> => {
    const c = ctx.config;
    const choice = chooseChannel(ctx, { mode: 'preferred', order: ['whatsapp'] }, c.purpose);
    if ('skip' in choice) return { kind: 'next', port: 'skipped', explanation: `Skipped: ${choice.skip}` };
    const parameters = c.parameters.map((p) => singleLine(ctx.render(p)));
    const empty = parameters.indexOf('');
    if (empty >= 0) return { kind: 'next', port: 'failed', explanation: `Failed: parameter ${empty + 1} ({{${empty + 1}}}) rendered empty` };
    const header =
      c.header.kind === 'text'
        ? { kind: 'text', ...(c.header.parameter !== undefined ? { parameter: singleLine(ctx.render(c.header.parameter)) } : {}) }
        : c.header;
    const buttons = c.buttons.map((b) => (b.type === 'url' && b.urlParameter !== undefined ? { ...b, urlParameter: ctx.render(b.urlParameter, 'url') } : b));
    const sent = await ctx.send({
      nodeType: 'message.whatsapp_template',
      channel: 'whatsapp',
      content: {
        template: { name: c.template.name, language: c.template.language, category: c.template.category },
        header,
        parameters,
        buttons,
        ...(c.flowButton ? { flowButton: { text: c.flowButton.text, flowId: c.flowButton.flowId } } : {}),
      },
      purpose: c.purpose,
    });
    return deliveryOutcome(sent, 'whatsapp');
  },
  needs: ['send', 'contacts', 'clock'],
});

/** §4.2.2 template parameters are single-line: no line breaks or tabs, at most four spaces in a row. */
function singleLine(value: string): string {
  return value
    .replace(/ *[\r\n\t]+ */g, ' ')
    .replace(/ {5,}/g, '    ')
    .trim();
}
