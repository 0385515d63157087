import { describe, expect, it } from 'vitest';
import { graphemes, UUID_RE, uuidFromKey } from './common.ts';
import { LineWebhookError, lineResult, lineSignature, lineTriggerEvent, MemoryReplyTokenStore, parseLineWebhook, verifyLineSignature } from './line.ts';
import { parsePostbackData, postbackData, toLineMessages } from './line-messages.ts';

const REF = { flowId: 'flow_1', nodeId: 'card_1' };

describe('retry key', () => {
  it('is a deterministic UUID (version 8, RFC variant) per idempotency key', () => {
    const a = uuidFromKey('run_1:coupon:3:0');
    expect(a).toMatch(UUID_RE);
    expect(a[14]).toBe('8');
    expect(['8', '9', 'a', 'b']).toContain(a[19]);
    expect(uuidFromKey('run_1:coupon:3:0')).toBe(a);
    expect(uuidFromKey('run_1:coupon:3:1')).not.toBe(a);
  });
});

describe('LINE messages', () => {
  it('plain text', () => {
    expect(toLineMessages('message.text', { text: 'Hi', buttons: [] }, REF)).toEqual([{ type: 'text', text: 'Hi' }]);
  });

  it('text with buttons becomes a buttons template with postback data carrying the button id', () => {
    const m = toLineMessages(
      'message.text',
      {
        text: 'Pick one',
        buttons: [
          { id: 'b1', label: 'Menu', action: { kind: 'module', tags: [] } },
          { id: 'b2', label: 'Site', action: { kind: 'url', url: 'https://example.com' } },
        ],
      },
      REF,
    );
    expect(Array.isArray(m)).toBe(true);
    const t = (m as unknown as { template: { actions: { type: string; data?: string; uri?: string }[] } }[])[0]!.template;
    expect(t.actions[0]).toMatchObject({ type: 'postback', label: 'Menu', displayText: 'Menu' });
    expect(parsePostbackData(t.actions[0]!.data!)).toEqual({ flowId: 'flow_1', nodeId: 'card_1', buttonId: 'b1' });
    expect(t.actions[1]).toEqual({ type: 'uri', label: 'Site', uri: 'https://example.com' });
  });

  it('rejects over-limit content with a typed, non-retryable failure', () => {
    const long = toLineMessages('message.text', { text: 'x'.repeat(5001), buttons: [] }, REF);
    expect(long).toMatchObject({ ok: false, reason: 'invalid_message', retryable: false });
    const buttons = Array.from({ length: 5 }, (_, i) => ({ id: `b${i}`, label: `B${i}`, action: { kind: 'module' } }));
    expect(toLineMessages('message.text', { text: 'x', buttons }, REF)).toMatchObject({ reason: 'invalid_message' });
    expect(toLineMessages('message.text', { text: 'x'.repeat(161), buttons: buttons.slice(0, 1) }, REF)).toMatchObject({ reason: 'invalid_message' });
    // 20 graphemes is fine even when it is more UTF-16 units (emoji).
    expect(graphemes('👍🏽'.repeat(20))).toBe(20);
    expect(
      Array.isArray(toLineMessages('message.text', { text: 'x', buttons: [{ id: 'a', label: '👍🏽'.repeat(20), action: { kind: 'module' } }] }, REF)),
    ).toBe(true);
  });

  it('quick replies: up to 13 postback items', () => {
    const options = Array.from({ length: 13 }, (_, i) => ({ id: `o${i}`, label: `Option ${i}` }));
    const m = toLineMessages('message.quick_reply', { title: 'How did we do?', options }, REF) as { quickReply: { items: unknown[] } }[];
    expect(m[0]!.quickReply.items).toHaveLength(13);
    expect(toLineMessages('message.quick_reply', { title: 'x', options: [...options, { id: 'o13', label: 'more' }] }, REF)).toMatchObject({
      reason: 'invalid_message',
    });
  });

  it('Flex: validated with the shared validator', () => {
    const contents = { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'Hello' }] } };
    expect(toLineMessages('message.line_flex', { altText: 'Hello', contents }, REF)).toEqual([{ type: 'flex', altText: 'Hello', contents }]);
    const bad = toLineMessages('message.line_flex', { altText: 'x', contents: { type: 'bubble', body: { type: 'text', text: 'no box' } } }, REF);
    expect(bad).toMatchObject({ ok: false, reason: 'invalid_message' });
    expect(toLineMessages('message.line_flex', { altText: '', contents }, REF)).toMatchObject({ reason: 'invalid_message' });
  });

  it('carousel template: same number of actions per column', () => {
    const col = (id: string, n: number) => ({
      id,
      imageUrl: 'https://example.com/a.png',
      title: `T${id}`,
      subtitle: 'Sub',
      buttons: Array.from({ length: n }, (_, i) => ({ id: `${id}b${i}`, label: 'Buy', action: { kind: 'module' } })),
    });
    const m = toLineMessages('message.carousel', { imageAspectRatio: 'square', columns: [col('a', 2), col('b', 2)] }, REF) as unknown as {
      template: { type: string; columns: unknown[]; imageAspectRatio: string };
    }[];
    expect(m[0]!.template).toMatchObject({ type: 'carousel', imageAspectRatio: 'square' });
    expect(m[0]!.template.columns).toHaveLength(2);
    expect(toLineMessages('message.carousel', { columns: [col('a', 2), col('b', 1)] }, REF)).toMatchObject({ reason: 'invalid_message' });
  });

  it('unsupported content is a typed failure', () => {
    expect(toLineMessages('message.send', { kind: 'whatsapp_template' }, REF)).toMatchObject({ reason: 'unsupported_content', retryable: false });
    expect(toLineMessages('message.file', {}, REF)).toMatchObject({ reason: 'unsupported_content' });
  });

  it('postback data round-trips and stays within 300 chars for ordinary ids', () => {
    const d = postbackData({ flowId: 'f&1', nodeId: 'n=2' }, 'b 3');
    expect(parsePostbackData(d)).toEqual({ flowId: 'f&1', nodeId: 'n=2', buttonId: 'b 3' });
    expect(parsePostbackData('action=buy&itemid=1')).toEqual({});
  });
});

