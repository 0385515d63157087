import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// Local stand-ins for the platforms (real HTTP on 127.0.0.1, ephemeral ports). Each checks requests the way
// PLATFORMS.md documents them and answers as the platform does, errors included.

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function listen(server: Server): Promise<RunningServer> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const graphemes = (s: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].length;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MESSAGE_TYPES = new Set(['text', 'textV2', 'sticker', 'image', 'video', 'audio', 'location', 'imagemap', 'template', 'flex', 'coupon']);

// ───────────────────────── LINE ─────────────────────────

export interface LineSend {
  kind: 'push' | 'reply';
  to?: string;
  replyToken?: string;
  retryKey?: string;
  messages: Record<string, unknown>[];
  requestId: string;
}

export interface LineServer extends RunningServer {
  /** Every accepted send (a 409 repeat is not counted again). */
  readonly sends: LineSend[];
  /** Every request received, including rejected ones. */
  readonly requests: { path: string; status: number; retryKey?: string }[];
  /** Answer the next n requests with this status (429, 500…) without accepting them. */
  failNext(status: number, n?: number): void;
  /** Accept the next n pushes, then answer 500 anyway (a lost response). */
  acceptThenFail(n?: number): void;
  /** A reply token LINE would have put in a webhook: valid once. */
  issueReplyToken(): string;
}

function lineMessageProblems(messages: unknown): string[] {
  const p: string[] = [];
  if (!Array.isArray(messages) || messages.length < 1) return ['messages: must have 1 to 5 items'];
  if (messages.length > 5) p.push('messages: Size must be between 1 and 5');
  messages.forEach((m: Record<string, unknown>, i) => {
    const at = `messages[${i}]`;
    if (!m || typeof m !== 'object' || !MESSAGE_TYPES.has(String(m.type))) {
      p.push(`${at}.type: invalid`);
      return;
    }
    if (m.type === 'text') {
      if (typeof m.text !== 'string' || m.text.length === 0) p.push(`${at}.text: May not be empty`);
      else if (m.text.length > 5000) p.push(`${at}.text: Length must be between 0 and 5000`);
    }
    if (m.type === 'template' || m.type === 'flex') {
      if (typeof m.altText !== 'string' || m.altText.length === 0 || m.altText.length > 1500) p.push(`${at}.altText: Length must be between 1 and 1500`);
    }
    if (m.type === 'template') {
      const t = m.template as { type?: string; text?: string; actions?: unknown[]; columns?: { actions?: unknown[] }[] } | undefined;
      if (t?.type === 'buttons') {
        if (!Array.isArray(t.actions) || t.actions.length > 4) p.push(`${at}.template.actions: Size must be between 0 and 4`);
        if (typeof t.text !== 'string' || graphemes(t.text) > 160) p.push(`${at}.template.text: Length must be between 1 and 160`);
      } else if (t?.type === 'carousel') {
        if (!Array.isArray(t.columns) || t.columns.length > 10) p.push(`${at}.template.columns: Size must be between 1 and 10`);
        else if (new Set(t.columns.map((c) => c.actions?.length)).size > 1) p.push(`${at}.template.columns: must have the same number of actions`);
      } else p.push(`${at}.template.type: invalid`);
      for (const a of [...(t?.actions ?? []), ...(t?.columns ?? []).flatMap((c) => c.actions ?? [])] as { label?: string; data?: string }[]) {
        if (typeof a.label !== 'string' || graphemes(a.label) > 20) p.push(`${at}: action label must be 1 to 20 characters`);
        if (a.data !== undefined && a.data.length > 300) p.push(`${at}: postback data must be at most 300 characters`);
      }
    }
    if (m.type === 'flex') {
      const c = m.contents as { type?: string; contents?: unknown[] } | undefined;
      if (c?.type !== 'bubble' && c?.type !== 'carousel') p.push(`${at}.contents.type: must be bubble or carousel`);
      const size = Buffer.byteLength(JSON.stringify(c));
      if ((c?.type === 'bubble' && size > 30_000) || size > 50_000) p.push(`${at}.contents: too large`);
      if (c?.type === 'carousel' && (c.contents?.length ?? 0) > 12) p.push(`${at}.contents.contents: Size must be between 1 and 12`);
    }
    const qr = m.quickReply as { items?: unknown[] } | undefined;
    if (qr && (!Array.isArray(qr.items) || qr.items.length < 1 || qr.items.length > 13)) p.push(`${at}.quickReply.items: Size must be between 1 and 13`);
  });
  return p;
}

