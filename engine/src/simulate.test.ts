import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.ts';
import { simulate } from './simulate.ts';
import { contact, exampleFlow } from './testing/fixtures.ts';

describe('simulate', () => {
  it('runs the abandoned-cart journey on a virtual clock and explains each step', async () => {
    const clock = new ManualClock(new Date('2025-03-03T02:00:00Z'));
    const result = await simulate(exampleFlow('abandoned-cart.journey.json'), { contact: contact('sim'), clock });
    expect(result.run?.status).toBe('completed');
    expect(result.endedAt.toISOString()).toBe('2025-03-03T03:00:00.000Z');
    expect(result.steps.map((s) => s.nodeId)).toEqual(['wait_1h', 'wait_1h', 'bought_yet', 'coupon', 'capi', 'finish']);
    expect(result.steps.every((s) => s.explanation)).toBe(true);
    expect(result.effects.map((e) => e.kind)).toEqual(['send', 'capi']);
  });

  it('starts at a chosen node and answers input waits from a script', async () => {
    const result = await simulate(exampleFlow('keyword-bot.chatbot.json'), {
      contact: contact('sim'),
      startNodeId: 'c_email',
      inputs: [{ kind: 'reply', payload: { text: 'sim@example.com' } }],
    });
    expect(result.run?.status).toBe('completed');
    expect(result.contact?.attributes.newsletter_email).toBe('sim@example.com');
    expect(result.steps.map((s) => s.nodeId)).toEqual(['c_email', 'c_email', 'c_vip', 'c_thanks']);
  });

  it('stops fast-forwarding at the horizon', async () => {
    const clock = new ManualClock(new Date('2025-03-03T02:00:00Z'));
    const result = await simulate(exampleFlow('new-follower.journey.json'), { contact: contact('sim'), clock, until: new Date('2025-03-03T12:00:00Z') });
    expect(result.run?.status).toBe('waiting');
    expect(result.run?.currentNodeId).toBe('wait_1d');
  });
});
