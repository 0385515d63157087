import type { ChannelKind } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import { validateNodeConfig } from '../../validate/node.ts';
import { omnilinkMessage } from './omnilink.ts';

const on = (...channels: ChannelKind[]) => ({ flowKind: 'chatbot' as const, channels, scope: 'all' as const });
const base = {
  targetChannel: 'line',
  content: '綁定 LINE 享優惠',
  buttonName: '立即綁定',
  targetSuccessMessage: { kind: 'text', text: '綁定成功!' },
};
const found = (config: unknown, ctx = on('messenger')) =>
  validateNodeConfig(omnilinkMessage, config, ctx).issues.map((i) => [i.code, i.path.join('.'), i.severity ?? 'error']);

describe('message.omnilink', () => {
  it('continues on success or failure', () => {
    const ports = omnilinkMessage.ports(omnilinkMessage.config.parse(base), { flowKind: 'chatbot' });
    expect(ports.map((p) => [p.id, p.role])).toEqual([
      ['success', 'success'],
      ['failure', 'failure'],
    ]);
  });

  it('links only to LINE or WhatsApp', () => {
    expect(found({ ...base, targetChannel: 'instagram' }).map((i) => i[0])).toEqual(['invalid_config']);
  });

  it('warns that FB → LINE needs an external browser, and that same-channel customers are skipped', () => {
    expect(found(base)).toEqual([['external_browser', 'targetChannel', 'warning']]);
    expect(found(base, on('line'))).toEqual([['same_channel', 'targetChannel', 'warning']]);
    expect(found({ ...base, targetChannel: 'whatsapp', whatsappMessage: 'link me' }, on('line'))).toEqual([]);
  });

  it('requires the target-channel success message, as text or a module', () => {
    expect(found({ ...base, targetSuccessMessage: { kind: 'text', text: '' } }, on('instagram'))).toEqual([['required', 'targetSuccessMessage.text', 'error']]);
    expect(found({ ...base, targetSuccessMessage: { kind: 'module', module: { botId: 'b', moduleId: '' } } }, on('instagram'))).toEqual([
      ['required', 'targetSuccessMessage.module.moduleId', 'error'],
    ]);
  });

  it('requires the WhatsApp linking message only for a WhatsApp target', () => {
    expect(found({ ...base, targetChannel: 'whatsapp' }, on('instagram'))).toEqual([['required', 'whatsappMessage', 'error']]);
  });

  it('checks the campaign image: width, size, LINE height and the FB/IG square crop', () => {
    const img = (image: Record<string, unknown>, ...channels: ChannelKind[]) =>
      found({ ...base, targetChannel: 'whatsapp', whatsappMessage: 'hi', image }, on(...channels));
    expect(img({ url: 'https://example.com/a.jpg', width: 660, height: 660, sizeBytes: 4_999_999 }, 'line', 'messenger')).toEqual([]);
    expect(img({ url: 'https://example.com/a.jpg', width: 659, height: 659 }, 'line')).toEqual([['too_small', 'image.width', 'error']]);
    expect(img({ url: 'https://example.com/a.jpg', width: 700, height: 700, sizeBytes: 5_000_000 }, 'line')).toEqual([
      ['too_large', 'image.sizeBytes', 'error'],
    ]);
    expect(img({ url: 'https://example.com/a.jpg', width: 700, height: 2101 }, 'line')).toEqual([['image_too_tall', 'image.height', 'error']]);
    expect(img({ url: 'https://example.com/a.jpg', width: 700, height: 2101 }, 'instagram')).toEqual([['image_cropped', 'image', 'warning']]);
    expect(img({ url: 'https://example.com/a.jpg', width: 1200, height: 628 }, 'instagram')).toEqual([['image_cropped', 'image', 'warning']]);
  });

  it('uses the shorter LINE text limit when the card has an image', () => {
    const text = 'a'.repeat(61);
    expect(found({ ...base, targetChannel: 'whatsapp', whatsappMessage: 'hi', content: text }, on('line'))).toEqual([]);
    expect(
      found(
        { ...base, targetChannel: 'whatsapp', whatsappMessage: 'hi', content: text, image: { url: 'https://example.com/a.jpg', width: 800, height: 800 } },
        on('line'),
      ),
    ).toEqual([['too_long', 'content', 'error']]);
  });
});
