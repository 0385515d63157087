import { expect, fn } from 'storybook/test';
import { type CardMeta, type CardStoryObj, cardMeta, example, limitOf, on, repeat } from './kit.tsx';

const T = 'message.text';
const meta: CardMeta = { title: 'Cards/Text + buttons', ...cardMeta(T, fn()) };
export default meta;

const withButtons = example(T, 'with buttons') as { text: string; buttons: { id: string; label: string; action: unknown }[] };
const btn = (i: number, label = `Option ${i}`) => ({ id: `b${i}`, label, action: { kind: 'module' } });
const nButtons = (n: number) => ({ text: 'Pick one:', buttons: Array.from({ length: n }, (_, i) => btn(i + 1)) });

export const Line = on('line');
export const Messenger = on('messenger');
export const Instagram = on('instagram');
export const WhatsApp = on('whatsapp');
export const WebChat = on('webchat');

const clickFirstButton: CardStoryObj['play'] = async ({ args, canvas, userEvent }) => {
  await userEvent.click(canvas.getByRole('button', { name: /See menu/ }));
  await expect(args.onAction).toHaveBeenCalledWith(expect.objectContaining({ nodeType: T, id: 'b1', kind: 'button', label: 'See menu' }));
};

export const LineButtonsTemplate: CardStoryObj = { ...on('line', withButtons), play: clickFirstButton };
export const MessengerButtonTemplate: CardStoryObj = { ...on('messenger', withButtons), play: clickFirstButton };
export const InstagramButtons: CardStoryObj = { ...on('instagram', withButtons), play: clickFirstButton };
/** In a bot for all channels a link button is flagged on WhatsApp… */
export const WhatsAppReplyButtons: CardStoryObj = { ...on('whatsapp', withButtons), play: clickFirstButton };
/** …while the WhatsApp-only bot allows it (§4.1.1). */
export const WhatsAppBotLinkButton: CardStoryObj = {
  ...on('whatsapp', withButtons, { scope: 'whatsapp' }),
  play: async ({ canvas }) => {
    await expect(canvas.queryAllByRole('note')).toHaveLength(0);
  },
};
export const WebChatButtons: CardStoryObj = { ...on('webchat', withButtons), play: clickFirstButton };

/** The most buttons each channel takes, from the node's limits. */
export const LineMaxButtons: CardStoryObj = {
  ...on('line', nButtons(limitOf(T, 'buttons', 'line', nButtons(1)))),
  play: async ({ canvas }) => {
    await expect(canvas.queryAllByRole('note')).toHaveLength(0);
  },
};
export const WhatsAppMaxButtons = on('whatsapp', nButtons(limitOf(T, 'buttons', 'whatsapp', nButtons(1))));

/** One button too many: the platform rejects the message; the extra button is struck and flagged. */
export const WhatsAppTooManyButtons: CardStoryObj = {
  ...on('whatsapp', nButtons(limitOf(T, 'buttons', 'whatsapp', nButtons(1)) + 1)),
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('note')).toHaveAttribute('data-issue', expect.stringContaining('too_many'));
  },
};

/** Longest text a LINE buttons template accepts (counted in graphemes, emoji included). */
export const LineLongestButtonsText = on('line', { ...withButtons, text: repeat('好', limitOf(T, 'text', 'line', withButtons) - 1) + '👍🏽' });

/** One grapheme over: the overflow is marked where LINE cuts off. */
export const LineOverLimitText: CardStoryObj = {
  ...on('line', { ...withButtons, text: repeat('字', limitOf(T, 'text', 'line', withButtons) + 1) }),
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('.of-overflow')?.textContent).toBe('字');
  },
};

export const MessengerOverLimitText = on('messenger', { text: repeat('a', limitOf(T, 'text', 'messenger', { text: 'x', buttons: [] }) + 20), buttons: [] });

export const LongButtonLabel = on('line', {
  text: 'Labels have a limit',
  buttons: [btn(1, repeat('長', limitOf(T, 'buttons[].label', 'line', nButtons(1)) + 3))],
});

/** CJK text, emoji and a CJK contact name. */
export const CjkAndEmoji = on('line', { text: '{{system:customer_name}} 您好 👋 歡迎光臨!🎉 有什麼可以幫您?', buttons: [] }, { contact: 'cjk' });

/** Placeholders as chips instead of sample values. */
export const PlaceholderChips = on(
  'whatsapp',
  { text: 'Hi {{system:customer_name|"there"}}, you have {{system:loyaltyPoint:balance}} points ({{attr:member_tier}}).', buttons: [] },
  { placeholders: 'chips' },
);

/** A contact without a name: the fallback renders. */
export const FallbackForEmptyContact: CardStoryObj = {
  ...on('webchat', undefined, { contact: 'empty' }),
  play: async ({ canvas }) => {
    await expect(canvas.getByText(/Hi there! How can we help\?/)).toBeVisible();
  },
};
