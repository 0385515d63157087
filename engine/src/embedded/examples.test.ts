import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { contact, exampleFlow, messageEvent, tagEvent, testEngine } from '../testing/fixtures.ts';

const HOUR = 3_600_000;

describe('example flow: abandoned cart (fast-forwarded clock)', () => {
  it('waits an hour, sends the coupon and the CAPI event, then finishes', async () => {
    const t = testEngine({ contacts: [contact('c1')] });
    t.engine.publish('cart', 'cart-v1', exampleFlow('abandoned-cart.journey.json'));
    t.engine.ingest(tagEvent('c1', ['cart_abandoned']));
    await t.engine.idle();
    const [run] = t.engine.runs({ flowId: 'cart' });
    expect(run?.status).toBe('waiting');
    expect(run?.currentNodeId).toBe('wait_1h');
    expect(t.effects.delivered).toHaveLength(0);

    await t.advance(HOUR - 1000);
    expect(t.engine.getRun(run!.id)?.status).toBe('waiting');
    await t.advance(1000);
    const done = t.engine.getRun(run!.id)!;
    expect(done.status).toBe('completed');
    const timeline = t.engine.runTimeline(run!.id).steps;
    expect(timeline.map((s) => [s.nodeId, s.outcome, s.port ?? ''])).toEqual([
      ['wait_1h', 'waiting', ''],
      ['wait_1h', 'passed', 'next'],
      ['bought_yet', 'passed', 'else'],
      ['coupon', 'passed', 'sent'],
      ['capi', 'passed', 'sent'],
      ['finish', 'passed', ''],
    ]);
    expect(timeline[2]!.explanation).toContain('else');
    expect(t.effects.delivered.map((e) => e.kind)).toEqual(['send', 'capi']);
    const flex = t.effects.delivered[0]!;
    expect(flex.idempotencyKey).toBe(`${run!.id}:coupon:3:0`);
    expect(String((flex.payload.content as { altText: string }).altText)).toContain('Customer c1');
    expect(t.effects.delivered[1]!.payload.eventId).toBe(`${run!.id}:capi:4`);

    const stats = t.engine.nodeStats('cart', 'cart-v1');
    expect(stats.wait_1h).toEqual({ entered: 1, waiting: 0, failed: 0, ports: { next: 1 } });
    expect(stats.bought_yet?.ports).toEqual({ else: 1 });
    expect(stats.coupon?.ports).toEqual({ sent: 1 });
    await t.engine.stop();
  });

  it('exits when the purchased tag arrives during the wait, and re-entry waits for the cooldown', async () => {
    const t = testEngine({ contacts: [contact('c1')] });
    t.engine.publish('cart', 'cart-v1', exampleFlow('abandoned-cart.journey.json'));
    t.engine.ingest(tagEvent('c1', ['cart_abandoned']));
    await t.advance(10 * 60_000);
    t.engine.deliverInbound({ customerId: 'c1', kind: 'tagApplied', payload: { tags: ['purchased'] } });
    await t.engine.idle();
    const [run] = t.engine.runs({ flowId: 'cart' });
    expect(run?.status).toBe('exited');
    expect(run?.exitReason).toBe('exit:x_purchased');
    expect(t.engine.nodeStats('cart', 'cart-v1').wait_1h?.waiting).toBe(0);
    await t.advance(2 * HOUR);
    expect(t.effects.delivered).toHaveLength(0);

    // Cooldown of 7 days from the exit (§9.5).
    t.engine.ingest(tagEvent('c1', ['cart_abandoned']));
    await t.engine.idle();
    expect(t.engine.runs({ flowId: 'cart' })).toHaveLength(1);
    await t.advance(7 * 24 * HOUR);
    t.engine.ingest(tagEvent('c1', ['cart_abandoned']));
    await t.engine.idle();
    expect(t.engine.runs({ flowId: 'cart' })).toHaveLength(2);
    await t.engine.stop();
  });

  it('counts a purchase as the goal', async () => {
    const t = testEngine({ contacts: [contact('c1')] });
    t.engine.publish('cart', 'cart-v1', exampleFlow('abandoned-cart.journey.json'));
    t.engine.ingest(tagEvent('c1', ['cart_abandoned']));
    await t.engine.idle();
    t.engine.deliverInbound({ customerId: 'c1', kind: 'purchase', payload: { orderId: 'o1' } });
    await t.engine.idle();
    expect(t.engine.runs({ flowId: 'cart' })[0]?.status).toBe('goal_reached');
    await t.engine.stop();
  });

  it('takes the "bought" branch when the contact already has the purchased tag at the split', async () => {
    const t = testEngine({ contacts: [contact('c1')] });
    t.engine.publish('cart', 'cart-v1', exampleFlow('abandoned-cart.journey.json'));
    t.engine.ingest(tagEvent('c1', ['cart_abandoned']));
    await t.engine.idle();
    const existing = (await t.contacts.get('c1'))!;
    existing.tags.push({ name: 'purchased', count: 1, firstAppliedAt: '2025-03-03T02:00:00Z', lastAppliedAt: '2025-03-03T02:00:00Z', lastSource: 'manual' });
    t.contacts.put(existing);
    await t.advance(HOUR);
    const [run] = t.engine.runs({ flowId: 'cart' });
    expect(run?.status).toBe('completed');
    expect(t.engine.runTimeline(run!.id).steps.map((s) => s.nodeId)).toEqual(['wait_1h', 'wait_1h', 'bought_yet', 'done']);
    expect(t.effects.delivered).toHaveLength(0);
    await t.engine.stop();
  });
});

