import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue, type PortSpec } from '../../define.ts';
import { field, ItemId } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { isUrlLike } from '../shared/button-action.ts';
import { renderUrl, sendCard, skipOffChannel } from '../shared/card-run.ts';
import { duplicateIdIssues } from '../shared/cards-buttons.ts';
import { AssetUrl, assetUrlIssues, formatIssues, IMAGE_FORMAT, requiredIssue, VIDEO_FORMAT } from '../shared/cards-media.ts';

// §4.1.7 Imagemap (rich message), LINE only (P8). The image and its areas are designed as an
// asset (Advanced automation > LINE 圖文訊息); the card references it and keeps a copy of the base
// size and the areas' actions, so module areas become ports (`area:<id>`) and LINE's imagemap limits
// (PLATFORMS.md §1.2) can be checked. LINE carries at most one video per imagemap.

const Tags = field(z.array(z.string().min(1).max(100)).max(20).default([]), t('Tags on click', '點擊貼標'), { widget: 'tags' });

const AreaAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: field(z.string().max(2000), t('Message text', '訊息文字'), { widget: 'textarea' }) }),
  z.object({ kind: z.literal('url'), url: field(AssetUrl, t('Link', '連結'), { widget: 'url' }), tags: Tags }),
  z.object({
    kind: z.literal('video'),
    videoUrl: field(AssetUrl, t('Video', '影片'), { widget: 'url' }),
    previewImageUrl: field(AssetUrl, t('Video preview image', '影片預覽圖片'), { widget: 'image' }),
    linkUrl: field(AssetUrl.optional(), t('Link after the video', '影片結束後的連結'), { widget: 'url' }),
    linkLabel: field(z.string().max(100).optional(), t('Link label', '連結文字')),
    tags: Tags,
  }),
  z.object({ kind: z.literal('module'), tags: Tags }),
]);

const Area = z.object({
  id: ItemId,
  label: field(z.string().max(500).default(''), t('Area name', '區塊名稱')),
  bounds: z.object({
    x: z.number().int().min(0),
    y: z.number().int().min(0),
    width: z.number().int().min(1),
    height: z.number().int().min(1),
  }),
  action: field(AreaAction, t('On tap', '點擊動作')),
});

const Config = z.object({
  assetId: field(z.string().max(200).default(''), t('Imagemap', '圖文訊息'), { widget: 'select' }),
  assetName: field(z.string().max(200).optional(), t('Imagemap name', '圖文訊息名稱')),
  altText: field(z.string().max(5000).default(''), t('Notification text', '通知文字'), { widget: 'textarea' }),
  baseSize: z
    .object({
      width: field(z.number().int().min(1).default(1040), t('Base width (px)', '基準寬度(像素)'), { widget: 'number' }),
      height: field(z.number().int().min(1).default(1040), t('Base height (px)', '基準高度(像素)'), { widget: 'number' }),
    })
    .default({ width: 1040, height: 1040 }),
  areas: field(z.array(Area).max(100).default([]), t('Areas', '點擊區塊'), { widget: 'list' }),
});

const LINE_ONLY = ['line'] as const;

