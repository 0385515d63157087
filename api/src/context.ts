import type { Catalogue } from '@omniflow/nodes';
import { TRPCError } from '@trpc/server';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import { bearerToken } from './auth/api-key.ts';
import { SESSION_COOKIE } from './auth/session-token.ts';
import type { ChannelRegistry } from './channels/connections.ts';
import type { PrismaClient } from './db/open.ts';
import type { FlowEngine, FlowRuntime } from './engine-host.ts';
import { DomainEventBus } from './events.ts';
import { ImportQueue } from './services/imports.ts';

/** What every procedure can reach: shared services plus the facts of this one request. */
export interface Context {
  prisma: PrismaClient;
  catalogue: Catalogue;
  now: () => Date;
  request: RequestMeta;
  /** Domain events of customer-data changes (src/events.ts), emitted after each commit. */
  events: DomainEventBus;
  settings: Settings;
  imports: ImportQueue;
  /** The engine, told about publishes and status changes after they commit (absent in api-only tests). */
  runtime?: FlowRuntime;
  /** Run history and statistics of the engine (absent in api-only tests). */
  runs?: RunReader;
  /** Channel connections with their decrypted secrets (absent in api-only tests). */
  channels?: ChannelRegistry;
  sessionToken: string | null;
  /** The token of an `Authorization: Bearer` header: an API key. */
  bearerToken: string | null;
  setSessionCookie: (token: string, expiresAt: Date) => void;
  clearSessionCookie: () => void;
}

/** Where a request came from, for the audit log. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

/** Limits an operator may change. */
export interface Settings {
  /** Contacts per channel on the test list (§8.1: 100 by default, configurable). */
  testListCap: number;
}

export const DEFAULT_SETTINGS: Settings = { testListCap: 100 };

export interface AppServices {
  prisma: PrismaClient;
  catalogue: Catalogue;
  now?: () => Date;
  events?: DomainEventBus;
  settings?: Partial<Settings>;
  imports?: ImportQueue;
  runtime?: FlowRuntime;
  runs?: RunReader;
  channels?: ChannelRegistry;
}

/**
 * What the api reads from the engine: runs, their timelines and per-node counters. Schedule occurrences,
 * the engine's flow status and fast-forward exist on the embedded engine only (absent on Temporal).
 */
export type RunReader = Pick<FlowEngine, 'runs' | 'runTimeline' | 'nodeStats' | 'listOccurrences' | 'cancelOccurrence' | 'flowStatus' | 'fireTimerNow'>;

/** A feature of the embedded engine, or PRECONDITION_FAILED naming it when this runtime lacks it. */
export function embeddedFeature<K extends 'listOccurrences' | 'cancelOccurrence' | 'flowStatus' | 'fireTimerNow'>(
  reader: RunReader,
  feature: K,
  procedure: string,
): NonNullable<RunReader[K]> {
  const f = reader[feature];
  if (!f) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: `${procedure} is not available on the Temporal runtime (OMNIFLOW_ENGINE=temporal)` });
  return f.bind(reader) as NonNullable<RunReader[K]>;
}

export function contextFactory(services: AppServices) {
  const now = services.now ?? (() => new Date());
  const events = services.events ?? new DomainEventBus();
  const settings = { ...DEFAULT_SETTINGS, ...services.settings };
  const imports = services.imports ?? new ImportQueue({ prisma: services.prisma, now, events });
  return ({ req, res }: CreateFastifyContextOptions): Context => ({
    prisma: services.prisma,
    catalogue: services.catalogue,
    now,
    events,
    settings,
    imports,
    ...(services.runtime ? { runtime: services.runtime } : {}),
    ...(services.runs ? { runs: services.runs } : {}),
    ...(services.channels ? { channels: services.channels } : {}),
    request: { ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null },
    sessionToken: req.cookies[SESSION_COOKIE] ?? null,
    bearerToken: bearerToken(req.headers.authorization),
    setSessionCookie: (token, expiresAt) => {
      // httpOnly: scripts cannot read it; Lax: not sent on cross-site POSTs (CSRF); Secure behind HTTPS.
      res.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https', path: '/', expires: expiresAt });
    },
    clearSessionCookie: () => {
      res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https', path: '/' });
    },
  });
}