describe('example flow: keyword bot', () => {
  it('greets on a keyword, offers quick replies and hands off to a person', async () => {
    const t = testEngine({ contacts: [contact('c1')] });
    t.engine.publish('bot', 'bot-v1', exampleFlow('keyword-bot.chatbot.json'));
    t.engine.ingest(messageEvent('c1', '  Hello there '));
    await t.engine.idle();
    const [run] = t.engine.runs({ flowId: 'bot' });
    expect(run?.status).toBe('waiting');
    expect(run?.currentNodeId).toBe('c_menu');
    expect(t.effects.delivered.map((e) => e.payload.nodeType)).toEqual(['message.text', 'message.quick_reply']);

    t.engine.deliverInbound({ customerId: 'c1', kind: 'buttonClick', channel: 'line', payload: { optionId: 'human' } });
    await t.engine.idle();
    const done = t.engine.getRun(run!.id)!;
    expect(done.status).toBe('completed');
    expect(done.exitReason).toBe('handoff');
    const steps = t.engine.runTimeline(run!.id).steps;
    expect(steps.map((s) => [s.nodeId, s.port ?? s.outcome])).toEqual([
      ['c_hello', 'next'],
      ['c_menu', 'waiting'],
      ['c_menu', 'option:human'],
      ['c_handoff', 'passed'],
    ]);
    const c = await t.contacts.get('c1');
    expect(c?.tags.map((x) => x.name)).toContain('needs_human');
    expect(c?.identities[0]?.conversationState).toBe('in_progress');
    await t.engine.stop();
  });

  it('asks for an email, saves it and routes on the VIP condition', async () => {
    const t = testEngine({ contacts: [contact('c1')] });
    t.engine.publish('bot', 'bot-v1', exampleFlow('keyword-bot.chatbot.json'));
    t.engine.ingest(messageEvent('c1', '你好'));
    await t.engine.idle();
    t.engine.deliverInbound({ customerId: 'c1', kind: 'reply', channel: 'line', payload: { text: 'newsletter' } });
    await t.engine.idle();
    const [run] = t.engine.runs({ flowId: 'bot' });
    expect(run?.currentNodeId).toBe('c_email');
    expect(run?.status).toBe('waiting');
    // The reply is consumed by the waiting session: no keyword rule starts a new one.
    t.engine.deliverInbound({ customerId: 'c1', kind: 'reply', channel: 'line', payload: { text: 'amy@example.com' } });
    await t.engine.idle();
    expect(t.engine.runs({ flowId: 'bot' })).toHaveLength(1);
    const done = t.engine.getRun(run!.id)!;
    expect(done.status).toBe('completed');
    expect((await t.contacts.get('c1'))?.attributes.newsletter_email).toBe('amy@example.com');
    expect(t.engine.runTimeline(run!.id).steps.map((s) => s.nodeId)).toEqual(['c_hello', 'c_menu', 'c_menu', 'c_email', 'c_email', 'c_vip', 'c_thanks']);
    await t.engine.stop();
  });

  it('processes a contact’s events in order: a quick second reply reaches the session the first one led to', async () => {
    const t = testEngine({ contacts: [contact('c1')] });
    t.engine.publish('bot', 'bot-v1', exampleFlow('keyword-bot.chatbot.json'));
    t.engine.ingest(messageEvent('c1', 'hi'));
    t.engine.deliverInbound({ customerId: 'c1', kind: 'buttonClick', channel: 'line', payload: { optionId: 'news' } });
    t.engine.deliverInbound({ customerId: 'c1', kind: 'reply', channel: 'line', payload: { text: 'fast@example.com' } });
    await t.engine.idle();
    const runs = t.engine.runs({ flowId: 'bot' });
    expect(runs).toHaveLength(1);
    expect(runs[0]?.status).toBe('completed');
    expect((await t.contacts.get('c1'))?.attributes.newsletter_email).toBe('fast@example.com');
    await t.engine.stop();
  });

  it('times out a quick reply after the 1 h session expiry', async () => {
    const t = testEngine({ contacts: [contact('c1')] });
    t.engine.publish('bot', 'bot-v1', exampleFlow('keyword-bot.chatbot.json'));
    t.engine.ingest(messageEvent('c1', 'hi'));
    await t.engine.idle();
    await t.advance(HOUR);
    const [run] = t.engine.runs({ flowId: 'bot' });
    expect(run?.status).toBe('completed');
    expect(run?.exitReason).toBe('no_edge:c_menu:timeout');
    await t.engine.stop();
  });

  it('a new keyword match ends the previous session', async () => {
    const t = testEngine({ contacts: [contact('c1')] });
    t.engine.publish('bot', 'bot-v1', exampleFlow('keyword-bot.chatbot.json'));
    t.engine.ingest(messageEvent('c1', 'hi'));
    await t.engine.idle();
    // A quick-reply option consumes the reply: no keyword rule fires.
    t.engine.deliverInbound({ customerId: 'c1', kind: 'reply', channel: 'line', payload: { text: 'opening hours' } });
    await t.engine.idle();
    expect(t.engine.runs({ flowId: 'bot' })).toHaveLength(1);
    // Back to the menu, then a typed "agent" matches no option: freeText is unconnected, so the message
    // falls through to keyword matching, whose match ends this session and starts the hand-off.
    t.engine.deliverInbound({ customerId: 'c1', kind: 'buttonClick', channel: 'line', payload: { flowId: 'bot', nodeId: 'c_hours', buttonId: 'back' } });
    await t.engine.idle();
    const [first] = t.engine.runs({ flowId: 'bot' });
    expect(t.engine.runs({ flowId: 'bot' })).toHaveLength(2);
    expect(first?.status).toBe('completed');
    const menu = t.engine.runs({ flowId: 'bot' })[1]!;
    expect(menu).toMatchObject({ status: 'waiting', currentNodeId: 'c_menu' });
    t.engine.ingest(messageEvent('c1', 'agent'));
    await t.engine.idle();
    const runs = t.engine.runs({ flowId: 'bot' });
    expect(runs[1]).toMatchObject({ status: 'completed', exitReason: 'free_text' });
    expect(runs).toHaveLength(3);
    expect(runs[2]?.exitReason).toBe('handoff');
    await t.engine.stop();
  });
});

