import { Buffer } from 'node:buffer';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Effect, HttpResult } from '../effects.ts';
import { hmacSha256, redact } from './common.ts';
import { EgressAllowList, EgressBlockedError, type Resolver, systemResolver, vetHost } from './egress.ts';
import { evaluateResponseMapping, type MappedValue, type ResponseMappingSpec } from './response-mapping.ts';

// Call an API's effect handler (§4.1.13): the node rendered method, URL, headers and body; this resolves
// `auth` from the secret store, applies the SSRF guard (connecting only to vetted addresses, redirects
// re-vetted), enforces the timeout and the 256 KB response cap, and redacts secrets from anything it logs.
//
// Who retries: the runtime. Retryable outcomes (network errors, 5xx, 429 — for idempotent methods or
// requests carrying an Idempotency-Key) are signalled by throwing RetryableHttpError, and the outbox
// dispatcher retries them with its durable back-off; after `maxRetries` the last answer goes to the node.
// The executor itself never loops, so retries are never doubled. Timeouts are not retried: the node has
// a `timeout` port. A `Retry-After` answer (seconds or an HTTP date) rides on the error as `retryAfterMs`
// for the runtime's next attempt; one asking for longer than `maxRetryAfterMs` is not retried at all.
//
// Response mapping (JSONPath / JSONata) is evaluated here, on the final answer, and returned as `mapped`.

export type SecretResolver = (ref: string) => Promise<string | undefined> | string | undefined;

export interface HttpExecutorOptions {
  secrets: SecretResolver;
  resolver?: Resolver;
  /** Hosts / CIDRs exempt from the SSRF guard. */
  allowList?: readonly string[];
  /** Default 10 s; requests may ask for at most 30 s. */
  defaultTimeoutMs?: number;
  maxTimeoutMs?: number;
  /** Response body cap (default 256 KB). */
  maxResponseBytes?: number;
  /** Retries of retryable outcomes through the runtime (default 2; a request's own `retries` wins). */
  maxRetries?: number;
  maxRedirects?: number;
  /** A Retry-After longer than this (default 10 min) ends the retries: the node sees the answer. */
  maxRetryAfterMs?: number;
  /** Redacted log lines (never bodies, never secrets). */
  log?: (line: string) => void;
}

