import { describe, expect, it } from 'vitest';
import { validateNodeConfig } from '../../validate/node.ts';
import { textMessage } from './text.ts';

const config = (buttons: unknown[]) => ({ text: 'Pick one', buttons });
const urlButton = { id: 'u', label: 'Site', action: { kind: 'url', url: 'https://example.com' } };
const moduleButton = { id: 'm', label: 'Menu', action: { kind: 'module', tags: ['clicked'] } };

describe('message.text', () => {
  it('has one port per module button and none for link buttons', () => {
    const parsed = textMessage.config.parse(config([urlButton, moduleButton]));
    expect(textMessage.ports(parsed, { flowKind: 'chatbot' }).map((p) => p.id)).toEqual(['button:m']);
  });

  it('refuses link buttons on WhatsApp in a general bot but allows them in the WhatsApp-only bot', () => {
    const inAll = validateNodeConfig(textMessage, config([urlButton]), { flowKind: 'chatbot', channels: ['whatsapp', 'line'], scope: 'all' });
    expect(inAll.issues.map((i) => [i.code, i.path, i.channel])).toEqual([['channel_rule', ['buttons', 0, 'action', 'kind'], 'whatsapp']]);
    const waOnly = validateNodeConfig(textMessage, config([urlButton]), { flowKind: 'chatbot', channels: ['whatsapp'], scope: 'whatsapp' });
    expect(waOnly.issues).toEqual([]);
  });

  it('warns that web chat ignores button tags', () => {
    const result = validateNodeConfig(textMessage, config([moduleButton]), { flowKind: 'chatbot', channels: ['webchat'], scope: 'web' });
    expect(result.issues).toEqual([expect.objectContaining({ severity: 'warning', code: 'channel_rule', path: ['buttons', 0, 'action', 'tags'] })]);
  });

  it('flags two buttons with the same label', () => {
    const result = validateNodeConfig(textMessage, config([moduleButton, { ...moduleButton, id: 'm2' }]), {
      flowKind: 'chatbot',
      channels: ['line'],
      scope: 'line',
    });
    expect(result.issues.map((i) => [i.code, i.path])).toEqual([['duplicate_label', ['buttons', 1, 'label']]]);
  });

  it('counts LINE button labels in grapheme clusters: an emoji family is one', () => {
    const label = `${'a'.repeat(19)}👨‍👩‍👧`;
    const result = validateNodeConfig(textMessage, config([{ ...moduleButton, label }]), { flowKind: 'chatbot', channels: ['line'], scope: 'line' });
    expect(result.issues.filter((i) => i.channel === 'line')).toEqual([]);
    const onMessenger = validateNodeConfig(textMessage, config([{ ...moduleButton, label }]), { flowKind: 'chatbot', channels: ['messenger'], scope: 'fb_ig' });
    expect(onMessenger.issues.map((i) => i.code)).toEqual(['too_long']);
  });
});
