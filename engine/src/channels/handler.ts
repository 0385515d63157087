import type { Effect, EffectHandler, EffectResult } from '../effects.ts';
import type { CapiAdapter } from './capi.ts';
import { failure } from './common.ts';
import type { HttpExecutor } from './http-executor.ts';
import type { LineAdapter } from './line.ts';

// The EffectHandler the runtime is given: `send` effects go to the adapter of their `payload.channel`,
// `capi` to the Conversions API adapter, `http` to the Call-an-API executor. A channel without an adapter
// is a non-retryable `channel_not_supported` failure (the node takes its failed port).

/** Anything that delivers `send` effects for one channel (Messenger, Instagram, WhatsApp, web chat…). */
export interface SendAdapter {
  deliver(effect: Effect): Promise<EffectResult>;
}

export interface ChannelAdapters {
  line?: LineAdapter;
  messenger?: SendAdapter;
  instagram?: SendAdapter;
  whatsapp?: SendAdapter;
  webchat?: SendAdapter;
  capi?: CapiAdapter;
  http?: HttpExecutor;
}

const SEND_CHANNELS = ['line', 'messenger', 'instagram', 'whatsapp', 'webchat'] as const;
type SendChannel = (typeof SEND_CHANNELS)[number];
const isSendChannel = (c: unknown): c is SendChannel => typeof c === 'string' && (SEND_CHANNELS as readonly string[]).includes(c);

export class ChannelEffectHandler implements EffectHandler {
  constructor(private readonly adapters: ChannelAdapters) {}

  async deliver(effect: Effect): Promise<EffectResult> {
    switch (effect.kind) {
      case 'send': {
        const channel = effect.payload.channel;
        const adapter: SendAdapter | undefined = isSendChannel(channel) ? this.adapters[channel] : undefined;
        if (adapter) return adapter.deliver(effect);
        return failure('channel_not_supported', `No adapter for channel ${String(channel)} yet`, false);
      }
      case 'capi':
        if (this.adapters.capi) return this.adapters.capi.deliver(effect);
        return failure('channel_not_configured', 'The Conversions API is not configured', false);
      case 'http':
        if (this.adapters.http) return this.adapters.http.deliver(effect);
        return { ok: false, reason: 'blocked', message: 'Call an API is not configured' };
    }
  }
}
