import type { SendResult } from '@omniflow/nodes';

// External effects (messages, HTTP calls, CAPI events) leave the engine through an EffectHandler. The
// engine records each one in its outbox first, then hands it to the handler at least once with the same
// idempotency key; channel adapters pass that key on (LINE X-Line-Retry-Key, CAPI event_id,
// Idempotency-Key), so a receiver that dedupes by it sees every effect exactly once.

export type EffectKind = 'send' | 'http' | 'capi';

export interface Effect {
  /** runId:nodeId:stepSeq:callIndex — stable across retries, redeliveries and process restarts. */
  idempotencyKey: string;
  kind: EffectKind;
  runId: string;
  flowId: string;
  customerId: string;
  nodeId: string;
  payload: Readonly<Record<string, unknown>>;
  /** 1 on the first delivery attempt. */
  attempt: number;
}

export type HttpResult =
  | { ok: true; status: number; headers: Record<string, string>; body: string }
  | { ok: false; reason: 'timeout' | 'network' | 'blocked'; message: string };

/** What the node's `ctx.send` / `ctx.http` / `ctx.capi.sendEvent` call returns once delivered. */
export type EffectResult = SendResult | HttpResult;

/**
 * Delivers effects. Throwing (or returning a retryable failed SendResult) makes the dispatcher retry with
 * back-off; the last answer after `maxAttempts` is what the node sees.
 */
export interface EffectHandler {
  deliver(effect: Effect): Promise<EffectResult>;
}

/** A handler for tests and the simulator: records every delivery and answers `sent`. */
export class RecordingEffectHandler implements EffectHandler {
  readonly delivered: Effect[] = [];
  constructor(private readonly answer: (effect: Effect) => EffectResult | Promise<EffectResult> = defaultAnswer) {}
  async deliver(effect: Effect): Promise<EffectResult> {
    this.delivered.push(effect);
    return this.answer(effect);
  }
  /** Deliveries of one kind, optionally for one run. */
  of(kind: EffectKind, runId?: string): Effect[] {
    return this.delivered.filter((e) => e.kind === kind && (runId === undefined || e.runId === runId));
  }
}

function defaultAnswer(effect: Effect): EffectResult {
  if (effect.kind === 'http') return { ok: true, status: 200, headers: {}, body: '{}' };
  const channel = (effect.payload.channel as SendResult extends { channel: infer C } ? C : never) ?? 'line';
  return { ok: true, messageId: `msg_${effect.idempotencyKey}`, channel };
}
