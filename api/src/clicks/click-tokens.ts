import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

// Click tracking tokens (§7 click rate): a link a card opens is sent as `<publicUrl>/r/<token>`, where the
// token carries the original URL and the send it belongs to (run, flow, node, contact), signed with a key
// derived from the server's secret key. Nothing is stored at send time and nothing can be forged: a token
// the server did not sign is unknown (404), so the redirect can never be pointed at another site.

export const ClickTarget = z.object({
  url: z.url({ protocol: /^https?$/ }).max(4000),
  runId: z.string().min(1).max(200),
  flowId: z.string().min(1).max(200),
  nodeId: z.string().min(1).max(200),
  customerId: z.string().min(1).max(200),
});
export type ClickTarget = z.infer<typeof ClickTarget>;

/** Wire form: short keys keep the token (and so the link LINE limits to 1000 characters) small. */
const Wire = z.object({ u: z.string(), r: z.string(), f: z.string(), n: z.string(), c: z.string() });

const SIGNATURE_BYTES = 16;

export class ClickTokenError extends Error {
  override readonly name = 'ClickTokenError';
}

export class ClickTokens {
  readonly #key: Buffer;
  /** `secretKey`: the server's 32-byte secret key; a purpose-bound key is derived from it. */
  constructor(secretKey: Buffer) {
    this.#key = createHmac('sha256', secretKey).update('omniflow/click-tracking/v1').digest();
  }

  /** The signed token of a link; a target that is not a valid http(s) link is refused with the field named. */
  sign(target: ClickTarget): string {
    const parsed = ClickTarget.safeParse(target);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ClickTokenError(`Click target ${issue?.path.join('.') || 'value'}: ${issue?.message ?? 'invalid'}`);
    }
    const t = parsed.data;
    const payload = Buffer.from(JSON.stringify({ u: t.url, r: t.runId, f: t.flowId, n: t.nodeId, c: t.customerId })).toString('base64url');
    return `${payload}.${this.#signature(payload).toString('base64url')}`;
  }

  /** The target of a token this server signed, or undefined for anything else. */
  verify(token: string): ClickTarget | undefined {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 8000) return undefined;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.#signature(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const wire = Wire.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
      const target = ClickTarget.safeParse({ url: wire.u, runId: wire.r, flowId: wire.f, nodeId: wire.n, customerId: wire.c });
      return target.success ? target.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** The tracking link served by this server for a target. */
  trackingUrl(publicUrl: string, target: ClickTarget): string {
    return `${publicUrl.replace(/\/+$/, '')}/r/${this.sign(target)}`;
  }

  #signature(payload: string): Buffer {
    return createHmac('sha256', this.#key).update(payload).digest().subarray(0, SIGNATURE_BYTES);
  }
}

/** The send a link belongs to, as the engine's LINE adapter names it. */
export interface ClickSend {
  runId: string;
  flowId: string;
  nodeId: string;
  customerId: string;
}

/**
 * The link rewriter the channel adapters call for each link a card opens: the tracking redirect on
 * `publicUrl`, or the original link when it cannot be tracked (not a valid http(s) URL).
 */
export function clickTracker(tokens: ClickTokens, publicUrl: string): (url: string, send: ClickSend) => string {
  return (url, send) => {
    try {
      return tokens.trackingUrl(publicUrl, { url, runId: send.runId, flowId: send.flowId, nodeId: send.nodeId, customerId: send.customerId });
    } catch {
      return url;
    }
  };
}