describe('example flow: abandoned cart at night (quiet hours 22:00–08:00, defer)', () => {
  it('defers the coupon to 08:00 team time, then sends it', async () => {
    // 13:30Z = 21:30 in Taipei: the hour's wait ends at 22:30, inside quiet hours.
    const t = testEngine({ contacts: [contact('c1')], clock: new ManualClock(new Date('2025-03-03T13:30:00Z')) });
    t.engine.publish('cart', 'cart-v1', exampleFlow('abandoned-cart.journey.json'));
    t.engine.ingest(tagEvent('c1', ['cart_abandoned']));
    await t.advance(HOUR);
    const [run] = t.engine.runs({ flowId: 'cart' });
    expect(run).toMatchObject({ status: 'waiting', currentNodeId: 'coupon' });
    expect(t.effects.delivered).toHaveLength(0);
    expect(t.engine.runTimeline(run!.id).steps.at(-1)?.explanation).toBe('Quiet hours: deferred until 2025-03-04T00:00:00.000Z');
    await t.advance(9 * HOUR + 29 * 60_000);
    expect(t.effects.delivered).toHaveLength(0);
    await t.advance(60_000);
    expect(t.engine.getRun(run!.id)?.status).toBe('completed');
    expect(t.effects.delivered.map((e) => e.nodeId)).toEqual(['coupon', 'capi']);
    await t.engine.stop();
  });
});

