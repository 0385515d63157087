import { expect, fn } from 'storybook/test';
import { type CardMeta, type CardStoryObj, cardMeta, example, limitOf, on, repeat } from './kit.tsx';

const T = 'message.whatsapp_flow';
const meta: CardMeta = { title: 'Cards/WhatsApp Flow', ...cardMeta(T, fn()) };
export default meta;

const base = example(T) as Record<string, unknown> & { button: Record<string, unknown> };

export const WhatsApp: CardStoryObj = {
  ...on('whatsapp'),
  play: async ({ args, canvas, userEvent }) => {
    await userEvent.click(canvas.getByRole('button', { name: /立即預約/ }));
    await expect(args.onAction).toHaveBeenCalledWith(expect.objectContaining({ nodeType: T, kind: 'button', label: '立即預約' }));
  },
};

export const LongestBody = on('whatsapp', { ...base, body: repeat('約', limitOf(T, 'body', 'whatsapp')) });
export const OverLimit = on('whatsapp', {
  ...base,
  body: repeat('約', limitOf(T, 'body', 'whatsapp') + 10),
  footer: repeat('f', limitOf(T, 'footer', 'whatsapp') + 1),
  button: { ...base.button, name: '預約 👉 現在' },
});
