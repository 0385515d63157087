import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

// Local stand-ins for the Messenger Send API (also Instagram) and the WhatsApp Cloud API, on 127.0.0.1.
// Each request is checked as PLATFORMS.md §2–3 documents it: path with version and id, the access token
// (?access_token= or Authorization: Bearer), the body against zod schemas with the platform's limits,
// the 24-hour window per recipient; bad requests get Graph's real error body
// `{ error: { message, type, code, error_subcode?, error_data?, fbtrace_id } }`.
//
// Idempotency: neither API takes a retry key, so the servers cannot dedupe and simply count what they
// accept. `duplicates()` reports recipient+message pairs accepted more than once; tests assert it stays 0
// when the engine redelivers an effect. Duplicates are avoided on our side: the engine's outbox hands an
// effect on again only if its answer was not recorded, and the adapter records every accepted send in a
// SentLedger under the effect's idempotency key and answers a redelivery from it without POSTing.

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

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<RunningServer> {
  const server = createServer(handler);
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

export interface GraphError {
  status: number;
  code: number;
  message: string;
  subcode?: number;
  type?: string;
  details?: string;
}

function sendGraphError(res: ServerResponse, e: GraphError, whatsapp: boolean): void {
  const body = {
    error: {
      message: e.message,
      type: e.type ?? 'OAuthException',
      code: e.code,
      ...(e.subcode !== undefined ? { error_subcode: e.subcode } : {}),
      ...(whatsapp && e.details ? { error_data: { messaging_product: 'whatsapp', details: e.details } } : {}),
      fbtrace_id: randomBytes(8).toString('base64url'),
    },
  };
  res.writeHead(e.status, { 'content-type': 'application/json', 'www-authenticate': e.code === 190 ? 'OAuth "Facebook Platform" "invalid_token"' : '' });
  res.end(JSON.stringify(body));
}

const cp = (s: string) => [...s].length;
/** Meta counts characters (code points); zod's max counts UTF-16 units, so limits are checked with refine. */
const chars = (max: number, min = 0) =>
  z.string().refine((s) => cp(s) >= min && cp(s) <= max, { message: min > 0 ? `must be ${min} to ${max} characters` : `must be at most ${max} characters` });
const httpUrl = z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL');

/** Throttling and server errors a test can queue. */
export const META_FAILURES = {
  rateLimit613: { status: 400, code: 613, message: 'Calls to this api have exceeded the rate limit.' },
  appRateLimit4: { status: 403, code: 4, message: '(#4) Application request limit reached' },
  http429: { status: 429, code: 4, message: 'Too many requests' },
  server500: { status: 500, code: 2, message: 'An unexpected error has occurred. Please retry your request later.' },
  personUnavailable551: { status: 400, code: 551, message: "This person isn't available right now." },
  waThroughput130429: { status: 400, code: 130429, message: '(#130429) Rate limit hit', details: 'Cloud API message throughput has been reached.' },
  waUnknown131000: { status: 500, code: 131000, message: '(#131000) Something went wrong', details: 'Something went wrong' },
} satisfies Record<string, GraphError>;

function issuesMessage(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `param ${i.path.map(String).join('.') || 'body'} ${i.message}`)
    .join('; ');
}

// ───────────────────────── Messenger / Instagram Send API ─────────────────────────

