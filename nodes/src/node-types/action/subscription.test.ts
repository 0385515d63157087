import { describe, expect, it } from 'vitest';
import { validateNodeConfig } from '../../validate/node.ts';
import { subscriptionAction } from './subscription.ts';

describe('action.subscription', () => {
  it('ends the chatbot flow (no outputs, last card) and continues on next in a journey', () => {
    const config = subscriptionAction.config.parse({ op: 'unsubscribe' });
    expect(subscriptionAction.ports(config, { flowKind: 'chatbot' })).toEqual([]);
    expect(subscriptionAction.ports(config, { flowKind: 'journey' }).map((p) => p.id)).toEqual(['next']);
    expect(subscriptionAction.placement).toEqual({ last: true });
  });

  it('warns about consent when a journey subscribes contacts', () => {
    const codes = (op: string, flowKind: 'chatbot' | 'journey') =>
      validateNodeConfig(subscriptionAction, { op }, { flowKind, channels: ['line'] }).issues.map((i) => `${i.severity}:${i.code}`);
    expect(codes('subscribe', 'journey')).toEqual(['warning:consent']);
    expect(codes('unsubscribe', 'journey')).toEqual([]);
    expect(codes('subscribe', 'chatbot')).toEqual([]);
  });
});
