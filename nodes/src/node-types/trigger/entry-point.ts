import { CHANNEL_LABELS, type ChannelKind, t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineTrigger, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';

// §3.14 Other bot entry points: each opens the linked module and puts the conversation into the bot
// state (§1.10). Refs and codes are entry identifiers and stay stable across versions (§2.3).
// LINE rich menu, imagemap, subscription code and phone binding are LINE-only; m.me and the persistent
// menu are Messenger-only. A bot-module rich-menu action is the only rich-menu action that can tag (≤ 5).

const Tags = field(z.array(z.string().min(1).max(100)).max(50).default([]), t('Tags to apply', '貼上標籤'), { widget: 'tags' });

const EntryPoint = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('rich_menu_action'),
    richMenuId: field(z.string().max(64).default(''), t('Rich menu', '圖文選單'), { widget: 'select' }),
    areaId: field(z.string().max(64).default(''), t('Menu area', '選單區塊'), { widget: 'select' }),
    displayText: field(z.string().max(1000).default(''), t('Display text', '顯示文字'), {
      widget: 'text',
      help: t('Optional: shown in the chat as if the customer sent it.', '選填:會以顧客傳送的訊息顯示在對話中。'),
    }),
    tags: Tags,
  }),
  z.object({
    kind: z.literal('imagemap_area'),
    imagemapId: field(z.string().max(64).default(''), t('Imagemap message', '圖文訊息'), { widget: 'select' }),
    areaId: field(z.string().max(64).default(''), t('Area', '區塊'), { widget: 'select' }),
    tags: Tags,
  }),
  z.object({
    kind: z.literal('mme_ref'),
    ref: field(z.string().max(5000).default(''), t('m.me ref', 'm.me ref 參數'), {
      widget: 'text',
      help: t('The link is http://m.me/<page>?ref=<this value>.', '連結為 http://m.me/<粉專>?ref=<此值>。'),
    }),
  }),
  z.object({
    kind: z.literal('persistent_menu'),
    menuItemId: field(z.string().max(64).default(''), t('Menu item', '選單項目'), { widget: 'select' }),
  }),
  z.object({
    kind: z.literal('line_subscription_code'),
    code: field(z.string().max(64).default(''), t('6-digit code', '6 位數代碼'), { widget: 'text' }),
  }),
  z.object({
    kind: z.literal('phone_binding_message'),
    text: field(z.string().max(1000).default(''), t('Trigger message', '觸發訊息'), {
      widget: 'text',
      help: t('Sent on the customer’s behalf after phone binding; not charged.', '手機綁定後系統代顧客送出,不計費。'),
    }),
  }),
]);

const Config = z.object({ entry: field(EntryPoint.default({ kind: 'mme_ref', ref: '' }), t('Entry point', '入口'), { widget: 'select' }) });
type Kind = z.output<typeof EntryPoint>['kind'];

const CHANNEL_OF: Record<Kind, ChannelKind> = {
  rich_menu_action: 'line',
  imagemap_area: 'line',
  mme_ref: 'messenger',
  persistent_menu: 'messenger',
  line_subscription_code: 'line',
  phone_binding_message: 'line',
};

/** Characters a ref can carry unencoded in a URL query (RFC 3986 unreserved). */
const URL_SAFE = /^[A-Za-z0-9._~-]+$/;

