import { fn } from 'storybook/test';
import { type CardMeta, cardMeta, on } from './kit.tsx';

const T = 'message.cart_items';
const meta: CardMeta = { title: 'Cards/Cart items', ...cardMeta(T, fn()) };
export default meta;

export const Line = on('line');
export const Messenger = on('messenger');
/** WhatsApp shows a single image: the last product added. */
export const WhatsApp = on('whatsapp');
