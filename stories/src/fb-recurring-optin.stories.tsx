import { fn } from 'storybook/test';
import { type CardMeta, cardMeta, on } from './kit.tsx';

const T = 'message.fb_recurring_optin';
const meta: CardMeta = { title: 'Cards/FB recurring notification opt-in', ...cardMeta(T, fn()) };
export default meta;

export const Messenger = on('messenger');
