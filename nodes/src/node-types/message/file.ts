import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { sendCard, skipOffChannel } from '../shared/card-run.ts';
import { AssetUrl, assetUrlIssues, MB, MimeType, SizeBytes } from '../shared/cards-media.ts';

// §4.1.4 File (ours as a bot card): any format, ≤8 MB, Messenger and WhatsApp only. LINE, IG and
// web chat cannot send files, so in an `all` bot only Messenger contacts receive it.

const Config = z.object({
  url: field(AssetUrl, t('File', '檔案'), { widget: 'url' }),
  fileName: field(z.string().max(255).optional(), t('File name', '檔案名稱'), {
    widget: 'text',
    help: t('The name the customer sees on WhatsApp.', '顧客在 WhatsApp 上看到的檔案名稱。'),
  }),
  sizeBytes: SizeBytes,
  mimeType: MimeType,
});

export const fileMessage = defineNode({
  type: 'message.file',
  version: 1,
  category: 'message',
  flowKinds: ['chatbot'],
  channels: ['messenger', 'whatsapp'],
  botScopes: ['all', 'fb_ig', 'whatsapp'],
  label: t('File', '檔案'),
  description: t('Sends a file of any format (up to 8 MB) on Messenger and WhatsApp.', '在 Messenger 與 WhatsApp 傳送任意格式的檔案(最大 8 MB)。'),
  icon: 'file',
  config: Config,
  defaultConfig: { url: '' },
  examples: [
    {
      name: 'price list',
      config: { url: 'https://cdn.example.com/bot/price-list-2025.pdf', fileName: 'price-list-2025.pdf', sizeBytes: 1_450_000, mimeType: 'application/pdf' },
    },
  ],
  ports: () => [],
  limits: [{ path: 'sizeBytes', measure: 'number', max: 8 * MB, field: t('File size (bytes)', '檔案大小(位元組)'), source: '§4.1.4, §6.9 file ≤8 MB' }],
  check: (config) => assetUrlIssues(config.url, ['url'], t('File', '檔案')),
  run: async (ctx): Promise<NodeOutcome> => {
    const skip = skipOffChannel(ctx, ['messenger', 'whatsapp'], 'A file');
    if (skip) return skip;
    const c = ctx.config;
    return sendCard(
      ctx,
      'message.file',
      { url: c.url, ...(c.fileName ? { fileName: c.fileName } : {}), ...(c.mimeType ? { mimeType: c.mimeType } : {}) },
      'File sent',
    );
  },
  needs: ['send'],
});
