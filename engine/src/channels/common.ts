import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SendResult } from '@omniflow/nodes';

// Pieces the channel adapters share: typed failures, the deterministic UUID for retry keys, JSON over
// fetch with a deadline, grapheme counting and secret redaction.

export type FailureReason =
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'network'
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'rejected'
  | 'invalid_message'
  | 'unsupported_content'
  | 'no_contact_on_channel'
  | 'window_closed'
  | 'no_identity'
  | 'channel_not_configured'
  | 'channel_not_supported';

export type ChannelFailure = Extract<SendResult, { ok: false }> & {
  reason: FailureReason;
  status?: number;
  /** A rate-limit answer's Retry-After: the runtime waits at least this long before the next attempt. */
  retryAfterMs?: number;
};

export function failure(reason: FailureReason, message: string, retryable: boolean, status?: number): ChannelFailure {
  return { ok: false, reason, message, retryable, ...(status !== undefined ? { status } : {}) };
}

/**
 * A UUID derived from an idempotency key: the first 16 bytes of SHA-256(namespace + key) with the version
 * nibble set to 8 (RFC 9562 custom UUID) and the RFC variant bits. The same key always gives the same UUID.
 */
export function uuidFromKey(key: string, namespace = 'omniflow'): string {
  const b = createHash('sha256').update(`${namespace}\u0000${key}`).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** Grapheme clusters (LINE counts labels and template texts this way, PLATFORMS §1.2). */
export function graphemes(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/** Replaces every occurrence of each secret (at least 4 chars) with [REDACTED]. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[REDACTED]');
  return out;
}

/** Constant-time comparison of two byte strings (false on different lengths, without early exit on content). */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

export function hmacSha256(key: string | Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** POSTs JSON with a deadline. Throws `TimeoutError` (name) on the deadline, other errors on network failure. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs: number,
  fetchImpl: typeof fetch = fetch,
): Promise<JsonResponse> {
  const res = await fetchImpl(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error',
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export function isTimeout(e: unknown): boolean {
  return e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    return cause instanceof Error ? `${e.message}: ${cause.message}` : e.message;
  }
  return String(e);
}
