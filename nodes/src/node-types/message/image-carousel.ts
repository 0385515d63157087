import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue, type PortSpec } from '../../define.ts';
import { field, ItemId } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { ButtonAction } from '../shared/button-action.ts';
import { renderAction, sendCard, skipOffChannel } from '../shared/card-run.ts';
import { buttonActionIssues, duplicateIdIssues } from '../shared/cards-buttons.ts';
import { AssetUrl, assetUrlIssues, formatIssues, IMAGE_FORMAT, MB, Pixels, SizeBytes } from '../shared/cards-media.ts';

// §4.1.6 Image carousel, LINE only (P8). Built on LINE's image-carousel template (PLATFORMS.md §1.2),
// which wins over the spec where they differ: each image has exactly ONE click action (the spec's
// "up to 2 buttons per image" cannot be expressed by the template), the optional label is ≤12
// graphemes (the spec's "12 Chinese / 20 English" is looser), and LINE shows each image as 1:1, so
// other ratios only warn. The spec's "height ≤ 3× width" stays an error. Label colours and background
// opacity are not in the template, so they are not part of the config.

const Image = z.object({
  id: ItemId,
  imageUrl: field(AssetUrl, t('Image', '圖片'), { widget: 'image' }),
  sizeBytes: SizeBytes,
  width: Pixels(t('Width (px)', '寬度(像素)')),
  height: Pixels(t('Height (px)', '高度(像素)')),
  label: field(z.string().max(100).default(''), t('Label', '按鈕文字'), { help: t('Optional; shown over the image.', '選填,顯示於圖片上。') }),
  action: field(ButtonAction, t('On click', '點擊動作')),
});

const Config = z.object({
  altText: field(z.string().max(5000).default(''), t('Notification text', '通知文字'), {
    widget: 'textarea',
    help: t('Shown in the notification and chat list when the message arrives.', '訊息送達時顯示於通知與聊天列表。'),
  }),
  images: field(z.array(Image).max(50).default([]), t('Images', '圖片'), { widget: 'list' }),
});

const LINE_ONLY = ['line'] as const;

