import { describe, expect, it } from 'vitest';
import { graphFailure } from './meta-common.ts';
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

describe('graphFailure', () => {
  it('maps Meta error bodies to typed failures with the right retry flag', () => {
    const body = (code: number, message: string, error_subcode?: number) => ({
      error: { message, type: 'OAuthException', code, error_subcode, fbtrace_id: 'AbC' },
    });
    expect(graphFailure(400, body(10, '(#10) This message is sent outside of allowed window. Learn more…'), [])).toMatchObject({
      reason: 'window_closed',
      retryable: false,
    });
    expect(graphFailure(400, body(10, 'x', 2018278), [])).toMatchObject({ reason: 'window_closed' });
    expect(graphFailure(403, body(10, '(#10) Requires pages_messaging permission'), [])).toMatchObject({ reason: 'forbidden', retryable: false });
    expect(graphFailure(400, body(613, 'Calls to this api have exceeded the rate limit.'), [])).toMatchObject({ reason: 'rate_limited', retryable: true });
    for (const code of [4, 17, 32, 80006, 130429, 131056])
      expect(graphFailure(400, body(code, 'limit'), [])).toMatchObject({ reason: 'rate_limited', retryable: true });
    expect(graphFailure(429, undefined, [])).toMatchObject({ reason: 'rate_limited', retryable: true, message: 'HTTP 429' });
    expect(graphFailure(503, 'not json', [])).toMatchObject({ reason: 'server_error', retryable: true });
    expect(graphFailure(400, body(2, 'Service temporarily unavailable'), [])).toMatchObject({ reason: 'server_error', retryable: true });
    expect(graphFailure(400, body(190, 'Invalid OAuth access token EAAG-secret'), ['EAAG-secret'])).toMatchObject({
      reason: 'unauthorized',
      retryable: false,
      message: 'Invalid OAuth access token [REDACTED] (code 190) [fbtrace_id AbC]',
    });
    expect(graphFailure(400, body(551, "This person isn't available right now."), [])).toMatchObject({ reason: 'rejected', retryable: false });
    expect(graphFailure(400, body(131047, 'Re-engagement message'), [])).toMatchObject({ reason: 'window_closed', retryable: false });
    expect(graphFailure(400, body(100, '(#100) Invalid parameter'), [])).toMatchObject({ reason: 'bad_request', retryable: false });
  });
});
