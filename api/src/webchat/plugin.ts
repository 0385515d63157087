import { readFileSync } from 'node:fs';
import fastifyWebsocket from '@fastify/websocket';
import type { EmbeddedEngine } from '@omniflow/engine';
import type { Catalogue } from '@omniflow/nodes';
import type { FlowGraph, FlowKind, WebChatServerFrame } from '@omniflow/schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { can } from '../auth/permissions.ts';
import { SESSION_COOKIE } from '../auth/session-token.ts';
import type { ChannelRegistry } from '../channels/connections.ts';
import type { Context } from '../context.ts';
import type { PrismaClient } from '../db/open.ts';
import type { DomainEventBus } from '../events.ts';
import { readStoredGraph } from '../services/flow-dto.ts';
import { findActor } from '../trpc.ts';
import { DEFAULT_FRAME_LIMITS, type FrameLimits, isFrameError, KeyedRateLimiter, RateLimiter, readFrame, wsConnection } from './frames.ts';
import type { WebChatHub } from './hub.ts';
import { handleLiveSocket } from './live.ts';
import { SimulatorSession } from './simulator.ts';

// The web chat channel's HTTP surface: the widget's live socket, the studio simulator's socket, the
// widget script and a demo page that embeds it.

export interface WebChatSettings {
  /** Origins allowed to open the live socket (the sites embedding the widget); null = any. */
  allowedOrigins: readonly string[] | null;
  limits: FrameLimits;
  /** New visitors (contacts) one ip address may start per minute. */
  newVisitorsPerMinute: number;
}

export const DEFAULT_WEBCHAT_SETTINGS: WebChatSettings = { allowedOrigins: null, limits: DEFAULT_FRAME_LIMITS, newVisitorsPerMinute: 30 };

/** The settings from the server's environment config (config.ts `webchat`). */
export function webChatSettings(config: { allowedOrigins: readonly string[] | null; framesPer10s: number }): WebChatSettings {
  return {
    ...DEFAULT_WEBCHAT_SETTINGS,
    allowedOrigins: config.allowedOrigins,
    limits: { ...DEFAULT_FRAME_LIMITS, rateLimit: config.framesPer10s, rateWindowMs: 10_000 },
  };
}

export interface WebChatPluginOptions {
  prisma: PrismaClient;
  catalogue: Catalogue;
  events: DomainEventBus;
  now: () => Date;
  hub: WebChatHub;
  engine: Pick<EmbeddedEngine, 'ingest' | 'idle'> | null;
  settings?: Partial<WebChatSettings>;
  /**
   * Configured channel connections. Once a web chat connection exists, the widget's channelId must be one
   * (and its allowedOrigins apply); until then any channel id is accepted, so the demo works out of the box.
   */
  connections?: Pick<ChannelRegistry, 'get' | 'ofKind'>;
}

const ConnectionOrigins = z.object({ allowedOrigins: z.array(z.string()).default([]) });

const ChannelQuery = z.object({
  channelId: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only'),
});
const SimulateQuery = z.object({ flowId: z.string().min(1).max(100), startNodeId: z.string().min(1).max(200).optional() });

const WIDGET_JS = readFileSync(new URL('./widget.js', import.meta.url), 'utf8');

function sameHost(origin: string, host: string): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

function badQuery(reply: FastifyReply, error: z.ZodError): FastifyReply {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join('.') || 'query';
  return reply.code(400).send({ ok: false, error: 'invalid_field', field, message: `${field}: ${issue?.message ?? 'invalid'}` });
}

