import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue, type PortSpec } from '../../define.ts';
import { field, ItemId } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { ButtonAction, isUrlLike } from '../shared/button-action.ts';
import { renderAction, renderText, renderUrl, sendCard, skipOffChannel } from '../shared/card-run.ts';
import { buttonActionIssues, duplicateIdIssues, duplicateLabelIssues, onlyWebchat, TAGGING_CHANNELS } from '../shared/cards-buttons.ts';
import { AssetUrl, assetUrlIssues, formatIssues, IMAGE_FORMAT, MB, SizeBytes } from '../shared/cards-media.ts';

// §4.1.5 Carousel. Title/subtitle limits per channel: §4.1.5 for web chat, the platforms for LINE
// (PLATFORMS.md §1.2 carousel template: title ≤40, text ≤60 once a column has an image or title,
// which ours always do; the spec's LINE 300 is overridden) and Messenger (generic template 80/80).
// An `all` bot meets all of them at once, as §4.0 asks ("a LINE carousel title of 40").

const Button = z.object({
  id: ItemId,
  label: field(z.string().max(100), t('Button label', '按鈕名稱')),
  action: ButtonAction,
});

const Column = z.object({
  id: ItemId,
  imageUrl: field(AssetUrl, t('Image', '圖片'), { widget: 'image' }),
  imageSizeBytes: SizeBytes,
  title: field(z.string().max(500), t('Title', '標題'), { help: t('Variables are not allowed in the title.', '標題不能使用變數。') }),
  subtitle: field(z.string().max(1000).default(''), t('Subtitle', '副標題'), { widget: 'template' }),
  imageClickUrl: field(AssetUrl.optional(), t('Image link', '圖片連結'), { widget: 'url' }),
  imageClickTags: field(z.array(z.string().min(1).max(100)).max(20).default([]), t('Tags on image click', '點擊圖片貼標'), {
    widget: 'tags',
    help: t('Needs an image link.', '需設定圖片連結。'),
  }),
  buttons: field(z.array(Button).max(10).default([]), t('Buttons', '按鈕'), { widget: 'list' }),
});

const Config = z.object({
  imageAspectRatio: field(z.enum(['rectangle', 'square']).default('rectangle'), t('Image shape', '圖片比例'), {
    widget: 'select',
    help: t('Rectangle: 1.91:1 on Facebook, 1.51:1 on LINE.', '長方形:Facebook 1.91:1,LINE 1.51:1。'),
  }),
  columns: field(z.array(Column).max(50).default([]), t('Columns', '輪播卡片'), { widget: 'list' }),
});

const TITLE = t('Title', '標題');
const SUBTITLE = t('Subtitle', '副標題');

