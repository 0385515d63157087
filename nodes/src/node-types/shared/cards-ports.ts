import { t } from '@omniflow/schemas';
import type { PortSpec } from '../../define.ts';

// Fixed ports of the cards that wait for the customer's answer (§2.1 bot session, §4.1.8–§4.1.10).

/** The 1 h bot-session expiry passed without an answer. */
export const REPLY_TIMEOUT_PORT: PortSpec = { id: 'timeout', label: t('No reply in 1 hour', '1 小時內未回覆'), role: 'timeout' };

/** The customer typed something that matches no option; unconnected, the text falls to keyword matching. */
export const FREE_TEXT_PORT: PortSpec = { id: 'freeText', label: t('Typed something else', '輸入其他文字'), role: 'event' };
