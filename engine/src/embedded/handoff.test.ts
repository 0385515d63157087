import type { ConversationState } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import { contact, exampleFlow, messageEvent, testEngine } from '../testing/fixtures.ts';

// Hand-off (§1.10, §2.1): while a person owns the conversation (pending_human / in_progress) a bot session
// does not go on — a reply, a quick-reply tap or a delay timer ends it instead of answering. Releasing the
// conversation (back to pending_bot or closed: contacts.updateIdentity in the api) lets the bot answer again.

async function setState(t: ReturnType<typeof testEngine>, state: ConversationState): Promise<void> {
  const c = (await t.contacts.get('c1'))!;
  t.contacts.put({ ...c, identities: c.identities.map((i) => ({ ...i, conversationState: state })) });
}

const tapMenu = (t: ReturnType<typeof testEngine>, buttonId: string) =>
  t.engine.deliverInbound({ kind: 'buttonClick', customerId: 'c1', channel: 'line', payload: { buttonId, nodeId: 'c_menu' } });

const sentTexts = (t: ReturnType<typeof testEngine>) => t.effects.of('send').map((e) => e.nodeId);

describe('embedded engine: hand-off stops the bot for the conversation until released', () => {
  it('a waiting quick reply or user input does not answer once an agent owns the conversation; a release re-enables the bot', async () => {
    const t = testEngine({ contacts: [contact('c1')] });
    t.engine.publish('bot', 'bot-v1', exampleFlow('keyword-bot.chatbot.json'));

    // 1. The bot offers its menu; an agent follows the conversation (in progress) before the customer taps.
    t.engine.ingest(messageEvent('c1', 'hi'));
    await t.engine.idle();
    expect(sentTexts(t)).toEqual(['c_hello', 'c_menu']);
    const [session] = t.engine.runs();
    await setState(t, 'in_progress');
    tapMenu(t, 'opening');
    await t.engine.idle();
    expect(sentTexts(t)).toEqual(['c_hello', 'c_menu']);
    expect(t.engine.getRun(session!.id)).toMatchObject({ status: 'exited', exitReason: 'handoff' });

    // 2. Released: the keyword starts a session again and its quick reply answers.
    await setState(t, 'pending_bot');
    t.engine.ingest(messageEvent('c1', 'hi'));
    await t.engine.idle();
    tapMenu(t, 'news');
    await t.engine.idle();
    expect(sentTexts(t)).toEqual(['c_hello', 'c_menu', 'c_hello', 'c_menu', 'c_email']);

    // 3. Waiting for the e-mail (user input), the conversation goes to pending-human: the typed answer is the agent's.
    const waitingForEmail = t.engine.runs().at(-1)!;
    expect(waitingForEmail.state).toBe('waiting');
    await setState(t, 'pending_human');
    t.engine.ingest(messageEvent('c1', 'ada@example.com'));
    await t.engine.idle();
    expect(t.engine.getRun(waitingForEmail.id)).toMatchObject({ status: 'exited', exitReason: 'handoff' });
    expect(sentTexts(t)).toEqual(['c_hello', 'c_menu', 'c_hello', 'c_menu', 'c_email']);
    expect((await t.contacts.get('c1'))?.email).toBeUndefined();
    await t.engine.stop();
  });

  it('after a hand-off, keyword rules fire only in the states they list: by default pending_human yes, in_progress no (§1.10)', async () => {
    const t = testEngine({ contacts: [contact('c1')] });
    t.engine.publish('bot', 'bot-v1', exampleFlow('keyword-bot.chatbot.json'));
    t.engine.ingest(messageEvent('c1', 'agent'));
    await t.engine.idle();
    expect((await t.contacts.get('c1'))?.identities[0]?.conversationState).toBe('in_progress');
    t.engine.ingest(messageEvent('c1', 'hello again'));
    await t.engine.idle();
    expect(sentTexts(t)).toEqual([]);
    await setState(t, 'pending_human');
    t.engine.ingest(messageEvent('c1', 'hello again'));
    await t.engine.idle();
    expect(sentTexts(t)).toEqual(['c_hello', 'c_menu']);
    await t.engine.stop();
  });

  it('a delay card whose time comes after the hand-off does not send its follow-up', async () => {
    const t = testEngine({ contacts: [contact('c1')] });
    const card = (id: string, type: string, config: Record<string, unknown>) => ({ id, type, version: 1, config });
    t.engine.publish('bot', 'bot-v1', {
      formatVersion: 2,
      kind: 'chatbot',
      bot: { scope: 'line' },
      triggers: [card('kw', 'trigger.keyword', { keywords: ['promo'], match: 'containsAny' })],
      modules: [
        {
          id: 'm',
          name: 'Promo',
          cards: [
            card('c_offer', 'message.text', { text: 'Here is 10% off', buttons: [] }),
            card('c_wait', 'wait.delay', { minutes: 30, continueIfInteracted: true }),
            card('c_nudge', 'message.text', { text: 'Still thinking?', buttons: [] }),
          ],
        },
      ],
      entryModuleId: 'm',
      edges: [{ id: 'e', source: 'kw', sourcePort: 'next', target: 'm' }],
    });
    t.engine.ingest(messageEvent('c1', 'promo'));
    await t.engine.idle();
    const [session] = t.engine.runs();
    expect(session?.state).toBe('waiting');
    await setState(t, 'pending_human');
    await t.advance(30 * 60_000);
    expect(sentTexts(t)).toEqual(['c_offer']);
    expect(t.engine.getRun(session!.id)).toMatchObject({ status: 'exited', exitReason: 'handoff' });
    await t.engine.stop();
  });
});