describe('LINE responses (PLATFORMS §1.1)', () => {
  const h = (o: Record<string, string> = {}) => new Headers(o);
  it('200 → sent with the message id', () => {
    expect(lineResult(200, h(), { sentMessages: [{ id: '4711' }] })).toEqual({ ok: true, messageId: '4711', channel: 'line' });
  });
  it('409 with x-line-accepted-request-id → already accepted = success', () => {
    expect(lineResult(409, h({ 'x-line-accepted-request-id': 'req-1' }), { message: 'The retry key is already accepted' })).toMatchObject({ ok: true });
    expect(lineResult(409, h(), { message: 'Conflict' })).toMatchObject({ ok: false, retryable: false });
  });
  it('a 429 with a Retry-After header carries it for the runtime; without one it carries none', () => {
    expect(lineResult(429, h({ 'retry-after': '7' }), { message: 'rate limit' })).toMatchObject({ reason: 'rate_limited', retryAfterMs: 7000 });
    expect(lineResult(429, h(), { message: 'rate limit' })).not.toHaveProperty('retryAfterMs');
  });
  it('429 and 5xx are retryable; 400/401/403 are not and carry LINE’s message', () => {
    expect(lineResult(429, h(), { message: 'The API rate limit has been exceeded. Try again later.' })).toMatchObject({
      ok: false,
      reason: 'rate_limited',
      retryable: true,
    });
    expect(lineResult(500, h(), {})).toMatchObject({ reason: 'server_error', retryable: true });
    expect(
      lineResult(400, h(), { message: 'The request body has 1 error(s)', details: [{ message: 'May not be empty', property: 'messages[0].text' }] }),
    ).toEqual({
      ok: false,
      reason: 'bad_request',
      retryable: false,
      status: 400,
      message: 'The request body has 1 error(s); messages[0].text May not be empty',
    });
    expect(lineResult(401, h(), { message: 'Authentication failed' })).toMatchObject({ reason: 'unauthorized', retryable: false });
    expect(lineResult(403, h(), { message: 'Not authorized' })).toMatchObject({ reason: 'forbidden', retryable: false });
  });
});

