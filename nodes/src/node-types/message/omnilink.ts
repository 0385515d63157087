import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type LimitRule, type NodeIssue, type PortSpec } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { renderText, skipOffChannel } from '../shared/card-run.ts';
import { failedSend, stepTagSource } from '../shared/run-helpers.ts';
import { aspectOf, BotModuleRef, checkMediaUrl, MB, MediaAsset } from '../shared/send-common.ts';

// §4.1.17 OmniLink card (跨社群一鍵整合): a card on the source channel (FB, IG, LINE, WhatsApp) whose
// button links the customer's contact on a target channel (LINE or WhatsApp only) to this one. The
// `success` / `failure` ports (§2.1 graph mapping) lead to the source-channel follow-up modules; the
// target-channel message is a text or a module of a bot on the target channel. Success can also enter
// a journey whose trigger is "system function trigger" (§3.11).

const TargetMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: field(z.string().max(5000), t('Message on the target channel', '目標渠道訊息'), { widget: 'template' }) }),
  z.object({ kind: z.literal('module'), module: BotModuleRef }),
]);

const Config = z.object({
  targetChannel: field(z.enum(['line', 'whatsapp']).default('line'), t('Link to channel', '整合目標渠道'), { widget: 'select' }),
  content: field(z.string().max(2000).default(''), t('Card text', '卡片內容'), { widget: 'textarea' }),
  buttonName: field(z.string().max(100).default(''), t('Button name', '按鈕名稱'), { widget: 'text' }),
  image: field(MediaAsset.optional(), t('Campaign image', '活動圖片'), {
    widget: 'image',
    help: t('At least 660 px wide and under 5 MB. Use 1:1 for Facebook and Instagram.', '寬度至少 660 px、小於 5 MB;Facebook 與 Instagram 建議 1:1。'),
  }),
  whatsappMessage: field(z.string().max(2000).default(''), t('WhatsApp linking message', 'WhatsApp 整合訊息'), {
    widget: 'textarea',
    help: t(
      'The message the customer sends to your WhatsApp number to link (WhatsApp target only).',
      '顧客傳送至您 WhatsApp 號碼以完成整合的訊息(僅限目標為 WhatsApp)。',
    ),
  }),
  targetSuccessMessage: field(TargetMessage.default({ kind: 'text', text: '' }), t('Success message on the target channel', '目標渠道成功訊息'), {
    widget: 'select',
  }),
  sourceSuccessMessage: field(z.string().max(5000).default(''), t('Success message on this channel (optional)', '來源渠道成功訊息(選填)'), {
    widget: 'template',
  }),
  failureMessage: field(z.string().max(5000).default(''), t('Failure message on this channel (optional)', '來源渠道失敗訊息(選填)'), {
    widget: 'template',
  }),
  triggerJourneyId: field(z.string().max(64).optional(), t('Start journey on success', '成功後觸發旅程'), { widget: 'select' }),
  successTags: z
    .object({
      source: field(z.array(z.string().min(1).max(100)).max(50).default([]), t('Tags for the source contact', '來源聯絡人標籤'), { widget: 'tags' }),
      target: field(z.array(z.string().min(1).max(100)).max(50).default([]), t('Tags for the target contact', '目標聯絡人標籤'), { widget: 'tags' }),
    })
    .default({ source: [], target: [] }),
});
type Config = z.output<typeof Config>;

const PORTS: readonly PortSpec[] = [
  { id: 'success', label: t('Linked', '整合成功'), role: 'success' },
  { id: 'failure', label: t('Not linked', '整合失敗'), role: 'failure' },
];

const hasImage = (c: Config) => c.image !== undefined;
const CARD_TEXT = t('Card text', '卡片內容');
const SOURCE_TEXTS = ['sourceSuccessMessage', 'failureMessage'] as const;

