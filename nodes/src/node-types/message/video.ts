import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { sendCard, skipOffChannel } from '../shared/card-run.ts';
import {
  AssetUrl,
  assetUrlIssues,
  formatIssues,
  httpsIssue,
  IMAGE_FORMAT,
  MB,
  MimeType,
  Pixels,
  requiredIssue,
  SizeBytes,
  VIDEO_FORMAT,
} from '../shared/cards-media.ts';

// §4.1.3 Video: mp4 only, ≤10 MB. LINE needs a preview image the size of the video; WhatsApp takes
// H.264 video with AAC mono (or no) audio. The uploader records the metadata these checks read; a
// check is skipped while its metadata is unknown. In an `all` bot only FB and LINE contacts get it
// (the validator narrows the channels to the ones this card supports).

const Config = z.object({
  url: field(AssetUrl, t('Video', '影片'), { widget: 'url' }),
  sizeBytes: SizeBytes,
  mimeType: MimeType,
  width: Pixels(t('Width (px)', '寬度(像素)')),
  height: Pixels(t('Height (px)', '高度(像素)')),
  videoCodec: field(z.string().max(40).optional(), t('Video codec', '影片編碼'), { widget: 'text' }),
  audioCodec: field(z.string().max(40).optional(), t('Audio codec', '音訊編碼'), { widget: 'text' }),
  audioChannels: field(z.number().int().min(0).max(32).optional(), t('Audio channels', '音訊聲道數'), { widget: 'number' }),
  previewImageUrl: field(AssetUrl.default(''), t('Preview image (LINE)', '預覽圖片(LINE)'), {
    widget: 'image',
    help: t('Required on LINE; use the same width and height as the video.', 'LINE 必填,尺寸需與影片相同。'),
  }),
  previewWidth: Pixels(t('Preview width (px)', '預覽圖寬度(像素)')),
  previewHeight: Pixels(t('Preview height (px)', '預覽圖高度(像素)')),
});

const H264 = ['h264', 'avc', 'avc1'];
const AAC = ['aac', 'mp4a'];
const NO_AUDIO = ['', 'none'];
const norm = (codec: string) => codec.toLowerCase().replace(/[^a-z0-9]/g, '');

export const videoMessage = defineNode({
  type: 'message.video',
  version: 1,
  category: 'message',
  flowKinds: ['chatbot'],
  channels: ['messenger', 'line', 'whatsapp'],
  // §4.0: `all` (FB and LINE contacts only), `fb_ig` (FB only), `whatsapp`, `line`; not `web`.
  botScopes: ['all', 'fb_ig', 'whatsapp', 'line'],
  label: t('Video', '影片'),
  description: t('Sends an MP4 video (up to 10 MB) on Facebook, LINE and WhatsApp.', '在 Facebook、LINE 與 WhatsApp 傳送 MP4 影片(最大 10 MB)。'),
  icon: 'video',
  config: Config,
  defaultConfig: { url: '', previewImageUrl: '' },
  examples: [
    {
      name: 'product demo',
      config: {
        url: 'https://cdn.example.com/bot/demo.mp4',
        sizeBytes: 6_400_000,
        mimeType: 'video/mp4',
        width: 1280,
        height: 720,
        videoCodec: 'h264',
        audioCodec: 'aac',
        audioChannels: 1,
        previewImageUrl: 'https://cdn.example.com/bot/demo-preview.jpg',
        previewWidth: 1280,
        previewHeight: 720,
      },
    },
    {
      name: 'silent clip',
      config: {
        url: 'https://cdn.example.com/bot/unboxing.mp4',
        sizeBytes: 2_100_000,
        mimeType: 'video/mp4',
        videoCodec: 'avc1',
        audioCodec: 'none',
        audioChannels: 0,
        previewImageUrl: 'https://cdn.example.com/bot/unboxing.png',
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
      field: t('Video URL', '影片網址'),
      source: 'LINE video message originalContentUrl',
    },
    { path: 'sizeBytes', measure: 'number', max: 10 * MB, field: t('Video size (bytes)', '影片大小(位元組)'), source: '§4.1.3, §6.9 bot video ≤10 MB' },
    {
      path: 'previewImageUrl',
      measure: 'chars',
      max: 2000,
      count: 'utf16',
      channels: ['line'],
      field: t('Preview image URL', '預覽圖片網址'),
      source: 'LINE video message previewImageUrl',
    },
    {
      path: 'audioChannels',
      measure: 'number',
      max: 1,
      channels: ['whatsapp'],
      field: t('Audio channels', '音訊聲道數'),
      source: '§4.1.3 WhatsApp: mono or no audio',
    },
  ],
  check: (config, ctx) => {
    const issues: NodeIssue[] = [
      ...assetUrlIssues(config.url, ['url'], t('Video', '影片')),
      ...httpsIssue(config.previewImageUrl, ['previewImageUrl'], t('The preview image URL', '預覽圖片網址')),
      ...formatIssues(config.url, config.mimeType, VIDEO_FORMAT, { url: ['url'], mimeType: ['mimeType'] }, '§4.1.3: MP4 only'),
      ...formatIssues(config.previewImageUrl, undefined, IMAGE_FORMAT, { url: ['previewImageUrl'], mimeType: [] }, 'LINE preview image'),
    ];
    if (ctx.channels.includes('line')) {
      // §4.1.3: LINE cannot show a video without its preview image.
      for (const issue of requiredIssue(config.previewImageUrl, ['previewImageUrl'], t('Preview image (LINE)', '預覽圖片(LINE)'))) {
        issues.push({ ...issue, channel: 'line' });
      }
      const { width, height, previewWidth, previewHeight } = config;
      if (width !== undefined && height !== undefined && previewWidth !== undefined && previewHeight !== undefined) {
        if (width !== previewWidth || height !== previewHeight) {
          issues.push({
            path: ['previewImageUrl'],
            channel: 'line',
            code: 'preview_size_mismatch',
            message: t(
              `On LINE the preview image must be the same size as the video (${width}×${height}); it is ${previewWidth}×${previewHeight}.`,
              `LINE 的預覽圖片尺寸必須與影片相同(${width}×${height}),目前為 ${previewWidth}×${previewHeight}。`,
            ),
          });
        }
      }
    }
    if (ctx.channels.includes('whatsapp')) {
      if (config.videoCodec !== undefined && !H264.includes(norm(config.videoCodec))) {
        issues.push({
          path: ['videoCodec'],
          channel: 'whatsapp',
          code: 'unsupported_codec',
          message: t(`WhatsApp plays only H.264 video; this video is ${config.videoCodec}.`, `WhatsApp 僅支援 H.264 影片編碼,此影片為 ${config.videoCodec}。`),
        });
      }
      if (config.audioCodec !== undefined && ![...AAC, ...NO_AUDIO].includes(norm(config.audioCodec))) {
        issues.push({
          path: ['audioCodec'],
          channel: 'whatsapp',
          code: 'unsupported_codec',
          message: t(`WhatsApp plays only AAC audio; this video uses ${config.audioCodec}.`, `WhatsApp 僅支援 AAC 音訊編碼,此影片為 ${config.audioCodec}。`),
        });
      }
    }
    return issues;
  },
  run: async (ctx): Promise<NodeOutcome> => {
    const skip = skipOffChannel(ctx, ['messenger', 'line', 'whatsapp'], 'A video');
    if (skip) return skip;
    const c = ctx.config;
    return sendCard(ctx, 'message.video', { url: c.url, ...(c.previewImageUrl ? { previewImageUrl: c.previewImageUrl } : {}) }, 'Video sent');
  },
  needs: ['send'],
});