export async function startLineServer(options: { accessToken: string }): Promise<LineServer> {
  const sends: LineSend[] = [];
  const requests: LineServer['requests'] = [];
  const accepted = new Map<string, { requestId: string; sentMessages: { id: string; quoteToken: string }[] }>();
  const tokens = new Set<string>();
  const forced: number[] = [];
  let acceptThenFail = 0;
  let nextId = 100_000;

  const server = createServer(async (req, res) => {
    const requestId = randomUUID();
    const retryKey = req.headers['x-line-retry-key'] as string | undefined;
    const path = req.url ?? '';
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      requests.push({ path, status, ...(retryKey ? { retryKey } : {}) });
      json(res, status, body, { 'x-line-request-id': requestId, ...headers });
    };
    const raw = await readBody(req);
    if (req.method !== 'POST' || (path !== '/v2/bot/message/push' && path !== '/v2/bot/message/reply')) return reply(404, { message: 'Not found' });
    if (req.headers.authorization !== `Bearer ${options.accessToken}`) {
      return reply(401, { message: 'Authentication failed. Confirm that the access token in the authorization header is valid.' });
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return reply(415, { message: 'Unsupported Media Type' });
    const status = forced.shift();
    if (status !== undefined)
      return reply(status, { message: status === 429 ? 'The API rate limit has been exceeded. Try again later.' : 'Internal server error' });
    let body: { to?: unknown; replyToken?: unknown; messages?: unknown };
    try {
      body = JSON.parse(raw);
    } catch {
      return reply(400, { message: 'The request body could not be parsed as JSON' });
    }
    const isPush = path.endsWith('/push');
    if (!isPush && retryKey !== undefined) return reply(400, { message: 'The retry key header cannot be used with this API' });
    if (retryKey !== undefined && !UUID.test(retryKey)) return reply(400, { message: 'The value of the X-Line-Retry-Key header is invalid' });
    const problems = lineMessageProblems(body.messages);
    if (isPush && (typeof body.to !== 'string' || !/^[UCR][0-9a-f]{32}$/.test(body.to))) problems.push('to: invalid');
    if (problems.length) return reply(400, { message: `The request body has ${problems.length} error(s)`, details: problems.map((m) => ({ message: m })) });
    if (retryKey && accepted.has(retryKey)) {
      const a = accepted.get(retryKey)!;
      return reply(409, { message: 'The retry key is already accepted', sentMessages: a.sentMessages }, { 'x-line-accepted-request-id': a.requestId });
    }
    if (!isPush) {
      if (typeof body.replyToken !== 'string' || !tokens.delete(body.replyToken)) return reply(400, { message: 'Invalid reply token' });
    }
    const messages = body.messages as Record<string, unknown>[];
    const sentMessages = messages.map(() => ({ id: String(nextId++), quoteToken: randomUUID() }));
    if (retryKey) accepted.set(retryKey, { requestId, sentMessages });
    sends.push({
      kind: isPush ? 'push' : 'reply',
      ...(isPush ? { to: body.to as string } : { replyToken: body.replyToken as string }),
      ...(retryKey ? { retryKey } : {}),
      messages,
      requestId,
    });
    if (isPush && acceptThenFail > 0) {
      acceptThenFail--;
      return reply(500, { message: 'Internal server error' });
    }
    return reply(200, { sentMessages });
  });
  const running = await listen(server);
  return {
    ...running,
    sends,
    requests,
    failNext: (status, n = 1) => {
      for (let i = 0; i < n; i++) forced.push(status);
    },
    acceptThenFail: (n = 1) => {
      acceptThenFail += n;
    },
    issueReplyToken: () => {
      const t = randomUUID().replace(/-/g, '');
      tokens.add(t);
      return t;
    },
  };
}

// ───────────────────────── Meta Conversions API ─────────────────────────

const HASHED = ['em', 'ph', 'fn', 'ln', 'ct', 'st', 'zp', 'country', 'db', 'ge', 'external_id'];
const ACTION_SOURCES = new Set(['email', 'website', 'app', 'phone_call', 'chat', 'physical_store', 'system_generated', 'business_messaging', 'other']);
const HEX64 = /^[0-9a-f]{64}$/;

export interface CapiServer extends RunningServer {
  /** Accepted events, in order. */
  readonly events: Record<string, unknown>[];
  /** How many times each event_id arrived. */
  readonly eventIds: Map<string, number>;
  readonly testEventCodes: string[];
  failNext(status: number, n?: number): void;
}

