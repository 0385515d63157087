import { expect, fn } from 'storybook/test';
import { type CardMeta, type CardStoryObj, cardMeta, on } from './kit.tsx';

const T = 'message.image';
const meta: CardMeta = { title: 'Cards/Image', ...cardMeta(T, fn()) };
export default meta;

export const Line = on('line');
export const Messenger = on('messenger');
export const Instagram = on('instagram');
export const WhatsAppWithCaption = on('whatsapp', {
  url: 'https://cdn.example.com/bot/summer-sale.jpg',
  width: 1040,
  height: 1040,
  caption: '夏季特賣 ☀️ 全館 8 折',
});
export const WebChat = on('webchat');
/** No image uploaded yet: a placeholder box and the 'required' flag. */
export const MissingImage: CardStoryObj = {
  ...on('line', { url: '' }),
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('[data-missing-image="missing"]')).not.toBeNull();
    await expect(canvasElement.querySelector('[role="note"]')).not.toBeNull();
  },
};
