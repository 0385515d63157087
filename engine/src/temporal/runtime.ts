import { createHash, randomUUID } from 'node:crypto';
import { type Catalogue, evaluateCondition } from '@omniflow/nodes';
import {
  type ChannelKind,
  type Customer,
  durationMs,
  type FlowEventKind,
  type FlowGraph as FlowGraphType,
  TriggerEvent,
  type TriggerEvent as TriggerEventType,
} from '@omniflow/schemas';
import { Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { ContactStore } from '../contacts/contact-store.ts';
import type { ContactEvent, EntryResult, NodeStats, PublishPolicy, RunRecord, TimelineStep } from '../embedded/engine.ts';
import type { CompiledFlow } from '../interpreter/compiled-flow.ts';
import type { RunState } from '../interpreter/execute-node.ts';
import { TriggerIndex } from '../triggers/trigger-index.ts';
import { connectionOptions, type TemporalConfig } from './config.ts';
import {
  type EndRequest,
  endSignal,
  inboundSignal,
  RUN_WORKFLOW,
  type RunEvent,
  type RunInput,
  type RunSnapshot,
  type RuntimeEvent,
  stateQuery,
  type VersionPublished,
  versionPublishedSignal,
} from './contract.ts';
import { entryRefusal, resumes } from './decisions.ts';
import { RunLedger } from './ledger.ts';

// The Temporal runtime as the api sees it: the same surface the embedded engine offers (publish,
// pause/resume/end, ingest, deliverInbound, enter, runs, runTimeline, nodeStats, start/stop/idle), so
// the host can pick either by OMNIFLOW_ENGINE. Triggers are matched here against the ledger's active
// versions and start one workflow per run with signalWithStart; inbound events are signalled to the
// contact's active runs, per contact in order.

/** Trigger event types that correspond to the events waits, exits and goals listen for (as the embedded runtime). */
const KIND_OF_TYPE: Record<string, FlowEventKind> = {
  'message.received': 'reply',
  'postback.received': 'buttonClick',
  'tag.applied': 'tagApplied',
  'tag.removed': 'tagRemoved',
  'attribute.changed': 'attributeChanged',
  'form.submitted': 'formSubmitted',
  'cart.checked_out': 'purchase',
  'contact.unfollowed': 'blocked',
};
const TYPE_OF_KIND = Object.fromEntries(Object.entries(KIND_OF_TYPE).map(([type, kind]) => [kind, type])) as Partial<Record<FlowEventKind, string>>;

interface InboundEvent {
  id: string;
  type: string;
  kind?: FlowEventKind;
  occurredAt: string;
  customerId: string;
  channel?: ChannelKind;
  channelId?: string;
  source?: string;
  payload: Record<string, unknown>;
  dedupeKey: string;
}

/** The workflow id (= run id) of the run a trigger starts: flow, contact and the entry's dedupe key. */
export function runWorkflowId(flowId: string, customerId: string, entryKey: string): string {
  const entry = createHash('sha256').update(entryKey).digest('base64url').slice(0, 22);
  return `run:${flowId}:${customerId}:${entry}`;
}

/** The signals a run workflow takes, with their argument. */
export interface RunSignals {
  inbound: RunEvent;
  versionPublished: VersionPublished;
  end: EndRequest;
}

/**
 * Everything the runtime asks of Temporal, in one place: start a run's workflow with its first event
 * (signalWithStart), signal a run, query its state. temporalGateway() is the real one; tests without a
 * server drive the same workflow body in process behind this interface (in-process.ts).
 */
export interface RunWorkflowGateway {
  /** Starts the run's workflow with its first event; false when the workflow id was used before. */
  start(input: RunInput, first: RunEvent): Promise<boolean>;
  /** Signals a run; false when its workflow is no longer running. */
  signal<K extends keyof RunSignals>(runId: string, name: K, arg: RunSignals[K]): Promise<boolean>;
  state(runId: string): Promise<RunSnapshot>;
  close?(): Promise<void>;
}

const SIGNALS = { inbound: inboundSignal, versionPublished: versionPublishedSignal, end: endSignal } as const;

/** The gateway over a Temporal client: one workflow per run, id = run id, started with signalWithStart. */
export function temporalGateway(client: Client, taskQueue: string, onClose?: () => Promise<void>): RunWorkflowGateway {
  return {
    async start(input, first) {
      try {
        await client.workflow.signalWithStart(RUN_WORKFLOW, {
          taskQueue,
          workflowId: input.runId,
          args: [input],
          signal: inboundSignal,
          signalArgs: [first],
          // A run id is never reused: a redelivered trigger finds the run it already started.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          // Shown in the Temporal UI and CLI next to the run (no search attributes to register).
          memo: { flowId: input.flowId, versionId: input.versionId, customerId: input.customerId },
        });
        return true;
      } catch (e) {
        if (e instanceof WorkflowExecutionAlreadyStartedError) return false;
        throw e;
      }
    },
    async signal(runId, name, arg) {
      try {
        await client.workflow.getHandle(runId).signal(SIGNALS[name].name, arg);
        return true;
      } catch (e) {
        if (e instanceof WorkflowNotFoundError) return false;
        throw e;
      }
    },
    state: (runId) => client.workflow.getHandle(runId).query(stateQuery),
    ...(onClose ? { close: onClose } : {}),
  };
}

export interface TemporalRuntimeOptions {
  config: TemporalConfig;
  catalogue: Catalogue;
  contacts: ContactStore;
  /** How runs reach Temporal; by default a client connected from `config` (see connect()). */
  gateway?: RunWorkflowGateway;
  ledger?: RunLedger;
  now?: () => number;
  onError?: (error: unknown) => void;
}

export class TemporalRuntime {
  readonly config: TemporalConfig;
  readonly ledger: RunLedger;
  readonly gateway: RunWorkflowGateway;
  readonly #contacts: ContactStore;
  readonly #now: () => number;
  readonly #onError: (error: unknown) => void;
  readonly #ownsLedger: boolean;
  #index: TriggerIndex;
  #indexRevision = -1;
  /** Per-contact chains: events of one contact are handled in order. */
  readonly #chains = new Map<string, Promise<void>>();
  readonly #pending = new Set<Promise<unknown>>();
  #closed = false;

  constructor(options: TemporalRuntimeOptions & { gateway: RunWorkflowGateway }) {
    this.config = options.config;
    this.gateway = options.gateway;
    this.#ownsLedger = options.ledger === undefined;
    this.ledger = options.ledger ?? RunLedger.inDataDir(options.config.dataDir);
    this.#contacts = options.contacts;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? ((e) => console.error('[omniflow temporal]', e));
    this.#index = new TriggerIndex([]);
    this.#reloadIndex();
  }

  /** Connects a client from the configuration (address, namespace, TLS, API key) unless a gateway is given. */
  static async connect(options: TemporalRuntimeOptions): Promise<TemporalRuntime> {
    if (options.gateway) return new TemporalRuntime({ ...options, gateway: options.gateway });
    const connection = await Connection.connect(connectionOptions(options.config));
    const client = new Client({ connection, namespace: options.config.namespace });
    return new TemporalRuntime({ ...options, gateway: temporalGateway(client, options.config.taskQueue, () => connection.close()) });
  }

  // ───────────────────────── lifecycle ─────────────────────────

  /** Nothing to start: workflows run on workers (`npm run worker`). Kept for the embedded engine's surface. */
  start(): void {}

  /** Waits for the work handed out so far (starts and signals) to reach the server. */
  async idle(): Promise<void> {
    while (this.#pending.size) await Promise.allSettled([...this.#pending]);
  }

  async stop(): Promise<void> {
    await this.idle();
    this.#closed = true;
    await this.gateway.close?.();
    if (this.#ownsLedger) this.ledger.close();
  }

  /** Runs `work` after the contact's earlier events; failures go to onError (the caller does not wait). */
  #inOrder(customerId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.#chains.get(customerId) ?? Promise.resolve();
    const next = previous.then(work).catch(this.#onError);
    this.#chains.set(customerId, next);
    this.#track(next);
    void next.finally(() => {
      if (this.#chains.get(customerId) === next) this.#chains.delete(customerId);
    });
    return next;
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p)).catch(() => {});
    return p;
  }

  // ───────────────────────── publishing and flow lifecycle ─────────────────────────

  /** Publishes a version and applies the in-flight policy to runs of older versions (signals). */
  publish(flowId: string, versionId: string, graph: FlowGraphType | unknown, policy: PublishPolicy = {}): void {
    const parsed = this.ledger.publish(flowId, versionId, graph, this.#now());
    this.#reloadIndex();
    const inFlight = policy.inFlight ?? 'keep';
    if (inFlight === 'keep') return;
    const older = this.ledger.activeRunsOfFlow(flowId).filter((r) => r.versionId !== versionId);
    for (const run of older) this.#track(this.#signal(run.id, 'versionPublished', { versionId, graph: parsed, policy: inFlight })).catch(this.#onError);
  }

  /** Stops triggering new runs; runs in flight continue (as with the embedded runtime). */
  pause(flowId: string): void {
    this.ledger.setStatus(flowId, 'paused');
    this.#reloadIndex();
  }

  resume(flowId: string): void {
    this.ledger.setStatus(flowId, 'active', 'paused');
    this.#reloadIndex();
  }

  /** Ends the flow: no new runs, and every run in flight is cancelled (its step in progress too). */
  end(flowId: string): void {
    this.ledger.setStatus(flowId, 'ended');
    this.#reloadIndex();
    for (const run of this.ledger.activeRunsOfFlow(flowId))
      this.#track(this.#signal(run.id, 'end', { status: 'cancelled', reason: 'flow_ended' })).catch(this.#onError);
  }

  #reloadIndex(): void {
    this.#indexRevision = this.ledger.flowsRevision();
    this.#index = new TriggerIndex(this.ledger.activeFlows());
  }

  /** The trigger index, rebuilt when another process (the api, another worker) changed the active flows. */
  #currentIndex(): TriggerIndex {
    if (this.ledger.flowsRevision() !== this.#indexRevision) this.#reloadIndex();
    return this.#index;
  }

  // ───────────────────────── events in ─────────────────────────

  /** A trigger event: it may resume waiting runs and start new ones. */
  ingest(event: TriggerEventType | Record<string, unknown>): void {
    const parsed = TriggerEvent.parse(event);
    const kind = KIND_OF_TYPE[parsed.type];
    void this.#inOrder(parsed.customerId, () => this.#handle({ ...parsed, ...(kind ? { kind } : {}) }));
  }

  /** A reply, postback, tag change… of a contact, signalled to its runs in order. */
  deliverInbound(event: ContactEvent): void {
    const id = event.id ?? randomUUID();
    const inbound: InboundEvent = {
      id,
      type: TYPE_OF_KIND[event.kind] ?? 'contact.event',
      kind: event.kind,
      occurredAt: event.occurredAt ?? new Date(this.#now()).toISOString(),
      customerId: event.customerId,
      ...(event.channel ? { channel: event.channel } : {}),
      ...(event.source ? { source: event.source } : {}),
      payload: event.payload ?? {},
      dedupeKey: event.dedupeKey ?? id,
    };
    void this.#inOrder(event.customerId, () => this.#handle(inbound));
  }

  /** Events a run produced (tags it applied, free text it did not consume); resolves once handled. */
  async publishEvents(events: readonly RuntimeEvent[]): Promise<void> {
    await Promise.all(
      events.map((e) =>
        this.#inOrder(e.customerId, () =>
          this.#handle({
            id: e.id,
            type: e.type,
            ...(e.kind ? { kind: e.kind } : {}),
            occurredAt: new Date(e.occurredAt).toISOString(),
            customerId: e.customerId,
            ...(e.channel ? { channel: e.channel } : {}),
            ...(e.source ? { source: e.source } : {}),
            payload: e.payload,
            dedupeKey: e.id,
          }),
        ),
      ),
    );
  }

  async #handle(event: InboundEvent): Promise<void> {
    const payload = event.payload;
    const fallthrough = payload.fallthrough === true;
    const contact = await this.#contacts.get(event.customerId);
    const conversationState = contact?.identities.find((i) => i.channel === event.channel)?.conversationState;
    const runEvent: RunEvent = {
      id: event.id,
      ...(event.kind ? { kind: event.kind } : {}),
      type: event.type,
      payload,
      occurredAt: Date.parse(event.occurredAt),
    };

    // 1. The contact's runs get the event (waits, journey exits and goals are decided in the workflow).
    const active = fallthrough ? [] : this.ledger.activeRunsOf(event.customerId);
    const consumedByBot = active.some((r) => r.kind === 'chatbot' && r.state === 'waiting' && r.wait !== undefined && resumes(r.wait, r.nodeId, runEvent));
    if (event.kind) await Promise.all(active.map((r) => this.#signal(r.id, 'inbound', runEvent)));

    // 2. Triggers: journeys in parallel; one chatbot keyword rule unless a waiting session consumed the message.
    if (event.type === 'contact.event' || !contact) return;
    const trigger = event as unknown as TriggerEventType;
    const entries: { flow: CompiledFlow; triggerId?: string; startNodeId?: string; ok: boolean }[] = [];
    const followUps: InboundEvent[] = [];
    if (!fallthrough)
      for (const m of this.#currentIndex().match(trigger, { conversationState })) entries.push({ ...m, ok: this.#entryAllowed(m.flow, contact) });
    if (event.type === 'message.received' && !consumedByBot) {
      const bot = this.#currentIndex().botKeyword(trigger, { conversationState });
      if (bot) {
        if (bot.tags.length) {
          const meta = { idempotencyKey: `inbox:${event.id}:${bot.flow.flowId}:tags`, at: new Date(this.#now()), source: 'keyword' as const };
          const { applied } = await this.#contacts.applyTags(event.customerId, bot.tags, meta);
          // As the embedded runtime: the keyword's tags are an event of their own (journeys may start on them).
          if (applied.length)
            followUps.push({
              ...event,
              id: `${event.id}:tags`,
              type: 'tag.applied',
              kind: 'tagApplied',
              source: 'keyword',
              payload: { tags: applied },
              dedupeKey: `${event.id}:tags`,
            });
        }
        entries.push({ ...bot, ok: true });
      }
    }
    if (event.type === 'postback.received' && !consumedByBot && typeof payload.flowId === 'string' && typeof payload.nodeId === 'string') {
      const flow = this.ledger.activeFlow(payload.flowId);
      const target = flow?.follow(payload.nodeId, `button:${String(payload.buttonId ?? '')}`);
      if (flow && target) entries.push({ flow, startNodeId: target.node, ok: true });
    }
    for (const e of entries) if (e.ok) await this.#startRun(e.flow, event, e.triggerId, e.startNodeId);
    for (const followUp of followUps) await this.#handle(followUp);
  }

  #entryAllowed(flow: CompiledFlow, contact: Customer): boolean {
    const conditions = flow.journeySettings?.entryConditions;
    if (!conditions) return true;
    return evaluateCondition(conditions, contact, { now: new Date(this.#now()), timeZone: flow.timeZone }).match;
  }

  /** Starts a run with signalWithStart if dedupe (the workflow id) and the re-entry policy allow it. */
  async #startRun(flow: CompiledFlow, event: InboundEvent, triggerId?: string, startNodeId?: string): Promise<EntryResult> {
    const result = await this.#tryStartRun(flow, event, triggerId, startNodeId);
    // Trigger counters as the embedded engine keeps them (a duplicate delivery is not a new decision).
    if (triggerId && flow.isTrigger(triggerId) && result.reason !== 'duplicate') {
      this.ledger.countTrigger(flow.flowId, flow.versionId, triggerId, result.entered ? 'triggered' : `skipped:${result.reason}`);
    }
    return result;
  }

  async #tryStartRun(flow: CompiledFlow, event: InboundEvent, triggerId?: string, startNodeId?: string): Promise<EntryResult> {
    const runId = runWorkflowId(flow.flowId, event.customerId, event.dedupeKey);
    if (this.ledger.getRun(runId)) return { entered: false, reason: 'duplicate', runId };
    const now = this.#now();
    const settings = flow.journeySettings;
    const refused = entryRefusal(settings, this.ledger.entryFacts(flow.flowId, event.customerId), now, (s) =>
      s.reentry.mode === 'afterCooldown' ? durationMs(s.reentry.cooldown) : 0,
    );
    if (refused) return { entered: false, reason: refused };
    if (!settings) {
      // One bot session per contact and bot: a new entry ends the previous session (§2.1).
      for (const r of this.ledger.activeRunsOfFlow(flow.flowId, event.customerId))
        await this.#signal(r.id, 'end', { status: 'cancelled', reason: 'new_session' });
    }
    const start = startNodeId ?? (triggerId ? flow.startFor(triggerId) : undefined);
    if (!start || !flow.node(start)) return { entered: false, reason: 'no_start_node' };
    const payload = event.payload;
    const vars = typeof payload.vars === 'object' && payload.vars !== null ? (payload.vars as Record<string, unknown>) : {};
    const input: RunInput = {
      runId,
      flowId: flow.flowId,
      versionId: flow.versionId,
      graph: flow.graph,
      customerId: event.customerId,
      ...(event.channel ? { channel: event.channel } : {}),
      isTest: payload.isTest === true,
      trigger: { type: event.type, payload, ...(triggerId ? { triggerId } : {}), eventId: event.id },
      enteredAt: now,
      position: { nodeId: start, stepSeq: 0, stepStartedAt: now, hops: 0, vars, checkedSeq: -1 },
      stepBudget: this.config.stepBudget,
    };
    if (
      !this.ledger.insertRun({
        id: runId,
        flowId: flow.flowId,
        versionId: flow.versionId,
        customerId: event.customerId,
        ...(event.channel ? { channel: event.channel } : {}),
        kind: flow.kind,
        nodeId: start,
        vars,
        enteredAt: now,
      })
    ) {
      return { entered: false, reason: 'duplicate', runId };
    }
    const runEvent: RunEvent = {
      id: event.id,
      ...(event.kind ? { kind: event.kind } : {}),
      type: event.type,
      payload,
      occurredAt: Date.parse(event.occurredAt),
    };
    try {
      if (!(await this.gateway.start(input, runEvent))) return { entered: false, reason: 'duplicate', runId };
    } catch (e) {
      this.ledger.abandonRun(runId, 'start_failed', this.#now());
      throw e;
    }
    return { entered: true, runId };
  }

  /** Starts a run directly (simulator, tests, the api's "enter" action): same entry rules. */
  async enter(
    flowId: string,
    customerId: string,
    options: { triggerId?: string; startNodeId?: string; channel?: ChannelKind; vars?: Record<string, unknown>; dedupeKey?: string } = {},
  ): Promise<EntryResult> {
    const flow = this.ledger.activeFlow(flowId);
    if (!flow) return { entered: false, reason: 'flow_not_active' };
    const contact = await this.#contacts.get(customerId);
    if (!contact) return { entered: false, reason: 'contact_not_found' };
    if (!this.#entryAllowed(flow, contact)) return { entered: false, reason: 'entry_conditions' };
    const id = options.dedupeKey ?? randomUUID();
    const event: InboundEvent = {
      id,
      type: 'api.invoked',
      occurredAt: new Date(this.#now()).toISOString(),
      customerId,
      ...(options.channel ? { channel: options.channel } : {}),
      payload: { vars: options.vars ?? {} },
      dedupeKey: id,
    };
    const triggerId = options.triggerId ?? (options.startNodeId ? undefined : flow.graph.triggers[0]?.id);
    return this.#track(this.#startRun(flow, event, triggerId, options.startNodeId));
  }

  /** The active journey whose API trigger (§3.13) has this key, with the trigger's config (IP allow-list…). */
  apiTrigger(triggerKey: string): { flowId: string; triggerId: string; config: Record<string, unknown> } | undefined {
    const rule = this.#currentIndex().apiRule(triggerKey);
    return rule ? { flowId: rule.flow.flowId, triggerId: rule.triggerId, config: rule.config } : undefined;
  }

  /**
   * §3.13: enters the journey of an API trigger once per idempotency key, as the embedded engine does. The
   * key is claimed in the ledger before the workflow starts, so a repeated call answers `duplicate`.
   */
  async enterByTriggerKey(
    triggerKey: string,
    customerId: string,
    options: { idempotencyKey: string; vars?: Record<string, unknown>; channel?: ChannelKind },
  ): Promise<{ status: 'entered' | 'duplicate' | 'refused' | 'unknown_trigger' | 'contact_not_found'; runId?: string; reason?: string }> {
    const found = this.apiTrigger(triggerKey);
    if (!found) return { status: 'unknown_trigger' };
    const flow = this.ledger.activeFlow(found.flowId);
    const contact = await this.#contacts.get(customerId);
    if (!flow || !contact) return { status: flow ? 'contact_not_found' : 'unknown_trigger' };
    const dedupeKey = `api:${triggerKey}:${options.idempotencyKey}`;
    if (!this.ledger.claimEntry(found.flowId, dedupeKey, this.#now())) {
      const first = this.ledger.entryAnswer(found.flowId, dedupeKey) as EntryResult | null;
      return { status: 'duplicate', ...(first?.runId ? { runId: first.runId } : {}), ...(first?.reason ? { reason: first.reason } : {}) };
    }
    const event: InboundEvent = {
      id: dedupeKey,
      type: 'api.invoked',
      occurredAt: new Date(this.#now()).toISOString(),
      customerId,
      ...(options.channel ? { channel: options.channel } : {}),
      source: 'api',
      payload: { triggerKey, vars: options.vars ?? {}, idempotencyKey: options.idempotencyKey },
      dedupeKey,
    };
    let result: EntryResult;
    try {
      result = this.#entryAllowed(flow, contact)
        ? await this.#track(this.#startRun(flow, event, found.triggerId))
        : { entered: false, reason: 'entry_conditions' };
      if (!result.entered && result.reason === 'entry_conditions')
        this.ledger.countTrigger(flow.flowId, flow.versionId, found.triggerId, 'skipped:entry_conditions');
    } catch (e) {
      this.ledger.releaseEntry(found.flowId, dedupeKey);
      throw e;
    }
    this.ledger.settleEntry(found.flowId, dedupeKey, result);
    return result.entered
      ? { status: 'entered', ...(result.runId ? { runId: result.runId } : {}) }
      : { status: 'refused', ...(result.reason ? { reason: result.reason } : {}) };
  }

  /** The trigger-journey node (called by the executeStep activity): enters a journey once per call key. */
  async enterFromNode(journeyId: string, vars: Record<string, unknown>, key: string, from: RunState): Promise<EntryResult> {
    const flow = this.ledger.activeFlow(journeyId);
    if (flow?.kind !== 'journey') return { entered: false, reason: 'journey_not_active' };
    const trigger = flow.graph.triggers.find((t) => t.type === 'trigger.system');
    if (!trigger) return { entered: false, reason: 'no_system_trigger' };
    const contact = await this.#contacts.get(from.customerId);
    if (!contact) return { entered: false, reason: 'contact_not_found' };
    if (!this.#entryAllowed(flow, contact)) return { entered: false, reason: 'entry_conditions' };
    const event: InboundEvent = {
      id: key,
      type: 'journey.invoked',
      occurredAt: new Date(this.#now()).toISOString(),
      customerId: from.customerId,
      ...(from.channel ? { channel: from.channel } : {}),
      payload: { invokerType: 'journey', invokerId: from.flowId, journeyId, vars },
      dedupeKey: key,
    };
    return this.#startRun(flow, event, trigger.id);
  }

  async #signal<K extends keyof RunSignals>(runId: string, name: K, arg: RunSignals[K]): Promise<void> {
    // A run that finished meanwhile has nothing to be told (the gateway answers false).
    if (!this.#closed) await this.gateway.signal(runId, name, arg);
  }

  // ───────────────────────── reading ─────────────────────────

  getRun(runId: string): RunRecord | undefined {
    return this.ledger.getRun(runId);
  }
  runs(filter: { flowId?: string; customerId?: string } = {}): RunRecord[] {
    return this.ledger.runs(filter);
  }
  runTimeline(runId: string): { run: RunRecord | undefined; steps: TimelineStep[] } {
    return this.ledger.runTimeline(runId);
  }
  nodeStats(flowId: string, versionId: string): Record<string, NodeStats> {
    return this.ledger.nodeStats(flowId, versionId);
  }
  /** The live state of a run, from its workflow (the `state` query). */
  async runState(runId: string): Promise<RunSnapshot> {
    return this.gateway.state(runId);
  }
  /** Ends one run (e.g. an operator's "remove from journey"). */
  async endRun(runId: string, request: EndRequest = { status: 'cancelled', reason: 'ended_by_operator' }): Promise<void> {
    await this.#signal(runId, 'end', request);
  }
}
