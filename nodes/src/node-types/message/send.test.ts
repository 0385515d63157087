import type { ChannelKind } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import { validateNodeConfig } from '../../validate/node.ts';
import { sendMessage } from './send.ts';

const on = (...channels: ChannelKind[]) => ({ flowKind: 'journey' as const, channels });
const text = { channelStrategy: { mode: 'preferred', order: ['line'] }, content: { kind: 'text', text: 'Hi' } };
const template = (extra: Record<string, unknown> = {}) => ({
  channelStrategy: { mode: 'preferred', order: ['whatsapp'] },
  content: {
    kind: 'whatsapp_template',
    template: { name: 'order_shipped', language: 'zh_TW', category: 'utility', bodyParameterCount: 1 },
    parameters: ['{{trigger:order_id}}'],
    ...extra,
  },
});
const found = (config: unknown, ctx = on('line', 'messenger')) =>
  validateNodeConfig(sendMessage, config, ctx).issues.map((i) => [i.code, i.path.join('.'), i.severity ?? 'error']);

describe('message.send', () => {
  it('continues on sent, failed or skipped', () => {
    expect(sendMessage.ports(sendMessage.config.parse(text), { flowKind: 'journey' }).map((p) => [p.id, p.role])).toEqual([
      ['sent', 'next'],
      ['failed', 'failure'],
      ['skipped', 'skipped'],
    ]);
  });

  it('rejects the Facebook message tags Meta deprecated on 27 April 2026', () => {
    for (const tag of ['CONFIRMED_EVENT_UPDATE', 'ACCOUNT_UPDATE', 'POST_PURCHASE_UPDATE']) {
      expect(found({ ...text, messageTag: tag, promotional: false })).toEqual([['deprecated_message_tag', 'messageTag', 'error']]);
    }
  });

  it('rejects HUMAN_AGENT, which is for human replies only', () => {
    expect(found({ ...text, messageTag: 'HUMAN_AGENT', promotional: false })).toEqual([['human_agent_automated', 'messageTag', 'error']]);
  });

  it('rejects promotional content with a message tag', () => {
    expect(found({ ...text, messageTag: 'HUMAN_AGENT' })).toEqual([
      ['human_agent_automated', 'messageTag', 'error'],
      ['promotional_with_tag', 'promotional', 'error'],
    ]);
  });

  it('lets only transactional messages ignore quiet hours', () => {
    expect(found({ ...text, respectQuietHours: false })).toEqual([['quiet_hours_opt_out', 'respectQuietHours', 'error']]);
    expect(found({ ...text, respectQuietHours: false, purpose: 'transactional', promotional: false })).toEqual([]);
    expect(found({ ...text, purpose: 'transactional' })).toEqual([['promotional_transactional', 'promotional', 'warning']]);
  });

  it('checks the channel order', () => {
    expect(found({ ...text, channelStrategy: { mode: 'preferred', order: ['line', 'messenger', 'line'] } })).toEqual([
      ['duplicate_channel', 'channelStrategy.order.2', 'error'],
    ]);
    expect(found({ ...text, channelStrategy: { mode: 'preferred', order: [] } })).toEqual([['required', 'channelStrategy.order', 'error']]);
  });

  it('applies the text limit of every channel it can reach', () => {
    const long = { channelStrategy: { mode: 'trigger' }, content: { kind: 'text', text: 'a'.repeat(2000) } };
    expect(found(long, on('line'))).toEqual([]);
    expect(found(long, on('line', 'instagram'))).toEqual([['too_long', 'content.text', 'error']]);
  });

  it('warns that plain text reaches WhatsApp only inside the 24-hour window', () => {
    expect(found({ ...text, channelStrategy: { mode: 'trigger' } }, on('whatsapp'))).toEqual([['whatsapp_window', 'content.kind', 'warning']]);
  });

  it('sends a template on WhatsApp only', () => {
    expect(found(template())).toEqual([]);
    expect(found({ ...template(), channelStrategy: { mode: 'preferred', order: ['line'] } })).toEqual([
      ['template_needs_whatsapp', 'channelStrategy.order', 'error'],
    ]);
    expect(found({ ...template(), channelStrategy: { mode: 'trigger' } })).toEqual([['template_whatsapp_only', 'content', 'warning']]);
  });

  it('rejects system-notification templates, multi-line parameters and a wrong number of parameters', () => {
    expect(found(template({ template: { name: 'otp', language: 'en', category: 'system_notification', bodyParameterCount: 1 } }))).toEqual([
      ['system_notification_template', 'content.template.category', 'error'],
    ]);
    expect(found(template({ parameters: ['line 1\nline 2'] }))).toEqual([['multiline_parameter', 'content.parameters.0', 'error']]);
    expect(found(template({ parameters: ['a', 'b'] }))).toEqual([['parameter_count_mismatch', 'content.parameters', 'error']]);
    expect(found(template({ parameters: ['{{1}}'] }))).toEqual([['unknown_placeholder', 'content.parameters.0', 'error']]);
  });

  it('needs a bot module reference', () => {
    expect(found({ ...text, content: { kind: 'module', botId: 'b1', moduleId: '' } })).toEqual([['required', 'content.moduleId', 'error']]);
  });
});