export const carouselMessage = defineNode({
  type: 'message.carousel',
  version: 1,
  category: 'message',
  flowKinds: ['chatbot'],
  channels: ['line', 'messenger', 'instagram', 'webchat'],
  botScopes: ['all', 'fb_ig', 'web', 'line'],
  label: t('Carousel', '輪播訊息'),
  description: t(
    'Up to 10 swipeable cards, each with an image, a title, a subtitle and up to three buttons.',
    '最多 10 張可左右滑動的卡片,每張含圖片、標題、副標題與最多三個按鈕。',
  ),
  icon: 'gallery-horizontal',
  config: Config,
  defaultConfig: { imageAspectRatio: 'rectangle', columns: [] },
  examples: [
    {
      name: 'two products',
      config: {
        imageAspectRatio: 'rectangle',
        columns: [
          {
            id: 'c1',
            imageUrl: 'https://cdn.example.com/bot/sneaker.jpg',
            imageSizeBytes: 640_000,
            title: 'Runner 2 sneakers',
            subtitle: 'Hi {{system:customer_name|"there"}}, 20% off this week',
            imageClickUrl: 'https://shop.example.com/p/runner-2?utm_source=bot',
            imageClickTags: ['viewed_runner'],
            buttons: [
              { id: 'c1b1', label: 'Buy now', action: { kind: 'url', url: 'https://shop.example.com/p/runner-2', tags: ['intent_buy'] } },
              { id: 'c1b2', label: 'More like this', action: { kind: 'module' } },
            ],
          },
          {
            id: 'c2',
            imageUrl: 'https://cdn.example.com/bot/jacket.png',
            title: 'Rain jacket',
            subtitle: 'Waterproof and light',
            buttons: [
              { id: 'c2b1', label: 'Buy jacket', action: { kind: 'url', url: 'https://shop.example.com/p/jacket' } },
              { id: 'c2b2', label: 'Talk to us', action: { kind: 'module' } },
            ],
          },
        ],
      },
    },
    {
      name: 'single square card',
      config: {
        imageAspectRatio: 'square',
        columns: [
          {
            id: 'only',
            imageUrl: 'https://cdn.example.com/bot/new-store.jpg',
            title: 'Our new store',
            subtitle: 'Open daily 10:00–21:00',
            buttons: [{ id: 'map', label: 'Directions', action: { kind: 'module' } }],
          },
        ],
      },
    },
  ],
  ports: (config) =>
    config.columns.flatMap((c, i) =>
      c.buttons
        .filter((b) => b.action.kind === 'module')
        .map((b): PortSpec => {
          const card = c.title || `#${i + 1}`;
          return { id: `button:${b.id}`, label: t(`${card} › ${b.label}`, `${card} › ${b.label}`), role: 'branch' };
        }),
    ),
  limits: [
    { path: 'columns', measure: 'items', min: 1, max: 10, field: t('Columns', '輪播卡片'), source: '§4.1.5 (LINE carousel, Messenger generic template: 10)' },
    {
      path: 'columns[].imageUrl',
      measure: 'chars',
      max: 2000,
      count: 'utf16',
      channels: ['line'],
      field: t('Image URL', '圖片網址'),
      source: 'LINE carousel template thumbnailImageUrl',
    },
    { path: 'columns[].imageSizeBytes', measure: 'number', max: 10 * MB, field: t('Image size (bytes)', '圖片大小(位元組)'), source: '§4.1.5 image ≤10 MB' },
    { path: 'columns[].title', measure: 'chars', min: 1, field: TITLE, source: '§4.1.5 required to save' },
    {
      path: 'columns[].title',
      measure: 'chars',
      max: 80,
      channels: ['messenger', 'instagram'],
      field: TITLE,
      source: '§4.1.5; Messenger generic template title 80',
    },
    { path: 'columns[].title', measure: 'chars', max: 80, channels: ['webchat'], field: TITLE, source: '§4.1.5 web 80' },
    {
      path: 'columns[].title',
      measure: 'chars',
      max: 40,
      count: 'graphemes',
      channels: ['line'],
      field: TITLE,
      source: '§4.1.5; LINE carousel template title 40',
    },
    {
      path: 'columns[].subtitle',
      measure: 'chars',
      max: 80,
      channels: ['messenger', 'instagram'],
      field: SUBTITLE,
      source: '§4.1.5; Messenger generic template subtitle 80',
    },
    { path: 'columns[].subtitle', measure: 'chars', max: 120, channels: ['webchat'], field: SUBTITLE, source: '§4.1.5 web 120' },
    { path: 'columns[].subtitle', measure: 'chars', min: 1, channels: ['line'], field: SUBTITLE, source: 'LINE carousel template: text is required' },
    {
      path: 'columns[].subtitle',
      measure: 'chars',
      max: 60,
      count: 'graphemes',
      channels: ['line'],
      field: SUBTITLE,
      source: 'LINE carousel template text ≤60 with image or title (PLATFORMS.md wins over §4.1.5 "300")',
    },
    { path: 'columns[].imageClickUrl', measure: 'chars', max: 1000, channels: ['line'], field: t('Image link', '圖片連結'), source: 'LINE URI action' },
    {
      path: 'columns[].imageClickTags',
      measure: 'items',
      max: 5,
      channels: TAGGING_CHANNELS,
      field: t('Tags on image click', '點擊圖片貼標'),
      source: '§4.1.5 (≤5 tags as §4.1.1)',
    },
    {
      path: 'columns[].buttons',
      measure: 'items',
      min: 1,
      max: 3,
      field: t('Buttons', '按鈕'),
      source: '§4.1.5 first button required, max 3 (LINE carousel actions 3, Messenger 3)',
    },
    { path: 'columns[].buttons[].label', measure: 'chars', min: 1, field: t('Button label', '按鈕名稱'), source: '§4.1.1' },
    { path: 'columns[].buttons[].label', measure: 'chars', max: 20, field: t('Button label', '按鈕名稱'), source: '§4.1.1; Messenger postback title 20' },
    {
      path: 'columns[].buttons[].label',
      measure: 'chars',
      max: 20,
      count: 'graphemes',
      channels: ['line'],
      field: t('Button label', '按鈕名稱'),
      source: 'LINE action label',
    },
    {
      path: 'columns[].buttons[].action.tags',
      measure: 'items',
      max: 5,
      channels: TAGGING_CHANNELS,
      field: t('Tags on click', '點擊貼標'),
      source: '§4.1.1',
    },
    {
      path: 'columns[].buttons[].action.url',
      measure: 'chars',
      max: 1000,
      channels: ['line'],
      field: t('Button URL', '按鈕網址'),
      source: 'LINE URI action',
    },
  ],
  placeholders: ['columns[].subtitle', 'columns[].buttons[].action.url'],
  check: (config, ctx) => {
    const issues: NodeIssue[] = [];
    const ids: { id: string; path: (string | number)[] }[] = [];
    config.columns.forEach((col, i) => {
      const at = (...rest: (string | number)[]) => ['columns', i, ...rest];
      ids.push({ id: col.id, path: at() });
      // §4.1.5: image, title and first button are required to save.
      issues.push(...assetUrlIssues(col.imageUrl, at('imageUrl'), t('Image', '圖片')));
      issues.push(...formatIssues(col.imageUrl, undefined, IMAGE_FORMAT, { url: at('imageUrl'), mimeType: [] }, '§4.1.2'));
      if (col.imageClickUrl && !isUrlLike(col.imageClickUrl)) {
        issues.push({
          path: at('imageClickUrl'),
          code: 'invalid_url',
          message: t('Enter a complete URL starting with http:// or https://.', '請輸入以 http:// 或 https:// 開頭的完整網址。'),
        });
      }
      if (col.imageClickTags.length > 0) {
        if (!col.imageClickUrl) {
          issues.push({
            path: at('imageClickTags'),
            code: 'tags_need_url',
            message: t('Image-click tags need an image link: add one or remove the tags.', '點擊圖片貼標需要設定圖片連結,請加上連結或移除標籤。'),
          });
        } else if (onlyWebchat(ctx)) {
          issues.push({
            path: at('imageClickTags'),
            severity: 'warning',
            channel: 'webchat',
            code: 'channel_rule',
            message: t('Web chat cannot apply tags on click; these tags will be ignored.', '網站對話插件無法在點擊時貼標籤,這些標籤將被忽略。'),
          });
        }
      }
      col.buttons.forEach((b, j) => {
        ids.push({ id: b.id, path: at('buttons', j) });
        issues.push(...buttonActionIssues(b.action, at('buttons', j, 'action'), ctx));
      });
      issues.push(
        ...duplicateLabelIssues(
          col.buttons.map((b, j) => ({ label: b.label, path: at('buttons', j, 'label') })),
          'button',
        ),
      );
    });
    issues.push(...duplicateIdIssues(ids));
    // LINE rejects a carousel whose columns have different numbers of actions.
    const first = config.columns[0];
    if (ctx.channels.includes('line') && first) {
      config.columns.forEach((col, i) => {
        if (i > 0 && col.buttons.length !== first.buttons.length) {
          issues.push({
            path: ['columns', i, 'buttons'],
            channel: 'line',
            code: 'line_button_count_mismatch',
            message: t(
              `On LINE every card needs the same number of buttons: the first has ${first.buttons.length}, card #${i + 1} has ${col.buttons.length}.`,
              `LINE 的每張卡片按鈕數量必須相同:第一張有 ${first.buttons.length} 個,第 ${i + 1} 張有 ${col.buttons.length} 個。`,
            ),
          });
        }
      });
    }
    return issues;
  },
  // Sends the columns with subtitles and links rendered; a module button's click comes back as a postback
  // that the engine routes through the button's port.
  run: async (ctx): Promise<NodeOutcome> => {
    const skip = skipOffChannel(ctx, ['line', 'messenger', 'instagram', 'webchat'], 'A carousel');
    if (skip) return skip;
    const columns = ctx.config.columns.map((c) => ({
      id: c.id,
      imageUrl: c.imageUrl,
      title: c.title,
      subtitle: renderText(ctx, c.subtitle),
      ...(c.imageClickUrl ? { imageClickUrl: renderUrl(ctx, c.imageClickUrl), imageClickTags: c.imageClickTags } : {}),
      buttons: c.buttons.map((b) => ({ id: b.id, label: b.label, action: renderAction(ctx, b.action) })),
    }));
    return sendCard(ctx, 'message.carousel', { imageAspectRatio: ctx.config.imageAspectRatio, columns }, `Carousel of ${columns.length} sent`);
  },
  needs: ['send'],
});
