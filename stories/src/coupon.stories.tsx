import { fn } from 'storybook/test';
import { type CardMeta, cardMeta, on } from './kit.tsx';

const T = 'message.coupon';
const meta: CardMeta = { title: 'Cards/Coupon', ...cardMeta(T, fn()) };
export default meta;

export const Line = on('line');
export const Messenger = on('messenger');
export const Instagram = on('instagram');
/** WhatsApp merges the coupon into one card with the link as a button. */
export const WhatsApp = on('whatsapp');
