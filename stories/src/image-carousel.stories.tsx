import { expect, fn } from 'storybook/test';
import { type CardMeta, type CardStoryObj, cardMeta, example, limitOf, on, repeat } from './kit.tsx';

const T = 'message.image_carousel';
const meta: CardMeta = { title: 'Cards/Image carousel (LINE)', ...cardMeta(T, fn()) };
export default meta;

const base = example(T) as { altText: string; images: { id: string; label: string }[] };

export const Line: CardStoryObj = {
  ...on('line'),
  play: async ({ args, canvas, userEvent }) => {
    await userEvent.click(canvas.getByRole('button', { name: /Ask stylist/ }));
    await expect(args.onAction).toHaveBeenCalledWith(expect.objectContaining({ nodeType: T, id: 'i2', kind: 'image' }));
  },
};

export const LabelOverLimit = on('line', {
  ...base,
  images: base.images.map((img, i) => (i === 0 ? { ...img, label: repeat('看', limitOf(T, 'images[].label', 'line') + 2) } : img)),
});
