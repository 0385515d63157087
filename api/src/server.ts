import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { type EffectHandler, MemoryReplyTokenStore, type SendAdapter } from '@omniflow/engine';
import { type Catalogue, loadCatalogue, pluginsFromEnv, pluginsFromPackageJson } from '@omniflow/nodes';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { ChannelRegistry } from './channels/connections.ts';
import { DeliveryLog } from './channels/deliveries.ts';
import { InboundRecorder } from './channels/inbound.ts';
import { loadSecretKey, SecretBox } from './channels/secret-box.ts';
import { redactUrlSecrets, registerWebhookRoutes } from './channels/webhooks.ts';
import { ClickTokens, clickTracker, registerClickRoutes } from './clicks/index.ts';
import { type AppServices, contextFactory, type Settings } from './context.ts';
import type { MigrationResult } from './db/migrate.ts';
import { connectDatabase, openDatabase, type PrismaClient } from './db/open.ts';
import { type EngineHost, type EngineKind, startEngineHost, type TemporalHostOptions } from './engine-host.ts';
import { DomainEventBus } from './events.ts';
import { type AppRouter, appRouter } from './router/index.ts';
import { ImportQueue } from './services/imports.ts';
import { seedExampleFlows } from './services/seed.ts';
import { ensureFirstAdmin } from './services/users.ts';
import { registerTrackingRoutes } from './tracking/index.ts';
import { WebChatHub, type WebChatPluginOptions, webChatAddressOf, webChatPlugin, withWebChat } from './webchat/index.ts';

export const API_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
const REPO_ROOT = new URL('../../', import.meta.url).pathname;

/** The node catalogue: built-ins plus the plugins of the root package.json and OMNIFLOW_PLUGINS. */
export function loadInstalledCatalogue(): Promise<Catalogue> {
  return loadCatalogue([...new Set([...pluginsFromPackageJson(REPO_ROOT), ...pluginsFromEnv()])]);
}

/** Fastify's logger: off, on, or a level (and, for tests, where the lines go). */
export type LoggerOption = boolean | { level: string; stream?: { write(line: string): void } };

/** Fastify's default request log fields, with secret query parameters masked. */
function safeRequestLog(req: { method: string; url: string; hostname?: string; ip?: string }) {
  return { method: req.method, url: redactUrlSecrets(req.url), host: req.hostname, remoteAddress: req.ip };
}

/** The studio's production build; found by path, since the studio depends on the api (for types), not the other way. */
const DEFAULT_STUDIO_DIR = new URL('../../studio/dist/', import.meta.url).pathname;

/** Serves the built studio at /, with index.html for its client-side routes; absent a build, the api runs alone. */
async function serveStudio(app: FastifyInstance, dir: string | false): Promise<void> {
  if (dir === false || !existsSync(`${dir}/index.html`)) return;
  await app.register(fastifyStatic, { root: dir, wildcard: false });
  app.setNotFoundHandler((request, reply) => {
    if (request.method === 'GET' && !request.url.startsWith('/trpc') && request.headers.accept?.includes('text/html')) return reply.sendFile('index.html');
    return reply.code(404).send({ ok: false, error: 'not_found', message: `${request.method} ${request.url} does not exist` });
  });
}

/** The HTTP app: tRPC at /trpc, a health check at /healthz and the studio at /. */
export async function buildApp(
  services: AppServices,
  options: {
    logger?: LoggerOption;
    trustProxy?: boolean | string;
    studioDir?: string | false;
    /** The web chat channel's sockets, widget and demo page. */
    webchat?: Pick<WebChatPluginOptions, 'hub' | 'engine' | 'settings'>;
  } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    // Request URLs are logged: webhook handshakes carry hub.verify_token in theirs.
    logger: typeof options.logger === 'object' ? { ...options.logger, serializers: { req: safeRequestLog } } : (options.logger ?? false),
    trustProxy: options.trustProxy ?? false,
    // Graphs can be large (thousands of nodes), and imports carry files of up to 30 MB (§3.9).
    bodyLimit: 32 * 1024 * 1024,
    routerOptions: { maxParamLength: 5000 },
  });
  await app.register(fastifyCookie);
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: contextFactory(services),
      onError({ path, error }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') app.log.error({ err: error.cause ?? error, path }, 'tRPC procedure failed');
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });
  if (options.webchat) {
    await app.register(webChatPlugin, {
      prisma: services.prisma,
      catalogue: services.catalogue,
      events: services.events ?? new DomainEventBus(),
      now: services.now ?? (() => new Date()),
      ...(services.channels ? { connections: services.channels } : {}),
      ...options.webchat,
    });
  }
  await serveStudio(app, options.studioDir === undefined ? DEFAULT_STUDIO_DIR : options.studioDir);
  app.get('/healthz', async (_request, reply) => {
    try {
      await services.prisma.$queryRaw`SELECT 1`;
      return { ok: true, version: API_VERSION, db: 'ok' };
    } catch (err) {
      app.log.error({ err }, 'health check: database unreachable');
      return reply.code(503).send({ ok: false, version: API_VERSION, db: 'error' });
    }
  });
  return app;
}

