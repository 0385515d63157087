import type { Effect, EffectHandler, EffectResult } from '@omniflow/engine';

/**
 * Routes `send` effects for channel "webchat" to the web chat hub and everything else to `inner`: for
 * servers whose effects are given whole (tests' `effects` option) rather than composed from channel
 * connections (where the hub is the connections' `webchat` send adapter).
 */
export function withWebChat(webchat: EffectHandler, inner: EffectHandler): EffectHandler {
  return {
    deliver(effect: Effect): Promise<EffectResult> {
      if (effect.kind === 'send' && effect.payload.channel === 'webchat') return webchat.deliver(effect);
      return inner.deliver(effect);
    },
  };
}
