import { fn } from 'storybook/test';
import { type CardMeta, cardMeta, on } from './kit.tsx';

const T = 'message.notify_fallback';
const meta: CardMeta = { title: 'Cards/Notify with fallback (journey)', ...cardMeta(T, fn()) };
export default meta;

export const Line = on('line');
export const Sms = on('sms');
export const PlaceholderChips = on('line', undefined, { placeholders: 'chips' });
