import { join } from 'node:path';
import type { ContactStore, Effect, EffectHandler, EffectResult, EmbeddedEngine, ReplyTokenStore, SendAdapter } from '@omniflow/engine';
import { createEmbeddedEngine, SqliteSentLedger } from '@omniflow/engine';
import type { TemporalConfig, TemporalRuntime } from '@omniflow/engine/temporal';
import type { Catalogue } from '@omniflow/nodes';
import type { FlowGraph, TriggerEvent } from '@omniflow/schemas';
import type { ChannelRegistry } from './channels/connections.ts';
import type { DeliveryLog } from './channels/deliveries.ts';
import { ChannelEffects, type ChannelEffectsOptions } from './channels/effects.ts';
import type { PrismaClient } from './db/open.ts';
import type { DomainEvent, DomainEventBus } from './events.ts';
import type { FlowStatus } from './lifecycle/transitions.ts';
import { createFlowStatusSync, type FlowStatusSync, PrismaContactDirectory } from './scheduler/index.ts';
import { PrismaContactStore } from './services/contact-store.ts';
import type { InFlightPolicy } from './services/versions.ts';
import { ImportTriggerFeed } from './tracking/index.ts';

// The runtime hosted by the api process: the embedded engine (default; `npm start` runs one process) or,
// with OMNIFLOW_ENGINE=temporal, a TemporalRuntime whose runs execute on Temporal workers (docs/temporal.md).
// Customer-data changes reach it as trigger events and inbound contact events; publishing and lifecycle
// changes reach it through FlowRuntime. Contacts are the api's (Prisma), so a journey's tag shows in the api.

/** What the flow services tell the runtime after their change has committed. */
export interface FlowRuntime {
  published(change: { flowId: string; versionId: string; graph: FlowGraph; inFlightPolicy: InFlightPolicy; status: FlowStatus }): void;
  statusChanged(flowId: string, status: FlowStatus): void;
}

export type EngineKind = 'embedded' | 'temporal';

/** Features only the embedded engine has; on the Temporal runtime they are absent and the api says so. */
type EmbeddedOnly = 'listOccurrences' | 'cancelOccurrence' | 'flowStatus' | 'fireTimerNow' | 'apiTrigger' | 'enterByTriggerKey';

/**
 * What the host, the routers and the routes call on a runtime. Both the embedded engine and
 * TemporalRuntime satisfy it; the embedded-only features are optional.
 */
export type FlowEngine = Pick<
  EmbeddedEngine,
  'publish' | 'pause' | 'resume' | 'end' | 'ingest' | 'deliverInbound' | 'enter' | 'start' | 'stop' | 'idle' | 'getRun' | 'runs' | 'runTimeline' | 'nodeStats'
> &
  Partial<Pick<EmbeddedEngine, EmbeddedOnly>>;

export interface EngineHost extends FlowRuntime {
  kind: EngineKind;
  engine: FlowEngine;
  /** The embedded engine itself (scheduled starts, occurrences); null on the Temporal runtime. */
  embedded: EmbeddedEngine | null;
  /** Keeps flow rows in step with scheduled starts and end times the engine fires. */
  statusSync: FlowStatusSync;
  /** Imports with "trigger journeys" on → journeys with the import trigger (§3.9). */
  importTriggers: ImportTriggerFeed;
  close(): Promise<void>;
}