describe('LINE webhook', () => {
  const SECRET = '8c570fa6dd201bb328f1c1eac23a96d8';
  const BODY = '{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}';

  it('verifies the worked example of PLATFORMS §1.4', () => {
    expect(lineSignature(BODY, SECRET)).toBe('GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=');
    expect(verifyLineSignature(BODY, 'GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=', SECRET)).toBe(true);
    expect(verifyLineSignature(Buffer.from(BODY), 'GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=', SECRET)).toBe(true);
    expect(verifyLineSignature(`${BODY} `, 'GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=', SECRET)).toBe(false);
    expect(verifyLineSignature(BODY, 'GhRK', SECRET)).toBe(false);
    expect(verifyLineSignature(BODY, undefined, SECRET)).toBe(false);
    expect(parseLineWebhook(BODY, { 'X-Line-Signature': 'GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=' }, SECRET)).toEqual({
      destination: 'U8e742f61d673b39c7fff3cecb7536ef0',
      events: [],
      ignored: 0,
    });
  });

  it('rejects forged, unsigned and malformed bodies with typed errors', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof LineWebhookError ? e.code : 'other';
      }
      return 'none';
    };
    expect(code(() => parseLineWebhook(BODY, {}, SECRET))).toBe('missing_signature');
    expect(code(() => parseLineWebhook(BODY, { 'x-line-signature': lineSignature(BODY, 'wrong') }, SECRET))).toBe('bad_signature');
    const notJson = 'nope';
    expect(code(() => parseLineWebhook(notJson, { 'x-line-signature': lineSignature(notJson, SECRET) }, SECRET))).toBe('malformed');
    const noId = JSON.stringify({ destination: 'U1', events: [{ type: 'follow', timestamp: 1 }] });
    expect(code(() => parseLineWebhook(noId, { 'x-line-signature': lineSignature(noId, SECRET) }, SECRET))).toBe('malformed');
  });

  it('parses follow, unfollow, message and postback into trigger events keyed by webhookEventId', () => {
    const user = 'U4af4980629e7c7d1e0d1b1e0e0e0e0e0';
    const common = { timestamp: 1_700_000_000_000, mode: 'active', source: { type: 'user', userId: user }, deliveryContext: { isRedelivery: false } };
    const body = JSON.stringify({
      destination: 'Uxxxxxxxx',
      events: [
        { ...common, type: 'follow', webhookEventId: '01HF1', replyToken: 'rt1', follow: { isUnblocked: true } },
        { ...common, type: 'unfollow', webhookEventId: '01HF2' },
        { ...common, type: 'message', webhookEventId: '01HF3', replyToken: 'rt3', message: { id: 'm1', type: 'text', text: 'hello', quoteToken: 'q' } },
        { ...common, type: 'postback', webhookEventId: '01HF4', replyToken: 'rt4', postback: { data: postbackData(REF, 'b1') } },
        { ...common, type: 'join', webhookEventId: '01HF5' },
      ],
    });
    const parsed = parseLineWebhook(body, { 'x-line-signature': lineSignature(body, SECRET) }, SECRET);
    expect(parsed.ignored).toBe(1);
    const triggers = parsed.events.map((e) => lineTriggerEvent(e, 'cust_1', 'ch_line'));
    expect(triggers.map((t) => [t.type, t.id, t.dedupeKey])).toEqual([
      ['contact.followed', 'line:01HF1', 'line:01HF1'],
      ['contact.unfollowed', 'line:01HF2', 'line:01HF2'],
      ['message.received', 'line:01HF3', 'line:01HF3'],
      ['postback.received', 'line:01HF4', 'line:01HF4'],
    ]);
    expect(triggers[2]!.payload).toMatchObject({ text: 'hello', messageId: 'm1' });
    expect(triggers[3]!.payload).toMatchObject({ buttonId: 'b1', flowId: 'flow_1', nodeId: 'card_1' });
    expect(triggers[0]!.occurredAt).toBe(new Date(1_700_000_000_000).toISOString());
  });
});

describe('reply tokens', () => {
  it('are single-use and expire', () => {
    const s = new MemoryReplyTokenStore(50_000);
    s.put('ch', 'U1', 'tok', 1000);
    expect(s.take('ch', 'U1', 2000)).toBe('tok');
    expect(s.take('ch', 'U1', 2000)).toBeUndefined();
    s.put('ch', 'U1', 'tok2', 1000);
    expect(s.take('ch', 'U1', 1000 + 60_000)).toBeUndefined();
  });
});