const MessengerButton = z.discriminatedUnion('type', [
  z.object({ type: z.literal('postback'), title: chars(20, 1), payload: z.string().min(1).max(1000) }),
  z.object({ type: z.literal('web_url'), title: chars(20, 1), url: httpUrl }),
]);
const QuickReply = z.object({ content_type: z.enum(['text', 'user_phone_number', 'user_email']), title: chars(20), payload: z.string().max(1000) });
const TemplatePayload = z.discriminatedUnion('template_type', [
  z.object({ template_type: z.literal('button'), text: chars(640, 1), buttons: z.array(MessengerButton).min(1).max(3) }),
  z.object({
    template_type: z.literal('generic'),
    image_aspect_ratio: z.enum(['horizontal', 'square']).optional(),
    elements: z
      .array(
        z.object({
          title: chars(80, 1),
          subtitle: chars(80).optional(),
          image_url: httpUrl.optional(),
          default_action: z.object({ type: z.literal('web_url'), url: httpUrl }).optional(),
          buttons: z.array(MessengerButton).min(1).max(3).optional(),
        }),
      )
      .min(1)
      .max(10),
  }),
]);
const MessengerMessage = z.union([
  z.object({ text: chars(1999, 1), quick_replies: z.array(QuickReply).min(1).max(13).optional(), metadata: chars(999).optional() }).strict(),
  z
    .object({
      attachment: z.discriminatedUnion('type', [
        z.object({ type: z.literal('template'), payload: TemplatePayload }),
        z.object({ type: z.enum(['image', 'video', 'audio', 'file']), payload: z.object({ url: httpUrl, is_reusable: z.boolean().optional() }) }),
      ]),
      quick_replies: z.array(QuickReply).min(1).max(13).optional(),
    })
    .strict(),
]);
const SendRequest = z
  .object({
    recipient: z.object({ id: z.string().regex(/^\d{5,30}$/, 'must be a PSID / IGSID') }),
    messaging_type: z.enum(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']),
    tag: z.enum(['HUMAN_AGENT', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE', 'CUSTOMER_FEEDBACK']).optional(),
    message: MessengerMessage,
  })
  .strict()
  .refine((b) => (b.messaging_type === 'MESSAGE_TAG') === (b.tag !== undefined), {
    message: 'tag is required with, and only with, MESSAGE_TAG',
    path: ['tag'],
  });

export interface MessengerSend {
  recipientId: string;
  messagingType: string;
  tag?: string;
  message: Record<string, unknown>;
  messageId: string;
  auth: 'query' | 'bearer';
}

export interface MessengerServer extends RunningServer {
  readonly sends: MessengerSend[];
  readonly requests: { path: string; status: number; code?: number }[];
  /** Record that the person wrote at `at` (opens their 24-hour window). */
  inbound(recipientId: string, at: number): void;
  /** Answer the next n requests with this error without accepting them. */
  failNext(error: GraphError, n?: number): void;
  /** recipient+message pairs accepted more than once. */
  duplicates(): number;
}

export interface MessengerServerOptions {
  platform?: 'messenger' | 'instagram';
  pageId: string;
  accessToken: string;
  version?: string;
  /** The server's clock (window and tag deprecation checks). */
  now?: () => number;
}

const DAY = 86_400_000;
const TAGS_DEPRECATED_AT = Date.parse('2026-04-27T00:00:00Z');

export async function startMessengerServer(o: MessengerServerOptions): Promise<MessengerServer> {
  const platform = o.platform ?? 'messenger';
  const version = o.version ?? 'v24.0';
  const sends: MessengerSend[] = [];
  const requests: MessengerServer['requests'] = [];
  const lastInbound = new Map<string, number>();
  const forced: GraphError[] = [];
  const seen = new Map<string, number>();

  const running = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const raw = await readBody(req);
    const fail = (e: GraphError) => {
      requests.push({ path: url.pathname, status: e.status, code: e.code });
      sendGraphError(res, e, false);
    };
    const m = /^\/(v\d+\.\d+)\/([^/]+)\/messages$/.exec(url.pathname);
    if (!m || req.method !== 'POST') return fail({ status: 400, code: 2500, message: 'Unknown path components: ' + url.pathname, type: 'OAuthException' });
    if (m[1] !== version) return fail({ status: 400, code: 2635, message: `(#2635) You are calling a deprecated version of the Graph API (${m[1]}).` });
    if (m[2] !== o.pageId && m[2] !== 'me')
      return fail({ status: 400, code: 100, message: `(#100) Unsupported post request. Object with ID '${m[2]}' does not exist` });
    const bearer = req.headers.authorization;
    const queryToken = url.searchParams.get('access_token');
    const token = queryToken ?? (bearer?.startsWith('Bearer ') ? bearer.slice(7) : undefined);
    if (token === undefined) return fail({ status: 400, code: 104, message: 'An access token is required to request this resource.' });
    if (token !== o.accessToken) return fail({ status: 400, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
      return fail({ status: 400, code: 100, message: '(#100) Invalid content type' });
    const forcedError = forced.shift();
    if (forcedError) return fail(forcedError);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return fail({ status: 400, code: 100, message: '(#100) Invalid JSON for postcard' });
    }
    const parsed = SendRequest.safeParse(json);
    if (!parsed.success) return fail({ status: 400, code: 100, message: `(#100) ${issuesMessage(parsed.error.issues)}`, type: 'OAuthException' });
    const b = parsed.data;
    const now = o.now?.() ?? Date.now();
    const att = 'attachment' in b.message ? b.message.attachment : undefined;
    if (platform === 'instagram' && att && (att.type === 'video' || att.type === 'file')) {
      return fail({ status: 400, code: 100, message: `(#100) Instagram does not support ${att.type} attachments` });
    }
    const last = lastInbound.get(b.recipient.id);
    const inWindow = last !== undefined && now - last <= DAY;
    if (b.messaging_type !== 'MESSAGE_TAG' && !inWindow) {
      return fail({ status: 400, code: 10, subcode: 2018278, message: '(#10) This message is sent outside of allowed window.' });
    }
    if (b.tag) {
      if (b.tag === 'HUMAN_AGENT' && (last === undefined || now - last > 7 * DAY)) {
        return fail({ status: 400, code: 10, subcode: 2018278, message: '(#10) This message is sent outside of allowed window.' });
      }
      if (b.tag !== 'HUMAN_AGENT' && (platform === 'instagram' || now >= TAGS_DEPRECATED_AT)) {
        return fail({ status: 400, code: 100, message: `(#100) The ${b.tag} message tag is not supported` });
      }
    }
    const messageId = `m_${randomBytes(18).toString('base64url')}`;
    const key = `${b.recipient.id}\u0000${JSON.stringify(b.message)}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    sends.push({
      recipientId: b.recipient.id,
      messagingType: b.messaging_type,
      ...(b.tag ? { tag: b.tag } : {}),
      message: b.message as Record<string, unknown>,
      messageId,
      auth: queryToken !== null ? 'query' : 'bearer',
    });
    requests.push({ path: url.pathname, status: 200 });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ recipient_id: b.recipient.id, message_id: messageId }));
  });
  return {
    ...running,
    sends,
    requests,
    inbound: (id, at) => {
      lastInbound.set(id, at);
    },
    failNext: (e, n = 1) => {
      for (let i = 0; i < n; i++) forced.push(e);
    },
    duplicates: () => [...seen.values()].filter((n) => n > 1).length,
  };
}

// ───────────────────────── WhatsApp Cloud API ─────────────────────────

const Phone = z.string().regex(/^\+?[1-9]\d{6,14}$/, 'must be a phone number with country code');
const MediaObject = z.object({ link: httpUrl, caption: chars(1024).optional(), filename: z.string().max(240).optional() });
const ReplyButton = z.object({ type: z.literal('reply'), reply: z.object({ id: z.string().min(1).max(256), title: chars(20, 1) }) });
const Interactive = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('button'),
    header: z
      .object({ type: z.enum(['text', 'image', 'video', 'document']) })
      .passthrough()
      .optional(),
    body: z.object({ text: chars(1024, 1) }),
    footer: z.object({ text: chars(60, 1) }).optional(),
    action: z.object({
      buttons: z
        .array(ReplyButton)
        .min(1)
        .max(3)
        .refine((bs) => new Set(bs.map((b) => b.reply.title)).size === bs.length, 'button titles must be unique')
        .refine((bs) => new Set(bs.map((b) => b.reply.id)).size === bs.length, 'button ids must be unique'),
    }),
  }),
  z.object({
    type: z.literal('list'),
    header: z.object({ type: z.literal('text'), text: chars(60, 1) }).optional(),
    body: z.object({ text: chars(4096, 1) }),
    footer: z.object({ text: chars(60, 1) }).optional(),
    action: z
      .object({
        button: chars(20, 1),
        sections: z
          .array(
            z.object({
              title: chars(24, 1).optional(),
              rows: z.array(z.object({ id: z.string().min(1).max(200), title: chars(24, 1), description: chars(72).optional() })).min(1),
            }),
          )
          .min(1)
          .max(10),
      })
      .refine((a) => a.sections.reduce((n, s) => n + s.rows.length, 0) <= 10, 'a list has at most 10 rows in total')
      .refine((a) => a.sections.length === 1 || a.sections.every((s) => s.title !== undefined), 'section titles are required with several sections'),
  }),
  z.object({
    type: z.literal('cta_url'),
    body: z.object({ text: chars(1024, 1) }),
    action: z.object({ name: z.literal('cta_url'), parameters: z.object({ display_text: chars(20, 1), url: httpUrl }) }),
  }),
]);
const TemplateParameter = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string(), parameter_name: z.string().optional() }),
  z.object({ type: z.literal('payload'), payload: z.string().min(1) }),
  z.object({ type: z.literal('image'), image: MediaObject }),
  z.object({ type: z.literal('video'), video: MediaObject }),
  z.object({ type: z.literal('document'), document: MediaObject }),
  z.object({ type: z.literal('currency'), currency: z.object({ fallback_value: z.string(), code: z.string(), amount_1000: z.number().int() }) }),
  z.object({ type: z.literal('date_time'), date_time: z.object({ fallback_value: z.string() }) }),
  z.object({ type: z.literal('action'), action: z.object({ flow_token: z.string().optional() }) }),
]);
const Template = z.object({
  name: z.string().min(1).max(512),
  language: z.object({ code: z.string().min(2), policy: z.literal('deterministic').optional() }),
  components: z
    .array(
      z.object({
        type: z.enum(['header', 'body', 'button']),
        sub_type: z.enum(['quick_reply', 'url', 'flow', 'copy_code', 'catalog']).optional(),
        index: z.string().regex(/^\d$/).optional(),
        parameters: z.array(TemplateParameter),
      }),
    )
    .optional(),
});
const WhatsAppRequest = z
  .object({
    messaging_product: z.literal('whatsapp'),
    recipient_type: z.enum(['individual', 'group']).optional(),
    to: Phone,
    type: z.enum(['text', 'image', 'video', 'document', 'audio', 'sticker', 'interactive', 'template', 'location', 'contacts', 'reaction']),
    text: z.object({ body: chars(4096, 1), preview_url: z.boolean().optional() }).optional(),
    image: MediaObject.optional(),
    video: MediaObject.optional(),
    document: MediaObject.optional(),
    interactive: Interactive.optional(),
    template: Template.optional(),
    context: z.object({ message_id: z.string() }).optional(),
    biz_opaque_callback_data: z.string().max(512).optional(),
  })
  .refine((b) => (b as Record<string, unknown>)[b.type] !== undefined, { message: 'the object named by type is required', path: ['type'] });

/** An approved template as the WABA holds it: the server checks sends against it. */
export interface ApprovedTemplate {
  name: string;
  language: string;
  bodyParameters: number;
  header?: 'text' | 'text_with_parameter' | 'image' | 'video' | 'document';
  /** Button types in template order. */
  buttons?: ('quick_reply' | 'url' | 'url_with_parameter' | 'phone' | 'flow')[];
}

export interface WhatsAppSend {
  to: string;
  type: string;
  body: Record<string, unknown>;
  messageId: string;
}

export interface WhatsAppServer extends RunningServer {
  readonly sends: WhatsAppSend[];
  readonly requests: { path: string; status: number; code?: number }[];
  inbound(waId: string, at: number): void;
  failNext(error: GraphError, n?: number): void;
  duplicates(): number;
}

export interface WhatsAppServerOptions {
  phoneNumberId: string;
  accessToken: string;
  version?: string;
  templates?: readonly ApprovedTemplate[];
  now?: () => number;
}

function templateProblem(t: z.infer<typeof Template>, approved: readonly ApprovedTemplate[]): GraphError | undefined {
  const a = approved.find((x) => x.name === t.name && x.language === t.language.code);
  if (!a) {
    return {
      status: 404,
      code: 132001,
      message: '(#132001) Template name does not exist in the translation',
      details: `template name (${t.name}) does not exist in ${t.language.code}`,
    };
  }
  const comps = t.components ?? [];
  const body = comps.filter((c) => c.type === 'body').flatMap((c) => c.parameters);
  if (body.length !== a.bodyParameters) {
    return {
      status: 400,
      code: 132000,
      message: '(#132000) Number of parameters does not match the expected number of params',
      details: `body: number of localizable_params (${body.length}) does not match the expected number of params (${a.bodyParameters})`,
    };
  }
  const texts = comps.flatMap((c) => c.parameters).filter((p): p is { type: 'text'; text: string } => p.type === 'text');
  if (texts.some((p) => p.text.trim() === '' || /[\n\r\t]/.test(p.text) || / {5,}/.test(p.text))) {
    return {
      status: 400,
      code: 132018,
      message: '(#132018) There was an issue with the parameters in your template.',
      details: 'Param text cannot have new-line/tab characters or more than 4 consecutive spaces',
    };
  }
  const header = comps.find((c) => c.type === 'header');
  const wantsHeaderParam = a.header !== undefined && a.header !== 'text';
  if (wantsHeaderParam !== (header !== undefined)) {
    return {
      status: 400,
      code: 132000,
      message: '(#132000) Number of parameters does not match the expected number of params',
      details: 'header: parameters mismatch',
    };
  }
  for (const c of comps.filter((x) => x.type === 'button')) {
    const i = Number(c.index);
    const kind = a.buttons?.[i];
    const ok =
      (c.sub_type === 'quick_reply' && kind === 'quick_reply') ||
      (c.sub_type === 'url' && kind === 'url_with_parameter') ||
      (c.sub_type === 'flow' && kind === 'flow');
    if (!ok)
      return {
        status: 400,
        code: 131009,
        message: '(#131009) Parameter value is not valid',
        details: `button at index ${c.index} is not a ${c.sub_type ?? '?'} button`,
      };
  }
  return undefined;
}

export async function startWhatsAppServer(o: WhatsAppServerOptions): Promise<WhatsAppServer> {
  const version = o.version ?? 'v24.0';
  const sends: WhatsAppSend[] = [];
  const requests: WhatsAppServer['requests'] = [];
  const lastInbound = new Map<string, number>();
  const forced: GraphError[] = [];
  const seen = new Map<string, number>();

  const running = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const raw = await readBody(req);
    const fail = (e: GraphError) => {
      requests.push({ path: url.pathname, status: e.status, code: e.code });
      sendGraphError(res, e, true);
    };
    const m = /^\/(v\d+\.\d+)\/(\d+)\/messages$/.exec(url.pathname);
    if (!m || req.method !== 'POST') return fail({ status: 400, code: 2500, message: `Unknown path components: ${url.pathname}` });
    if (m[1] !== version) return fail({ status: 400, code: 2635, message: `(#2635) You are calling a deprecated version of the Graph API (${m[1]}).` });
    if (m[2] !== o.phoneNumberId) {
      return fail({
        status: 400,
        code: 100,
        message: `(#100) Unsupported post request. Object with ID '${m[2]}' does not exist`,
        type: 'GraphMethodException',
      });
    }
    if (req.headers.authorization !== `Bearer ${o.accessToken}`) {
      return fail({ status: 401, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
    }
    const forcedError = forced.shift();
    if (forcedError) return fail(forcedError);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return fail({ status: 400, code: 100, message: '(#100) Invalid parameter', details: 'The request body is not JSON' });
    }
    const parsed = WhatsAppRequest.safeParse(json);
    if (!parsed.success) return fail({ status: 400, code: 100, message: '(#100) Invalid parameter', details: issuesMessage(parsed.error.issues) });
    const b = parsed.data;
    if (b.type === 'template') {
      const problem = templateProblem(b.template!, o.templates ?? []);
      if (problem) return fail(problem);
    } else {
      const last = lastInbound.get(b.to.replace(/^\+/, ''));
      if (last === undefined || (o.now?.() ?? Date.now()) - last > DAY) {
        return fail({
          status: 400,
          code: 131047,
          message: '(#131047) Re-engagement message',
          details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
        });
      }
    }
    const messageId = `wamid.${Buffer.from(randomUUID()).toString('base64url')}`;
    const key = `${b.to}\u0000${JSON.stringify({ ...b, to: undefined })}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    sends.push({ to: b.to, type: b.type, body: b as Record<string, unknown>, messageId });
    requests.push({ path: url.pathname, status: 200 });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: b.to, wa_id: b.to.replace(/^\+/, '') }], messages: [{ id: messageId }] }));
  });
  return {
    ...running,
    sends,
    requests,
    inbound: (id, at) => {
      lastInbound.set(id.replace(/^\+/, ''), at);
    },
    failNext: (e, n = 1) => {
      for (let i = 0; i < n; i++) forced.push(e);
    },
    duplicates: () => [...seen.values()].filter((n) => n > 1).length,
  };
}

/** Signs a webhook body as Meta does: X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, body)>. */
export function signedWebhook(payload: unknown, appSecret: string): { body: string; headers: Record<string, string> } {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return {
    body,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}` },
  };
}