export interface StartOptions {
  port: number;
  host?: string;
  dataDir: string;
  adminEmail?: string | undefined;
  logger?: LoggerOption;
  trustProxy?: boolean | string;
  catalogue?: Catalogue;
  now?: () => Date;
  settings?: Partial<Settings>;
  /** Host the engine in this process (default true; `npm start` runs api and engine together). */
  engine?: boolean;
  /** Which runtime to host; default OMNIFLOW_ENGINE (embedded unless `temporal`). */
  engineKind?: EngineKind;
  /** The Temporal runtime's settings and how it is built (tests pass an in-process gateway). */
  temporal?: TemporalHostOptions;
  /** External effects for the engine (sends, HTTP, CAPI); default: the configured channel connections. */
  effects?: EffectHandler;
  /** Hosts Call an API may reach although private (e.g. 127.0.0.1 in tests). */
  httpAllowList?: readonly string[];
  /** Where customers reach this server (click-tracking links); default OMNIFLOW_PUBLIC_URL. Without it links go out untracked. */
  publicUrl?: string;
  /** The web chat's send adapter (api/src/webchat). */
  webchat?: SendAdapter;
  /** Web chat: allowed widget origins and frame limits. */
  webchatSettings?: WebChatPluginOptions['settings'];
  /** On the first start, add the example flows of examples/flows/ as drafts (npm start does). */
  seedExamples?: boolean;
}

export interface RunningServer {
  app: FastifyInstance;
  prisma: PrismaClient;
  url: string;
  port: number;
  migrations: MigrationResult;
  /** Customer-data changes, for the engine (and tests) to subscribe to. */
  events: DomainEventBus;
  /** The background import queue. */
  imports: ImportQueue;
  /** The engine host (embedded, or Temporal with OMNIFLOW_ENGINE=temporal), unless started with `engine: false`. */
  engine: EngineHost | null;
  /** Channel connections with decrypted secrets. */
  channels: ChannelRegistry;
  /** Delivery statuses of sent messages. */
  deliveries: DeliveryLog;
  /** The web chat channel: open visitor sockets and their message queue. */
  webchat: WebChatHub;
  /** Set on the first start only: the generated admin credentials, to show once. */
  firstAdmin: { email: string; password: string } | null;
  /** Names of the example flows added on this (first) start. */
  seeded: string[];
  close(): Promise<void>;
}

