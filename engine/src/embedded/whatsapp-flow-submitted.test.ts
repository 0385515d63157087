import { Customer } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import { postbackData } from '../channels/line-messages.ts';
import { metaSignature } from '../channels/meta-webhook.ts';
import { toWhatsAppMessage } from '../channels/whatsapp-messages.ts';
import { parseWhatsAppWebhook, whatsAppTriggerEvent } from '../channels/whatsapp-webhook.ts';
import { contact, tagEvent, testEngine } from '../testing/fixtures.ts';

// A WhatsApp Flow card (§4.1.16) sends the Flow and goes on; the customer's submission arrives later as an
// interactive nfm_reply. The webhook parser turns it into `form.submitted` naming the card that sent it (from
// the flow_token), and the engine runs that card again with the submission: tags, thanks, `submitted` port.

const SECRET = 'app-secret';
const card = (id: string, type: string, config: Record<string, unknown>) => ({ id, type, version: 1, config });

const bot = {
  formatVersion: 2,
  kind: 'chatbot',
  bot: { scope: 'whatsapp' },
  triggers: [card('kw', 'trigger.keyword', { keywords: ['book'], match: 'containsAny' })],
  modules: [
    {
      id: 'm_book',
      name: 'Booking',
      cards: [
        card('c_flow', 'message.whatsapp_flow', {
          header: { kind: 'text', text: 'Book a fitting' },
          body: 'Pick a store and a time',
          button: { name: 'Book now', flowId: '1234567890123456', flowStatus: 'published' },
          successMessage: 'Thanks, we got your booking!',
          tags: ['booked'],
        }),
      ],
    },
    { id: 'm_after', name: 'After', cards: [card('c_after', 'message.text', { text: 'See you soon', buttons: [] })] },
  ],
  entryModuleId: 'm_book',
  edges: [
    { id: 'e1', source: 'kw', sourcePort: 'next', target: 'm_book' },
    { id: 'e2', source: 'c_flow', sourcePort: 'submitted', target: 'm_after' },
  ],
};

const waContact = Customer.parse({
  ...contact('c1'),
  identities: [{ channel: 'whatsapp', channelId: 'ch_wa', externalUserId: '886911223344', subscriptionStatus: 'subscribed', conversationState: 'pending_bot' }],
});

/** The Cloud API's webhook for a completed Flow (interactive nfm_reply), signed as Meta signs it. */
function nfmReplyWebhook(flowToken: string, fields: Record<string, unknown>, responseJson = JSON.stringify({ flow_token: flowToken, ...fields })): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA_ID',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550001111', phone_number_id: 'PNID' },
              contacts: [{ profile: { name: 'Ada' }, wa_id: '886911223344' }],
              messages: [
                {
                  context: { from: '15550001111', id: 'wamid.flow_sent' },
                  from: '886911223344',
                  id: 'wamid.flow_reply',
                  type: 'interactive',
                  interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: responseJson } },
                  timestamp: '1741000000',
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

describe('WhatsApp Flow submitted (nfm_reply → form.submitted → the card’s `submitted` port)', () => {
  it('parses an nfm_reply into form.submitted with the answers, the Flow id and the sending card', () => {
    const body = nfmReplyWebhook(postbackData({ flowId: 'bot', nodeId: 'c_flow' }, 'flow:1234567890123456'), { store: 'taipei', time: '14:00' });
    const [message] = parseWhatsAppWebhook(body, { 'x-hub-signature-256': metaSignature(body, SECRET) }, SECRET).messages;
    const event = whatsAppTriggerEvent(message!, 'c1', 'ch_wa');
    expect(event).toMatchObject({
      type: 'form.submitted',
      id: 'whatsapp:wamid.flow_reply',
      payload: { answers: { store: 'taipei', time: '14:00' }, formId: '1234567890123456', sentBy: { flowId: 'bot', nodeId: 'c_flow' } },
    });
  });

  it('rejects an nfm_reply whose response_json is not a JSON object, naming the field', () => {
    const body = nfmReplyWebhook('x', {}, 'not json');
    expect(() => parseWhatsAppWebhook(body, { 'x-hub-signature-256': metaSignature(body, SECRET) }, SECRET)).toThrow(/response_json/);
  });

  it('runs the card that sent the Flow again with the submission: tag, thanks, then the module on `submitted`', async () => {
    const t = testEngine({ contacts: [waContact] });
    t.engine.publish('bot', 'bot-v1', bot);
    t.engine.ingest({ ...tagEvent('c1', []), type: 'message.received', channel: 'whatsapp', channelId: 'ch_wa', payload: { text: 'book please' } });
    await t.engine.idle();
    const [flowSend] = t.effects.of('send');
    expect(flowSend?.payload.nodeType).toBe('message.whatsapp_flow');

    // The Cloud API request the WhatsApp adapter builds for that send, and the token the reply echoes.
    const request = toWhatsAppMessage('message.whatsapp_flow', flowSend!.payload.content as Record<string, unknown>, {
      flowId: flowSend!.flowId,
      nodeId: flowSend!.nodeId,
    });
    expect(request).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'flow',
        header: { type: 'text', text: 'Book a fitting' },
        body: { text: 'Pick a store and a time' },
        action: { name: 'flow', parameters: { flow_message_version: '3', flow_id: '1234567890123456', flow_cta: 'Book now', flow_action: 'navigate' } },
      },
    });
    const flowToken = (request as unknown as { interactive: { action: { parameters: { flow_token: string } } } }).interactive.action.parameters.flow_token;
    const body = nfmReplyWebhook(flowToken, { store: 'Taipei 101' });
    const [message] = parseWhatsAppWebhook(body, { 'x-hub-signature-256': metaSignature(body, SECRET) }, SECRET).messages;
    t.engine.ingest(whatsAppTriggerEvent(message!, 'c1', 'ch_wa'));
    await t.engine.idle();

    const runs = t.engine.runs();
    const continued = runs.at(-1)!;
    const steps = t.engine.runTimeline(continued.id).steps;
    expect(steps.map((s) => s.nodeId)).toEqual(['c_flow', 'c_after']);
    expect(steps[0]).toMatchObject({ port: 'submitted', explanation: 'Flow 1234567890123456 submitted' });
    expect((await t.contacts.get('c1'))?.tags.map((tag) => tag.name)).toContain('booked');
    expect(t.effects.of('send').map((e) => [e.nodeId, (e.payload.content as { text?: string }).text])).toEqual([
      ['c_flow', undefined],
      ['c_flow', 'Thanks, we got your booking!'],
      ['c_after', 'See you soon'],
    ]);
    await t.engine.stop();
  });
});
