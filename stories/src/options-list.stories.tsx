import { expect, fn } from 'storybook/test';
import { type CardMeta, type CardStoryObj, cardMeta, example, limitOf, on, repeat } from './kit.tsx';

const T = 'message.options_list';
const meta: CardMeta = { title: 'Cards/Options list (WhatsApp)', ...cardMeta(T, fn()) };
export default meta;

const base = example(T) as Record<string, unknown>;

export const WhatsApp: CardStoryObj = {
  ...on('whatsapp'),
  play: async ({ args, canvas, userEvent }) => {
    await userEvent.click(canvas.getByRole('button', { name: /See topics/ }));
    await userEvent.click(canvas.getByRole('option', { name: /My points/ }));
    await expect(args.onAction).toHaveBeenCalledWith(expect.objectContaining({ nodeType: T, id: 'points', kind: 'option' }));
  },
};

export const MaxOptions = on('whatsapp', {
  ...base,
  options: Array.from({ length: limitOf(T, 'options', 'whatsapp') }, (_, i) => ({ id: `o${i}`, title: `門市 ${i + 1}`, description: '營業時間 10:00–21:00' })),
});

export const OverLimit = on('whatsapp', {
  ...base,
  header: repeat('H', limitOf(T, 'header', 'whatsapp') + 5),
  buttonText: repeat('選', limitOf(T, 'buttonText', 'whatsapp') + 1),
  options: [
    {
      id: 'long',
      title: repeat('t', limitOf(T, 'options[].title', 'whatsapp') + 1),
      description: repeat('d', limitOf(T, 'options[].description', 'whatsapp') + 1),
    },
  ],
});
