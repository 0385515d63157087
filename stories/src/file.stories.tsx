import { fn } from 'storybook/test';
import { type CardMeta, cardMeta, on } from './kit.tsx';

const T = 'message.file';
const meta: CardMeta = { title: 'Cards/File', ...cardMeta(T, fn()) };
export default meta;

export const Messenger = on('messenger');
export const WhatsApp = on('whatsapp');
