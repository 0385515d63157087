import { describe, expect, it } from 'vitest';
import { scopesOf } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { cartItemsMessage } from './cart-items.ts';

describe('message.cart_items', () => {
  it('lives only in the cart-remarketing bot, once per module', () => {
    expect(cartItemsMessage.placement).toEqual({ maxPerModule: 1, botPurpose: 'cart_remarketing' });
    expect(scopesOf(cartItemsMessage)).toEqual(['all', 'whatsapp', 'line']);
  });

  it('shows 1 to 10 products and has no ports', () => {
    const ctx = { flowKind: 'chatbot' as const, channels: ['line' as const], scope: 'line' as const };
    expect(validateNodeConfig(cartItemsMessage, {}, ctx).issues).toEqual([]);
    expect(validateNodeConfig(cartItemsMessage, { maxItems: 11 }, ctx).issues.map((i) => i.code)).toEqual(['too_large']);
    expect(validateNodeConfig(cartItemsMessage, { maxItems: 0 }, ctx).issues.map((i) => i.code)).toEqual(['too_small']);
    expect(cartItemsMessage.ports(cartItemsMessage.config.parse({}), { flowKind: 'chatbot' })).toEqual([]);
  });
});
