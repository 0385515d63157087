import { expect, fn } from 'storybook/test';
import { type CardMeta, type CardStoryObj, cardMeta, on } from './kit.tsx';

const T = 'message.imagemap';
const meta: CardMeta = { title: 'Cards/Imagemap (LINE)', ...cardMeta(T, fn()) };
export default meta;

export const Line: CardStoryObj = {
  ...on('line'),
  play: async ({ args, canvas, userEvent }) => {
    await userEvent.click(canvas.getByRole('button', { name: /Shop/ }));
    await expect(args.onAction).toHaveBeenCalledWith(expect.objectContaining({ nodeType: T, id: 'a2', kind: 'area' }));
  },
};