/** Domain event → the engine's trigger event and the inbound event waiting runs may be listening for. */
function toEngineEvents(e: DomainEvent): { trigger?: TriggerEvent; inbound?: Parameters<EmbeddedEngine['deliverInbound']>[0] } {
  const base = { id: `${e.type}:${e.customerId}:${e.at}`, occurredAt: e.at, customerId: e.customerId };
  switch (e.type) {
    case 'tag.applied':
    case 'tag.removed': {
      const dedupeKey = `${e.type}:${e.customerId}:${e.tag}:${e.at}`;
      return {
        trigger: { ...base, type: e.type, source: e.source, payload: { tag: e.tag, reapplied: e.type === 'tag.applied' && e.count > 1 }, dedupeKey },
        inbound: {
          customerId: e.customerId,
          kind: e.type === 'tag.applied' ? 'tagApplied' : 'tagRemoved',
          payload: { tags: [e.tag] },
          source: e.source,
          dedupeKey,
        },
      };
    }
    case 'attribute.changed': {
      const dedupeKey = `attribute:${e.customerId}:${e.key}:${e.at}`;
      return {
        trigger: { ...base, type: 'attribute.changed', source: e.source, payload: { key: e.key, value: e.new, previous: e.old }, dedupeKey },
        inbound: { customerId: e.customerId, kind: 'attributeChanged', payload: { key: e.key, value: e.new, previous: e.old }, source: e.source, dedupeKey },
      };
    }
    case 'contact.created':
      return {
        trigger: {
          ...base,
          type: 'contact.created',
          channel: e.channel,
          channelId: e.channelId,
          source: e.source,
          payload: { source: e.source },
          dedupeKey: `contact:${e.identityId}`,
        },
      };
    default:
      return {};
  }
}

/**
 * Until a channel's credentials are configured, its sends fail with a reason the run timeline shows,
 * instead of pretending to have sent; outbound HTTP is refused the same way.
 */
export const unconfiguredEffects: EffectHandler = {
  async deliver(effect: Effect): Promise<EffectResult> {
    if (effect.kind === 'http') return { ok: false, reason: 'blocked', message: 'Outbound HTTP is not configured on this server' };
    return {
      ok: false,
      reason: 'channel_not_configured',
      message: `No ${effect.kind === 'capi' ? 'Conversions API dataset' : 'channel'} is configured for this send`,
      retryable: false,
    };
  },
};

export interface EngineHostOptions {
  dataDir: string;
  catalogue: Catalogue;
  prisma: PrismaClient;
  events: DomainEventBus;
  now: () => Date;
  /** External effects (sends, HTTP calls, CAPI); overrides `channels` (tests). Without either, nothing leaves the server (see unconfiguredEffects). */
  effects?: EffectHandler;
  /** The configured channel connections: effects go to their adapters, sends are recorded as deliveries. */
  channels?: {
    registry: ChannelRegistry;
    deliveries: DeliveryLog;
    replyTokens: ReplyTokenStore;
    /** The web chat hub (api/src/webchat) as a send adapter. */
    webchat?: SendAdapter;
    httpAllowList?: readonly string[];
    /** Click tracking (api/src/clicks): the redirect URL for each link a LINE card opens. */
    lineTrackUrl?: ChannelEffectsOptions['lineTrackUrl'];
    log?: (line: string) => void;
  };
  onError?: (error: unknown) => void;
}

/** What the api hands to whatever builds its TemporalRuntime. */
export interface TemporalRuntimeDeps {
  config: TemporalConfig;
  catalogue: Catalogue;
  /** The api's contacts (Prisma), so a journey's tag shows in the api. */
  contacts: ContactStore;
  /** The api's effect handler: used by activities that run in this process (the in-process gateway of tests). */
  effects: EffectHandler;
  onError?: (error: unknown) => void;
}

export interface TemporalHostOptions {
  /** Default: temporalConfigFromEnv() with the api's data directory, so the run ledger sits beside the api's database. */
  config?: TemporalConfig;
  /** Builds the runtime; default TemporalRuntime.connect() to the configured cluster. Tests pass an in-process gateway. */
  connect?: (deps: TemporalRuntimeDeps) => Promise<TemporalRuntime>;
}

/**
 * The runtime OMNIFLOW_ENGINE selects (checked by engineKindFromEnv, so a bad value fails at start).
 * The Temporal SDK is loaded only when the variable asks for something other than the embedded engine.
 */
export async function engineKindFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<EngineKind> {
  const value = env.OMNIFLOW_ENGINE?.trim();
  if (!value || value === 'embedded') return 'embedded';
  const { engineKindFromEnv } = await import('@omniflow/engine/temporal');
  return engineKindFromEnv(env);
}

