import { FLEX_SAMPLES } from '@omniflow/nodes';
import { expect, fn } from 'storybook/test';
import { type CardMeta, type CardStoryObj, cardMeta, limitOf, on } from './kit.tsx';

const T = 'message.line_flex';
const meta: CardMeta = { title: 'Cards/LINE Flex Message', ...cardMeta(T, fn()) };
export default meta;

const sample = (id: string) => {
  const s = FLEX_SAMPLES.find((x) => x.id === id);
  if (!s) throw new Error(`No Flex sample ${id}`);
  return { altText: s.altText, contents: structuredClone(s.contents), trackClicks: true };
};

export const Receipt = on('line', sample('receipt'));
export const Restaurant = on('line', sample('restaurant'));
export const Hotel = on('line', sample('hotel'));
export const ShoppingCarousel = on('line', sample('shopping'));
export const Ticket = on('line', sample('ticket'));

/** Tapping a Flex button reports its action. */
export const ButtonTap: CardStoryObj = {
  ...on('line', sample('receipt')),
  play: async ({ args, canvas, userEvent }) => {
    await userEvent.click(canvas.getByRole('button', { name: /查看電子發票/ }));
    await expect(args.onAction).toHaveBeenCalledWith(expect.objectContaining({ nodeType: T, kind: 'flex', label: '查看電子發票' }));
  },
};

const showcase = {
  type: 'bubble',
  size: 'giga',
  header: {
    type: 'box',
    layout: 'vertical',
    background: { type: 'linearGradient', angle: '90deg', startColor: '#06c755', endColor: '#0a8f3f' },
    contents: [{ type: 'text', text: '{{system:customer_name|"朋友"}},會員專屬 🎁', color: '#ffffff', weight: 'bold', size: 'lg' }],
  },
  hero: {
    type: 'video',
    url: 'https://example.com/flex/promo.mp4',
    previewUrl: 'https://example.com/flex/promo.jpg',
    aspectRatio: '20:13',
    altContent: { type: 'image', url: 'https://example.com/flex/promo.jpg', size: 'full', aspectRatio: '20:13', aspectMode: 'cover' },
  },
  body: {
    type: 'box',
    layout: 'vertical',
    spacing: 'md',
    contents: [
      {
        type: 'text',
        wrap: true,
        contents: [
          { type: 'span', text: '限時 ', size: 'sm' },
          { type: 'span', text: 'NT$1,280', weight: 'bold', color: '#e5484d', size: 'xl' },
          { type: 'span', text: ' NT$1,680', decoration: 'line-through', color: '#999999', size: 'sm' },
        ],
      },
      {
        type: 'box',
        layout: 'baseline',
        spacing: 'sm',
        contents: [
          { type: 'icon', url: 'https://example.com/flex/star.png', size: 'sm' },
          { type: 'icon', url: 'https://example.com/flex/star.png', size: 'sm' },
          { type: 'text', text: '4.0 · 128 則評論', size: 'sm', color: '#999999', margin: 'md' },
        ],
      },
      {
        type: 'box',
        layout: 'horizontal',
        contents: [
          {
            type: 'box',
            layout: 'vertical',
            flex: 2,
            backgroundColor: '#f0f4ff',
            cornerRadius: 'md',
            paddingAll: 'md',
            contents: [{ type: 'text', text: 'flex 2', size: 'xs', align: 'center' }],
          },
          { type: 'separator', margin: 'md' },
          {
            type: 'box',
            layout: 'vertical',
            flex: 1,
            backgroundColor: '#fff4e5',
            cornerRadius: 'xl',
            paddingAll: 'md',
            borderWidth: 'medium',
            borderColor: '#ff9f0a',
            contents: [{ type: 'text', text: 'flex 1', size: 'xs', align: 'center' }],
          },
        ],
      },
      { type: 'text', text: 'A very long line of text that does not wrap is cut with an ellipsis at the edge of the bubble', size: 'sm' },
      {
        type: 'text',
        text: 'Wrapped text with maxLines 2 keeps only two lines of this rather long sentence, however long it goes on and on.',
        size: 'sm',
        wrap: true,
        maxLines: 2,
      },
      { type: 'box', layout: 'horizontal', contents: [{ type: 'filler' }, { type: 'text', text: 'after a filler', size: 'xs', flex: 0 }] },
    ],
  },
  footer: {
    type: 'box',
    layout: 'horizontal',
    spacing: 'sm',
    contents: [
      { type: 'button', style: 'secondary', height: 'sm', action: { type: 'message', label: '稍後再說', text: '稍後再說' } },
      { type: 'button', style: 'primary', height: 'sm', color: '#e5484d', action: { type: 'postback', label: '立即購買', data: 'buy=1280' } },
    ],
  },
  styles: { footer: { separator: true } },
};

/** Every component type and most properties in one bubble. */
export const AllComponents: CardStoryObj = {
  ...on('line', { altText: 'Flex showcase', contents: showcase, trackClicks: true }, { contact: 'cjk' }),
  play: async ({ args, canvas, userEvent }) => {
    await userEvent.click(canvas.getByRole('button', { name: /立即購買/ }));
    await expect(args.onAction).toHaveBeenCalledWith(expect.objectContaining({ nodeType: T, id: 'buy=1280', kind: 'flex' }));
  },
};

export const PlaceholderChips = on('line', { altText: 'Flex showcase', contents: showcase, trackClicks: true }, { placeholders: 'chips' });

/** Structure problems are flagged on the component LINE rejects. */
export const InvalidComponents: CardStoryObj = {
  ...on('line', {
    altText: 'Broken',
    contents: {
      type: 'bubble',
      body: {
        type: 'box',
        layout: 'vertical',
        contents: [
          { type: 'icon', url: 'https://example.com/flex/star.png' },
          { type: 'text', text: 'icons belong in baseline boxes' },
          { type: 'button', action: { type: 'uri', label: 'A label far longer than forty characters, which LINE refuses', uri: 'https://example.com' } },
        ],
      },
    },
    trackClicks: true,
  }),
  play: async ({ canvas }) => {
    await expect((await canvas.findAllByRole('note')).length).toBeGreaterThan(0);
  },
};

/** One bubble more than a Flex carousel takes: flagged on the carousel. */
export const TooManyBubbles: CardStoryObj = (() => {
  const shop = sample('shopping');
  const bubble = (shop.contents as { contents: unknown[] }).contents[0];
  const carousel = (n: number) => ({ ...shop, contents: { type: 'carousel', contents: Array.from({ length: n }, () => structuredClone(bubble)) } });
  return {
    ...on('line', carousel(limitOf(T, 'contents.contents', 'line', carousel(2)) + 1)),
    play: async ({ canvasElement }) => {
      await expect(canvasElement.querySelector('[data-issue~="too_many"]')).not.toBeNull();
    },
  };
})();
