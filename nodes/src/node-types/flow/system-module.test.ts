import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { systemModuleCard } from './system-module.ts';

const on = (channel: 'line' | 'whatsapp'): NodeCheckContext => ({ flowKind: 'chatbot', channels: [channel], scope: channel });
const issues = (config: unknown, ctx: NodeCheckContext) =>
  validateNodeConfig(systemModuleCard, config, ctx).issues.map((i) => `${i.severity ?? 'error'}:${i.code}@${i.path.join('.')}:${i.channel ?? ''}`);

describe('flow.system_module', () => {
  it('checks the module against the channel', () => {
    expect(issues({ module: 'member_center' }, on('whatsapp'))).toEqual([]);
    expect(issues({ module: 'coupon_wallet' }, on('whatsapp'))).toEqual([]);
    expect(issues({ module: 'phone_binding' }, on('line'))).toEqual([]);
    expect(issues({ module: 'phone_binding' }, on('whatsapp'))).toEqual(['error:channel_unsupported@module:whatsapp']);
    expect(issues({ module: '91app_hot_products' }, on('whatsapp'))).toEqual(['error:channel_unsupported@module:whatsapp']);
  });

  it('requires phone binding first for the member center only', () => {
    expect(issues({ module: 'member_center', requirePhoneBinding: true }, on('line'))).toEqual([]);
    expect(issues({ module: 'coupon_wallet', requirePhoneBinding: true }, on('line'))).toEqual(['warning:ignored_field@requirePhoneBinding:']);
  });

  it('routes phone-binding results and nothing else', () => {
    const ports = (module: string) =>
      systemModuleCard.ports(systemModuleCard.config.parse({ module }), { flowKind: 'chatbot' }).map((p) => `${p.id}:${p.role}`);
    expect(ports('phone_binding')).toEqual(['success:success', 'alreadyBound:skipped', 'failed:failure']);
    expect(ports('member_center')).toEqual([]);
  });
});
