import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { renderText, sendCard } from '../shared/card-run.ts';
import { AssetUrl, assetUrlIssues, formatIssues, IMAGE_FORMAT, MB, MimeType, Pixels, SizeBytes } from '../shared/cards-media.ts';

// §4.1.2 Image, with the §6.9 media limits. The engine compresses an image to the channel's limit
// (§4.1.2 "ours"), so WhatsApp's 5 MB is a warning, not an error; 10 MB and PNG/JPG/JPEG are hard rules.
// Chatbot only: journeys send a bot module holding this card through the message node (§4.2.1).

const Config = z.object({
  url: field(AssetUrl, t('Image', '圖片'), { widget: 'image' }),
  sizeBytes: SizeBytes,
  mimeType: MimeType,
  width: Pixels(t('Width (px)', '寬度(像素)')),
  height: Pixels(t('Height (px)', '高度(像素)')),
  caption: field(z.string().max(4096).optional(), t('Caption (WhatsApp)', '圖片說明(WhatsApp)'), {
    widget: 'template',
    help: t('Shown under the image on WhatsApp only.', '僅在 WhatsApp 上顯示於圖片下方。'),
  }),
});

const WHATSAPP_IMAGE_MAX = 5 * MB;

export const imageMessage = defineNode({
  type: 'message.image',
  version: 1,
  category: 'message',
  flowKinds: ['chatbot'],
  channels: ['line', 'messenger', 'instagram', 'whatsapp', 'webchat'],
  label: t('Image', '圖像訊息'),
  description: t(
    'Sends one PNG or JPG image (up to 10 MB); WhatsApp bots can add a caption.',
    '傳送一張 PNG 或 JPG 圖片(最大 10 MB);WhatsApp 機器人可加上圖片說明。',
  ),
  icon: 'image',
  config: Config,
  defaultConfig: { url: '' },
  examples: [
    {
      name: 'product photo',
      config: { url: 'https://cdn.example.com/bot/summer-sale.jpg', sizeBytes: 820_000, mimeType: 'image/jpeg', width: 1040, height: 1040 },
    },
    {
      name: 'with WhatsApp caption',
      config: {
        url: 'https://cdn.example.com/bot/menu.png',
        sizeBytes: 1_200_000,
        mimeType: 'image/png',
        width: 800,
        height: 1200,
        caption: 'Here is our menu, {{system:customer_name|"friend"}}!',
      },
    },
  ],
  ports: () => [],
  limits: [
    {
      path: 'url',
      measure: 'chars',
      max: 2000,
      count: 'utf16',
      channels: ['line'],
      field: t('Image URL', '圖片網址'),
      source: 'LINE image message originalContentUrl',
    },
    { path: 'sizeBytes', measure: 'number', max: 10 * MB, field: t('Image size (bytes)', '圖片大小(位元組)'), source: '§4.1.2, §6.9 bot image ≤10 MB' },
    {
      path: 'caption',
      measure: 'chars',
      max: 1024,
      channels: ['whatsapp'],
      field: t('Caption', '圖片說明'),
      source: 'WhatsApp Cloud API media caption (not in PLATFORMS.md; verify)',
    },
  ],
  placeholders: ['caption'],
  check: (config, ctx) => {
    const issues: NodeIssue[] = [
      ...assetUrlIssues(config.url, ['url'], t('Image', '圖片')),
      ...formatIssues(config.url, config.mimeType, IMAGE_FORMAT, { url: ['url'], mimeType: ['mimeType'] }, '§4.1.2: no GIF'),
    ];
    if (ctx.channels.includes('whatsapp') && config.sizeBytes !== undefined && config.sizeBytes > WHATSAPP_IMAGE_MAX) {
      issues.push({
        path: ['url'],
        severity: 'warning',
        channel: 'whatsapp',
        code: 'will_compress',
        message: t('WhatsApp accepts images up to 5 MB; this one will be compressed before sending.', 'WhatsApp 圖片上限為 5 MB,此圖片會在傳送前壓縮。'),
      });
    }
    if (config.caption && !ctx.channels.includes('whatsapp')) {
      issues.push({
        path: ['caption'],
        severity: 'warning',
        code: 'caption_ignored',
        message: t('Captions are only sent on WhatsApp; this one will be ignored.', '圖片說明僅在 WhatsApp 上傳送,此說明將被忽略。'),
      });
    }
    return issues;
  },
  run: async (ctx): Promise<NodeOutcome> => {
    const c = ctx.config;
    const caption = c.caption && ctx.run.channel === 'whatsapp' ? renderText(ctx, c.caption) : undefined;
    return sendCard(
      ctx,
      'message.image',
      { url: c.url, ...(c.width && c.height ? { width: c.width, height: c.height } : {}), ...(caption ? { caption } : {}) },
      'Image sent',
    );
  },
  needs: ['send'],
});
