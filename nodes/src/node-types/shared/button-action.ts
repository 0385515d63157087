import { AttributeKey, type ChannelKind, t } from '@omniflow/schemas';
import { z } from 'zod';
import { field } from '../../form.ts';

/** System modules a button can open (§4.1.23). */
export const SYSTEM_MODULES = ['member_center', 'coupon_wallet', 'phone_binding', '91app_member_card', '91app_shipping', '91app_hot_products'] as const;

/** Channels each system module works on (§4.1.23). */
export const SYSTEM_MODULE_CHANNELS: Readonly<Record<(typeof SYSTEM_MODULES)[number], readonly ChannelKind[]>> = {
  member_center: ['line', 'whatsapp'],
  coupon_wallet: ['line', 'whatsapp'],
  phone_binding: ['line'],
  '91app_member_card': ['line'],
  '91app_shipping': ['line'],
  '91app_hot_products': ['line'],
};

/**
 * What a chatbot button does (§4.1.1 "button actions"): go to a module (routed by the button's port),
 * open a URL, or open a system module; any of them may also apply tags and save an attribute value.
 */
export const ButtonAction = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('module'),
    tags: field(z.array(z.string().min(1).max(100)).default([]), t('Tags on click', '點擊貼標'), { widget: 'tags' }),
    saveAttribute: z.object({ key: AttributeKey, value: z.string().max(1000) }).optional(),
  }),
  z.object({
    kind: z.literal('url'),
    url: field(z.string(), t('Button URL', '按鈕網址'), { widget: 'url' }),
    tags: field(z.array(z.string().min(1).max(100)).default([]), t('Tags on click', '點擊貼標'), { widget: 'tags' }),
    saveAttribute: z.object({ key: AttributeKey, value: z.string().max(1000) }).optional(),
  }),
  z.object({
    kind: z.literal('system'),
    module: field(z.enum(SYSTEM_MODULES), t('System module', '系統模組'), { widget: 'select' }),
    tags: field(z.array(z.string().min(1).max(100)).default([]), t('Tags on click', '點擊貼標'), { widget: 'tags' }),
    saveAttribute: z.object({ key: AttributeKey, value: z.string().max(1000) }).optional(),
  }),
]);
export type ButtonAction = z.output<typeof ButtonAction>;

/** A full URL: http(s), or a placeholder that will render to one. */
export function isUrlLike(value: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(value) || /^\{\{[^}]+\}\}/.test(value);
}
