import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { SKIPPED_CARD_PORT, sendCard } from '../shared/card-run.ts';

// §4.1.22 Cart items: the products still in the contact's cart, most recently added first. Only in
// the cart-remarketing bot and at most once per module (P5). §4.0 lists it for the cart bot on LINE,
// FB and WhatsApp: `all` (its FB and LINE contacts), `whatsapp` and `line`; `fb_ig` is not stated,
// so it is left out (§4.0 legend: not stated → ✕). WhatsApp renders a single image, the last product added.

const Config = z.object({
  maxItems: field(z.number().int().min(0).max(50).default(10), t('Products shown', '顯示商品數'), {
    widget: 'number',
    help: t('The most recently added products; WhatsApp shows only the last one.', '最近加入的商品;WhatsApp 僅顯示最後一項。'),
  }),
});

export const cartItemsMessage = defineNode({
  type: 'message.cart_items',
  version: 1,
  category: 'message',
  flowKinds: ['chatbot'],
  channels: ['line', 'messenger', 'whatsapp'],
  botScopes: ['all', 'whatsapp', 'line'],
  label: t('Cart items', '未結商品訊息'),
  description: t(
    'Shows the products left in the cart (up to 10, most recent first). Cart-remarketing bot only.',
    '顯示購物車中尚未結帳的商品(最多 10 項,最近加入的優先)。僅限購物車再行銷機器人。',
  ),
  icon: 'shopping-cart',
  config: Config,
  defaultConfig: { maxItems: 10 },
  examples: [
    { name: 'full cart', config: { maxItems: 10 } },
    { name: 'top three', config: { maxItems: 3 } },
  ],
  ports: () => [],
  limits: [{ path: 'maxItems', measure: 'number', min: 1, max: 10, field: t('Products shown', '顯示商品數'), source: '§4.1.22' }],
  placement: { maxPerModule: 1, botPurpose: 'cart_remarketing' },
  requiredFeatures: ['cart_remarketing'],
  // The cart comes with the run (the cart-abandoned trigger's `cartItems`, oldest first as the shop sent
  // them); the card shows the newest `maxItems`, or only the last one on WhatsApp. An empty cart sends nothing.
  run: async (ctx): Promise<NodeOutcome> => {
    const vars = ctx.run.vars;
    const raw = Array.isArray(vars.cartItems)
      ? vars.cartItems
      : Array.isArray((vars.cart as { items?: unknown } | undefined)?.items)
        ? (vars.cart as { items: unknown[] }).items
        : [];
    const items = raw.filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null).reverse();
    if (items.length === 0) return { kind: 'next', port: SKIPPED_CARD_PORT, explanation: 'The cart is empty: nothing to show' };
    const shown = items.slice(0, ctx.run.channel === 'whatsapp' ? 1 : ctx.config.maxItems);
    return sendCard(ctx, 'message.cart_items', { items: shown }, `${shown.length} cart item(s) sent`);
  },
  needs: ['send'],
});
