import { fn } from 'storybook/test';
import { type CardMeta, cardMeta, on } from './kit.tsx';

const T = 'message.omnilink';
const meta: CardMeta = { title: 'Cards/OmniLink', ...cardMeta(T, fn()) };
export default meta;

export const Messenger = on('messenger');
export const Instagram = on('instagram');
export const Line = on('line');
export const WhatsApp = on('whatsapp');