export async function startCapiServer(options: { accessToken: string; now?: () => number; version?: string }): Promise<CapiServer> {
  const events: Record<string, unknown>[] = [];
  const eventIds = new Map<string, number>();
  const testEventCodes: string[] = [];
  const forced: number[] = [];
  const graphError = (res: ServerResponse, status: number, message: string, code = 100) =>
    json(res, status, { error: { message, type: 'OAuthException', code, fbtrace_id: randomUUID() } });

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const raw = await readBody(req);
    const m = /^\/(v\d+\.\d+)\/(\d+)\/events$/.exec(url.pathname);
    if (req.method !== 'POST' || !m || (options.version && m[1] !== options.version)) return graphError(res, 400, 'Unknown path components', 2500);
    if (url.searchParams.get('access_token') !== options.accessToken)
      return graphError(res, 400, 'Invalid OAuth access token - Cannot parse access token', 190);
    const status = forced.shift();
    if (status !== undefined)
      return graphError(res, status, status === 429 ? 'Application request limit reached' : 'An unexpected error has occurred', status === 429 ? 4 : 2);
    let body: { data?: unknown; test_event_code?: unknown };
    try {
      body = JSON.parse(raw);
    } catch {
      return graphError(res, 400, 'Invalid JSON');
    }
    if (!Array.isArray(body.data) || body.data.length < 1 || body.data.length > 1000) return graphError(res, 400, 'data must have 1 to 1000 events');
    const nowS = Math.floor((options.now?.() ?? Date.now()) / 1000);
    const problems: string[] = [];
    body.data.forEach((e: Record<string, unknown>, i) => {
      const at = `data[${i}]`;
      if (typeof e.event_name !== 'string' || !e.event_name) problems.push(`${at}.event_name required`);
      if (typeof e.event_id !== 'string' || !e.event_id) problems.push(`${at}.event_id required`);
      if (!Number.isInteger(e.event_time)) problems.push(`${at}.event_time must be an integer`);
      else if ((e.event_time as number) > nowS + 60) problems.push(`${at}.event_time is in the future (milliseconds instead of seconds?)`);
      else if ((e.event_time as number) < nowS - 7 * 86_400) problems.push(`${at}.event_time is more than 7 days old`);
      if (!ACTION_SOURCES.has(String(e.action_source))) problems.push(`${at}.action_source invalid`);
      if (e.messaging_channel !== undefined && e.action_source !== 'business_messaging') problems.push(`${at}.messaging_channel needs business_messaging`);
      const ud = e.user_data as Record<string, unknown> | undefined;
      if (!ud || typeof ud !== 'object' || Object.keys(ud).length === 0) problems.push(`${at}.user_data required`);
      for (const k of HASHED) {
        const v = ud?.[k];
        if (v === undefined) continue;
        const values = Array.isArray(v) ? v : [v];
        if (!values.every((x) => typeof x === 'string' && HEX64.test(x))) problems.push(`${at}.user_data.${k} must be SHA-256 lowercase hex`);
      }
    });
    if (problems.length) return graphError(res, 400, `Invalid parameter: ${problems.join('; ')}`);
    for (const e of body.data as Record<string, unknown>[]) {
      events.push(e);
      const id = String(e.event_id);
      eventIds.set(id, (eventIds.get(id) ?? 0) + 1);
    }
    if (typeof body.test_event_code === 'string') testEventCodes.push(body.test_event_code);
    json(res, 200, { events_received: body.data.length, messages: [], fbtrace_id: randomUUID() });
  });
  const running = await listen(server);
  return {
    ...running,
    events,
    eventIds,
    testEventCodes,
    failNext: (status, n = 1) => {
      for (let i = 0; i < n; i++) forced.push(status);
    },
  };
}

// ───────────────────────── generic HTTP echo (Call an API) ─────────────────────────

export interface EchoServer extends RunningServer {
  readonly requests: { method: string; path: string; headers: Record<string, string | string[] | undefined>; body: string }[];
}

/**
 * Echoes the request as JSON. `/status/<n>` answers n; `/slow/<ms>` answers late; `/big/<bytes>` sends a
 * body that large (chunked); `/redirect?to=<url>` answers 302; `/flaky/<n>` answers 503 n times, then 200.
 */
export async function startEchoServer(): Promise<EchoServer> {
  const requests: EchoServer['requests'] = [];
  const flaky = new Map<string, number>();
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ method: req.method ?? '', path: url.pathname + url.search, headers: req.headers, body });
    const [, kind, arg] = url.pathname.split('/');
    if (kind === 'status') return json(res, Number(arg), { status: Number(arg) });
    if (kind === 'flaky') {
      const hits = (flaky.get(url.pathname) ?? 0) + 1;
      flaky.set(url.pathname, hits);
      if (hits <= Number(arg)) return json(res, 503, { error: 'try again' });
      return json(res, 200, { ok: true, tier: 'gold', hits });
    }
    if (kind === 'slow') return void setTimeout(() => json(res, 200, { slow: true }), Number(arg));
    if (kind === 'big') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let left = Number(arg);
      while (left > 0) {
        const n = Math.min(left, 16_384);
        res.write('z'.repeat(n));
        left -= n;
      }
      return void res.end();
    }
    if (kind === 'redirect') {
      res.writeHead(302, { location: url.searchParams.get('to') ?? '/' });
      return void res.end();
    }
    json(res, 200, { method: req.method, path: url.pathname + url.search, headers: req.headers, body });
  });
  return { ...(await listen(server)), requests };
}
