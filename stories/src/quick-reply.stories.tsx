import { expect, fn } from 'storybook/test';
import { type CardMeta, type CardStoryObj, cardMeta, limitOf, on, repeat } from './kit.tsx';

const T = 'message.quick_reply';
const meta: CardMeta = { title: 'Cards/Quick reply', ...cardMeta(T, fn()) };
export default meta;

const options = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `o${i + 1}`, label: `Option ${i + 1}` }));

const tapOk: CardStoryObj['play'] = async ({ args, canvas, userEvent }) => {
  await userEvent.click(canvas.getByRole('button', { name: 'OK' }));
  await expect(args.onAction).toHaveBeenCalledWith(expect.objectContaining({ nodeType: T, id: 'ok', kind: 'quick_reply', label: 'OK' }));
};

export const Line: CardStoryObj = { ...on('line'), play: tapOk };
export const Messenger: CardStoryObj = { ...on('messenger'), play: tapOk };
export const Instagram: CardStoryObj = { ...on('instagram'), play: tapOk };
export const WebChat: CardStoryObj = { ...on('webchat'), play: tapOk };

export const MaxOptions = on('line', { title: 'Pick a store', options: options(limitOf(T, 'options', 'line')) });

export const TooManyOptions: CardStoryObj = {
  ...on('messenger', { title: 'Pick a store', options: options(limitOf(T, 'options', 'messenger') + 1) }),
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('note')).toHaveAttribute('data-issue', expect.stringContaining('too_many'));
  },
};

export const LongestLabels = on('line', {
  title: '請選擇',
  options: [
    { id: 'a', label: repeat('選', limitOf(T, 'options[].label', 'line')) },
    { id: 'b', label: repeat('項', limitOf(T, 'options[].label', 'line') + 1) },
  ],
});
export const CjkAndEmoji = on(
  'line',
  {
    title: '{{system:customer_name}},今天想吃什麼?🍜',
    options: [
      { id: 'r', label: '拉麵 🍜' },
      { id: 's', label: '壽司 🍣' },
      { id: 'c', label: '咖哩 🍛' },
    ],
  },
  { contact: 'cjk' },
);