export class RetryableHttpError extends Error {
  override readonly name = 'RetryableHttpError';
  constructor(
    message: string,
    readonly result: HttpResult,
    /** The server's Retry-After, when it sent one: the next attempt should not come sooner. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The HTTP answer plus each response mapping's value, keyed by mapping id. */
export type MappedHttpResult = HttpResult | (Extract<HttpResult, { ok: true }> & { mapped: Record<string, MappedValue> });

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

interface HttpPayload {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  retries?: number;
  auth?: { kind?: string; secretRef?: string; username?: string; header?: string; algorithm?: string };
  responseMapping?: ResponseMappingSpec[];
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const SENSITIVE = /^(authorization|proxy-authorization|cookie|x-api-key)$/i;

export class HttpExecutor {
  readonly #allow: EgressAllowList;
  readonly #resolver: Resolver;
  constructor(private readonly o: HttpExecutorOptions) {
    this.#allow = new EgressAllowList(o.allowList ?? []);
    this.#resolver = o.resolver ?? systemResolver;
  }

  async deliver(effect: Effect): Promise<MappedHttpResult> {
    const p = effect.payload as HttpPayload;
    const method = (p.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = { ...(p.headers ?? {}) };
    const secrets: string[] = [];
    const sensitiveHeaders = new Set<string>();
    const authError = await this.#applyAuth(p, method, headers, secrets, sensitiveHeaders);
    if (authError) return authError;
    const timeoutMs = Math.max(1, Math.min(p.timeoutMs ?? this.o.defaultTimeoutMs ?? 10_000, this.o.maxTimeoutMs ?? 30_000));
    const result = await this.#request(method, String(p.url ?? ''), headers, p.body, timeoutMs, sensitiveHeaders);
    const safe = (s: string) => redact(s, secrets);
    // The answer is stored with the run (outbox, timeline): an API that echoes the credentials back must not leak them there.
    const final: HttpResult = result.ok
      ? { ...result, body: safe(result.body), headers: Object.fromEntries(Object.entries(result.headers).map(([k, v]) => [k, safe(v)])) }
      : { ...result, message: safe(result.message) };
    this.o.log?.(
      safe(
        `[call-api] ${method} ${redactUrl(String(p.url ?? ''))} attempt ${effect.attempt} → ${final.ok ? final.status : `${final.reason}: ${final.message}`} headers=${JSON.stringify(
          Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, SENSITIVE.test(k) || sensitiveHeaders.has(k.toLowerCase()) ? '[REDACTED]' : v])),
        )}`,
      ),
    );
    const canRetry = IDEMPOTENT.has(method) || Object.keys(headers).some((k) => k.toLowerCase() === 'idempotency-key');
    const retryable = final.ok ? final.status >= 500 || final.status === 429 : final.reason === 'network' && !final.message.startsWith('[response_too_large]');
    const maxRetries = Math.max(0, Math.min(typeof p.retries === 'number' ? p.retries : (this.o.maxRetries ?? 2), 5));
    const retryAfterMs = final.ok ? parseRetryAfter(final.headers['retry-after'], Date.now()) : undefined;
    const waitsTooLong = retryAfterMs !== undefined && retryAfterMs > (this.o.maxRetryAfterMs ?? 10 * 60_000);
    if (retryable && canRetry && effect.attempt <= maxRetries && !waitsTooLong) {
      throw new RetryableHttpError(final.ok ? `HTTP ${final.status}` : final.message, final, retryAfterMs);
    }
    const mappings = Array.isArray(p.responseMapping) ? p.responseMapping : [];
    if (!final.ok || mappings.length === 0) return final;
    return { ...final, mapped: await evaluateResponseMapping(final.body, mappings) };
  }

  async #applyAuth(
    p: HttpPayload,
    method: string,
    headers: Record<string, string>,
    secrets: string[],
    sensitive: Set<string>,
  ): Promise<HttpResult | undefined> {
    const auth = p.auth;
    if (!auth?.kind || auth.kind === 'none') return undefined;
    const secret = auth.secretRef ? await this.o.secrets(auth.secretRef) : undefined;
    if (!secret) return { ok: false, reason: 'blocked', message: `[secret_missing] Secret "${auth.secretRef ?? ''}" is not set` };
    secrets.push(secret);
    switch (auth.kind) {
      case 'bearer':
        headers.Authorization = `Bearer ${secret}`;
        break;
      case 'basic': {
        const encoded = Buffer.from(`${auth.username ?? ''}:${secret}`).toString('base64');
        secrets.push(encoded);
        headers.Authorization = `Basic ${encoded}`;
        break;
      }
      case 'hmac': {
        // X-Signature: sha256=<hex HMAC-SHA256(secret, body)> (the body is empty for GET).
        const name = auth.header || 'X-Signature';
        headers[name] = `sha256=${hmacSha256(secret, method === 'GET' ? '' : (p.body ?? '')).toString('hex')}`;
        sensitive.add(name.toLowerCase());
        break;
      }
      case 'apiKey': {
        const name = auth.header || 'X-API-Key';
        headers[name] = secret;
        sensitive.add(name.toLowerCase());
        break;
      }
      default:
        return { ok: false, reason: 'blocked', message: `[auth_unsupported] Unknown auth kind ${auth.kind}` };
    }
    return undefined;
  }

  async #request(
    method: string,
    rawUrl: string,
    headers: Record<string, string>,
    body: string | undefined,
    timeoutMs: number,
    sensitive: Set<string>,
  ): Promise<HttpResult> {
    const deadline = Date.now() + timeoutMs;
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return { ok: false, reason: 'blocked', message: '[invalid_url] The URL does not parse' };
    }
    let currentMethod = method;
    let currentBody = method === 'GET' || method === 'HEAD' ? undefined : body;
    let currentHeaders = { ...headers };
    const maxRedirects = this.o.maxRedirects ?? 5;
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'blocked', message: `[scheme] ${url.protocol} is not allowed` };
      let target: { address: string; family: 4 | 6 };
      try {
        target = await withDeadline(vetHost(url.hostname, this.#resolver, this.#allow), deadline);
      } catch (e) {
        if (e instanceof EgressBlockedError) return { ok: false, reason: 'blocked', message: `[egress] ${e.message}` };
        if (e instanceof DeadlineError) return { ok: false, reason: 'timeout', message: `No answer within ${timeoutMs} ms` };
        return { ok: false, reason: 'network', message: `[dns] ${e instanceof Error ? e.message : String(e)}` };
      }
      const r = await this.#once(url, target, currentMethod, currentHeaders, currentBody, deadline, timeoutMs);
      if (!('redirect' in r)) return r;
      if (hop >= maxRedirects) return { ok: false, reason: 'network', message: `[too_many_redirects] More than ${maxRedirects} redirects` };
      const next = new URL(r.redirect, url);
      if (next.origin !== url.origin) {
        // Credentials never follow a redirect to another origin.
        currentHeaders = Object.fromEntries(Object.entries(currentHeaders).filter(([k]) => !SENSITIVE.test(k) && !sensitive.has(k.toLowerCase())));
      }
      if (r.status === 303 || ((r.status === 301 || r.status === 302) && currentMethod === 'POST')) {
        currentMethod = 'GET';
        currentBody = undefined;
      }
      url = next;
    }
  }

  #once(
    url: URL,
    target: { address: string; family: 4 | 6 },
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
    deadline: number,
    timeoutMs: number,
  ): Promise<HttpResult | { redirect: string; status: number }> {
    const cap = this.o.maxResponseBytes ?? 256 * 1024;
    // Connect to the vetted address whatever the name resolves to now.
    const lookup: LookupFunction = (_host, options, cb) => {
      if ((options as { all?: boolean }).all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
      else cb(null, target.address, target.family);
    };
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: HttpResult | { redirect: string; status: number }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const req = mod.request(
        url,
        {
          method,
          headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
          lookup,
          agent: false,
          ...(url.protocol === 'https:' && !isIP(url.hostname.replace(/^\[|\]$/g, '')) ? { servername: url.hostname } : {}),
        },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status >= 300 && status < 400 && status !== 304 && res.headers.location) {
            res.resume();
            done({ redirect: res.headers.location, status });
            req.destroy();
            return;
          }
          const declared = Number(res.headers['content-length']);
          if (Number.isFinite(declared) && declared > cap) {
            req.destroy();
            done({ ok: false, reason: 'network', message: `[response_too_large] The response is ${declared} bytes; the limit is ${cap}` });
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > cap) {
              req.destroy();
              done({ ok: false, reason: 'network', message: `[response_too_large] The response exceeds ${cap} bytes` });
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => {
            const hdrs: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) hdrs[k] = Array.isArray(v) ? v.join(', ') : v;
            done({ ok: true, status, headers: hdrs, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', (e) => done({ ok: false, reason: 'network', message: e.message }));
        },
      );
      const timer = setTimeout(
        () => {
          done({ ok: false, reason: 'timeout', message: `No answer within ${timeoutMs} ms` });
          req.destroy();
        },
        Math.max(0, deadline - Date.now()),
      );
      req.on('error', (e) => done({ ok: false, reason: 'network', message: e.message }));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
}

class DeadlineError extends Error {}

function withDeadline<T>(p: Promise<T>, deadline: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new DeadlineError('deadline')), Math.max(0, deadline - Date.now()));
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

/** The URL without its query string and credentials (they may carry tokens). */
function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?[…]' : ''}`;
  } catch {
    return '[invalid url]';
  }
}
