import type { ChannelKind } from '@omniflow/schemas';
import { z } from 'zod';

// §1.3 contact sources (新增來源) as stable snake_case ids, usable as a new-contact trigger filter.
// Grouped as in the spec; ids never change once stored (add new ones at the end of a group).

export const CONTACT_SOURCES = [
  // Imports
  'import_list',
  'contacts_page_import',
  'csv_broadcast',
  'whatsapp_history_import',
  'custom_attribute_import',
  'manual_add',
  'manual_whatsapp_phone_import',
  // Sync and integrations
  'api_sync',
  'line_friend_sync',
  'line_91app_member_binding',
  // OMO
  'omo_staff_qr',
  'omo_manual_add',
  'omo_keyword_auto_assign',
  'omo_manual_transfer',
  // Keywords, binding, cart
  'keyword_auto_reply',
  'keyword_auto_assign',
  'social_binding_button',
  'bot_button_binding',
  'cart_tracking_plugin',
  // Post and story interactions
  'post_comment_reply',
  'fb_recurring_notification',
  'ig_live_comment',
  'ig_story_mention',
  'ig_story_reply',
  // Ads
  'click_to_message_ad',
  // Modules and other
  'coupon',
  'game',
  'whatsapp_pixel',
  'whatsapp_existing_user',
  'organic_line_search',
  'inbound_message',
  'line_notification_sms',
] as const;
export const ContactSource = z.enum(CONTACT_SOURCES);
export type ContactSource = z.infer<typeof ContactSource>;

/** Sources that only exist on some channels (the rest can happen anywhere). */
export const CONTACT_SOURCE_CHANNELS: Partial<Record<ContactSource, readonly ChannelKind[]>> = {
  whatsapp_history_import: ['whatsapp'],
  manual_whatsapp_phone_import: ['whatsapp'],
  line_friend_sync: ['line'],
  line_91app_member_binding: ['line'],
  fb_recurring_notification: ['messenger'],
  post_comment_reply: ['messenger', 'instagram'],
  ig_live_comment: ['instagram'],
  ig_story_mention: ['instagram'],
  ig_story_reply: ['instagram'],
  click_to_message_ad: ['whatsapp', 'messenger'],
  whatsapp_pixel: ['whatsapp'],
  whatsapp_existing_user: ['whatsapp'],
  organic_line_search: ['line'],
  line_notification_sms: ['line'],
  inbound_message: ['messenger', 'whatsapp', 'instagram', 'wechat'],
};
