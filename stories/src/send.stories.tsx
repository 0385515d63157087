import { fn } from 'storybook/test';
import { type CardMeta, cardMeta, on } from './kit.tsx';

const T = 'message.send';
const meta: CardMeta = { title: 'Cards/Send message (journey)', ...cardMeta(T, fn()) };
export default meta;

export const Line = on('line');
export const Messenger = on('messenger');
export const Instagram = on('instagram');
export const WhatsApp = on('whatsapp');
export const WebChat = on('webchat');
export const CjkContact = on('line', undefined, { contact: 'cjk' });
