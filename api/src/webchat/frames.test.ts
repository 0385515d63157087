import { describe, expect, it } from 'vitest';
import { KeyedRateLimiter, parseClientFrame, RateLimiter, readFrame } from './frames.ts';

describe('client frames', () => {
  const limits = { maxFrameBytes: 200 };

  it('parses every frame of the protocol', () => {
    expect(parseClientFrame('{"type":"hello","visitorId":"v_1"}', limits)).toEqual({ type: 'hello', visitorId: 'v_1' });
    expect(parseClientFrame('{"type":"received","messageIds":["wcm_1"]}', limits)).toEqual({ type: 'received', messageIds: ['wcm_1'] });
    expect(parseClientFrame('{"type":"fastForward","minutes":90}', limits)).toEqual({ type: 'fastForward', minutes: 90 });
  });

  it('names what is wrong: size, JSON, the field', () => {
    expect(parseClientFrame(`{"type":"text","text":"${'x'.repeat(300)}"}`, limits)).toMatchObject({ type: 'error', code: 'frame_too_large' });
    expect(parseClientFrame('{"type":', limits)).toMatchObject({ code: 'invalid_json' });
    expect(parseClientFrame('{"type":"text","text":"","clientMessageId":"a"}', limits)).toMatchObject({ code: 'invalid_frame', field: 'text' });
    expect(parseClientFrame('{"type":"postback","payload":"p","clientMessageId":"a"}', limits)).toMatchObject({ code: 'invalid_frame', field: 'label' });
    expect(parseClientFrame('{"type":"fastForward","minutes":0}', limits)).toMatchObject({ code: 'invalid_frame', field: 'minutes' });
    expect(parseClientFrame('[]', limits)).toMatchObject({ code: 'invalid_frame' });
    expect(readFrame(Buffer.from('{"type":"restart"}'), true, limits)).toMatchObject({ code: 'binary_frame' });
  });
});

describe('rate limits', () => {
  it('allows `limit` per window, then again once the window has passed', () => {
    let now = 0;
    const limiter = new RateLimiter(3, 1000, () => now);
    expect([limiter.take(), limiter.take(), limiter.take(), limiter.take()]).toEqual([true, true, true, false]);
    now = 1000;
    expect(limiter.take()).toBe(true);
  });

  it('counts each key apart', () => {
    const now = 0;
    const limiter = new KeyedRateLimiter(1, 60_000, () => now);
    expect(limiter.take('10.0.0.1')).toBe(true);
    expect(limiter.take('10.0.0.1')).toBe(false);
    expect(limiter.take('10.0.0.2')).toBe(true);
  });
});
