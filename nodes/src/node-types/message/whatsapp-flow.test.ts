import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { whatsappFlowMessage } from './whatsapp-flow.ts';

const wa: NodeCheckContext = { flowKind: 'chatbot', channels: ['whatsapp'], scope: 'whatsapp' };
const base = { body: '填寫表單', button: { name: '開始', flowId: 'f1', flowStatus: 'published' } };
const with_ = (patch: Record<string, unknown>) => ({ ...base, ...patch });
const found = (config: unknown, ctx = wa) =>
  validateNodeConfig(whatsappFlowMessage, config, ctx).issues.map((i) => [i.code, i.path.join('.'), i.severity ?? 'error']);

describe('message.whatsapp_flow', () => {
  it('continues on sent and on submitted', () => {
    const ports = whatsappFlowMessage.ports(whatsappFlowMessage.config.parse(base), { flowKind: 'chatbot' });
    expect(ports.map((p) => [p.id, p.role])).toEqual([
      ['sent', 'next'],
      ['submitted', 'event'],
    ]);
  });

  it('forbids emoji and variables in the button name', () => {
    expect(found(with_({ button: { ...base.button, name: '預約 📅' } }))).toEqual([['emoji_not_allowed', 'button.name', 'error']]);
    expect(found(with_({ button: { ...base.button, name: '{{attr:nick}}' } }))).toEqual([['placeholder_not_allowed', 'button.name', 'error']]);
  });

  it('allows draft, published and restricted Flows only', () => {
    const status = (flowStatus: string) => found(with_({ button: { ...base.button, flowStatus } }));
    expect(status('published')).toEqual([]);
    expect(status('draft')).toEqual([['flow_draft', 'button.flowStatus', 'warning']]);
    expect(status('restricted')).toEqual([['flow_restricted', 'button.flowStatus', 'warning']]);
    expect(status('deprecated')).toEqual([['flow_not_sendable', 'button.flowStatus', 'error']]);
    expect(status('paused')).toEqual([['flow_not_sendable', 'button.flowStatus', 'error']]);
  });

  it('compresses (warns about) images over 5 MB but rejects videos over 10 MB', () => {
    expect(found(with_({ header: { kind: 'image', media: { url: 'https://example.com/a.jpg', sizeBytes: 7_000_000 } } }))).toEqual([
      ['image_compressed', 'header.media.sizeBytes', 'warning'],
    ]);
    expect(found(with_({ header: { kind: 'video', media: { url: 'https://example.com/a.mp4', sizeBytes: 10_000_001 } } }))).toEqual([
      ['too_large', 'header.media.sizeBytes', 'error'],
    ]);
    expect(found(with_({ header: { kind: 'video', media: { url: '' } } }))).toEqual([['required', 'header.media.url', 'error']]);
  });

  it('offers a bot module as the additional message in WhatsApp bots only', () => {
    const config = with_({ additionalMessage: { kind: 'module' } });
    expect(found(config)).toEqual([]);
    expect(found(config, { flowKind: 'chatbot', channels: ['whatsapp'], scope: 'all' })).toEqual([['scope_rule', 'additionalMessage.kind', 'error']]);
  });

  it('lets the body and thank-you message greet the contact by name', () => {
    expect(found(with_({ body: 'Hi {{system:customer_name}}', successMessage: '謝謝 {{system:customer_name}}!' }))).toEqual([]);
  });
});
