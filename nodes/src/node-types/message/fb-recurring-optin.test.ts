import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { fbRecurringOptinMessage } from './fb-recurring-optin.ts';

const fb: NodeCheckContext = { flowKind: 'chatbot', channels: ['messenger'], scope: 'fb_ig' };
const found = (config: unknown, ctx = fb) =>
  validateNodeConfig(fbRecurringOptinMessage, config, ctx)
    .issues.filter((i) => i.code !== 'platform_discontinued')
    .map((i) => [i.code, i.path.join('.'), i.severity ?? 'error']);

describe('message.fb_recurring_optin', () => {
  it('continues on next when the customer opts in', () => {
    expect(fbRecurringOptinMessage.ports(fbRecurringOptinMessage.config.parse({ topic: 'x' }), { flowKind: 'chatbot' }).map((p) => [p.id, p.role])).toEqual([
      ['next', 'next'],
    ]);
  });

  it('is offered in fb_ig bots only and warns when the module has other cards (P7)', () => {
    expect(fbRecurringOptinMessage.botScopes).toEqual(['fb_ig']);
    expect(fbRecurringOptinMessage.placement?.warnIfNotAlone?.en).toContain('24-hour');
  });

  it('forbids variables in the topic', () => {
    expect(found({ topic: '{{system:customer_name}} 的優惠' })).toEqual([['placeholder_not_allowed', 'topic', 'error']]);
  });

  it('warns when the image is far from 1.94:1 (mobile) and 1.66:1 (web)', () => {
    expect(found({ topic: 'Deals', image: { url: 'https://example.com/a.jpg', width: 1940, height: 1000 } })).toEqual([]);
    expect(found({ topic: 'Deals', image: { url: 'https://example.com/a.jpg', width: 1660, height: 1000 } })).toEqual([]);
    expect(found({ topic: 'Deals', image: { url: 'https://example.com/a.jpg', width: 1000, height: 1000 } })).toEqual([['image_ratio', 'image', 'warning']]);
  });

  it('warns that Instagram customers skip it', () => {
    expect(found({ topic: 'Deals' }, { ...fb, channels: ['messenger', 'instagram'] })).toEqual([['channel_rule', '', 'warning']]);
  });

  it('warns that Meta discontinued Messenger recurring notifications', () => {
    const issues = validateNodeConfig(fbRecurringOptinMessage, { topic: 'Deals' }, fb).issues;
    expect(issues.map((i) => [i.code, i.severity])).toEqual([['platform_discontinued', 'warning']]);
  });
});
