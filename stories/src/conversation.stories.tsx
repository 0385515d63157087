import { ConversationPreview, SAMPLE_CONTACTS } from '@omniflow/studio/cards';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn } from 'storybook/test';
import { example } from './kit.tsx';

// A module's cards together. On LINE the device notification shows the first card's text and the chat
// list the last card's (PRODUCT_SPEC §8.2).
const meta: Meta<typeof ConversationPreview> = {
  title: 'Conversation/Module preview',
  component: ConversationPreview,
  args: { channel: 'line', contact: SAMPLE_CONTACTS.cjk, loadImages: false, onAction: fn() },
  argTypes: { channel: { control: 'select', options: ['line', 'messenger', 'instagram', 'webchat'] }, cards: { control: 'object' } },
};
export default meta;

type Story = StoryObj<typeof ConversationPreview>;

const cards = [
  { nodeType: 'message.text', config: example('message.text') },
  { nodeType: 'message.line_flex', config: example('message.line_flex') },
  { nodeType: 'message.quick_reply', config: example('message.quick_reply') },
];

export const LineNotificationAndChatList: Story = {
  args: { cards },
  play: async ({ canvas }) => {
    await expect(canvas.getByTestId('line-notification')).toHaveTextContent('林美玲 🌸');
    await expect(canvas.getByTestId('line-chat-list')).toHaveTextContent('How did we do?');
  },
};

export const Messenger: Story = { args: { channel: 'messenger', cards: [cards[0]!, cards[2]!] } };
