import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { whatsappTemplateMessage } from './whatsapp-template.ts';

const wa: NodeCheckContext = { flowKind: 'journey', channels: ['whatsapp'] };
const base = { template: { name: 'promo', language: 'zh_TW', category: 'marketing', bodyParameterCount: 0 } };
const qr = (id: string, action = 'route') => ({ type: 'quick_reply', id, text: id, action });
const url = (id: string) => ({ type: 'url', id, text: id });
const phone = (id: string) => ({ type: 'phone', id, text: id });
const flow = (text = '預約', flowStatus = 'published') => ({ text, flowId: 'f1', flowStatus });
const found = (config: unknown) => validateNodeConfig(whatsappTemplateMessage, config, wa).issues.map((i) => [i.code, i.path.join('.'), i.severity ?? 'error']);

describe('message.whatsapp_template', () => {
  it('adds a branch port for each quick reply that continues the journey', () => {
    const config = whatsappTemplateMessage.config.parse({ ...base, buttons: [qr('yes'), qr('wallet', 'coupon_wallet'), url('shop'), qr('no')] });
    expect(whatsappTemplateMessage.ports(config, { flowKind: 'journey' }).map((p) => [p.id, p.role])).toEqual([
      ['sent', 'next'],
      ['failed', 'failure'],
      ['skipped', 'skipped'],
      ['button:yes', 'branch'],
      ['button:no', 'branch'],
    ]);
  });

  it('rejects system-notification templates and their go-to-order buttons', () => {
    expect(found({ ...base, template: { ...base.template, category: 'system_notification' } })).toEqual([
      ['system_notification_template', 'template.category', 'error'],
    ]);
    expect(found({ ...base, buttons: [{ type: 'go_to_order', id: 'o', text: 'Order' }] })).toEqual([['go_to_order_not_allowed', 'buttons.0.type', 'error']]);
  });

  it('allows at most 2 website buttons and 1 phone button', () => {
    expect(found({ ...base, buttons: [url('a'), url('b')] })).toEqual([]);
    expect(found({ ...base, buttons: [url('a'), url('b'), url('c')] })).toEqual([['too_many_of_type', 'buttons.2', 'error']]);
    expect(found({ ...base, buttons: [phone('a'), qr('q'), phone('b')] })).toEqual([['too_many_of_type', 'buttons.2', 'error']]);
    expect(found({ ...base, buttons: Array.from({ length: 10 }, (_, i) => qr(`q${i}`)) })).toEqual([]);
  });

  it('keeps a Flow button exclusive with other call-to-action buttons, within 10 buttons in all', () => {
    expect(found({ ...base, buttons: [qr('later')], flowButton: flow() })).toEqual([]);
    expect(found({ ...base, buttons: [qr('later'), url('shop')], flowButton: flow() })).toEqual([['flow_button_exclusive', 'buttons.1', 'error']]);
    expect(found({ ...base, buttons: Array.from({ length: 10 }, (_, i) => qr(`q${i}`)), flowButton: flow() })).toEqual([['too_many', 'flowButton', 'error']]);
  });

  it('counts a CJK character as 3 in the Flow button name', () => {
    expect(found({ ...base, flowButton: flow('立即預約試穿吧') })).toEqual([['too_long', 'flowButton.text', 'error']]);
    expect(found({ ...base, flowButton: flow('立即預約試穿') })).toEqual([]);
    expect(found({ ...base, flowButton: flow('Book a fitting now!!') })).toEqual([]);
  });

  it('needs a published or restricted Flow', () => {
    expect(found({ ...base, flowButton: flow('Book', 'draft') })).toEqual([['flow_not_published', 'flowButton.flowStatus', 'error']]);
    expect(found({ ...base, flowButton: flow('Book', 'restricted') })).toEqual([['flow_restricted', 'flowButton.flowStatus', 'warning']]);
  });

  it('keeps every parameter on one line', () => {
    const params = { ...base, template: { ...base.template, bodyParameterCount: 1 } };
    expect(found({ ...params, parameters: ['{{system:customer_name}}'] })).toEqual([]);
    expect(found({ ...params, parameters: ['a\nb'] })).toEqual([['multiline_parameter', 'parameters.0', 'error']]);
    expect(found({ ...params, parameters: ['a\tb'] })).toEqual([['tab_in_parameter', 'parameters.0', 'error']]);
    expect(found({ ...params, parameters: ['a     b'] })).toEqual([['spaces_in_parameter', 'parameters.0', 'error']]);
    expect(found({ ...base, header: { kind: 'text', parameter: 'x\ny' } })).toEqual([['multiline_parameter', 'header.parameter', 'error']]);
    expect(found({ ...base, buttons: [{ ...url('u'), urlParameter: 'a\nb' }] })).toEqual([['multiline_parameter', 'buttons.0.urlParameter', 'error']]);
  });

  it('rejects duplicate button ids (they name ports)', () => {
    expect(found({ ...base, buttons: [qr('a'), qr('a')] })).toEqual([['duplicate_id', 'buttons.1.id', 'error']]);
  });

  it('lets only transactional templates ignore quiet hours', () => {
    expect(found({ ...base, respectQuietHours: false })).toEqual([['quiet_hours_opt_out', 'respectQuietHours', 'error']]);
    expect(found({ ...base, respectQuietHours: false, purpose: 'transactional' })).toEqual([]);
  });
});
