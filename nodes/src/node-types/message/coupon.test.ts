import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { couponMessage } from './coupon.ts';

const line: NodeCheckContext = { flowKind: 'chatbot', channels: ['line'], scope: 'line' };
const codes = (config: unknown, ctx = line) => validateNodeConfig(couponMessage, config, ctx).issues.map((i) => [i.code, i.path.join('.')]);

describe('message.coupon', () => {
  it('has one port per claim outcome', () => {
    const ports = couponMessage.ports(couponMessage.config.parse({ couponId: 'c1' }), { flowKind: 'chatbot' });
    expect(ports.map((p) => [p.id, p.role])).toEqual([
      ['claimed', 'success'],
      ['exhausted', 'failure'],
      ['limitReached', 'failure'],
      ['insufficientPoints', 'failure'],
    ]);
  });

  it('is not available to the website bot', () => {
    expect(codes({ couponId: 'c1' }, { flowKind: 'chatbot', channels: ['webchat'], scope: 'web' })).toEqual([['channel_rule', '']]);
    expect(codes({ couponId: 'c1' })).toEqual([]);
  });

  it('needs an uploaded https image when a custom image is set', () => {
    expect(codes({ couponId: 'c1', image: { url: '' } })).toEqual([['required', 'image.url']]);
    expect(codes({ couponId: 'c1', image: { url: 'http://example.com/c.jpg' } })).toEqual([['invalid_url', 'image.url']]);
  });

  it('allows variables in the outcome messages but not in the button text', () => {
    expect(codes({ couponId: 'c1', insufficientPointsMessage: '您有 {{system:loyaltyPoint:balance}} 點' })).toEqual([]);
    expect(codes({ couponId: 'c1', redeemButtonText: '{{attr:a}}' })).toEqual([['placeholder_not_allowed', 'redeemButtonText']]);
  });
});
