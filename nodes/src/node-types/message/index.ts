import { carouselMessage } from './carousel.ts';
import { cartItemsMessage } from './cart-items.ts';
import { couponMessage } from './coupon.ts';
import { fbRecurringOptinMessage } from './fb-recurring-optin.ts';
import { fileMessage } from './file.ts';
import { imageMessage } from './image.ts';
import { imageCarouselMessage } from './image-carousel.ts';
import { imagemapMessage } from './imagemap.ts';
import { invoiceMessage } from './invoice.ts';
import { lineFlexMessage } from './line-flex.ts';
import { notifyFallbackMessage } from './notify-fallback.ts';
import { omnilinkMessage } from './omnilink.ts';
import { optionsListMessage } from './options-list.ts';
import { quickReplyMessage } from './quick-reply.ts';
import { sendMessage } from './send.ts';
import { stickerPackMessage } from './sticker-pack.ts';
import { textMessage } from './text.ts';
import { userInputMessage } from './user-input.ts';
import { videoMessage } from './video.ts';
import { whatsappFlowMessage } from './whatsapp-flow.ts';
import { whatsappTemplateMessage } from './whatsapp-template.ts';

/** The built-in message node types, one file each. */
export const messageNodeTypes = [
  textMessage,
  imageMessage,
  videoMessage,
  fileMessage,
  carouselMessage,
  imageCarouselMessage,
  imagemapMessage,
  quickReplyMessage,
  optionsListMessage,
  userInputMessage,
  lineFlexMessage,
  couponMessage,
  whatsappFlowMessage,
  omnilinkMessage,
  fbRecurringOptinMessage,
  stickerPackMessage,
  invoiceMessage,
  cartItemsMessage,
  sendMessage,
  whatsappTemplateMessage,
  notifyFallbackMessage,
] as const;

export {
  carouselMessage,
  cartItemsMessage,
  couponMessage,
  fbRecurringOptinMessage,
  fileMessage,
  imageCarouselMessage,
  imageMessage,
  imagemapMessage,
  invoiceMessage,
  lineFlexMessage,
  notifyFallbackMessage,
  omnilinkMessage,
  optionsListMessage,
  quickReplyMessage,
  sendMessage,
  stickerPackMessage,
  textMessage,
  userInputMessage,
  videoMessage,
  whatsappFlowMessage,
  whatsappTemplateMessage,
};