export const imagemapMessage = defineNode({
  type: 'message.imagemap',
  version: 1,
  category: 'message',
  flowKinds: ['chatbot'],
  channels: LINE_ONLY,
  // P8: LINE-scope bots only, not `all` even though `all` reaches LINE.
  botScopes: LINE_ONLY,
  label: t('Imagemap', '圖文訊息'),
  description: t(
    'A LINE rich message: one image split into tappable areas that send text, open a link, play a video or go to a module.',
    'LINE 圖文訊息:將圖片分成多個點擊區塊,可傳送文字、開啟連結、播放影片或前往模組。',
  ),
  icon: 'layout-grid',
  config: Config,
  defaultConfig: { assetId: '', altText: '', baseSize: { width: 1040, height: 1040 }, areas: [] },
  examples: [
    {
      name: 'menu with three areas',
      config: {
        assetId: 'imgmap_spring_menu',
        assetName: 'Spring menu',
        altText: 'Spring menu: tap to explore',
        baseSize: { width: 1040, height: 1040 },
        areas: [
          { id: 'a1', label: 'Opening hours', bounds: { x: 0, y: 0, width: 520, height: 520 }, action: { kind: 'text', text: 'Opening hours' } },
          {
            id: 'a2',
            label: 'Shop',
            bounds: { x: 520, y: 0, width: 520, height: 520 },
            action: { kind: 'url', url: 'https://shop.example.com/spring?utm_source=line', tags: ['spring_click'] },
          },
          { id: 'a3', label: 'Talk to us', bounds: { x: 0, y: 520, width: 1040, height: 520 }, action: { kind: 'module', tags: ['menu_help'] } },
        ],
      },
    },
    {
      name: 'video banner',
      config: {
        assetId: 'imgmap_launch_video',
        altText: 'Watch the launch video',
        baseSize: { width: 1040, height: 700 },
        areas: [
          {
            id: 'v',
            bounds: { x: 0, y: 0, width: 1040, height: 585 },
            action: {
              kind: 'video',
              videoUrl: 'https://cdn.example.com/line/launch.mp4',
              previewImageUrl: 'https://cdn.example.com/line/launch-preview.jpg',
              linkUrl: 'https://shop.example.com/launch',
              linkLabel: 'See the collection',
              tags: ['launch_video'],
            },
          },
          { id: 'more', bounds: { x: 0, y: 585, width: 1040, height: 115 }, action: { kind: 'url', url: 'https://shop.example.com/launch' } },
        ],
      },
    },
  ],
  ports: (config) =>
    config.areas.flatMap((a, i): PortSpec[] => {
      if (a.action.kind !== 'module') return [];
      const name = a.label || `#${i + 1}`;
      return [{ id: `area:${a.id}`, label: t(`Area ${name}`, `區塊 ${name}`), role: 'branch' }];
    }),
  limits: [
    { path: 'assetId', measure: 'chars', min: 1, field: t('Imagemap', '圖文訊息'), source: '§4.1.7' },
    { path: 'altText', measure: 'chars', min: 1, field: t('Notification text', '通知文字'), source: 'LINE imagemap altText (required)' },
    {
      path: 'altText',
      measure: 'chars',
      max: 1500,
      count: 'utf16',
      channels: LINE_ONLY,
      field: t('Notification text', '通知文字'),
      source: 'LINE imagemap altText',
    },
    {
      path: 'baseSize.width',
      measure: 'number',
      min: 1040,
      max: 1040,
      channels: LINE_ONLY,
      field: t('Base width (px)', '基準寬度(像素)'),
      source: 'LINE imagemap baseSize.width',
    },
    { path: 'areas', measure: 'items', min: 1, field: t('Areas', '點擊區塊'), source: '§4.1.7' },
    { path: 'areas', measure: 'items', max: 50, channels: LINE_ONLY, field: t('Areas', '點擊區塊'), source: 'LINE imagemap actions ≤50' },
    {
      path: 'areas[].label',
      measure: 'chars',
      max: 100,
      count: 'graphemes',
      channels: LINE_ONLY,
      field: t('Area name', '區塊名稱'),
      source: 'LINE imagemap action label',
    },
    { path: 'areas[].action.text', measure: 'chars', min: 1, field: t('Message text', '訊息文字'), source: '§4.1.7' },
    {
      path: 'areas[].action.text',
      measure: 'chars',
      max: 400,
      count: 'utf16',
      channels: LINE_ONLY,
      field: t('Message text', '訊息文字'),
      source: 'LINE imagemap message action text (counted in UTF-16, the stricter reading)',
    },
    { path: 'areas[].action.url', measure: 'chars', max: 1000, channels: LINE_ONLY, field: t('Link', '連結'), source: 'LINE imagemap linkUri' },
    { path: 'areas[].action.tags', measure: 'items', max: 5, field: t('Tags on click', '點擊貼標'), source: '§4.1.7 (≤5 tags as §4.1.1)' },
    {
      path: 'areas[].action.videoUrl',
      measure: 'chars',
      max: 2000,
      count: 'utf16',
      channels: LINE_ONLY,
      field: t('Video URL', '影片網址'),
      source: 'LINE imagemap video originalContentUrl',
    },
    {
      path: 'areas[].action.previewImageUrl',
      measure: 'chars',
      max: 2000,
      count: 'utf16',
      channels: LINE_ONLY,
      field: t('Video preview image', '影片預覽圖片'),
      source: 'LINE imagemap video previewImageUrl',
    },
    {
      path: 'areas[].action.linkUrl',
      measure: 'chars',
      max: 1000,
      channels: LINE_ONLY,
      field: t('Link after the video', '影片結束後的連結'),
      source: 'LINE imagemap video externalLink.linkUri',
    },
    {
      path: 'areas[].action.linkLabel',
      measure: 'chars',
      max: 30,
      channels: LINE_ONLY,
      field: t('Link label', '連結文字'),
      source: 'LINE imagemap externalLink.label',
    },
  ],
  placeholders: ['areas[].action.url'],
  check: (config) => {
    const issues: NodeIssue[] = [];
    const hasModule = config.areas.some((a) => a.action.kind === 'module');
    let videos = 0;
    config.areas.forEach((area, i) => {
      const at = (...rest: (string | number)[]) => ['areas', i, ...rest];
      const { x, y, width, height } = area.bounds;
      if (x + width > config.baseSize.width || y + height > config.baseSize.height) {
        issues.push({
          path: at('bounds'),
          code: 'area_out_of_bounds',
          message: t(
            `This area reaches outside the ${config.baseSize.width}×${config.baseSize.height} image.`,
            `此區塊超出 ${config.baseSize.width}×${config.baseSize.height} 的圖片範圍。`,
          ),
        });
      }
      const action = area.action;
      if (action.kind === 'url') issues.push(...requiredIssue(action.url, at('action', 'url'), t('Link', '連結')));
      if (action.kind === 'url' && action.url.trim() !== '' && !isUrlLike(action.url)) {
        issues.push({
          path: at('action', 'url'),
          code: 'invalid_url',
          message: t('Enter a complete URL starting with http:// or https://.', '請輸入以 http:// 或 https:// 開頭的完整網址。'),
        });
      }
      if (action.kind !== 'video') return;
      videos++;
      issues.push(...assetUrlIssues(action.videoUrl, at('action', 'videoUrl'), t('Video', '影片')));
      issues.push(...assetUrlIssues(action.previewImageUrl, at('action', 'previewImageUrl'), t('Video preview image', '影片預覽圖片')));
      issues.push(...formatIssues(action.videoUrl, undefined, VIDEO_FORMAT, { url: at('action', 'videoUrl'), mimeType: [] }, '§4.1.3'));
      issues.push(...formatIssues(action.previewImageUrl, undefined, IMAGE_FORMAT, { url: at('action', 'previewImageUrl'), mimeType: [] }, 'LINE'));
      if (action.linkUrl && !isUrlLike(action.linkUrl)) {
        issues.push({
          path: at('action', 'linkUrl'),
          code: 'invalid_url',
          message: t('Enter a complete URL starting with http:// or https://.', '請輸入以 http:// 或 https:// 開頭的完整網址。'),
        });
      }
      if (!!action.linkUrl !== !!action.linkLabel) {
        issues.push({
          path: at('action', action.linkUrl ? 'linkLabel' : 'linkUrl'),
          code: 'incomplete_link',
          message: t('The link after the video needs both a URL and a label.', '影片結束後的連結需同時填寫網址與文字。'),
        });
      }
      if (hasModule) {
        issues.push({
          path: at('action', 'kind'),
          code: 'video_and_module',
          message: t('An imagemap cannot have both a video area and a module area.', '同一則圖文訊息不能同時包含影片與機器人模組動作。'),
        });
      }
      if (videos > 1) {
        issues.push({
          path: at('action', 'kind'),
          channel: 'line',
          code: 'too_many_videos',
          message: t('LINE allows one video area per imagemap.', 'LINE 每則圖文訊息只能有一個影片區塊。'),
        });
      }
    });
    issues.push(...duplicateIdIssues(config.areas.map((a, i) => ({ id: a.id, path: ['areas', i] }))));
    return issues;
  },
  // The asset's base URL is resolved by the LINE adapter from `assetId`; area links are rendered here.
  run: async (ctx): Promise<NodeOutcome> => {
    const skip = skipOffChannel(ctx, ['line'], 'An imagemap');
    if (skip) return skip;
    const c = ctx.config;
    const areas = c.areas.map((a) => ({ ...a, action: a.action.kind === 'url' ? { ...a.action, url: renderUrl(ctx, a.action.url) } : a.action }));
    return sendCard(
      ctx,
      'message.imagemap',
      { assetId: c.assetId, altText: c.altText, baseSize: c.baseSize, areas },
      `Imagemap ${c.assetName ?? c.assetId} sent`,
    );
  },
  needs: ['send'],
});
