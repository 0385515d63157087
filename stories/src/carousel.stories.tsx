import { expect, fn } from 'storybook/test';
import { type CardMeta, type CardStoryObj, cardMeta, example, limitOf, on, repeat } from './kit.tsx';

const T = 'message.carousel';
const meta: CardMeta = { title: 'Cards/Carousel', ...cardMeta(T, fn()) };
export default meta;

type Column = { id: string; imageUrl: string; title: string; subtitle: string; buttons: { id: string; label: string; action: unknown }[] };
const base = example(T) as { imageAspectRatio: string; columns: Column[] };
const column = (i: number, over: Partial<Column> = {}): Column => ({
  id: `c${i}`,
  imageUrl: `https://cdn.example.com/bot/item-${i}.jpg`,
  title: `Item ${i}`,
  subtitle: 'In stock',
  buttons: [{ id: `c${i}b1`, label: 'Buy', action: { kind: 'module' } }],
  ...over,
});

const clickBuy: CardStoryObj['play'] = async ({ args, canvas, userEvent }) => {
  await userEvent.click(canvas.getByRole('button', { name: /Buy now/ }));
  await expect(args.onAction).toHaveBeenCalledWith(expect.objectContaining({ nodeType: T, id: 'c1b1', kind: 'button' }));
};

export const Line: CardStoryObj = { ...on('line'), play: clickBuy };
export const Messenger: CardStoryObj = { ...on('messenger'), play: clickBuy };
export const Instagram = on('instagram');
export const WebChat = on('webchat');
export const SquareImages = on('messenger', example(T, 'single square card'));

/** The most columns the channels take. */
export const MaxColumns = on('line', {
  imageAspectRatio: 'rectangle',
  columns: Array.from({ length: limitOf(T, 'columns', 'line') }, (_, i) => column(i + 1)),
});

/** A LINE title one grapheme over; Messenger would accept it. */
export const LineTitleOverLimit: CardStoryObj = {
  ...on('line', { ...base, columns: [column(1, { title: repeat('標', limitOf(T, 'columns[].title', 'line') + 1) })] }),
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('.of-overflow')?.textContent).toBe('標');
  },
};
export const MessengerSameTitle = on('messenger', { ...base, columns: [column(1, { title: repeat('標', limitOf(T, 'columns[].title', 'line') + 1) })] });

/** LINE needs the same number of buttons on every card. */
export const LineButtonCountMismatch = on('line', {
  ...base,
  columns: [
    column(1),
    column(2, {
      buttons: [
        { id: 'x1', label: 'One', action: { kind: 'module' } },
        { id: 'x2', label: 'Two', action: { kind: 'module' } },
      ],
    }),
  ],
});

export const MissingImage = on('webchat', { ...base, columns: [column(1, { imageUrl: '' })] });
export const CjkAndEmoji = on(
  'line',
  { ...base, columns: [column(1, { title: '秋季新品 🍁', subtitle: '{{system:customer_name}},會員獨享 85 折 ✨' })] },
  { contact: 'cjk' },
);
