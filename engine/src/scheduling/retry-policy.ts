import type { AnyNodeDefinition } from '@omniflow/nodes';
import type { EffectResult } from '../effects.ts';

// §9.2 retry policy per node: {maxAttempts, exponential back-off from `initialMs` doubling up to
// `maxMs`}, retrying only transient failures (network, 5xx, 429, platform rate limits: the adapters throw
// for those, or answer `retryable: true`). A send acknowledged as sent is a success and never retried.
// A node declares its policy in its config (`retry: {maxAttempts, initialMs?, maxMs?}`, or call-an-API's
// `retries` = extra attempts) or its catalogue entry (`retry`); otherwise the engine's defaults apply.

export interface RetryPolicy {
  maxAttempts: number;
  initialMs: number;
  maxMs: number;
}

const MAX_ATTEMPTS_CAP = 10;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function fromObject(v: unknown): Partial<RetryPolicy> | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const policy: Partial<RetryPolicy> = {};
  const maxAttempts = num(o.maxAttempts);
  const initialMs = num(o.initialMs) ?? num(o.initialDelayMs);
  const maxMs = num(o.maxMs) ?? num(o.maxDelayMs);
  if (maxAttempts !== undefined) policy.maxAttempts = maxAttempts;
  if (initialMs !== undefined) policy.initialMs = initialMs;
  if (maxMs !== undefined) policy.maxMs = maxMs;
  return policy;
}

/** The node's policy: its config wins over its catalogue entry, which wins over the engine's defaults. */
export function retryPolicyOf(
  def: AnyNodeDefinition | undefined,
  config: Readonly<Record<string, unknown>>,
  defaults: RetryPolicy,
): RetryPolicy & { source: string } {
  const declared = fromObject((def as { retry?: unknown } | undefined)?.retry);
  const configured = fromObject(config.retry) ?? (num(config.retries) !== undefined ? { maxAttempts: num(config.retries)! + 1 } : undefined);
  const merged = { ...defaults, ...declared, ...configured };
  return {
    maxAttempts: Math.max(1, Math.min(MAX_ATTEMPTS_CAP, Math.floor(merged.maxAttempts))),
    initialMs: Math.max(0, merged.initialMs),
    maxMs: Math.max(0, merged.maxMs),
    source: configured ? 'node config' : declared ? 'node type' : 'engine default',
  };
}

/** The wait before attempt `attempt + 1`, after attempt `attempt` failed (1-based). */
export function retryDelayMs(policy: Pick<RetryPolicy, 'initialMs' | 'maxMs'>, attempt: number): number {
  return Math.min(policy.initialMs * 2 ** (attempt - 1), policy.maxMs);
}

/**
 * How long the platform asked us to wait before the next attempt: `retryAfterMs` on a thrown error (call
 * an API's RetryableHttpError) or on a failed result (a channel adapter's 429 with a Retry-After header).
 */
export function retryAfterOf(result: EffectResult | undefined, error: unknown): number | undefined {
  const from = (v: unknown): number | undefined => {
    const ms = typeof v === 'object' && v !== null ? (v as { retryAfterMs?: unknown }).retryAfterMs : undefined;
    return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
  };
  return error !== undefined ? from(error) : result && !result.ok ? from(result) : undefined;
}

/** The wait before the next attempt: the back-off, but never sooner than the platform's Retry-After. */
export function nextRetryDelayMs(policy: Pick<RetryPolicy, 'initialMs' | 'maxMs'>, attempt: number, retryAfterMs: number | undefined): number {
  return Math.max(retryDelayMs(policy, attempt), retryAfterMs ?? 0);
}

/** Whether a delivery failed transiently: the handler threw, or answered a failure it calls retryable. */
export function transientFailure(result: EffectResult | undefined, error: unknown): boolean {
  if (error !== undefined) return true;
  return result !== undefined && !result.ok && 'retryable' in result && result.retryable === true;
}
