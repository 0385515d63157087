import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { entryPointTrigger } from './entry-point.ts';

const allBot: NodeCheckContext = { flowKind: 'chatbot', channels: ['messenger', 'line'], scope: 'all' };
const fbBot: NodeCheckContext = { flowKind: 'chatbot', channels: ['messenger'], scope: 'fb_ig' };
const issues = (entry: unknown, ctx: NodeCheckContext = allBot) =>
  validateNodeConfig(entryPointTrigger, { entry }, ctx).issues.map((i) => ({ code: i.code, path: i.path.join('.'), severity: i.severity ?? 'error' }));

describe('trigger.entry_point', () => {
  it('m.me refs are URL-safe and required', () => {
    expect(issues({ kind: 'mme_ref', ref: 'spring-sale_2025' })).toEqual([]);
    expect(issues({ kind: 'mme_ref', ref: 'spring sale' })).toEqual([{ code: 'invalid_ref', path: 'entry.ref', severity: 'error' }]);
    expect(issues({ kind: 'mme_ref', ref: '' })).toEqual([{ code: 'required', path: 'entry.ref', severity: 'error' }]);
  });
  it('a LINE subscription code has 6 digits', () => {
    expect(issues({ kind: 'line_subscription_code', code: '48291' })).toEqual([{ code: 'invalid_code', path: 'entry.code', severity: 'error' }]);
    expect(issues({ kind: 'line_subscription_code', code: '482913' })).toEqual([]);
  });
  it('rich-menu actions tag at most 5 tags; the phone-binding message is at most 60 characters', () => {
    expect(issues({ kind: 'rich_menu_action', richMenuId: 'rm', areaId: 'a', tags: ['1', '2', '3', '4', '5', '6'] })).toEqual([
      { code: 'too_many', path: 'entry.tags', severity: 'error' },
    ]);
    expect(issues({ kind: 'phone_binding_message', text: 'x'.repeat(61) })).toEqual([{ code: 'too_long', path: 'entry.text', severity: 'error' }]);
    expect(issues({ kind: 'phone_binding_message', text: '  ' })).toEqual([{ code: 'blank_text', path: 'entry.text', severity: 'error' }]);
  });
  it('warns when the entry point belongs to a channel the bot does not use', () => {
    expect(issues({ kind: 'rich_menu_action', richMenuId: 'rm', areaId: 'a' }, fbBot)).toEqual([
      { code: 'channel_not_in_flow', path: 'entry.kind', severity: 'warning' },
    ]);
    expect(issues({ kind: 'persistent_menu', menuItemId: 'orders' }, fbBot)).toEqual([]);
  });
  it('opens the linked module', () => {
    expect(entryPointTrigger.ports(entryPointTrigger.config.parse({}), { flowKind: 'chatbot' }).map((p) => p.id)).toEqual(['next']);
  });
});
