import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { cartAbandonedTrigger } from './cart-abandoned.ts';

const journey: NodeCheckContext = { flowKind: 'journey', channels: ['line', 'whatsapp'] };
const issues = (config: unknown) =>
  validateNodeConfig(cartAbandonedTrigger, config, journey).issues.map((i) => ({ code: i.code, path: i.path.join('.'), severity: i.severity ?? 'error' }));

describe('trigger.cart_abandoned', () => {
  it('needs exactly one channel, LINE, Messenger or WhatsApp', () => {
    expect(issues({})).toEqual([{ code: 'required', path: 'channel', severity: 'error' }]);
    expect(issues({ channel: 'line' })).toEqual([]);
    expect(issues({ channel: 'instagram' })[0]?.code).toBe('invalid_config');
    expect(issues({ channel: ['line', 'whatsapp'] })[0]?.code).toBe('invalid_config');
    expect(issues({ channel: 'messenger' })).toEqual([{ code: 'channel_not_in_flow', path: 'channel', severity: 'warning' }]);
  });
  it('stops on checkout and on an emptied cart by default; warns when it never stops', () => {
    const config = cartAbandonedTrigger.config.parse({ channel: 'line' });
    expect([config.stopOnCheckout, config.stopOnCartCleared]).toEqual([true, true]);
    expect(issues({ channel: 'line', stopOnCheckout: false, stopOnCartCleared: false })).toEqual([
      { code: 'never_stops', path: 'stopOnCheckout', severity: 'warning' },
    ]);
  });
  it('caps the restart cycle at a year, whatever the unit', () => {
    expect(issues({ channel: 'line', restartCycle: { amount: 365, unit: 'days' } })).toEqual([]);
    expect(issues({ channel: 'line', restartCycle: { amount: 8761, unit: 'hours' } })).toEqual([
      { code: 'too_large', path: 'restartCycle.amount', severity: 'error' },
    ]);
  });
  it('fires on add-to-cart', () => {
    expect(cartAbandonedTrigger.events).toEqual(['cart.item_added']);
  });
});
