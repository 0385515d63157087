import { describe, expect, it } from 'vitest';
import type { Effect } from '../effects.ts';
import { ChannelEffectHandler } from './handler.ts';

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

describe('ChannelEffectHandler', () => {
  it('answers channels and effects without an adapter with typed, non-retryable failures', async () => {
    const h = new ChannelEffectHandler({});
    expect(await h.deliver(effect('send', { channel: 'whatsapp' }))).toMatchObject({ ok: false, reason: 'channel_not_supported', retryable: false });
    expect(await h.deliver(effect('send', { channel: 'line' }))).toMatchObject({ ok: false, reason: 'channel_not_supported' });
    expect(await h.deliver(effect('capi', {}))).toMatchObject({ ok: false, reason: 'channel_not_configured', retryable: false });
    expect(await h.deliver(effect('http', {}))).toMatchObject({ ok: false, reason: 'blocked' });
  });
});
