import { join } from 'node:path';
import type { Effect, EffectHandler, EffectResult, EmbeddedEngine, ReplyTokenStore, SendAdapter } from '@omniflow/engine';
import { createEmbeddedEngine, SqliteSentLedger } from '@omniflow/engine';
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

// The embedded engine hosted by the api process (`npm start` runs one process). Customer-data
// changes reach it as trigger events and inbound contact events; publishing and lifecycle changes
// reach it through FlowRuntime. Contacts are the api's (Prisma), so a journey's tag shows in the api.

/** What the flow services tell the runtime after their change has committed. */
export interface FlowRuntime {
  published(change: { flowId: string; versionId: string; graph: FlowGraph; inFlightPolicy: InFlightPolicy; status: FlowStatus }): void;
  statusChanged(flowId: string, status: FlowStatus): void;
}

export interface EngineHost extends FlowRuntime {
  engine: EmbeddedEngine;
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

export function createEngineHost(options: {
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
}): EngineHost {
  const contacts = new PrismaContactStore({ prisma: options.prisma, now: options.now, events: options.events });
  // The engine is made after its effect handler, which asks it for a run's version.
  let engineRef: EmbeddedEngine | undefined;
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
            const run = engineRef?.getRun(runId);
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
  const engine = createEmbeddedEngine({
    dataDir: options.dataDir,
    catalogue: options.catalogue,
    contacts,
    directory: new PrismaContactDirectory(options.prisma),
    onFlowStatus: (change) => statusSync.onFlowStatus(change),
    effects: options.effects ?? channelEffects ?? unconfiguredEffects,
    ...(options.onError ? { onError: options.onError } : {}),
  });
  const importTriggers = new ImportTriggerFeed({
    prisma: options.prisma,
    ingest: (event) => engine.ingest(event),
    ...(options.onError ? { onError: options.onError } : {}),
  });
  const unsubscribe = options.events.on('*', (event) => {
    // Changes a journey made itself are already in the engine's inbox, committed with the step.
    if ('sourceRef' in event && event.sourceRef && 'runId' in event.sourceRef) return;
    importTriggers.push(event);
    const { trigger, inbound } = toEngineEvents(event);
    if (trigger) engine.ingest(trigger);
    if (inbound) engine.deliverInbound(inbound);
  });
  engineRef = engine;
  engine.start();
  /** Scheduled versions on their way to the engine (their start time is read from the flow row first). */
  const handingOver = new Map<string, Promise<void>>();
  // Scheduled starts and end times that fired while the api was down, and scheduled versions the engine lacks.
  statusSync.reconcile(engine).catch((e) => options.onError?.(e));
  return {
    engine,
    statusSync,
    importTriggers,
    published({ flowId, versionId, graph, inFlightPolicy, status }) {
      if (status === 'active') engine.publish(flowId, versionId, graph, { inFlight: inFlightPolicy });
      else if (status === 'scheduled') {
        // The engine holds the start (and end) as durable jobs; the times are on the committed flow row.
        const handOver = options.prisma.flow
          .findUnique({ where: { id: flowId }, select: { scheduledStartAt: true, scheduledEndAt: true } })
          .then((row) => {
            if (!row?.scheduledStartAt) return;
            const endAt = row.scheduledEndAt ? { endAt: row.scheduledEndAt } : {};
            engine.publish(flowId, versionId, graph, { inFlight: inFlightPolicy, startAt: row.scheduledStartAt, ...endAt });
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
      channelEffects?.close();
      await engine.stop();
      sentLedger?.close();
    },
  };
}
