import { fn } from 'storybook/test';
import { type CardMeta, cardMeta, on } from './kit.tsx';

const T = 'message.invoice';
const meta: CardMeta = { title: 'Cards/Invoice (LINE)', ...cardMeta(T, fn()) };
export default meta;

export const Line = on('line');