export const entryPointTrigger = defineTrigger({
  type: 'trigger.entry_point',
  version: 1,
  flowKinds: ['chatbot'],
  channels: ['line', 'messenger'],
  label: t('Bot entry point', '機器人入口'),
  description: t(
    'Opens the linked module from a LINE rich menu or imagemap action, an m.me link, the Messenger persistent menu, a LINE 6-digit subscription code or the phone-binding trigger message, and hands the conversation to the bot.',
    '從 LINE 圖文選單或圖文訊息動作、m.me 連結、Messenger 常駐選單、LINE 6 位數訂閱代碼或手機綁定觸發訊息開啟連結的模組,並將對話轉為機器人狀態。',
  ),
  icon: 'door-open',
  config: Config,
  defaultConfig: { entry: { kind: 'mme_ref', ref: '' } },
  examples: [
    {
      name: 'rich menu: member area',
      config: { entry: { kind: 'rich_menu_action', richMenuId: 'rm_main', areaId: 'a3', displayText: '會員專區', tags: ['menu_member'] } },
    },
    { name: 'imagemap: new arrivals', config: { entry: { kind: 'imagemap_area', imagemapId: 'im_spring', areaId: 'left', tags: ['spring_sale'] } } },
    { name: 'm.me link from an ad', config: { entry: { kind: 'mme_ref', ref: 'spring-sale_2025' } } },
    { name: 'persistent menu: order status', config: { entry: { kind: 'persistent_menu', menuItemId: 'order_status' } } },
    { name: 'LINE subscription code', config: { entry: { kind: 'line_subscription_code', code: '482913' } } },
    { name: 'after phone binding', config: { entry: { kind: 'phone_binding_message', text: '綁定完成,查看會員卡' } } },
  ],
  limits: [
    { path: 'entry.richMenuId', measure: 'chars', min: 1, field: t('Rich menu', '圖文選單'), source: '§3.14' },
    { path: 'entry.areaId', measure: 'chars', min: 1, field: t('Area', '區塊'), source: '§3.14' },
    {
      path: 'entry.displayText',
      measure: 'chars',
      max: 300,
      count: 'graphemes',
      field: t('Display text', '顯示文字'),
      source: 'PLATFORMS.md §1.2 LINE postback displayText ≤ 300 (grapheme clusters)',
    },
    { path: 'entry.tags', measure: 'items', max: 5, field: t('Tags to apply', '貼上標籤'), source: '§3.14 (rich menu ≤ 5; ours for imagemap)' },
    { path: 'entry.imagemapId', measure: 'chars', min: 1, field: t('Imagemap message', '圖文訊息'), source: '§3.14' },
    { path: 'entry.ref', measure: 'chars', min: 1, field: t('m.me ref', 'm.me ref 參數'), source: '§3.14' },
    { path: 'entry.ref', measure: 'chars', max: 2083, field: t('m.me ref', 'm.me ref 參數'), source: 'PLATFORMS.md §2 m.me ref ≤ 2,083' },
    { path: 'entry.menuItemId', measure: 'chars', min: 1, field: t('Menu item', '選單項目'), source: '§3.14' },
    { path: 'entry.code', measure: 'chars', min: 1, field: t('6-digit code', '6 位數代碼'), source: '§3.14' },
    { path: 'entry.text', measure: 'chars', min: 1, field: t('Trigger message', '觸發訊息'), source: '§3.14' },
    { path: 'entry.text', measure: 'chars', max: 60, field: t('Trigger message', '觸發訊息'), source: '§3.14' },
  ],
  check: (config, ctx) => {
    const issues: NodeIssue[] = [];
    const e = config.entry;
    const channel = CHANNEL_OF[e.kind];
    // A warning, not an error: in an all-platform bot the entry point still works on its own channel.
    if (ctx.channels.length > 0 && !ctx.channels.includes(channel)) {
      issues.push({
        path: ['entry', 'kind'],
        code: 'channel_not_in_flow',
        severity: 'warning',
        channel,
        message: t(
          `This entry point exists only on ${CHANNEL_LABELS[channel]}, which this bot does not use.`,
          `此入口僅適用於 ${CHANNEL_LABELS[channel]},此機器人未使用該渠道。`,
        ),
      });
    }
    if (e.kind === 'mme_ref' && e.ref !== '' && !URL_SAFE.test(e.ref)) {
      issues.push({
        path: ['entry', 'ref'],
        code: 'invalid_ref',
        message: t(
          'Use letters, digits, "-", "_", "." or "~" only, so the link needs no encoding.',
          '只能使用英文字母、數字、「-」、「_」、「.」或「~」,連結才不需編碼。',
        ),
      });
    }
    if (e.kind === 'line_subscription_code' && e.code !== '' && !/^\d{6}$/.test(e.code)) {
      issues.push({ path: ['entry', 'code'], code: 'invalid_code', message: t('The code has exactly 6 digits.', '代碼必須是 6 位數字。') });
    }
    if (e.kind === 'phone_binding_message' && e.text.trim() === '' && e.text !== '') {
      issues.push({ path: ['entry', 'text'], code: 'blank_text', message: t('The trigger message cannot be only spaces.', '觸發訊息不能只有空白。') });
    }
    return issues;
  },
  events: ['entry_point.opened', 'postback.received', 'message.received'],
  needs: [],
});
