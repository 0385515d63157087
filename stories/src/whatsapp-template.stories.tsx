import { expect, fn } from 'storybook/test';
import { type CardMeta, type CardStoryObj, cardMeta, example, limitOf, on } from './kit.tsx';

const T = 'message.whatsapp_template';
const meta: CardMeta = { title: 'Cards/WhatsApp template (journey)', ...cardMeta(T, fn()) };
export default meta;

const base = example(T) as { buttons: unknown[] } & Record<string, unknown>;
const quick = (i: number) => ({ type: 'quick_reply', id: `q${i}`, text: `選項 ${i}`, action: 'route' });

/** Four buttons: the 3rd onwards fold under "See all options". */
export const WhatsAppCollapsedButtons: CardStoryObj = {
  ...on('whatsapp'),
  play: async ({ args, canvas, userEvent }) => {
    await expect(canvas.queryByRole('button', { name: /不用了/ })).toBeNull();
    await userEvent.click(canvas.getByRole('button', { name: /See all options/ }));
    await userEvent.click(canvas.getByRole('button', { name: /不用了/ }));
    await expect(args.onAction).toHaveBeenCalledWith(expect.objectContaining({ nodeType: T, id: 'stop', kind: 'button' }));
  },
};

export const ThreeButtonsNotCollapsed: CardStoryObj = {
  ...on('whatsapp', { ...base, buttons: base.buttons.slice(0, 3) }),
  play: async ({ canvas }) => {
    await expect(canvas.queryByRole('button', { name: /See all options/ })).toBeNull();
  },
};

export const MaxButtons = on('whatsapp', { ...base, buttons: Array.from({ length: limitOf(T, 'buttons', 'whatsapp') }, (_, i) => quick(i + 1)) });
export const TooManyButtons = on('whatsapp', { ...base, buttons: Array.from({ length: limitOf(T, 'buttons', 'whatsapp') + 1 }, (_, i) => quick(i + 1)) });
export const PlaceholderChips = on('whatsapp', undefined, { placeholders: 'chips' });