/** Migrates the database, creates the first admin if needed, loads the catalogue and listens. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const catalogue = options.catalogue ?? (await loadInstalledCatalogue());
  const { prisma, file, migrations } = await openDatabase(options.dataDir);
  const importsDb = await connectDatabase(file);
  let engine: EngineHost | null = null;
  const webchat = new WebChatHub({ file: join(options.dataDir, 'webchat.db'), addressOf: (customerId) => webChatAddressOf(prisma, customerId) });
  try {
    const firstAdmin = await ensureFirstAdmin(prisma, options.adminEmail);
    const now = options.now ?? (() => new Date());
    // The app's logger exists only once the app does; until then failures go nowhere (none are expected).
    let log: (error: unknown, message: string) => void = () => {};
    const events = new DomainEventBus((err, event) => log(err, `domain event subscriber failed on ${event.type}`));
    const imports = new ImportQueue({ prisma: importsDb, now, events, log: (err, message) => log(err, message) });
    const channels = new ChannelRegistry(prisma, new SecretBox(loadSecretKey(options.dataDir)));
    await channels.reload();
    const deliveries = new DeliveryLog(prisma, now);
    const replyTokens = new MemoryReplyTokenStore();
    const clickTokens = new ClickTokens(loadSecretKey(options.dataDir));
    const publicUrl = options.publicUrl ?? process.env.OMNIFLOW_PUBLIC_URL;
    let info: (line: string) => void = () => {};
    engine =
      options.engine === false
        ? null
        : await startEngineHost({
            ...(options.engineKind ? { kind: options.engineKind } : {}),
            ...(options.temporal ? { temporal: options.temporal } : {}),
            dataDir: options.dataDir,
            catalogue,
            prisma,
            events,
            now,
            // Web chat sends go to the hub, also when a test gives the effects whole.
            ...(options.effects ? { effects: withWebChat(options.webchat ?? webchat, options.effects) } : {}),
            channels: {
              registry: channels,
              deliveries,
              replyTokens,
              webchat: options.webchat ?? webchat,
              ...(options.httpAllowList ? { httpAllowList: options.httpAllowList } : {}),
              ...(publicUrl ? { lineTrackUrl: clickTracker(clickTokens, publicUrl) } : {}),
              log: (line) => info(line),
            },
            onError: (err) => log(err, 'engine error'),
          });
    const app = await buildApp(
      {
        prisma,
        catalogue,
        now,
        events,
        imports,
        ...(engine ? { runtime: engine, runs: engine.engine } : {}),
        channels,
        ...(options.settings ? { settings: options.settings } : {}),
      },
      {
        logger: options.logger ?? false,
        trustProxy: options.trustProxy ?? false,
        webchat: { hub: webchat, engine: engine?.engine ?? null, ...(options.webchatSettings ? { settings: options.webchatSettings } : {}) },
      },
    );
    log = (err, message) => app.log.error({ err }, message);
    info = (line) => app.log.info(line);
    const running = engine;
    await registerWebhookRoutes(app, {
      registry: channels,
      inbound: new InboundRecorder({ prisma, now, events }),
      deliveries,
      replyTokens,
      ingest: (event) => running?.engine.ingest(event),
      now,
    });
    // GET /r/:token: click-tracking redirects (§7 click rate), tokens signed with the server's secret key.
    const record = (t: { customerId: string; flowId: string; nodeId: string }, at: Date) => deliveries.recordClick(t.customerId, t.flowId, t.nodeId, at, 'url');
    await registerClickRoutes(app, { tokens: clickTokens, record, now });
    // POST /track/visit, /track/event (website, cart, forms, OmniLink, comments) and /api/journeys/:key/enter, API-key authenticated.
    if (running) {
      const { engine: runtime } = running;
      // Both runtimes have the API trigger (§3.13); the fallbacks only satisfy FlowEngine's optional members.
      const tracked = {
        ingest: (event: Parameters<typeof runtime.ingest>[0]) => runtime.ingest(event),
        apiTrigger: (key: string) => runtime.apiTrigger?.(key),
        enterByTriggerKey: runtime.enterByTriggerKey?.bind(runtime) ?? (async () => ({ status: 'unknown_trigger' as const })),
      };
      registerTrackingRoutes(app, { prisma, now, engine: tracked });
    }
    let seeded: string[] = [];
    if (firstAdmin && options.seedExamples) {
      const admin = await prisma.user.findUniqueOrThrow({ where: { email: firstAdmin.email } });
      seeded = await seedExampleFlows({ prisma, catalogue, events, now }, admin.id);
    }
    await imports.resume();
    await app.listen({ port: options.port, host: options.host ?? '0.0.0.0' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    return {
      app,
      prisma,
      url: `http://localhost:${port}`,
      port,
      migrations,
      events,
      imports,
      engine,
      channels,
      deliveries,
      webchat,
      firstAdmin,
      seeded,
      close: async () => {
        await imports.stop();
        await engine?.close();
        await app.close();
        webchat.close();
        await importsDb.$disconnect();
        await prisma.$disconnect();
      },
    };
  } catch (e) {
    await engine?.close();
    webchat.close();
    await importsDb.$disconnect();
    await prisma.$disconnect();
    throw e;
  }
}
