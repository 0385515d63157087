import { describe, expect, it } from 'vitest';
import { scopesOf } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { invoiceMessage } from './invoice.ts';

describe('message.invoice', () => {
  it('is offered only in LINE bots', () => {
    expect(scopesOf(invoiceMessage)).toEqual(['line']);
  });

  it('needs an invoice campaign; the reward module belongs to the campaign, so there are no ports', () => {
    const ctx = { flowKind: 'chatbot' as const, channels: ['line' as const], scope: 'line' as const };
    expect(validateNodeConfig(invoiceMessage, invoiceMessage.defaultConfig, ctx).issues.map((i) => `${i.path.join('.')}:${i.code}`)).toEqual([
      'campaignId:required',
    ]);
    expect(invoiceMessage.ports(invoiceMessage.config.parse({ campaignId: 'c' }), { flowKind: 'chatbot' })).toEqual([]);
  });
});
