import { describe, expect, it } from 'vitest';
import { runNode } from '../../testing/fake-run-context.ts';
import { lineFlexMessage } from './line-flex.ts';
import { quickReplyMessage } from './quick-reply.ts';
import { sendMessage } from './send.ts';
import { textMessage } from './text.ts';
import { parseAnswer, userInputMessage } from './user-input.ts';

const reply = (text: string) => ({ type: 'reply', payload: { text } });

describe('message runs', () => {
  it('send: renders and sends on the trigger channel; sent / failed / skipped', async () => {
    const config = { content: { kind: 'text', text: 'Hi {{system:customer_name}}' }, purpose: 'transactional' };
    const ok = await runNode(sendMessage, config);
    expect(ok.outcome).toMatchObject({ port: 'sent' });
    expect(ok.calls.sends[0]).toMatchObject({ channel: 'line', content: { kind: 'text', text: 'Hi Amy' }, purpose: 'transactional' });
    const failed = await runNode(sendMessage, config, { send: () => ({ ok: false, reason: 'rate_limited', message: '429', retryable: false }) });
    expect(failed.outcome).toMatchObject({ port: 'failed' });
    const window = await runNode(sendMessage, config, { send: () => ({ ok: false, reason: 'window_closed', message: '24h', retryable: false }) });
    expect(window.outcome).toMatchObject({ port: 'skipped' });
  });

  it('send: marketing skips unsubscribed and over-quota contacts; preferred order picks the first reachable channel', async () => {
    const unsubscribed = { identities: [{ channel: 'line', channelId: 'ch', externalUserId: 'U', subscriptionStatus: 'unsubscribed' } as never] };
    const skipped = await runNode(sendMessage, { content: { kind: 'text', text: 'Sale!' }, purpose: 'marketing' }, { contact: unsubscribed });
    expect(skipped.outcome).toMatchObject({ port: 'skipped' });
    expect((skipped.outcome as { explanation: string }).explanation).toContain('unsubscribed');
    expect(skipped.calls.sends).toHaveLength(0);
    const preferred = await runNode(sendMessage, {
      channelStrategy: { mode: 'preferred', order: ['whatsapp', 'line'] },
      content: { kind: 'text', text: 'x' },
      purpose: 'transactional',
    });
    expect(preferred.calls.sends[0]?.channel).toBe('line');
    const nowhere = await runNode(sendMessage, { channelStrategy: { mode: 'preferred', order: ['whatsapp'] }, content: { kind: 'text', text: 'x' } });
    expect(nowhere.outcome).toMatchObject({ port: 'skipped' });
  });

  it('text card: sends text and buttons, continues', async () => {
    const r = await runNode(
      textMessage,
      { text: 'Hi {{system:customer_name}}', buttons: [{ id: 'b', label: 'Go', action: { kind: 'module' } }] },
      { flowKind: 'chatbot' },
    );
    expect(r.outcome).toMatchObject({ kind: 'next', port: 'next' });
    expect(r.calls.sends[0]?.content).toMatchObject({ text: 'Hi Amy' });
    const failed = await runNode(textMessage, { text: 'x' }, { send: () => ({ ok: false, reason: 'blocked', message: 'b', retryable: false }) });
    expect(failed.outcome).toMatchObject({ kind: 'fail', reason: 'blocked' });
  });

  it('flex: renders placeholders inside the JSON and sends on LINE', async () => {
    const r = await runNode(
      lineFlexMessage,
      {
        altText: 'For {{system:customer_name|"you"}}',
        contents: { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'Hi {{system:customer_name|"there"}}' }] } },
      },
      { flowKind: 'journey' },
    );
    expect(r.outcome).toMatchObject({ port: 'sent' });
    expect(JSON.stringify(r.calls.sends[0]?.content)).toContain('Hi Amy');
  });

  it('user input: asks and waits 1 h; saves a valid answer; re-asks, then invalid', async () => {
    const config = { question: 'Birthday?', saveTo: 'birthday', expectedType: 'date', onInvalid: { reask: 1, message: 'Use YYYY-MM-DD' } };
    const ask = await runNode(userInputMessage, config, { flowKind: 'chatbot' });
    expect(ask.outcome).toMatchObject({ kind: 'wait', events: [{ event: 'reply' }], timeoutPort: 'timeout', state: { reasked: 0 } });
    expect((ask.outcome as { until: Date }).until.toISOString()).toBe('2025-03-03T03:00:00.000Z');
    const ok = await runNode(userInputMessage, config, { resumedBy: reply(' 1990-05-31 ') });
    expect(ok.outcome).toMatchObject({ kind: 'next', port: 'next', vars: { birthday: '1990-05-31' } });
    expect(ok.calls.attributes).toEqual([{ key: 'birthday', value: '1990-05-31' }]);
    const again = await runNode(userInputMessage, config, { resumedBy: reply('May 31'), waitState: { reasked: 0 } });
    expect(again.outcome).toMatchObject({ kind: 'wait', state: { reasked: 1 } });
    expect(again.calls.sends[0]?.content).toMatchObject({ text: 'Use YYYY-MM-DD' });
    const invalid = await runNode(userInputMessage, config, { resumedBy: reply('May 31'), waitState: { reasked: 1 } });
    expect(invalid.outcome).toMatchObject({ port: 'invalid' });
    const notSaved = await runNode(
      userInputMessage,
      { ...config, onInvalid: { reask: 0 } },
      { resumedBy: reply('2020-01-01'), attributeResult: 'invalid_format' },
    );
    expect(notSaved.outcome).toMatchObject({ port: 'invalid' });
  });

  it('user input: parses each expected type', () => {
    expect(parseAnswer('42', 'number')).toBe(42);
    expect(parseAnswer('4 2', 'number')).toBeUndefined();
    expect(parseAnswer('是', 'boolean')).toBe(true);
    expect(parseAnswer('no', 'boolean')).toBe(false);
    expect(parseAnswer('2025-02-30', 'date')).toBeUndefined();
    expect(parseAnswer('2025-02-28T10:00:00+08:00', 'datetime')).toBe('2025-02-28T10:00:00+08:00');
    expect(parseAnswer('  ', 'text')).toBeUndefined();
  });

  it('quick reply: offers options, routes by option id or typed label, saves attributes, free text otherwise', async () => {
    const config = {
      title: 'How did we do?',
      options: [
        { id: 'good', label: 'Great', saveAttribute: { key: 'csat', value: 'good' } },
        { id: 'bad', label: 'Not good' },
      ],
    };
    const offer = await runNode(quickReplyMessage, config, { flowKind: 'chatbot' });
    expect(offer.outcome).toMatchObject({ kind: 'wait', timeoutPort: 'timeout' });
    expect(offer.calls.sends[0]?.content).toMatchObject({
      options: [
        { id: 'good', label: 'Great' },
        { id: 'bad', label: 'Not good' },
      ],
    });
    const tap = await runNode(quickReplyMessage, config, { resumedBy: { type: 'buttonClick', payload: { optionId: 'good' } } });
    expect(tap.outcome).toMatchObject({ port: 'option:good' });
    expect(tap.calls.attributes).toEqual([{ key: 'csat', value: 'good' }]);
    expect((await runNode(quickReplyMessage, config, { resumedBy: reply('not GOOD') })).outcome).toMatchObject({ port: 'option:bad' });
    expect((await runNode(quickReplyMessage, config, { resumedBy: reply('hmm') })).outcome).toMatchObject({ port: 'freeText' });
  });
});