describe('example flow: new follower', () => {
  it('welcomes, waits a day, syncs to the CRM and tags the result', async () => {
    const t = testEngine({
      contacts: [contact('c1'), contact('c2')],
      answer: (e) => {
        if (e.kind !== 'http') return { ok: true, messageId: `m_${e.idempotencyKey}`, channel: 'line' as const };
        // The CRM knows c1 only.
        return e.customerId === 'c1' ? { ok: true, status: 200, headers: {}, body: '{"tier":"gold"}' } : { ok: true, status: 404, headers: {}, body: '' };
      },
    });
    t.engine.publish('follow', 'follow-v1', exampleFlow('new-follower.journey.json'));
    for (const id of ['c1', 'c2']) {
      t.engine.ingest({
        id: `created_${id}`,
        type: 'contact.created',
        occurredAt: '2025-03-03T02:00:00Z',
        customerId: id,
        channel: 'line',
        payload: {},
        dedupeKey: `created_${id}`,
      });
    }
    await t.engine.idle();
    expect(t.effects.of('send').map((e) => (e.payload.content as { text: string }).text)).toEqual([
      'Welcome aboard, Customer c1! 🎉',
      'Welcome aboard, Customer c2! 🎉',
    ]);
    await t.advance(24 * HOUR);
    const [r1, r2] = t.engine.runs({ flowId: 'follow' });
    expect(r1?.status).toBe('completed');
    expect(r2?.status).toBe('completed');
    const http = t.effects.of('http', r1!.id)[0]!;
    expect(http.payload).toMatchObject({ method: 'POST', url: 'https://crm.example.com/api/contacts', auth: { kind: 'bearer', secretRef: 'crm_token' } });
    expect((http.payload.headers as Record<string, string>)['Idempotency-Key']).toBe(`${r1!.id}:crm:3`);
    expect((await t.contacts.get('c1'))?.attributes.member_tier).toBe('gold');
    expect((await t.contacts.get('c1'))?.tags.map((x) => x.name)).toEqual(['crm_synced']);
    expect((await t.contacts.get('c2'))?.tags.map((x) => x.name)).toEqual(['crm_sync_failed']);
    expect(t.engine.nodeStats('follow', 'follow-v1').crm?.ports).toEqual({ success: 1, failure: 1 });
    await t.engine.stop();
  });
});
