import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { sendCard, skipOffChannel } from '../shared/card-run.ts';

// §4.1.19 Sticker pack, WhatsApp only (P8), an add-on (§6.3: needs uploaded packs). A deleted pack
// blocks publishing; the pack library is not part of the check context, so the publish step that
// resolves asset references reports it.

const Config = z.object({
  packId: field(z.string().max(200).default(''), t('Sticker pack', '貼圖包'), { widget: 'select' }),
  packName: field(z.string().max(200).optional(), t('Sticker pack name', '貼圖包名稱')),
});

const WA = ['whatsapp'] as const;

export const stickerPackMessage = defineNode({
  type: 'message.sticker_pack',
  version: 1,
  category: 'message',
  flowKinds: ['chatbot'],
  channels: WA,
  botScopes: WA,
  label: t('Sticker pack', '表情包'),
  description: t('Sends stickers from one of your uploaded WhatsApp sticker packs.', '傳送已上傳的 WhatsApp 貼圖包中的貼圖。'),
  icon: 'sticker',
  config: Config,
  defaultConfig: { packId: '' },
  examples: [{ name: 'brand mascot', config: { packId: 'pack_mascot_2025', packName: 'Mascot 2025' } }],
  ports: () => [],
  limits: [{ path: 'packId', measure: 'chars', min: 1, field: t('Sticker pack', '貼圖包'), source: '§4.1.19' }],
  run: async (ctx): Promise<NodeOutcome> => {
    const skip = skipOffChannel(ctx, ['whatsapp'], 'A sticker pack');
    if (skip) return skip;
    return sendCard(ctx, 'message.sticker_pack', { packId: ctx.config.packId }, `Sticker from ${ctx.config.packName ?? ctx.config.packId} sent`);
  },
  needs: ['send'],
  requiredFeatures: ['sticker_pack'],
});