export const imageCarouselMessage = defineNode({
  type: 'message.image_carousel',
  version: 1,
  category: 'message',
  flowKinds: ['chatbot'],
  channels: LINE_ONLY,
  // P8: LINE-scope bots only, not `all` even though `all` reaches LINE.
  botScopes: LINE_ONLY,
  label: t('Image carousel', '圖片輪播訊息'),
  description: t(
    'Up to 10 swipeable images on LINE, each opening a link or a module when tapped.',
    '在 LINE 傳送最多 10 張可滑動的圖片,點擊可開啟連結或前往模組。',
  ),
  icon: 'images',
  config: Config,
  defaultConfig: { altText: '', images: [] },
  examples: [
    {
      name: 'lookbook',
      config: {
        altText: 'Our autumn lookbook is here',
        images: [
          {
            id: 'i1',
            imageUrl: 'https://cdn.example.com/bot/look-1.jpg',
            sizeBytes: 480_000,
            width: 1024,
            height: 1024,
            label: 'Shop look 1',
            action: { kind: 'url', url: 'https://shop.example.com/looks/1?utm_source=line', tags: ['lookbook_click'] },
          },
          {
            id: 'i2',
            imageUrl: 'https://cdn.example.com/bot/look-2.jpg',
            width: 1024,
            height: 1024,
            label: 'Ask stylist',
            action: { kind: 'module', tags: ['stylist_interest'] },
          },
        ],
      },
    },
    {
      name: 'member perks',
      config: {
        altText: 'Member perks',
        images: [{ id: 'card', imageUrl: 'https://cdn.example.com/bot/member.png', action: { kind: 'system', module: 'member_center' } }],
      },
    },
  ],
  ports: (config) =>
    config.images.flatMap((img, i): PortSpec[] => {
      if (img.action.kind !== 'module') return [];
      const name = img.label || `#${i + 1}`;
      return [{ id: `image:${img.id}`, label: t(`Image ${name}`, `圖片 ${name}`), role: 'branch' }];
    }),
  limits: [
    { path: 'altText', measure: 'chars', min: 1, field: t('Notification text', '通知文字'), source: '§4.1.6' },
    {
      path: 'altText',
      measure: 'chars',
      max: 1500,
      count: 'utf16',
      channels: LINE_ONLY,
      field: t('Notification text', '通知文字'),
      source: 'LINE template altText',
    },
    { path: 'images', measure: 'items', min: 1, max: 10, field: t('Images', '圖片'), source: 'LINE image carousel columns' },
    {
      path: 'images[].imageUrl',
      measure: 'chars',
      max: 2000,
      count: 'utf16',
      channels: LINE_ONLY,
      field: t('Image URL', '圖片網址'),
      source: 'LINE image carousel imageUrl',
    },
    { path: 'images[].sizeBytes', measure: 'number', max: 10 * MB, field: t('Image size (bytes)', '圖片大小(位元組)'), source: 'LINE image carousel ≤10 MB' },
    {
      path: 'images[].width',
      measure: 'number',
      max: 1024,
      channels: LINE_ONLY,
      field: t('Image width (px)', '圖片寬度(像素)'),
      source: 'LINE image carousel ≤1024 px',
    },
    {
      path: 'images[].label',
      measure: 'chars',
      max: 12,
      count: 'graphemes',
      channels: LINE_ONLY,
      field: t('Label', '按鈕文字'),
      source: 'LINE image carousel label ≤12 (PLATFORMS.md wins over §4.1.6 "12 Chinese / 20 English")',
    },
    { path: 'images[].action.tags', measure: 'items', max: 5, field: t('Tags on click', '點擊貼標'), source: '§4.1.1' },
    { path: 'images[].action.url', measure: 'chars', max: 1000, channels: LINE_ONLY, field: t('Link', '連結'), source: 'LINE URI action' },
  ],
  placeholders: ['images[].action.url'],
  check: (config, ctx) => {
    const issues: NodeIssue[] = [];
    config.images.forEach((img, i) => {
      const at = (...rest: (string | number)[]) => ['images', i, ...rest];
      issues.push(...assetUrlIssues(img.imageUrl, at('imageUrl'), t('Image', '圖片')));
      issues.push(...formatIssues(img.imageUrl, undefined, IMAGE_FORMAT, { url: at('imageUrl'), mimeType: [] }, 'LINE image carousel'));
      issues.push(...buttonActionIssues(img.action, at('action'), ctx));
      const { width, height } = img;
      if (width === undefined || height === undefined) return;
      if (height > 3 * width) {
        issues.push({
          path: at('height'),
          code: 'image_too_tall',
          message: t(`The image is ${width}×${height}; its height can be at most 3× its width.`, `圖片為 ${width}×${height},高度最多為寬度的 3 倍。`),
        });
      } else if (width !== height) {
        issues.push({
          path: at('height'),
          severity: 'warning',
          channel: 'line',
          code: 'image_not_square',
          message: t(
            `LINE shows image-carousel images as squares; this ${width}×${height} image will be cropped.`,
            `LINE 圖片輪播以正方形顯示,此 ${width}×${height} 圖片會被裁切。`,
          ),
        });
      }
    });
    issues.push(...duplicateIdIssues(config.images.map((img, i) => ({ id: img.id, path: ['images', i] }))));
    return issues;
  },
  run: async (ctx): Promise<NodeOutcome> => {
    const skip = skipOffChannel(ctx, ['line'], 'An image carousel');
    if (skip) return skip;
    const images = ctx.config.images.map((img) => ({ id: img.id, imageUrl: img.imageUrl, label: img.label, action: renderAction(ctx, img.action) }));
    return sendCard(ctx, 'message.image_carousel', { altText: ctx.config.altText, images }, `Image carousel of ${images.length} sent`);
  },
  needs: ['send'],
});
