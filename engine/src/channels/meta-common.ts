import type { SendResult } from '@omniflow/nodes';
import type { ChannelKind } from '@omniflow/schemas';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { type ChannelFailure, errorMessage, failure, isTimeout, type JsonResponse, postJson, redact } from './common.ts';

// What the Messenger, Instagram and WhatsApp adapters share: the Graph API error body mapped to typed
// failures, the POST with its auth, and the sent-ledger that stands in for the retry key Meta lacks.

export const META_GRAPH_BASE_URL = 'https://graph.facebook.com';
export const META_DEFAULT_API_VERSION = 'v24.0';

/** Graph API error body: `{ error: { message, type, code, error_subcode?, error_data?, fbtrace_id } }`. */
export interface GraphErrorBody {
  error?: {
    message?: string;
    type?: string;
    code?: number;
    error_subcode?: number;
    error_user_msg?: string;
    error_data?: { details?: string } | string;
    fbtrace_id?: string;
  };
}

/** Throttling codes: app (4), user (17), page (32), Messenger (613, 80006), WhatsApp (80007, 130429, 131048, 131056). */
export const META_RATE_LIMIT_CODES: ReadonlySet<number> = new Set([4, 17, 32, 613, 80004, 80006, 80007, 130429, 131048, 131056]);
/** Transient platform errors worth a retry: unknown (1), service unavailable (2), WhatsApp 131000 / 131016. */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 2, 131000, 131016]);
/** Outside the messaging window: WhatsApp 131047 "Re-engagement message"; Messenger "(#10) This message is sent outside of allowed window" (subcodes 2018278, 2018065) and 1545041. */
const WINDOW_CODES: ReadonlySet<number> = new Set([131047, 1545041]);
const WINDOW_SUBCODES: ReadonlySet<number> = new Set([2018278, 2018065]);
/** The person cannot receive messages: Messenger 551, WhatsApp 131026 (undeliverable), 131021 (sender = recipient). */
const UNREACHABLE_CODES: ReadonlySet<number> = new Set([551, 131026, 131021]);

/** Maps a Graph API error answer to a typed failure: throttling and 5xx retry, everything else does not. */
export function graphFailure(status: number, raw: unknown, secrets: readonly string[]): ChannelFailure {
  const err = ((raw && typeof raw === 'object' ? raw : {}) as GraphErrorBody).error ?? {};
  const details = typeof err.error_data === 'object' ? err.error_data?.details : err.error_data;
  const code = err.code;
  const sub = err.error_subcode;
  const message = redact(
    [
      err.message ?? `HTTP ${status}`,
      code !== undefined ? `(code ${code}${sub !== undefined ? `/${sub}` : ''})` : '',
      details ? `— ${details}` : '',
      err.fbtrace_id ? `[fbtrace_id ${err.fbtrace_id}]` : '',
    ]
      .filter(Boolean)
      .join(' '),
    secrets,
  );
  if (status === 429 || (code !== undefined && META_RATE_LIMIT_CODES.has(code))) return failure('rate_limited', message, true, status);
  const outsideWindow =
    (code !== undefined && WINDOW_CODES.has(code)) ||
    (sub !== undefined && WINDOW_SUBCODES.has(sub)) ||
    (code === 10 && /outside (of )?(the )?allowed window/i.test(err.message ?? ''));
  if (outsideWindow) return failure('window_closed', message, false, status);
  if (status >= 500 || (code !== undefined && TRANSIENT_CODES.has(code))) return failure('server_error', message, true, status);
  if (code === 190 || status === 401) return failure('unauthorized', message, false, status);
  if (code === 10 || code === 200 || code === 3 || code === 131005 || status === 403) return failure('forbidden', message, false, status);
  if (code !== undefined && UNREACHABLE_CODES.has(code)) return failure('rejected', message, false, status);
  return failure('bad_request', message, false, status);
}

/** POSTs a send and maps transport errors; the caller maps the HTTP answer. */
export async function graphPost(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  o: { timeoutMs: number; fetch?: typeof fetch; secrets: readonly string[] },
): Promise<JsonResponse | ChannelFailure> {
  try {
    return await postJson(url, body, headers, o.timeoutMs, o.fetch);
  } catch (e) {
    if (isTimeout(e)) return failure('timeout', `Meta did not answer within ${o.timeoutMs} ms`, true);
    return failure('network', redact(errorMessage(e), o.secrets), true);
  }
}

export function isFailure(x: unknown): x is ChannelFailure {
  return typeof x === 'object' && x !== null && (x as { ok?: unknown }).ok === false;
}

// ───────────────────────── sent ledger ─────────────────────────

/**
 * Meta's Send API and WhatsApp's Cloud API take no retry key, so a redelivered effect would be a second
 * message. The outbox hands an effect to the adapter again only if it did not record the first answer
 * (crash, lost response); the adapter records every accepted send under its idempotency key here and
 * answers a redelivery from the ledger instead of POSTing again. What stays possible: the platform
 * accepted a request whose answer never arrived (timeout) — the retry then sends once more; nothing on
 * Meta's side can tell the two apart.
 */