/** Builds the host of the selected runtime: `kind`, else OMNIFLOW_ENGINE (default embedded). */
export async function startEngineHost(options: EngineHostOptions & { kind?: EngineKind; temporal?: TemporalHostOptions }): Promise<EngineHost> {
  const kind = options.kind ?? (await engineKindFromEnvironment());
  return kind === 'temporal' ? createTemporalEngineHost(options) : createEngineHost(options);
}

/** The pieces both runtimes share: the api's contacts and its channel effects. */
function sharedParts(options: EngineHostOptions, runOf: (runId: string) => ReturnType<FlowEngine['getRun']>) {
  const contacts = new PrismaContactStore({ prisma: options.prisma, now: options.now, events: options.events });
  const ch = options.channels;
  // Meta sends accepted before a crash are answered from this file instead of being sent again.
  const sentLedger = !options.effects && ch ? new SqliteSentLedger(join(options.dataDir, 'meta-sent.db')) : undefined;
  const channelEffects =
    !options.effects && ch
      ? new ChannelEffects({
          registry: ch.registry,
          contacts,
          replyTokens: ch.replyTokens,
          deliveries: ch.deliveries,
          ...(sentLedger ? { sentLedger } : {}),
          runFacts: (runId) => {
            const run = runOf(runId);
            // Test runs (§8.1) are excluded from the metrics, once the engine's run record says which they are.
            return run ? { versionId: run.versionId, isTest: 'isTest' in run && run.isTest === true } : undefined;
          },
          ...(ch.webchat ? { webchat: ch.webchat } : {}),
          ...(ch.httpAllowList ? { httpAllowList: ch.httpAllowList } : {}),
          ...(ch.lineTrackUrl ? { lineTrackUrl: ch.lineTrackUrl } : {}),
          ...(ch.log ? { log: ch.log } : {}),
        })
      : undefined;
  const statusSync = createFlowStatusSync({ prisma: options.prisma, ...(options.onError ? { onError: options.onError } : {}) });
  const effects = options.effects ?? channelEffects ?? unconfiguredEffects;
  const close = () => {
    channelEffects?.close();
    sentLedger?.close();
  };
  return { contacts, effects, statusSync, close };
}

/** Connects the runtime to the api's domain events and flow lifecycle. */
function hostOf(
  options: EngineHostOptions,
  parts: { kind: EngineKind; engine: FlowEngine; embedded: EmbeddedEngine | null; statusSync: FlowStatusSync; closeShared: () => void },
): EngineHost {
  const { engine, embedded } = parts;
  const importTriggers = new ImportTriggerFeed({
    prisma: options.prisma,
    ingest: (event) => engine.ingest(event),
    ...(options.onError ? { onError: options.onError } : {}),
  });
  const unsubscribe = options.events.on('*', (event) => {
    // Changes a journey made itself are already in the engine's inbox, committed with the step
    // (on Temporal, the activity hands them to the runtime with publishEvents).
    if ('sourceRef' in event && event.sourceRef && 'runId' in event.sourceRef) return;
    importTriggers.push(event);
    const { trigger, inbound } = toEngineEvents(event);
    if (trigger) engine.ingest(trigger);
    if (inbound) engine.deliverInbound(inbound);
  });
  engine.start();
  /** Scheduled versions on their way to the engine (their start time is read from the flow row first). */
  const handingOver = new Map<string, Promise<void>>();
  // Scheduled starts and end times that fired while the api was down, and scheduled versions the engine lacks.
  if (embedded) parts.statusSync.reconcile(embedded).catch((e) => options.onError?.(e));
  return {
    kind: parts.kind,
    engine,
    embedded,
    statusSync: parts.statusSync,
    importTriggers,
    published({ flowId, versionId, graph, inFlightPolicy, status }) {
      if (status === 'active') engine.publish(flowId, versionId, graph, { inFlight: inFlightPolicy });
      else if (status === 'scheduled' && !embedded) {
        // The Temporal runtime holds no start jobs: the version stays with the api until published without a start time.
        options.onError?.(new Error(`flowId ${flowId}: scheduled starts are not available on the Temporal runtime; version ${versionId} was not handed to it`));
      } else if (status === 'scheduled' && embedded) {
        // The engine holds the start (and end) as durable jobs; the times are on the committed flow row.
        const handOver = options.prisma.flow
          .findUnique({ where: { id: flowId }, select: { scheduledStartAt: true, scheduledEndAt: true } })
          .then((row) => {
            if (!row?.scheduledStartAt) return;
            const endAt = row.scheduledEndAt ? { endAt: row.scheduledEndAt } : {};
            embedded.publish(flowId, versionId, graph, { inFlight: inFlightPolicy, startAt: row.scheduledStartAt, ...endAt });
          })
          .catch((e) => options.onError?.(e))
          .finally(() => {
            if (handingOver.get(flowId) === handOver) handingOver.delete(flowId);
          });
        handingOver.set(flowId, handOver);
      }
    },
    statusChanged(flowId, status) {
      const apply = () => {
        if (status === 'paused') engine.pause(flowId);
        // Resuming goes back to scheduled while the start is ahead; the engine knows from its job.
        else if (status === 'active' || status === 'scheduled') engine.resume(flowId);
        else if (status === 'ended') engine.end(flowId);
      };
      // A pause or end right after a scheduled publish applies after that version reached the engine.
      const pending = handingOver.get(flowId);
      if (pending) void pending.then(apply);
      else apply();
    },
    async close() {
      unsubscribe();
      await engine.stop();
      parts.closeShared();
    },
  };
}

