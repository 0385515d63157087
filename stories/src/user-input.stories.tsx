import { fn } from 'storybook/test';
import { type CardMeta, cardMeta, on } from './kit.tsx';

const T = 'message.user_input';
const meta: CardMeta = { title: 'Cards/User input', ...cardMeta(T, fn()) };
export default meta;

export const Line = on('line');
export const Messenger = on('messenger');
export const Instagram = on('instagram');
export const WhatsApp = on('whatsapp');
export const WebChat = on('webchat');
export const CjkContact = on('line', undefined, { contact: 'cjk' });