/** Plain text limits of the channel a follow-up text is sent on on this (source) channel, as message.text. */
const sourceTextLimits = (path: string): LimitRule<Config>[] => {
  const f = t('Message on this channel', '來源渠道訊息');
  return [
    { path, measure: 'chars', max: 5000, count: 'utf16', channels: ['line'], field: f, source: 'LINE text message' },
    { path, measure: 'chars', max: 1999, channels: ['messenger', 'instagram'], field: f, source: 'Messenger Send API: text < 2000' },
    { path, measure: 'chars', max: 4096, channels: ['whatsapp'], field: f, source: 'WhatsApp text body' },
  ];
};
const TARGET_TEXT = t('Success message on the target channel', '目標渠道成功訊息');

export const omnilinkMessage = defineNode({
  type: 'message.omnilink',
  version: 1,
  category: 'message',
  flowKinds: ['chatbot'],
  channels: ['messenger', 'instagram', 'line', 'whatsapp'],
  botScopes: ['all', 'fb_ig', 'whatsapp', 'line'],
  label: t('OmniLink', '跨社群一鍵整合'),
  description: t(
    "A card whose button links the customer's LINE or WhatsApp contact to this conversation, then continues on success or failure.",
    '顧客點擊按鈕即可將其 LINE 或 WhatsApp 聯絡人與目前對話整合,並依整合成功或失敗分流。',
  ),
  icon: 'link',
  config: Config,
  defaultConfig: { targetChannel: 'line', content: '', buttonName: '', targetSuccessMessage: { kind: 'text', text: '' } },
  examples: [
    {
      name: 'Facebook to LINE with image',
      config: {
        targetChannel: 'line',
        content: '加入 LINE 好友並綁定,即享會員 95 折!',
        buttonName: '一鍵綁定 LINE',
        image: { url: 'https://example.com/omnilink/line-bind.jpg', width: 1040, height: 1040, sizeBytes: 380_000 },
        targetSuccessMessage: { kind: 'text', text: '{{system:customer_name|"您好"}},綁定成功!95 折優惠已放入您的優惠券夾。' },
        sourceSuccessMessage: '綁定完成,謝謝您!',
        failureMessage: '綁定沒有成功,請稍後再試或直接聯繫客服。',
        triggerJourneyId: 'jrn_welcome_linked',
        successTags: { source: ['omnilink_line'], target: ['from_facebook'] },
      },
    },
    {
      name: 'LINE to WhatsApp with module',
      config: {
        targetChannel: 'whatsapp',
        content: 'Get order updates on WhatsApp: tap below and send the prepared message.',
        buttonName: 'Link WhatsApp',
        whatsappMessage: 'Please link my account',
        targetSuccessMessage: { kind: 'module', module: { botId: 'bot_wa_service', moduleId: 'mod_linked_welcome' } },
      },
    },
    {
      name: 'to WhatsApp with text',
      config: {
        targetChannel: 'whatsapp',
        content: '改用 WhatsApp 接收出貨通知?',
        buttonName: '改用 WhatsApp',
        whatsappMessage: '我要綁定帳號',
        targetSuccessMessage: { kind: 'text', text: '已完成綁定,之後的出貨通知會傳到這裡。' },
      },
    },
  ],
  ports: () => [...PORTS],
  limits: [
    { path: 'content', measure: 'chars', min: 1, field: CARD_TEXT, source: '§4.1.17' },
    // The card is a buttons template on LINE, a button/generic template on Messenger, an interactive message on WhatsApp.
    {
      path: 'content',
      measure: 'chars',
      max: 160,
      count: 'graphemes',
      channels: ['line'],
      when: (c) => !hasImage(c),
      field: CARD_TEXT,
      source: 'LINE buttons template text (no image)',
    },
    {
      path: 'content',
      measure: 'chars',
      max: 60,
      count: 'graphemes',
      channels: ['line'],
      when: hasImage,
      field: CARD_TEXT,
      source: 'LINE buttons template text (with image)',
    },
    {
      path: 'content',
      measure: 'chars',
      max: 640,
      channels: ['messenger', 'instagram'],
      when: (c) => !hasImage(c),
      field: CARD_TEXT,
      source: 'Messenger button template',
    },
    {
      path: 'content',
      measure: 'chars',
      max: 80,
      channels: ['messenger', 'instagram'],
      when: hasImage,
      field: CARD_TEXT,
      source: 'Messenger generic template subtitle',
    },
    { path: 'content', measure: 'chars', max: 1024, channels: ['whatsapp'], field: CARD_TEXT, source: 'WhatsApp interactive body' },
    { path: 'buttonName', measure: 'chars', min: 1, field: t('Button name', '按鈕名稱'), source: '§4.1.17' },
    { path: 'buttonName', measure: 'chars', max: 20, field: t('Button name', '按鈕名稱'), source: 'Messenger / WhatsApp button title ≤ 20' },
    { path: 'buttonName', measure: 'chars', max: 20, count: 'graphemes', channels: ['line'], field: t('Button name', '按鈕名稱'), source: 'LINE action label' },
    { path: 'image.width', measure: 'number', min: 660, field: t('Campaign image width (px)', '活動圖片寬度(px)'), source: '§4.1.17, §6.9' },
    { path: 'image.sizeBytes', measure: 'number', max: 5 * MB - 1, field: t('Campaign image size (bytes)', '活動圖片大小(位元組)'), source: '§4.1.17: < 5 MB' },
    {
      path: 'whatsappMessage',
      measure: 'chars',
      min: 1,
      when: (c) => c.targetChannel === 'whatsapp',
      field: t('WhatsApp linking message', 'WhatsApp 整合訊息'),
      source: '§4.1.17',
    },
    { path: 'whatsappMessage', measure: 'chars', max: 500, field: t('WhatsApp linking message', 'WhatsApp 整合訊息'), source: 'ours (pre-filled wa.me text)' },
    { path: 'targetSuccessMessage.text', measure: 'chars', min: 1, field: TARGET_TEXT, source: '§4.1.17 (required)' },
    // The target message goes out on the target channel, whatever channel this card is on.
    {
      path: 'targetSuccessMessage.text',
      measure: 'chars',
      max: 5000,
      count: 'utf16',
      when: (c) => c.targetChannel === 'line',
      field: TARGET_TEXT,
      source: 'LINE text message',
    },
    {
      path: 'targetSuccessMessage.text',
      measure: 'chars',
      max: 4096,
      when: (c) => c.targetChannel === 'whatsapp',
      field: TARGET_TEXT,
      source: 'WhatsApp text body',
    },
    { path: 'targetSuccessMessage.module.botId', measure: 'chars', min: 1, field: t('Bot', '機器人'), source: '§4.1.17' },
    { path: 'targetSuccessMessage.module.moduleId', measure: 'chars', min: 1, field: t('Module', '對話模組'), source: '§4.1.17' },
    ...SOURCE_TEXTS.flatMap(sourceTextLimits),
    { path: 'successTags.source', measure: 'items', max: 20, field: t('Tags for the source contact', '來源聯絡人標籤'), source: 'ours (as §4.2.5)' },
    { path: 'successTags.target', measure: 'items', max: 20, field: t('Tags for the target contact', '目標聯絡人標籤'), source: 'ours (as §4.2.5)' },
  ],
  placeholders: ['targetSuccessMessage.text', ...SOURCE_TEXTS],
  check: (config: Config, ctx) => {
    const issues: NodeIssue[] = [];
    const target = config.targetChannel;
    if (ctx.channels.includes(target)) {
      issues.push({
        path: ['targetChannel'],
        code: 'same_channel',
        severity: 'warning',
        channel: target,
        message: t(
          `Customers already chatting on ${target === 'line' ? 'LINE' : 'WhatsApp'} cannot link it to itself; the card is skipped for them.`,
          `已在 ${target === 'line' ? 'LINE' : 'WhatsApp'} 對話的顧客無法與同一渠道整合,將不會收到此卡片。`,
        ),
      });
    }
    if (target === 'line' && ctx.channels.includes('messenger')) {
      issues.push({
        path: ['targetChannel'],
        code: 'external_browser',
        severity: 'warning',
        channel: 'messenger',
        message: t(
          'From Facebook, linking LINE opens an external browser, which is not available on Android.',
          '從 Facebook 整合 LINE 需開啟外部瀏覽器,Android 裝置無法使用。',
        ),
      });
    }
    if (config.image) {
      issues.push(...checkMediaUrl(config.image.url, ['image', 'url']));
      const { width, height } = config.image;
      if (ctx.channels.includes('line') && width && height && height > 3 * width) {
        issues.push({
          path: ['image', 'height'],
          code: 'image_too_tall',
          channel: 'line',
          message: t('On LINE the image height cannot exceed 3 times its width.', 'LINE 上的圖片高度不可超過寬度的 3 倍。'),
        });
      }
      const ratio = aspectOf(config.image);
      const fbig = ctx.channels.find((c) => c === 'messenger' || c === 'instagram');
      if (fbig && ratio !== undefined && Math.abs(ratio - 1) > 0.01) {
        issues.push({
          path: ['image'],
          code: 'image_cropped',
          severity: 'warning',
          channel: fbig,
          message: t(
            'On Facebook and Instagram the image is cropped to a centred square; use 1:1.',
            'Facebook 與 Instagram 會將圖片置中裁切為正方形,建議使用 1:1。',
          ),
        });
      }
    }
    return issues;
  },
  // Sends the card, then waits for the link: the OmniLink service reports the tap's result as a button
  // click with `payload.linked`. Linked: tags (the two identities are now one contact), the message on the
  // target channel, the optional source-channel message and journey, then `success`. Otherwise, or when
  // nothing happens before the input expiry, the optional failure message and `failure`.
  run: async (ctx): Promise<NodeOutcome> => {
    const c = ctx.config;
    if (!ctx.resumedBy) {
      const skip = skipOffChannel(ctx, ['messenger', 'instagram', 'line', 'whatsapp'], 'An OmniLink card');
      if (skip) return skip;
      const sent = await ctx.send({
        nodeType: 'message.omnilink',
        content: {
          targetChannel: c.targetChannel,
          content: c.content,
          buttonName: c.buttonName,
          ...(c.image ? { image: c.image } : {}),
          ...(c.targetChannel === 'whatsapp' ? { whatsappMessage: c.whatsappMessage } : {}),
        },
        purpose: 'conversational',
      });
      if (!sent.ok) return failedSend(sent);
      return {
        kind: 'wait',
        until: new Date(ctx.now().getTime() + ctx.flow.inputExpiryMinutes * 60_000),
        events: [{ event: 'buttonClick' }],
        explanation: `OmniLink to ${c.targetChannel} offered`,
      };
    }
    const linked = ctx.resumedBy.type !== 'timer' && ctx.resumedBy.payload.linked === true;
    if (!linked) {
      if (c.failureMessage.trim() !== '') {
        const sent = await ctx.send({ nodeType: 'message.text', content: { text: renderText(ctx, c.failureMessage), buttons: [] }, purpose: 'conversational' });
        if (!sent.ok) return failedSend(sent);
      }
      return { kind: 'next', port: 'failure', explanation: ctx.resumedBy.type === 'timer' ? 'Not linked before the input expiry' : 'Linking failed' };
    }
    const tags = [...new Set([...c.successTags.source, ...c.successTags.target])];
    if (tags.length > 0) await ctx.tags.apply(tags, stepTagSource(ctx));
    const target = c.targetSuccessMessage;
    const onTarget = await ctx.send({
      nodeType: target.kind === 'text' ? 'message.text' : 'message.send',
      channel: c.targetChannel,
      content: target.kind === 'text' ? { text: renderText(ctx, target.text), buttons: [] } : { kind: 'module', module: target.module },
      purpose: 'conversational',
    });
    if (c.sourceSuccessMessage.trim() !== '') {
      const sent = await ctx.send({
        nodeType: 'message.text',
        content: { text: renderText(ctx, c.sourceSuccessMessage), buttons: [] },
        purpose: 'conversational',
      });
      if (!sent.ok) return failedSend(sent);
    }
    if (c.triggerJourneyId) await ctx.journeys.enter(c.triggerJourneyId, { omnilinkTarget: c.targetChannel });
    return {
      kind: 'next',
      port: 'success',
      explanation: `Linked ${c.targetChannel}${onTarget.ok ? '' : ` (the ${c.targetChannel} message failed: ${onTarget.reason})`}`,
    };
  },
  needs: ['send', 'contacts', 'tags', 'journeys'],
  requiredFeatures: ['social_cdp'],
});
