import { describe, expect, it } from 'vitest';
import { decideMetaSend, decideWhatsAppSend, HUMAN_AGENT_WINDOW_MS, messagingWindow, STANDARD_WINDOW_MS } from './window.ts';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const H = 3_600_000;

describe('messagingWindow', () => {
  it('is open for 24 hours after the last inbound message, inclusive', () => {
    expect(messagingWindow('messenger', ago(STANDARD_WINDOW_MS), NOW).state).toBe('open');
    expect(messagingWindow('messenger', ago(STANDARD_WINDOW_MS + 1), NOW).state).toBe('tag_only');
    expect(messagingWindow('whatsapp', ago(23 * H), NOW)).toMatchObject({ state: 'open', openUntil: new Date(NOW + H) });
  });
  it('after 24 h: WhatsApp needs a template, Instagram has HUMAN_AGENT for 7 days then closes', () => {
    expect(messagingWindow('whatsapp', ago(25 * H), NOW).state).toBe('template_only');
    expect(messagingWindow('whatsapp', undefined, NOW).state).toBe('template_only');
    expect(messagingWindow('instagram', ago(3 * 24 * H), NOW).state).toBe('tag_only');
    expect(messagingWindow('instagram', ago(HUMAN_AGENT_WINDOW_MS + 1), NOW).state).toBe('closed');
    expect(messagingWindow('instagram', undefined, NOW).state).toBe('closed');
  });
});

describe('decideMetaSend', () => {
  it('inside the window: RESPONSE for bot answers, UPDATE otherwise, no tag', () => {
    expect(decideMetaSend({ platform: 'messenger', lastInboundAt: ago(H), now: NOW, purpose: 'conversational', tag: 'HUMAN_AGENT' })).toEqual({
      messagingType: 'RESPONSE',
    });
    expect(decideMetaSend({ platform: 'instagram', lastInboundAt: ago(H), now: NOW, purpose: 'marketing' })).toEqual({ messagingType: 'UPDATE' });
  });
  it('outside the window without a tag: window_closed, not retryable', () => {
    expect(decideMetaSend({ platform: 'messenger', lastInboundAt: ago(30 * H), now: NOW })).toMatchObject({
      ok: false,
      reason: 'window_closed',
      retryable: false,
    });
    expect(decideMetaSend({ platform: 'messenger', lastInboundAt: undefined, now: NOW, tag: 'none' })).toMatchObject({ reason: 'window_closed' });
  });
  it('outside the window with HUMAN_AGENT: MESSAGE_TAG within 7 days, closed after', () => {
    expect(decideMetaSend({ platform: 'instagram', lastInboundAt: ago(6 * 24 * H), now: NOW, tag: 'HUMAN_AGENT' })).toEqual({
      messagingType: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
    });
    expect(decideMetaSend({ platform: 'messenger', lastInboundAt: ago(8 * 24 * H), now: NOW, tag: 'HUMAN_AGENT' })).toMatchObject({
      reason: 'window_closed',
    });
  });
  it('the three deprecated tags work on Messenger before 27 April 2026 only, never on Instagram', () => {
    const before = Date.parse('2026-03-01T00:00:00Z');
    expect(decideMetaSend({ platform: 'messenger', lastInboundAt: undefined, now: before, tag: 'POST_PURCHASE_UPDATE' })).toEqual({
      messagingType: 'MESSAGE_TAG',
      tag: 'POST_PURCHASE_UPDATE',
    });
    const after = decideMetaSend({ platform: 'messenger', lastInboundAt: undefined, now: NOW, tag: 'POST_PURCHASE_UPDATE' });
    expect(after).toMatchObject({ reason: 'window_closed' });
    expect('message' in after && after.message).toContain('27 April 2026');
    expect(decideMetaSend({ platform: 'instagram', lastInboundAt: before - 30 * H, now: before, tag: 'ACCOUNT_UPDATE' })).toMatchObject({
      reason: 'window_closed',
    });
  });
});

describe('decideWhatsAppSend', () => {
  it('session messages inside 24 h, templates any time, else window_closed', () => {
    expect(decideWhatsAppSend({ lastInboundAt: ago(H), now: NOW, isTemplate: false })).toEqual({ ok: true });
    expect(decideWhatsAppSend({ lastInboundAt: ago(25 * H), now: NOW, isTemplate: true })).toEqual({ ok: true });
    expect(decideWhatsAppSend({ lastInboundAt: ago(25 * H), now: NOW, isTemplate: false })).toMatchObject({
      ok: false,
      reason: 'window_closed',
      retryable: false,
    });
  });
});