export interface SentLedger {
  get(idempotencyKey: string): string | undefined;
  put(idempotencyKey: string, messageId: string): void;
}

/** In-process ledger, bounded (oldest keys forgotten first). */
export class MemorySentLedger implements SentLedger {
  readonly #sent = new Map<string, string>();
  constructor(private readonly maxEntries = 100_000) {}
  get(key: string): string | undefined {
    return this.#sent.get(key);
  }
  put(key: string, messageId: string): void {
    this.#sent.set(key, messageId);
    if (this.#sent.size > this.maxEntries) this.#sent.delete(this.#sent.keys().next().value as string);
  }
}

/** A ledger in a SQLite file, so it survives the process crashes the outbox replays after. */
export class SqliteSentLedger implements SentLedger {
  readonly #db: Database.Database;
  readonly #get: Database.Statement<[string], { message_id: string }>;
  readonly #put: Database.Statement<[string, string, number]>;
  constructor(file: string) {
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('busy_timeout = 5000');
    this.#db.exec('CREATE TABLE IF NOT EXISTS sent_ledger (idempotency_key TEXT PRIMARY KEY, message_id TEXT NOT NULL, sent_at INTEGER NOT NULL)');
    this.#get = this.#db.prepare('SELECT message_id FROM sent_ledger WHERE idempotency_key = ?');
    this.#put = this.#db.prepare('INSERT OR IGNORE INTO sent_ledger (idempotency_key, message_id, sent_at) VALUES (?, ?, ?)');
  }
  get(key: string): string | undefined {
    return this.#get.get(key)?.message_id;
  }
  put(key: string, messageId: string): void {
    this.#put.run(key, messageId, Date.now());
  }
  close(): void {
    this.#db.close();
  }
}

/** A send already accepted under this key, answered from the ledger. */
export function fromLedger(ledger: SentLedger | undefined, key: string, channel: ChannelKind): SendResult | undefined {
  const id = ledger?.get(key);
  return id === undefined ? undefined : { ok: true, messageId: id, channel };
}

// ───────────────────────── channel settings ─────────────────────────

/** Channel settings that fail validation; `field` is the path of the first bad field. */
export class ChannelConfigError extends Error {
  override readonly name = 'ChannelConfigError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const GraphVersion = z.string().regex(/^v\d+\.\d+$/, 'must look like v24.0');
const Secret = z.string().min(8, 'is too short to be a real token');

/** Settings of one Facebook Page / Instagram account (MetaPageConfig). */
export const MetaPageConfigSchema = z.object({
  channelId: z.string().min(1),
  pageId: z.string().regex(/^(\d{5,30}|me)$/, 'must be the numeric Page / IG account id or "me"'),
  accessToken: Secret,
  appSecret: z.string().min(1),
  verifyToken: z.string().min(1).optional(),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  apiVersion: GraphVersion.optional(),
  auth: z.enum(['query', 'bearer']).optional(),
});

/** Settings of one WhatsApp business number (WhatsAppChannelConfig). */
export const WhatsAppChannelConfigSchema = z.object({
  channelId: z.string().min(1),
  phoneNumberId: z.string().regex(/^\d{5,30}$/, 'must be the numeric phone number id, not the phone number'),
  accessToken: Secret,
  appSecret: z.string().min(1),
  verifyToken: z.string().min(1).optional(),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  apiVersion: GraphVersion.optional(),
});

function firstIssue(error: z.ZodError, prefix: string): ChannelConfigError {
  const i = error.issues[0];
  return new ChannelConfigError([prefix, ...(i?.path ?? []).map(String)].filter(Boolean).join('.'), i?.message ?? 'invalid');
}

/**
 * Channel lookup by our channel id. A list is validated up front (throws ChannelConfigError); a resolver's
 * answer is validated on each use and a bad one becomes a non-retryable `channel_not_configured` failure.
 */
export function channelResolver<C extends { channelId: string }>(
  schema: z.ZodType<C>,
  channels: readonly C[] | ((channelId: string) => C | undefined),
  what: string,
): (channelId: string) => C | ChannelFailure | undefined {
  if (typeof channels === 'function') {
    return (id) => {
      const c = channels(id);
      if (c === undefined) return undefined;
      const r = schema.safeParse(c);
      if (r.success) return c;
      const e = firstIssue(r.error, '');
      return failure('channel_not_configured', `${what} channel ${id}: ${e.message}`, false);
    };
  }
  channels.forEach((c, i) => {
    const r = schema.safeParse(c);
    if (!r.success) throw firstIssue(r.error, `channels.${i}`);
  });
  return (id) => channels.find((x) => x.channelId === id) ?? (channels.length === 1 ? channels[0] : undefined);
}
