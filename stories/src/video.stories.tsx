import { fn } from 'storybook/test';
import { type CardMeta, cardMeta, on } from './kit.tsx';

const T = 'message.video';
const meta: CardMeta = { title: 'Cards/Video', ...cardMeta(T, fn()) };
export default meta;

export const Messenger = on('messenger');
export const Line = on('line');
export const WhatsApp = on('whatsapp');
