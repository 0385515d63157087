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

describe('flow.system_module run', () => {
  it('sends the module; the member center link lasts 30 minutes and can require phone binding first', async () => {
    const { runNode } = await import('../../testing/fake-run-context.ts');
    const center = await runNode(systemModuleCard, { module: 'member_center' }, { channel: 'line' });
    expect(center.outcome).toMatchObject({ kind: 'next', port: 'next' });
    expect(center.calls.sends[0]).toMatchObject({ nodeType: 'flow.system_module', content: { module: 'member_center', linkValidMinutes: 30 } });
    const unbound = await runNode(systemModuleCard, { module: 'member_center', requirePhoneBinding: true }, { channel: 'line' });
    expect(unbound.calls.sends[0]?.content).toEqual({ module: 'phone_binding' });
    const bound = await runNode(
      systemModuleCard,
      { module: 'member_center', requirePhoneBinding: true },
      { channel: 'line', contact: { phone: '886912345678' } },
    );
    expect(bound.calls.sends[0]?.content).toMatchObject({ module: 'member_center' });
    const offChannel = await runNode(systemModuleCard, { module: '91app_shipping' }, { channel: 'whatsapp' });
    expect(offChannel.outcome).toMatchObject({ port: 'skipped' });
    const failed = await runNode(
      systemModuleCard,
      { module: 'coupon_wallet' },
      { send: () => ({ ok: false, reason: 'blocked', message: 'b', retryable: false }) },
    );
    expect(failed.outcome).toMatchObject({ kind: 'fail', reason: 'blocked' });
  });

  it('phone binding: already bound, or waits for the binding result (success / failed / expiry)', async () => {
    const { runNode } = await import('../../testing/fake-run-context.ts');
    const config = { module: 'phone_binding' };
    expect((await runNode(systemModuleCard, config, { contact: { phone: '886912345678' } })).outcome).toMatchObject({ port: 'alreadyBound' });
    const offer = await runNode(systemModuleCard, config, { channel: 'line' });
    expect(offer.outcome).toMatchObject({ kind: 'wait', timeoutPort: 'failed', events: [{ event: 'buttonClick' }] });
    const ok = await runNode(systemModuleCard, config, { resumedBy: { type: 'buttonClick', payload: { result: 'success' } } });
    expect(ok.outcome).toMatchObject({ port: 'success' });
    const no = await runNode(systemModuleCard, config, { resumedBy: { type: 'buttonClick', payload: { result: 'failed' } } });
    expect(no.outcome).toMatchObject({ port: 'failed' });
  });
});
