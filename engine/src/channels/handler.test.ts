import { describe, expect, it } from 'vitest';
import type { Effect } from '../effects.ts';
import { ChannelEffectHandler, type SendAdapter } from './handler.ts';

const effect = (kind: Effect['kind'], payload: Record<string, unknown>): Effect => ({
  idempotencyKey: 'r:n:1:0',
  kind,
  runId: 'r',
  flowId: 'f',
  customerId: 'c',
  nodeId: 'n',
  attempt: 1,
  payload,
});

const recording = (channel: 'messenger' | 'instagram' | 'whatsapp' | 'webchat', seen: string[]): SendAdapter => ({
  async deliver(e) {
    seen.push(`${channel}:${String(e.payload.channel)}`);
    return { ok: true, messageId: `${channel}-1`, channel };
  },
});

describe('ChannelEffectHandler', () => {
  it('answers channels and effects without an adapter with typed, non-retryable failures', async () => {
    const h = new ChannelEffectHandler({});
    expect(await h.deliver(effect('send', { channel: 'whatsapp' }))).toMatchObject({ ok: false, reason: 'channel_not_supported', retryable: false });
    expect(await h.deliver(effect('send', { channel: 'line' }))).toMatchObject({ ok: false, reason: 'channel_not_supported' });
    expect(await h.deliver(effect('send', {}))).toMatchObject({ ok: false, reason: 'channel_not_supported', retryable: false });
    expect(await h.deliver(effect('send', { channel: 'toString' }))).toMatchObject({ ok: false, reason: 'channel_not_supported' });
    expect(await h.deliver(effect('capi', {}))).toMatchObject({ ok: false, reason: 'channel_not_configured', retryable: false });
    expect(await h.deliver(effect('http', {}))).toMatchObject({ ok: false, reason: 'blocked' });
  });

  it('routes send effects by payload.channel to the matching adapter', async () => {
    const seen: string[] = [];
    const h = new ChannelEffectHandler({
      messenger: recording('messenger', seen),
      instagram: recording('instagram', seen),
      whatsapp: recording('whatsapp', seen),
      webchat: recording('webchat', seen),
    });
    for (const c of ['messenger', 'instagram', 'whatsapp', 'webchat']) {
      expect(await h.deliver(effect('send', { channel: c }))).toMatchObject({ ok: true, channel: c });
    }
    expect(seen).toEqual(['messenger:messenger', 'instagram:instagram', 'whatsapp:whatsapp', 'webchat:webchat']);
    expect(await h.deliver(effect('send', { channel: 'line' }))).toMatchObject({ ok: false, reason: 'channel_not_supported' });
  });
});
