import { describe, expect, it } from 'vitest';
import { scopesOf } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { stickerPackMessage } from './sticker-pack.ts';

describe('message.sticker_pack', () => {
  it('is a WhatsApp add-on card', () => {
    expect(scopesOf(stickerPackMessage)).toEqual(['whatsapp']);
    expect(stickerPackMessage.requiredFeatures).toEqual(['sticker_pack']);
  });

  it('needs a sticker pack and has no ports', () => {
    const ctx = { flowKind: 'chatbot' as const, channels: ['whatsapp' as const], scope: 'whatsapp' as const };
    expect(validateNodeConfig(stickerPackMessage, stickerPackMessage.defaultConfig, ctx).issues.map((i) => `${i.path.join('.')}:${i.code}`)).toEqual([
      'packId:required',
    ]);
    expect(stickerPackMessage.ports(stickerPackMessage.config.parse({ packId: 'p' }), { flowKind: 'chatbot' })).toEqual([]);
  });
});