export function demoPage(channelId: string): string {
  const channel = channelId.replace(/[^A-Za-z0-9_.:-]/g, '');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Omniflow web chat demo</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1f2933}code{background:#f0f2f5;padding:.1rem .3rem;border-radius:4px}</style>
</head>
<body>
<h1>Omniflow web chat</h1>
<p>This page embeds the web chat widget for channel <code>${channel}</code>. Open the chat with the button at the bottom right and say one of your bot's keywords.</p>
<p>Embed it on your own site with:</p>
<pre><code>&lt;script src="${'{origin}'}/webchat/widget.js" data-channel="${channel}"&gt;&lt;/script&gt;</code></pre>
<script src="/webchat/widget.js" data-channel="${channel}"></script>
<script>document.querySelector('pre code').textContent = document.querySelector('pre code').textContent.replace('{origin}', location.origin);</script>
</body>
</html>`;
}

interface SimulationTarget {
  graph: FlowGraph;
  startNodeId?: string;
}

export async function webChatPlugin(app: FastifyInstance, options: WebChatPluginOptions): Promise<void> {
  const settings: WebChatSettings = { ...DEFAULT_WEBCHAT_SETTINGS, ...options.settings };
  const limits = settings.limits;
  // Hard cap at the socket: anything far above the frame limit is cut off by ws itself (close 1009);
  // frames between the two get a typed error frame and the socket stays open.
  await app.register(fastifyWebsocket, { options: { maxPayload: limits.maxFrameBytes * 4 } });
  const simulations = new WeakMap<FastifyRequest, SimulationTarget>();
  const newVisitors = new KeyedRateLimiter(settings.newVisitorsPerMinute, 60_000);
  const log = (err: unknown, message: string) => app.log.error({ err }, message);

  app.get('/webchat/widget.js', async (_request, reply) =>
    reply.header('content-type', 'application/javascript; charset=utf-8').header('cache-control', 'no-cache').send(WIDGET_JS),
  );

  app.get('/webchat/demo', async (request, reply) => {
    const query = z.object({ channel: ChannelQuery.shape.channelId.default('demo') }).safeParse(request.query);
    if (!query.success) return badQuery(reply, query.error);
    return reply.header('content-type', 'text/html; charset=utf-8').send(demoPage(query.data.channel));
  });

  app.get(
    '/webchat/socket',
    {
      websocket: true,
      preValidation: async (request, reply) => {
        const query = ChannelQuery.safeParse(request.query);
        if (!query.success) return badQuery(reply, query.error);
        let allowed = settings.allowedOrigins;
        if (options.connections && options.connections.ofKind('webchat').length > 0) {
          const connection = options.connections.get(query.data.channelId);
          if (connection?.kind !== 'webchat')
            return reply.code(404).send({ ok: false, error: 'unknown_channel', field: 'channelId', message: `No web chat channel ${query.data.channelId}` });
          const origins = ConnectionOrigins.safeParse(connection.settings);
          if (origins.success && origins.data.allowedOrigins.length > 0) allowed = origins.data.allowedOrigins;
        }
        const origin = request.headers.origin;
        if (allowed && origin && !allowed.includes(origin))
          return reply.code(403).send({ ok: false, error: 'origin_not_allowed', message: `Web chat is not enabled for ${origin}` });
      },
    },
    (socket, request) => {
      const { channelId } = ChannelQuery.parse(request.query);
      handleLiveSocket(socket, channelId, {
        prisma: options.prisma,
        events: options.events,
        now: options.now,
        hub: options.hub,
        engine: options.engine,
        limits,
        log,
        mayCreateVisitor: () => newVisitors.take(request.ip),
      });
    },
  );

  app.get(
    '/webchat/simulate',
    {
      websocket: true,
      preValidation: async (request, reply) => {
        const query = SimulateQuery.safeParse(request.query);
        if (!query.success) return badQuery(reply, query.error);
        // The session cookie rides along on any handshake: only the studio's own origin may use it
        // (another site, even on another localhost port, must not drive a signed-in user's simulator).
        const origin = request.headers.origin;
        if (origin && !sameHost(origin, request.host))
          return reply.code(403).send({ ok: false, error: 'origin_not_allowed', message: 'The simulator opens from the studio only' });
        // Same rule as editing the flow: a signed-in person (the studio's session cookie) with flows.edit on its kind.
        const sessionToken = request.cookies[SESSION_COOKIE] ?? null;
        const auth: Pick<Context, 'prisma' | 'now' | 'sessionToken' | 'bearerToken'> = {
          prisma: options.prisma,
          now: options.now,
          sessionToken,
          bearerToken: null,
        };
        // findActor reads only these fields of the tRPC context.
        const found = sessionToken ? await findActor(auth as Context) : null;
        if (!found) return reply.code(401).send({ ok: false, error: 'unauthorized', message: 'Sign in to the studio first' });
        const flow = await options.prisma.flow.findUnique({ where: { id: query.data.flowId }, select: { kind: true, draftGraph: true } });
        if (!flow) return reply.code(404).send({ ok: false, error: 'not_found', message: `Flow ${JSON.stringify(query.data.flowId)} was not found` });
        if (!can(found.actor.role, 'flows.edit', flow.kind as FlowKind))
          return reply.code(403).send({ ok: false, error: 'forbidden', message: `Your role may not edit this ${flow.kind}` });
        let graph: FlowGraph;
        try {
          graph = readStoredGraph(flow.draftGraph, `flow ${query.data.flowId}`);
        } catch (e) {
          return reply.code(422).send({ ok: false, error: 'invalid_draft', message: e instanceof Error ? e.message : String(e) });
        }
        simulations.set(request, { graph, ...(query.data.startNodeId ? { startNodeId: query.data.startNodeId } : {}) });
      },
    },
    (socket, request) => {
      const target = simulations.get(request);
      if (!target) {
        socket.close(1011, 'no simulation target');
        return;
      }
      const connection = wsConnection(socket);
      const send = (frame: WebChatServerFrame) => connection.send(frame).catch(() => {});
      const session = new SimulatorSession({ ...target, catalogue: options.catalogue, send, onError: (e) => log(e, 'simulator engine error') });
      const limiter = new RateLimiter(limits.rateLimit, limits.rateWindowMs);
      let queue: Promise<void> = Promise.resolve();
      socket.on('message', (raw: Buffer, isBinary: boolean) => {
        if (!limiter.take()) {
          void send({ type: 'error', code: 'rate_limited', message: `At most ${limits.rateLimit} frames per ${limits.rateWindowMs / 1000} s` });
          return;
        }
        const frame = readFrame(raw, isBinary, limits);
        queue = queue
          .then(async () => {
            if (isFrameError(frame)) return send(frame);
            if (frame.type === 'hello') return session.start(frame);
            if (!session.started) return send({ type: 'error', code: 'hello_required', message: 'Send a hello frame first', field: 'type' });
            if (frame.type === 'restart') return session.start();
            if (frame.type === 'received') return; // nothing to re-send in a simulation
            if (frame.type === 'fastForward') return session.fastForward(frame.minutes);
            await send({ type: 'ack', clientMessageId: frame.clientMessageId });
            return session.inbound(frame);
          })
          .catch((err: unknown) => {
            log(err, 'simulator frame failed');
            return send({ type: 'error', code: 'internal', message: 'The simulator could not process that; try restarting' });
          });
      });
      socket.on('close', () => {
        queue = queue.then(() => session.stop()).catch((err: unknown) => log(err, 'simulator stop failed'));
      });
    },
  );
}