/** The embedded engine in this process, with one SQLite file in the data directory. */
export function createEngineHost(options: EngineHostOptions): EngineHost {
  // The engine is made after its effect handler, which asks it for a run's version.
  let engineRef: EmbeddedEngine | undefined;
  const shared = sharedParts(options, (runId) => engineRef?.getRun(runId));
  const engine = createEmbeddedEngine({
    dataDir: options.dataDir,
    catalogue: options.catalogue,
    contacts: shared.contacts,
    directory: new PrismaContactDirectory(options.prisma),
    onFlowStatus: (change) => shared.statusSync.onFlowStatus(change),
    effects: shared.effects,
    ...(options.onError ? { onError: options.onError } : {}),
  });
  engineRef = engine;
  return hostOf(options, { kind: 'embedded', engine, embedded: engine, statusSync: shared.statusSync, closeShared: shared.close });
}

/**
 * OMNIFLOW_ENGINE=temporal: a TemporalRuntime over the api's contacts. Runs execute on workers
 * (`omniflow worker`); the api starts and signals them and reads the run ledger in the data directory.
 */
export async function createTemporalEngineHost(options: EngineHostOptions & { temporal?: TemporalHostOptions }): Promise<EngineHost> {
  const temporal = await import('@omniflow/engine/temporal');
  const config = options.temporal?.config ?? temporal.temporalConfigFromEnv({ ...process.env, OMNIFLOW_DATA_DIR: options.dataDir });
  let runtimeRef: TemporalRuntime | undefined;
  const shared = sharedParts(options, (runId) => runtimeRef?.getRun(runId));
  const deps: TemporalRuntimeDeps = {
    config,
    catalogue: options.catalogue,
    contacts: shared.contacts,
    effects: shared.effects,
    ...(options.onError ? { onError: options.onError } : {}),
  };
  let runtime: TemporalRuntime;
  try {
    runtime = options.temporal?.connect
      ? await options.temporal.connect(deps)
      : await temporal.TemporalRuntime.connect({
          config,
          catalogue: options.catalogue,
          contacts: shared.contacts,
          ...(options.onError ? { onError: options.onError } : {}),
        });
  } catch (e) {
    shared.close();
    if (options.temporal?.connect) throw e;
    // Say which cluster could not be reached, and from which setting.
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(`Could not connect to the Temporal cluster at ${config.address} (TEMPORAL_ADDRESS, namespace ${config.namespace}): ${reason}`, {
      cause: e,
    });
  }
  runtimeRef = runtime;
  return hostOf(options, { kind: 'temporal', engine: runtime, embedded: null, statusSync: shared.statusSync, closeShared: shared.close });
}
