import { fn } from 'storybook/test';
import { type CardMeta, cardMeta, on } from './kit.tsx';

const T = 'message.sticker_pack';
const meta: CardMeta = { title: 'Cards/Sticker pack (WhatsApp)', ...cardMeta(T, fn()) };
export default meta;

export const WhatsApp = on('whatsapp');
