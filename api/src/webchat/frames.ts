import { WebChatClientFrame, type WebChatServerFrame } from '@omniflow/schemas';
import type { WebSocket } from 'ws';
import type { WebChatConnection } from './hub.ts';

// Reading client frames safely (size, rate, JSON, schema: each refusal is a typed `error` frame naming
// the field, and the socket stays open) and writing server frames to a ws socket.

export interface FrameLimits {
  /** Largest frame accepted, in bytes; bigger ones are refused with an error frame. */
  maxFrameBytes: number;
  /** Frames per window per socket. */
  rateLimit: number;
  rateWindowMs: number;
}

export const DEFAULT_FRAME_LIMITS: FrameLimits = { maxFrameBytes: 16 * 1024, rateLimit: 30, rateWindowMs: 10_000 };

export type FrameError = Extract<WebChatServerFrame, { type: 'error' }>;

/** A sliding-window counter per socket. */
export class RateLimiter {
  #stamps: number[] = [];
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}
  take(): boolean {
    const now = this.now();
    this.#stamps = this.#stamps.filter((t) => now - t < this.windowMs);
    if (this.#stamps.length >= this.limit) return false;
    this.#stamps.push(now);
    return true;
  }
}

/** One sliding window per key (an ip address), forgetting keys that went quiet. */
export class KeyedRateLimiter {
  readonly #limiters = new Map<string, { limiter: RateLimiter; last: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}
  take(key: string): boolean {
    const now = this.now();
    if (this.#limiters.size > 10_000) for (const [k, v] of this.#limiters) if (now - v.last > this.windowMs) this.#limiters.delete(k);
    let entry = this.#limiters.get(key);
    if (!entry) {
      entry = { limiter: new RateLimiter(this.limit, this.windowMs, this.now), last: now };
      this.#limiters.set(key, entry);
    }
    entry.last = now;
    return entry.limiter.take();
  }
}

/** Parses one raw frame, or says exactly what is wrong with it. */
export function parseClientFrame(raw: Buffer | string, limits: Pick<FrameLimits, 'maxFrameBytes'>): WebChatClientFrame | FrameError {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  if (size > limits.maxFrameBytes) {
    return { type: 'error', code: 'frame_too_large', message: `A frame may be at most ${limits.maxFrameBytes} bytes; this one is ${size}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return { type: 'error', code: 'invalid_json', message: 'The frame is not JSON' };
  }
  const parsed = WebChatClientFrame.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'type';
  return { type: 'error', code: 'invalid_frame', message: `${field}: ${issue?.message ?? 'invalid'}`, field };
}

/** A frame as ws hands it over: binary frames are refused (the protocol is JSON text). */
export function readFrame(raw: Buffer, isBinary: boolean, limits: Pick<FrameLimits, 'maxFrameBytes'>): WebChatClientFrame | FrameError {
  if (isBinary) return { type: 'error', code: 'binary_frame', message: 'Frames are JSON text' };
  return parseClientFrame(raw, limits);
}

export const isFrameError = (f: WebChatClientFrame | FrameError): f is FrameError => f.type === 'error';

/** A ws socket as a WebChatConnection: resolves once the frame is handed to the socket, rejects if it is closed. */
export function wsConnection(socket: WebSocket): WebChatConnection {
  return {
    send: (frame) =>
      new Promise<void>((resolve, reject) => {
        if (socket.readyState !== socket.OPEN) {
          reject(new Error('socket closed'));
          return;
        }
        socket.send(JSON.stringify(frame), (err) => (err ? reject(err) : resolve()));
      }),
    close: (code, reason) => socket.close(code, reason),
  };
}
