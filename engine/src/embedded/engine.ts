import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Catalogue, evaluateCondition, type NodeOutcome } from '@omniflow/nodes';
import {
  type ChannelKind,
  type Customer,
  durationMs,
  type EventMatcher,
  type FlowEventKind,
  FlowGraph,
  type FlowGraph as FlowGraphType,
  type NodeInstance,
  type RunStatus,
  TriggerEvent,
  type TriggerEvent as TriggerEventType,
} from '@omniflow/schemas';
import Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import { type Clock, type ClockTimer, SystemClock } from '../clock.ts';
import type { ContactStore } from '../contacts/contact-store.ts';
import type { EffectHandler, EffectKind, EffectResult } from '../effects.ts';
import { CompiledFlow } from '../interpreter/compiled-flow.ts';
import { type EmittedEvent, executeNode, type RunState, type StepExecution, type StepPorts } from '../interpreter/execute-node.ts';
import { exitOrGoal } from '../interpreter/exits-and-goals.ts';
import { quietHoursEnd, respectsQuietHours } from '../interpreter/quiet-hours.ts';
import type { ContactDirectory } from '../scheduling/directory.ts';
import { MATERIALISE_AHEAD_MS, nextDailyEvaluation, occurrencesBetween, ScheduleConfig } from '../scheduling/occurrences.ts';
import { nextRetryDelayMs, type RetryPolicy, retryAfterOf, retryPolicyOf, transientFailure } from '../scheduling/retry-policy.ts';
import { type TriggerContext, TriggerIndex, type TriggerMatch } from '../triggers/trigger-index.ts';
import { migrate } from './schema.ts';

// The embedded durable runtime: one process, one SQLite file. A single pump loop fires due timers,
// processes the inbox in order, activates ready runs and hands outbox rows to the dispatcher. Nothing
// polls: one clock timeout is armed for the earliest due timer or outbox retry (both read through an
// index), and every state change kicks the pump.

export type InFlightPolicy = 'keep' | 'move_at_next_wait' | 'cancel';

export interface PublishPolicy {
  /** What happens to runs of earlier versions (§9.4); default keep. */
  inFlight?: InFlightPolicy;
  /** A scheduled version (§2.3): stored now, made active at this time by a durable job. */
  startAt?: Date | number;
  /** The flow ends at this time (its runs in flight are cancelled), by a durable job. */
  endAt?: Date | number;
}

/** Engine-side status of a flow: scheduled versions and end times move it without anyone calling. */
export type EngineFlowStatus = 'scheduled' | 'active' | 'paused' | 'ended';

/** One occurrence of an automation schedule (§3.10): listed ahead, cancellable one by one. */
export interface ScheduleOccurrence {
  key: string;
  flowId: string;
  triggerId: string;
  /** Wall-clock time in the journey's zone. */
  local: string;
  at: string;
  status: 'pending' | 'done' | 'cancelled' | 'skipped' | 'failed';
  /** After it ran: contacts offered to the journey, or why it did not run. */
  result?: { audience?: number; enqueued?: number; reason?: string };
}

export interface EmbeddedEngineOptions {
  /** Directory for engine.db (default OMNIFLOW_DATA_DIR or ./data). */
  dataDir?: string;
  /** Explicit database file (":memory:" for the simulator). */
  file?: string;
  catalogue: Catalogue;
  contacts: ContactStore;
  effects: EffectHandler;
  clock?: Clock;
  /** Safety bound of node executions per activation (default 1,000: more than any acyclic journey of 500 nodes). */
  maxStepsPerActivation?: number;
  /** Delivery attempts per outbox row before the failure is handed to the node (default 5). */
  maxDeliveryAttempts?: number;
  /** Deliveries in flight at once (default 256). */
  maxInFlight?: number;
  /** First retry delay (default 5 s, doubling up to 10 min, §9.2). */
  retryInitialMs?: number;
  /** Audiences and attribute owners, for schedules and the daily date evaluator (without it they record a failure). */
  directory?: ContactDirectory;
  /** Told when a durable job changes a flow's status (a scheduled version started, an end time passed). */
  onFlowStatus?: (change: { flowId: string; versionId: string; status: EngineFlowStatus; at: Date }) => void;
  onError?: (error: unknown) => void;
}

/** An inbound event about a contact: a reply, a button click, a tag change… (correlated to waiting runs). */
export interface ContactEvent {
  id?: string;
  customerId: string;
  kind: FlowEventKind;
  channel?: ChannelKind;
  occurredAt?: string;
  /** Reply: { text }; button: { buttonId | optionId, flowId?, nodeId? }; tags: { tags }; attribute: { key, value, previous }. */
  payload?: Record<string, unknown>;
  source?: string;
  dedupeKey?: string;
}

export interface RunRecord {
  id: string;
  flowId: string;
  versionId: string;
  customerId: string;
  channel?: ChannelKind;
  status: RunStatus;
  state: 'ready' | 'effect' | 'waiting' | 'done';
  currentNodeId: string;
  vars: Record<string, unknown>;
  enteredAt: string;
  endedAt?: string;
  exitReason?: string;
  /** What started the run: the event, the trigger and why it matched. */
  trigger?: { event: string; triggerId?: string; explanation?: string };
}

export interface TimelineStep {
  seq: number;
  nodeId: string;
  nodeType: string;
  startedAt: string;
  endedAt?: string;
  outcome: 'passed' | 'waiting' | 'failed' | 'skipped' | 'exited' | 'goal';
  port?: string;
  explanation?: string;
  input?: unknown;
  error?: { reason: string; message: string };
  /** Delivery attempts of the step's effects when any failed or was retried (§9.2). */
  attempts?: { key: string; attempt: number; at: string; outcome: 'retry' | 'delivered' | 'failed'; reason?: string; message?: string; retryAt?: string }[];
}

export interface NodeStats {
  entered: number;
  waiting: number;
  failed: number;
  ports: Record<string, number>;
  /** Triggers only: entries refused, by reason (re-entry, caps, entry conditions, unsubscribed…). */
  skipped?: Record<string, number>;
}

export interface EntryResult {
  entered: boolean;
  runId?: string;
  reason?: string;
}

/** Trigger event types that correspond to the events waits, exits and goals listen for. */
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
const TYPE_OF_KIND: Partial<Record<FlowEventKind, TriggerEventType['type']>> = Object.fromEntries(
  Object.entries(KIND_OF_TYPE).map(([type, kind]) => [kind, type]),
) as Partial<Record<FlowEventKind, TriggerEventType['type']>>;

/** A person owns the conversation (§1.10): the bot does not carry on a session. */
const humanOwns = (state: string | null | undefined): boolean => state === 'pending_human' || state === 'in_progress';

/** The event a node runs again with (`ctx.resumedBy`). */
type ResumedBy = { type: string; payload: Record<string, unknown> };

/** What the inbox stores: a trigger event, plus the flow-event kind for kinds without a trigger type. */
interface InboxEvent extends Omit<TriggerEventType, 'type'> {
  type: TriggerEventType['type'] | 'contact.event';
  kind?: FlowEventKind;
}

interface RunRow {
  id: string;
  flow_id: string;
  version_id: string;
  customer_id: string;
  channel: string | null;
  is_test: number;
  status: RunStatus;
  state: RunRecord['state'];
  node_id: string;
  step_seq: number;
  step_started_at: number;
  /** How far fireTimerNow moved this run ahead of the real clock: its steps happen at now + this (§8.1). */
  fast_forward_ms: number;
  checked_seq: number;
  vars: string;
  trigger: string;
  wait: string | null;
  wait_state: string | null;
  resumed_by: string | null;
  hops: number;
  migrate_to: string | null;
  entered_at: number;
  ended_at: number | null;
  exit_reason: string | null;
}

interface WaitInfo {
  events: EventMatcher[];
  timeoutPort?: string;
  timerId?: number;
  /** Deferred by quiet hours: when the timer fires, the node runs afresh (not resumed). */
  deferred?: boolean;
}

interface OutboxRow {
  key: string;
  run_id: string;
  flow_id: string;
  customer_id: string;
  node_id: string;
  kind: EffectKind;
  payload: string;
  attempts: number;
  max_attempts: number | null;
  backoff_initial_ms: number | null;
  backoff_max_ms: number | null;
}

interface JobRow {
  key: string;
  kind: 'flow.activate' | 'flow.end' | 'schedule.occurrence' | 'date.daily';
  flow_id: string | null;
  due_at: number;
  payload: string;
}

const DAY_MS = 86_400_000;
const LEASE_MS = 5 * 60_000;
/** Wall time one pump round spends activating ready runs before it looks at timers and the inbox again. */
const ACTIVATION_SLICE_MS = 20;
const MAX_BACKOFF_MS = 10 * 60_000;

function eventTags(payload: Record<string, unknown>): string[] {
  const tags = Array.isArray(payload.tags) ? payload.tags.filter((t): t is string => typeof t === 'string') : [];
  if (typeof payload.tag === 'string') tags.push(payload.tag);
  return tags;
}

/** Whether an event satisfies a wait / exit / goal matcher. */
export function eventMatches(m: EventMatcher, kind: FlowEventKind | undefined, payload: Record<string, unknown>): boolean {
  if (kind !== m.event) return false;
  if (m.tag && !eventTags(payload).includes(m.tag)) return false;
  if (m.attributeKey && payload.key !== m.attributeKey) return false;
  if (m.buttonId && payload.buttonId !== m.buttonId && payload.optionId !== m.buttonId) return false;
  return true;
}

export class EmbeddedEngine {
  readonly db: Database.Database;
  readonly clock: Clock;
  readonly #catalogue: Catalogue;
  readonly #contacts: ContactStore;
  readonly #effects: EffectHandler;
  readonly #maxSteps: number;
  readonly #maxAttempts: number;
  readonly #maxInFlight: number;
  readonly #retryInitial: number;
  readonly #directory: ContactDirectory | undefined;
  readonly #onFlowStatus: EmbeddedEngineOptions['onFlowStatus'];
  /** Jobs being worked on by this pump round (a job's handler may await the directory). */
  #jobsBusy = false;
  readonly #onError: (error: unknown) => void;
  readonly #compiled = new Map<string, CompiledFlow>();
  #index = new TriggerIndex([]);
  #running = false;
  #closed = false;
  #scheduled = false;
  #pumping = false;
  #batchOpen = false;
  /** Counter changes not yet written (flushed in the transaction that made them). */
  #counterLog: [string, string, string, string, number][] = [];
  #again = false;
  #armed: { at: number; timer: ClockTimer } | undefined;
  readonly #inFlight = new Map<string, Promise<void>>();
  /** Deliveries that finished, applied by the pump in its next batch (one commit for many). */
  #settled: { row: OutboxRow; attempt: number; result: EffectResult | undefined; error: unknown; at: number }[] = [];
  #idleWaiters: (() => void)[] = [];
  #pumpDone: Promise<void> = Promise.resolve();
  readonly #s: Record<string, Database.Statement>;
  readonly #ports: StepPorts;
  readonly #statements = new Map<string, Database.Statement>();
  /** Runs `fn` in one transaction (nested calls become savepoints). */
  readonly #tx: <T>(fn: () => T) => T;

  /** A prepared statement, prepared once per SQL text. */
  #prep(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Group commit: the pump runs a batch of transitions inside one SQLite transaction (each transition is a
   * savepoint in it, so a transition and its outbox rows still commit together). Calls from outside the
   * pump (ingest, publish…) commit the open batch first, so what they write is durable when they return.
   */
  #beginBatch(): void {
    if (this.db.inTransaction || this.#closed) return;
    this.db.exec('BEGIN');
    this.#batchOpen = true;
  }
  #commitBatch(): void {
    if (!this.#batchOpen) return;
    this.#batchOpen = false;
    if (!this.db.inTransaction) return;
    this.#flushCounters();
    this.db.exec('COMMIT');
  }

  constructor(options: EmbeddedEngineOptions) {
    const file = options.file ?? join(options.dataDir ?? process.env.OMNIFLOW_DATA_DIR ?? 'data', 'engine.db');
    if (file !== ':memory:') mkdirSync(join(file, '..'), { recursive: true });
    this.db = new Database(file);
    migrate(this.db);
    // Counter changes of a transition that rolls back are dropped with it; outside a pump batch they are
    // written before the transaction commits, inside one when the batch commits.
    const transaction = this.db.transaction((fn: () => unknown) => {
      const result = fn();
      if (!this.#batchOpen) this.#flushCounters();
      return result;
    });
    this.#tx = <T>(fn: () => T): T => {
      const mark = this.#counterLog.length;
      try {
        return transaction(fn) as T;
      } catch (e) {
        this.#counterLog.length = mark;
        throw e;
      }
    };
    this.clock = options.clock ?? new SystemClock();
    this.#catalogue = options.catalogue;
    this.#contacts = options.contacts;
    this.#effects = options.effects;
    this.#maxSteps = options.maxStepsPerActivation ?? 1000;
    this.#maxAttempts = options.maxDeliveryAttempts ?? 5;
    this.#maxInFlight = options.maxInFlight ?? 256;
    this.#retryInitial = options.retryInitialMs ?? 5_000;
    this.#directory = options.directory;
    this.#onFlowStatus = options.onFlowStatus;
    this.#onError = options.onError ?? ((e) => console.error('[omniflow engine]', e));
    const p = (sql: string) => this.#prep(sql);
    this.#s = {
      run: p('SELECT * FROM runs WHERE id = ?'),
      runPosition: p('SELECT state, step_seq FROM runs WHERE id = ?'),
      readyRuns: p("SELECT id FROM runs WHERE state = 'ready' LIMIT 100"),
      waitingOf: p("SELECT * FROM runs WHERE customer_id = ? AND state = 'waiting'"),
      activeOf: p("SELECT * FROM runs WHERE customer_id = ? AND state != 'done'"),
      activeOfFlow: p("SELECT * FROM runs WHERE flow_id = ? AND customer_id = ? AND state != 'done'"),
      lastEnded: p('SELECT MAX(ended_at) AS at, COUNT(*) AS n FROM runs WHERE flow_id = ? AND customer_id = ?'),
      insertRun:
        p(`INSERT INTO runs (id, flow_id, version_id, customer_id, channel, is_test, status, state, node_id, step_seq, step_started_at, vars, trigger, entered_at)
        VALUES (@id, @flow_id, @version_id, @customer_id, @channel, @is_test, 'running', 'ready', @node_id, 0, @now, @vars, @trigger, @now)`),
      // Positional parameters: binding by name looks up eleven properties per step on the hot path.
      step: p(`INSERT OR REPLACE INTO run_steps (run_id, seq, node_id, node_type, started_at, ended_at, outcome, port, explanation, input, error)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      counter: p(`INSERT INTO node_counters (flow_id, version_id, node_id, metric, count) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (flow_id, version_id, node_id, metric) DO UPDATE SET count = count + excluded.count`),
      insertTimer: p('INSERT INTO timers (run_id, due_at) VALUES (?, ?)'),
      deleteTimersOf: p('DELETE FROM timers WHERE run_id = ?'),
      dueTimers: p('SELECT id, run_id FROM timers WHERE due_at <= ? ORDER BY due_at LIMIT 1000'),
      deleteTimer: p('DELETE FROM timers WHERE id = ?'),
      nextTimer: p('SELECT MIN(due_at) AS at FROM timers'),
      outboxGet: p('SELECT status, result FROM outbox WHERE key = ?'),
      outboxInsert:
        p(`INSERT OR IGNORE INTO outbox (key, run_id, flow_id, customer_id, node_id, kind, payload, status, next_attempt_at, created_at, max_attempts, backoff_initial_ms, backoff_max_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)`),
      outboxDue: p(
        "SELECT key, run_id, flow_id, customer_id, node_id, kind, payload, attempts, max_attempts, backoff_initial_ms, backoff_max_ms FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
      ),
      attemptInsert: p('INSERT OR IGNORE INTO effect_attempts (key, attempt, run_id, at, outcome, reason, message, retry_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      jobsDue: p("SELECT key, kind, flow_id, due_at, payload FROM jobs WHERE status = 'pending' AND due_at <= ? ORDER BY due_at LIMIT 20"),
      jobNext: p("SELECT MIN(due_at) AS at FROM jobs WHERE status = 'pending'"),
      jobPut: p(
        "INSERT INTO jobs (key, kind, flow_id, due_at, payload, status) VALUES (?, ?, ?, ?, ?, 'pending') ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload, status = 'pending', fired_at = NULL, result = NULL",
      ),
      jobAdd: p("INSERT OR IGNORE INTO jobs (key, kind, flow_id, due_at, payload, status) VALUES (?, ?, ?, ?, ?, 'pending')"),
      jobDone: p("UPDATE jobs SET status = ?, fired_at = ?, result = ? WHERE key = ? AND status = 'pending'"),
      outboxLease: p('UPDATE outbox SET next_attempt_at = ? WHERE key = ?'),
      outboxRetry: p('UPDATE outbox SET attempts = ?, next_attempt_at = ? WHERE key = ?'),
      outboxDone: p("UPDATE outbox SET status = 'done', attempts = ?, result = ?, delivered_at = ? WHERE key = ?"),
      outboxPendingOf: p("SELECT COUNT(*) AS n FROM outbox WHERE run_id = ? AND status = 'pending'"),
      outboxNext: p("SELECT MIN(next_attempt_at) AS at FROM outbox WHERE status = 'pending'"),
      inboxInsert: p('INSERT OR IGNORE INTO inbox (key, customer_id, event) VALUES (?, ?, ?)'),
      inboxPending: p('SELECT seq, customer_id, event FROM inbox WHERE processed = 0 ORDER BY seq LIMIT 500'),
      inMotion: p("SELECT 1 AS x FROM runs WHERE customer_id = ? AND state IN ('ready', 'effect') LIMIT 1"),
      inboxDone: p('UPDATE inbox SET processed = 1 WHERE seq = ? AND processed = 0'),
      dedupeGet: p('SELECT result FROM trigger_dedupe WHERE flow_id = ? AND key = ?'),
      dedupePut: p('INSERT OR IGNORE INTO trigger_dedupe (flow_id, key, at, result) VALUES (?, ?, ?, ?)'),
      flowGet: p('SELECT * FROM flows WHERE flow_id = ?'),
    };
    // Built once: the ports hold no per-step state (the run is an argument).
    this.#ports = {
      contacts: this.#contacts,
      recorded: (key) => {
        const row = this.#s.outboxGet!.get(key) as { status: string; result: string | null } | undefined;
        if (!row) return undefined;
        return row.status === 'done' ? { result: JSON.parse(row.result ?? 'null') } : 'pending';
      },
      enterJourney: (journeyId, vars, key, from) => this.#enterFromNode(journeyId, vars, key, from),
    };
    this.#reloadIndex();
  }

  // ───────────────────────── publishing and flow lifecycle ─────────────────────────

  /**
   * Publishes an immutable version and makes it the flow's active one — or, with a future `startAt`, its
   * scheduled one: a durable job activates it at that time (once, surviving restarts), and `endAt` ends it.
   */
  publish(flowId: string, versionId: string, graph: FlowGraphType | unknown, policy: PublishPolicy = {}): void {
    const parsed = FlowGraph.parse(graph);
    const now = this.clock.now();
    const startAt = policy.startAt === undefined ? undefined : new Date(policy.startAt).getTime();
    const endAt = policy.endAt === undefined ? undefined : new Date(policy.endAt).getTime();
    const scheduled = startAt !== undefined && startAt > now;
    const inFlight = policy.inFlight ?? 'keep';
    this.#commitBatch();
    this.#tx(() => {
      this.#prep('INSERT OR IGNORE INTO versions (version_id, flow_id, graph, published_at) VALUES (?, ?, ?, ?)').run(
        versionId,
        flowId,
        JSON.stringify(parsed),
        now,
      );
      const existing = this.#s.flowGet!.get(flowId) as { seq: number } | undefined;
      const seq = existing?.seq ?? (this.#prep('SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM flows').get() as { s: number }).s;
      const status: EngineFlowStatus = scheduled ? 'scheduled' : 'active';
      this.#prep(
        'INSERT INTO flows (flow_id, active_version_id, status, seq) VALUES (?, ?, ?, ?) ON CONFLICT (flow_id) DO UPDATE SET active_version_id = excluded.active_version_id, status = excluded.status',
      ).run(flowId, versionId, status, seq);
      if (scheduled) {
        this.#s.jobPut!.run(`flow.activate:${flowId}`, 'flow.activate', flowId, startAt, JSON.stringify({ versionId, inFlight }));
      } else {
        this.#cancelJobs(flowId, 'flow.activate');
        this.#applyInFlight(flowId, versionId, parsed, inFlight);
      }
      if (endAt !== undefined) this.#s.jobPut!.run(`flow.end:${flowId}`, 'flow.end', flowId, endAt, JSON.stringify({ versionId }));
      else this.#cancelJobs(flowId, 'flow.end');
    });
    this.#reloadIndex();
    this.#kick();
  }

  #applyInFlight(flowId: string, versionId: string, graph: FlowGraphType, inFlight: InFlightPolicy): void {
    const older = this.#prep("SELECT * FROM runs WHERE flow_id = ? AND version_id != ? AND state != 'done'").all(flowId, versionId) as RunRow[];
    if (inFlight === 'cancel') for (const r of older) this.#finish(r, 'cancelled', 'new_version_published');
    if (inFlight === 'move_at_next_wait') {
      const next = new CompiledFlow(flowId, versionId, graph);
      for (const r of older) {
        this.#prep('UPDATE runs SET migrate_to = ? WHERE id = ?').run(versionId, r.id);
        if (r.state === 'waiting' && next.node(r.node_id)) this.#migrate(r, versionId);
      }
    }
  }

  #cancelJobs(flowId: string, kind: JobRow['kind']): void {
    this.#prep("UPDATE jobs SET status = 'cancelled', fired_at = ? WHERE flow_id = ? AND kind = ? AND status = 'pending'").run(this.clock.now(), flowId, kind);
  }

  /** Stops triggering new runs; runs in flight continue. */
  pause(flowId: string): void {
    this.#commitBatch();
    this.#prep("UPDATE flows SET status = 'paused' WHERE flow_id = ?").run(flowId);
    this.#reloadIndex();
  }
  /** Resumes a paused flow: active, or scheduled again while its start time is still ahead. */
  resume(flowId: string): void {
    this.#commitBatch();
    const pending = this.#prep("SELECT due_at FROM jobs WHERE key = ? AND status = 'pending'").get(`flow.activate:${flowId}`) as { due_at: number } | undefined;
    const status: EngineFlowStatus = pending && pending.due_at > this.clock.now() ? 'scheduled' : 'active';
    this.#prep("UPDATE flows SET status = ? WHERE flow_id = ? AND status = 'paused'").run(status, flowId);
    this.#reloadIndex();
    this.#kick();
  }
  /** Ends the flow: no new runs, runs in flight are cancelled, and its scheduled work is cancelled. */
  end(flowId: string): void {
    this.#commitBatch();
    this.#tx(() => this.#endTx(flowId, 'flow_ended'));
    this.#reloadIndex();
  }

  #endTx(flowId: string, reason: string): void {
    this.#prep("UPDATE flows SET status = 'ended' WHERE flow_id = ?").run(flowId);
    for (const r of this.#prep("SELECT * FROM runs WHERE flow_id = ? AND state != 'done'").all(flowId) as RunRow[]) this.#finish(r, 'cancelled', reason);
    this.#prep("UPDATE jobs SET status = 'cancelled', fired_at = ? WHERE flow_id = ? AND status = 'pending'").run(this.clock.now(), flowId);
  }

  /** The engine's view of a flow: its status, version, and any scheduled start or end. */
  flowStatus(flowId: string): { status: EngineFlowStatus; versionId: string; startsAt?: string; endsAt?: string } | undefined {
    this.#commitBatch();
    const row = this.#s.flowGet!.get(flowId) as { status: EngineFlowStatus; active_version_id: string } | undefined;
    if (!row) return undefined;
    const job = (kind: string) =>
      this.#prep("SELECT due_at FROM jobs WHERE key = ? AND status = 'pending'").get(`${kind}:${flowId}`) as { due_at: number } | undefined;
    const start = job('flow.activate');
    const end = job('flow.end');
    return {
      status: row.status,
      versionId: row.active_version_id,
      ...(start ? { startsAt: new Date(start.due_at).toISOString() } : {}),
      ...(end ? { endsAt: new Date(end.due_at).toISOString() } : {}),
    };
  }

  #reloadIndex(): void {
    const flows = this.#prep("SELECT flow_id, active_version_id FROM flows WHERE status = 'active' ORDER BY seq").all() as {
      flow_id: string;
      active_version_id: string;
    }[];
    const first = this.#prep('SELECT flow_id, MIN(published_at) AS at FROM versions GROUP BY flow_id').all() as { flow_id: string; at: number }[];
    this.#index = new TriggerIndex(
      flows.map((f) => this.#flow(f.active_version_id)),
      { firstPublishedAt: new Map(first.map((r) => [r.flow_id, r.at])) },
    );
    if (!this.#closed) this.#tx(() => this.#syncScheduledWork());
  }

  /**
   * Keeps the durable jobs in step with the active flows: schedule occurrences 30 days ahead (plus the
   * next one beyond, §3.10), replacing pending ones a new version no longer has (cancelled ones stay
   * cancelled: same key), and today's and the next daily date evaluation per date trigger (§3.5).
   */
  #syncScheduledWork(): void {
    const now = this.clock.now();
    const desired = new Map<string, Set<string>>();
    for (const rule of this.#index.scheduleRules()) {
      const flowId = rule.flow.flowId;
      const keys = desired.get(flowId) ?? new Set<string>();
      desired.set(flowId, keys);
      const config = ScheduleConfig.safeParse(rule.config);
      if (!config.success) continue;
      const audienceId = config.data.audienceId;
      for (const o of occurrencesBetween(config.data, rule.flow.timeZone, now, now + MATERIALISE_AHEAD_MS, 200)) {
        const key = `sched:${flowId}:${rule.triggerId}:${o.local}`;
        keys.add(key);
        this.#s.jobAdd!.run(
          key,
          'schedule.occurrence',
          flowId,
          o.at,
          JSON.stringify({ flowId, triggerId: rule.triggerId, audienceId, local: o.local, index: o.index, zone: rule.flow.timeZone }),
        );
      }
    }
    for (const flow of this.#activeFlowIds()) {
      const keys = desired.get(flow) ?? new Set<string>();
      // Only future ones: an occurrence already due (say, the process was down at its time) still runs.
      const pending = this.#prep("SELECT key FROM jobs WHERE flow_id = ? AND kind = 'schedule.occurrence' AND status = 'pending' AND due_at > ?").all(
        flow,
        now,
      ) as { key: string }[];
      for (const p of pending) if (!keys.has(p.key)) this.#prep('DELETE FROM jobs WHERE key = ?').run(p.key);
    }
    for (const rule of this.#index.dailyDateRules()) {
      const zone = rule.flow.timeZone;
      const today = DateTime.fromMillis(now, { zone });
      const todayAt = Math.max(today.startOf('day').plus({ minutes: 5 }).toMillis(), now);
      const next = nextDailyEvaluation(now, zone);
      for (const [day, at] of [
        [today.toISODate()!, todayAt],
        [next.day, next.at],
      ] as const) {
        this.#s.jobAdd!.run(
          `date:${rule.flow.flowId}:${rule.triggerId}:${day}`,
          'date.daily',
          rule.flow.flowId,
          at,
          JSON.stringify({ flowId: rule.flow.flowId, triggerId: rule.triggerId, day, zone }),
        );
      }
    }
  }

  #activeFlowIds(): string[] {
    return (this.#prep("SELECT flow_id FROM flows WHERE status = 'active'").all() as { flow_id: string }[]).map((r) => r.flow_id);
  }

  /** Upcoming and past occurrences of a flow's automation schedules (§3.10: "查看所有任務"). */
  listOccurrences(flowId: string, options: { includePast?: boolean; limit?: number } = {}): ScheduleOccurrence[] {
    this.#commitBatch();
    const rows = this.#prep(
      `SELECT key, due_at, payload, status, result FROM jobs WHERE flow_id = ? AND kind = 'schedule.occurrence' ${options.includePast ? '' : "AND status = 'pending'"} ORDER BY due_at LIMIT ?`,
    ).all(flowId, options.limit ?? 500) as { key: string; due_at: number; payload: string; status: ScheduleOccurrence['status']; result: string | null }[];
    return rows.map((r) => {
      const p = JSON.parse(r.payload) as { triggerId: string; local: string };
      return {
        key: r.key,
        flowId,
        triggerId: p.triggerId,
        local: p.local,
        at: new Date(r.due_at).toISOString(),
        status: r.status,
        ...(r.result ? { result: JSON.parse(r.result) } : {}),
      };
    });
  }

  /** Cancels one pending occurrence; it stays cancelled across republishing (same key). */
  cancelOccurrence(key: string): { cancelled: boolean; occurrence?: ScheduleOccurrence; reason?: string } {
    this.#commitBatch();
    const row = this.#prep("SELECT flow_id, status FROM jobs WHERE key = ? AND kind = 'schedule.occurrence'").get(key) as
      | { flow_id: string; status: string }
      | undefined;
    if (!row) return { cancelled: false, reason: 'not_found' };
    if (row.status !== 'pending') return { cancelled: false, reason: `already_${row.status}` };
    this.#prep("UPDATE jobs SET status = 'cancelled', fired_at = ? WHERE key = ? AND status = 'pending'").run(this.clock.now(), key);
    this.#kick();
    const occurrence = this.listOccurrences(row.flow_id, { includePast: true, limit: 100_000 }).find((o) => o.key === key);
    return { cancelled: true, ...(occurrence ? { occurrence } : {}) };
  }

  #flow(versionId: string): CompiledFlow {
    let flow = this.#compiled.get(versionId);
    if (!flow) {
      const row = this.#prep('SELECT flow_id, graph FROM versions WHERE version_id = ?').get(versionId) as { flow_id: string; graph: string } | undefined;
      if (!row) throw new Error(`Unknown version ${versionId}`);
      flow = new CompiledFlow(row.flow_id, versionId, JSON.parse(row.graph) as FlowGraphType);
      this.#compiled.set(versionId, flow);
    }
    return flow;
  }

  #activeFlow(flowId: string): CompiledFlow | undefined {
    const row = this.#s.flowGet!.get(flowId) as { active_version_id: string; status: string } | undefined;
    return row && row.status === 'active' ? this.#flow(row.active_version_id) : undefined;
  }

  // ───────────────────────── events in ─────────────────────────

  /** Accepts a trigger event (durably, in the inbox): it may resume waiting runs and start new ones. */
  ingest(event: TriggerEventType | Record<string, unknown>): void {
    const parsed = TriggerEvent.parse(event);
    this.#enqueue({ ...parsed, kind: KIND_OF_TYPE[parsed.type] }, `event:${parsed.id}`);
  }

  /** A reply, postback, tag change… of a contact, correlated to its waiting runs in order (§3.15). */
  deliverInbound(event: ContactEvent): void {
    const id = event.id ?? randomUUID();
    const type = TYPE_OF_KIND[event.kind] ?? 'contact.event';
    this.#enqueue(
      {
        id,
        type,
        kind: event.kind,
        occurredAt: event.occurredAt ?? new Date(this.clock.now()).toISOString(),
        customerId: event.customerId,
        ...(event.channel ? { channel: event.channel } : {}),
        ...(event.source ? { source: event.source } : {}),
        payload: event.payload ?? {},
        dedupeKey: event.dedupeKey ?? id,
      },
      `event:${id}`,
    );
  }

  #enqueue(event: InboxEvent, key: string): void {
    this.#commitBatch();
    this.#s.inboxInsert!.run(key, event.customerId, JSON.stringify(event));
    this.#kick();
  }

  // ───────────────────────── lifecycle and the pump ─────────────────────────

  start(): void {
    if (this.#closed) throw new Error('The engine is closed');
    this.#running = true;
    // Trigger dedupe keys are kept for 7 days (§9.3).
    this.#prep('DELETE FROM trigger_dedupe WHERE at < ?').run(this.clock.now() - 7 * 86_400_000);
    // Leases of deliveries interrupted by a crash expire now: deliver them again (same key).
    this.#prep("UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at > ?").run(this.clock.now(), this.clock.now());
    this.#kick();
  }

  /** Stops the loop, lets deliveries in flight settle, and closes the database. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#armed) this.clock.clearTimeout(this.#armed.timer);
    this.#armed = undefined;
    await this.#pumpDone;
    await Promise.allSettled([...this.#inFlight.values()]);
    if (!this.#closed) {
      this.#commitBatch();
      this.#applySettled();
      this.#closed = true;
      this.db.close();
    }
  }

  /** Resolves when nothing is ready to run, no event is pending and no delivery is in flight. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #isIdle(): boolean {
    if (this.#scheduled || this.#pumping || this.#inFlight.size > 0 || this.#settled.length > 0) return false;
    if (this.#closed) return true;
    const now = this.clock.now();
    const ready = this.#s.readyRuns!.get();
    const inbox = this.#s.inboxPending!.get();
    const due = this.#s.outboxDue!.get(now, 1);
    const timer = this.#s.dueTimers!.get(now);
    const job = this.#s.jobsDue!.get(now);
    return !ready && !inbox && !due && !timer && !job;
  }

  #kick(): void {
    if (!this.#running || this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#pumping) {
        this.#again = true;
        return;
      }
      this.#pumpDone = this.#pump().catch(this.#onError);
    });
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        if (!this.#running) break;
        let worked: boolean;
        // One commit for the whole batch; effects are handed out only once their intents are committed.
        this.#beginBatch();
        try {
          worked = this.#applySettled();
          worked = this.#fireDueTimers() || worked;
          worked = (await this.#fireDueJobs()) || worked;
          worked = (await this.#processInbox()) || worked;
          worked = (await this.#activateReady()) || worked;
        } finally {
          this.#commitBatch();
        }
        this.#dispatch();
        if (worked) {
          this.#again = true;
          // Let I/O in (delivery responses, timers) between batches: awaits alone are microtasks.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      } while (this.#again && this.#running);
    } finally {
      this.#pumping = false;
    }
    this.#arm();
    this.#notifyIdle();
  }

  #notifyIdle(): void {
    if (this.#idleWaiters.length && this.#isIdle()) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** One clock timeout, for the earliest due timer or outbox retry (both read through an index). */
  #arm(): void {
    if (!this.#running) return;
    const t = (this.#s.nextTimer!.get() as { at: number | null }).at;
    const o = (this.#s.outboxNext!.get() as { at: number | null }).at;
    const j = (this.#s.jobNext!.get() as { at: number | null }).at;
    const candidates = [t, o, j].filter((x): x is number => x !== null);
    if (!candidates.length) {
      if (this.#armed) this.clock.clearTimeout(this.#armed.timer);
      this.#armed = undefined;
      return;
    }
    const at = Math.min(...candidates);
    if (at <= this.clock.now() && this.#inFlight.size < this.#maxInFlight) {
      // Already due (e.g. a wait whose time passed while the pump ran): go round again now.
      this.#kick();
      return;
    }
    if (this.#armed?.at === at) return;
    if (this.#armed) this.clock.clearTimeout(this.#armed.timer);
    const timer = this.clock.setTimeout(
      () => {
        this.#armed = undefined;
        this.#kick();
      },
      Math.max(0, at - this.clock.now()),
    );
    this.#armed = { at, timer };
  }

  // ───────────────────────── timers ─────────────────────────

  /** Fires every due timer (in rounds of 1,000, at most 10 per pump round): firing is cheap, running is not. */
  #fireDueTimers(): boolean {
    let fired = false;
    for (let round = 0; round < 10; round++) {
      const n = this.#fireDueRound();
      if (n > 0) fired = true;
      if (n < 1000) break;
    }
    return fired;
  }

  #fireDueRound(): number {
    const now = this.clock.now();
    const due = this.#s.dueTimers!.all(now) as { id: number; run_id: string }[];
    for (const timer of due) {
      this.#tx(() => {
        this.#s.deleteTimer!.run(timer.id);
        const run = this.#s.run!.get(timer.run_id) as RunRow | undefined;
        if (run?.state !== 'waiting') return;
        const wait = JSON.parse(run.wait ?? '{}') as WaitInfo;
        if (wait.timerId !== timer.id) return;
        if (wait.timeoutPort) {
          // The node asked to leave by this port when the time comes: no need to run it again.
          const flow = this.#flow(run.version_id);
          const node = flow.node(run.node_id)!;
          this.#counter(run, run.node_id, 'waiting', -1);
          const resumed = { ...run, step_seq: run.step_seq + 1, step_started_at: now };
          this.#recordStep(resumed, node, { outcome: 'passed', port: wait.timeoutPort, explanation: 'Timed out' }, now);
          this.#route(resumed, flow, node, wait.timeoutPort, {}, false);
        } else this.#resume(run, wait.deferred ? undefined : { type: 'timer', payload: {} });
      });
    }
    return due.length;
  }

  // ───────────────────────── durable jobs: scheduled versions, schedules, daily dates ─────────────────────────

  /** Runs due jobs (a few per round: an occurrence may enqueue a whole audience). Each finishes once. */
  async #fireDueJobs(): Promise<boolean> {
    if (this.#jobsBusy) return false;
    const due = this.#s.jobsDue!.all(this.clock.now()) as JobRow[];
    if (!due.length) return false;
    this.#jobsBusy = true;
    try {
      for (const job of due) {
        try {
          await this.#runJob(job);
        } catch (e) {
          this.#onError(e);
          this.#s.jobDone!.run('failed', this.clock.now(), JSON.stringify({ reason: 'engine_error', message: String(e) }), job.key);
        }
      }
    } finally {
      this.#jobsBusy = false;
    }
    return true;
  }

  async #runJob(job: JobRow): Promise<void> {
    const now = this.clock.now();
    const payload = JSON.parse(job.payload) as Record<string, unknown>;
    const done = (status: 'done' | 'skipped' | 'failed', result: Record<string, unknown>) =>
      this.#s.jobDone!.run(status, this.clock.now(), JSON.stringify(result), job.key).changes > 0;
    const flowRow = job.flow_id ? (this.#s.flowGet!.get(job.flow_id) as { status: EngineFlowStatus; active_version_id: string } | undefined) : undefined;
    switch (job.kind) {
      case 'flow.activate': {
        const versionId = String(payload.versionId);
        const activated = this.#tx(() => {
          if (flowRow?.status !== 'scheduled' || flowRow.active_version_id !== versionId) {
            done('skipped', { reason: `flow is ${flowRow?.status ?? 'unknown'}` });
            return false;
          }
          this.#prep("UPDATE flows SET status = 'active' WHERE flow_id = ?").run(job.flow_id);
          this.#applyInFlight(job.flow_id!, versionId, this.#flow(versionId).graph, (payload.inFlight as InFlightPolicy) ?? 'keep');
          return done('done', { activatedAt: new Date(now).toISOString() });
        });
        if (activated) {
          this.#reloadIndex();
          this.#onFlowStatus?.({ flowId: job.flow_id!, versionId, status: 'active', at: new Date(now) });
        }
        return;
      }
      case 'flow.end': {
        const ended = this.#tx(() => {
          if (!flowRow || flowRow.status === 'ended') {
            done('skipped', { reason: 'flow already ended' });
            return false;
          }
          this.#endTx(job.flow_id!, 'flow_end_time');
          // #endTx cancels the flow's pending jobs, this one included: record it as the one that ran.
          this.#prep("UPDATE jobs SET status = 'done', fired_at = ?, result = ? WHERE key = ?").run(
            now,
            JSON.stringify({ endedAt: new Date(now).toISOString() }),
            job.key,
          );
          return true;
        });
        if (ended) {
          this.#reloadIndex();
          this.#onFlowStatus?.({ flowId: job.flow_id!, versionId: flowRow!.active_version_id, status: 'ended', at: new Date(now) });
        }
        return;
      }
      case 'schedule.occurrence': {
        const triggerId = String(payload.triggerId);
        const active = flowRow?.status === 'active' && this.#flow(flowRow.active_version_id).graph.triggers.some((t) => t.id === triggerId);
        if (!active) {
          this.#tx(() => done('skipped', { reason: flowRow?.status === 'active' ? 'trigger removed' : `flow is ${flowRow?.status ?? 'unknown'}` }));
          return;
        }
        if (!this.#directory) {
          this.#tx(() => done('failed', { reason: 'no_directory' }));
          return;
        }
        const audienceId = String(payload.audienceId);
        // The audience is snapshotted when the occurrence runs (§3.10); eligibility is checked at entry.
        const members = await this.#directory.audienceMembers(audienceId, new Date(job.due_at));
        this.#tx(() => {
          if (!members) {
            done('failed', { reason: 'audience_not_found', audienceId });
            return;
          }
          const at = new Date(now).toISOString();
          for (const customerId of members) {
            const id = `${job.key}:${customerId}`;
            this.#s.inboxInsert!.run(
              `event:${id}`,
              customerId,
              JSON.stringify({
                id,
                type: 'schedule.fired',
                occurredAt: at,
                customerId,
                source: 'schedule',
                payload: { flowId: job.flow_id, triggerId, audienceId, occurrence: payload.local },
                dedupeKey: id,
              } satisfies InboxEvent),
            );
          }
          done('done', { audience: members.length, enqueued: members.length });
          // Keep 30 days materialised, and the next occurrence on record.
          this.#syncScheduledWork();
        });
        return;
      }
      case 'date.daily': {
        const triggerId = String(payload.triggerId);
        const zone = String(payload.zone);
        const day = String(payload.day);
        const rule = this.#index.dailyDateRules().find((r) => r.flow.flowId === job.flow_id && r.triggerId === triggerId);
        if (!rule) {
          this.#tx(() => done('skipped', { reason: `flow is ${flowRow?.status ?? 'unknown'} or the trigger changed` }));
          return;
        }
        if (!this.#directory) {
          this.#tx(() => done('failed', { reason: 'no_directory' }));
          return;
        }
        // "Now" is the evaluation time of that day in the team zone, even when the job runs late.
        const evaluatedAt = new Date(Math.max(job.due_at, DateTime.fromISO(day, { zone }).startOf('day').toMillis()));
        const owners = await this.#directory.withAttribute(rule.key);
        const matches: { customerId: string; value: unknown; explanation: string }[] = [];
        for (const customerId of owners) {
          const contact = await this.#contacts.get(customerId);
          if (!contact) continue;
          const r = evaluateCondition({ op: 'and', items: [rule.condition] }, contact, { now: evaluatedAt, timeZone: zone });
          if (r.match) matches.push({ customerId, value: contact.attributes[rule.key], explanation: r.explanation });
        }
        this.#tx(() => {
          for (const m of matches) {
            // Once per customer per journey per day (§3.5): journeyId:customerId:yyyy-mm-dd.
            const dedupeKey = `${rule.flow.flowId}:${m.customerId}:${day}`;
            const id = `date:${rule.flow.flowId}:${triggerId}:${m.customerId}:${day}`;
            this.#s.inboxInsert!.run(
              `event:${id}`,
              m.customerId,
              JSON.stringify({
                id,
                type: 'attribute.date_condition_met',
                occurredAt: evaluatedAt.toISOString(),
                customerId: m.customerId,
                source: 'system',
                payload: { flowId: rule.flow.flowId, triggerId, key: rule.key, value: m.value, day, explanation: m.explanation },
                dedupeKey,
              } satisfies InboxEvent),
            );
          }
          done('done', { evaluated: owners.length, matched: matches.length });
          const next = nextDailyEvaluation(job.due_at, zone);
          this.#s.jobAdd!.run(
            `date:${rule.flow.flowId}:${triggerId}:${next.day}`,
            'date.daily',
            rule.flow.flowId,
            next.at,
            JSON.stringify({ ...payload, day: next.day }),
          );
        });
        return;
      }
    }
  }

  /** Wakes a waiting run: its node runs again with `resumedBy` (or afresh after a quiet-hours deferral). */
  #resume(run: RunRow, by: { type: string; payload: Record<string, unknown> } | undefined): void {
    this.#s.deleteTimersOf!.run(run.id);
    this.#counter(run, run.node_id, 'waiting', -1);
    this.#prep(
      "UPDATE runs SET state = 'ready', status = 'running', resumed_by = ?, step_seq = step_seq + 1, step_started_at = ?, wait = NULL WHERE id = ?",
    ).run(by ? JSON.stringify(by) : null, this.clock.now(), run.id);
  }

  // ───────────────────────── inbox: correlation, exits and goals, triggers ─────────────────────────

  /**
   * Processes pending events in order. Per contact, an event waits while one of the contact's runs is in
   * motion (ready, or suspended on an effect), so a second reply reaches the session the first one led to.
   */
  async #processInbox(): Promise<boolean> {
    const rows = this.#s.inboxPending!.all() as { seq: number; customer_id: string; event: string }[];
    const blocked = new Set<string>();
    let handled = false;
    for (const row of rows) {
      if (blocked.has(row.customer_id)) continue;
      if (this.#s.inMotion!.get(row.customer_id)) {
        blocked.add(row.customer_id);
        continue;
      }
      handled = true;
      try {
        await this.#handleEvent(row.seq, JSON.parse(row.event) as InboxEvent);
      } catch (e) {
        this.#onError(e);
        this.#s.inboxDone!.run(row.seq);
      }
    }
    return handled;
  }

  async #handleEvent(seq: number, event: InboxEvent): Promise<void> {
    const kind = event.kind ?? KIND_OF_TYPE[event.type];
    const payload = event.payload ?? {};
    const contact = await this.#contacts.get(event.customerId);
    const conversationState = contact?.identities.find((i) => i.channel === event.channel)?.conversationState;
    const now = this.clock.now();

    // 1. Waiting runs this event resumes (§3.15: a waiting bot session gets a reply first).
    // A message handed on by a bot session (free text) only goes to chatbot keyword rules: waits and
    // journey triggers saw it already.
    const fallthrough = payload.fallthrough === true;
    const waitingAll = fallthrough ? [] : (this.#s.waitingOf!.all(event.customerId) as RunRow[]);
    // Hand-off (§1.10, §2.1): while a person owns the conversation no bot session goes on; the sessions
    // still waiting on this channel end. Keyword rules still fire in the states they list, and card buttons
    // still route; a release (state back to pending_bot / closed) lets sessions start and wait again.
    const handedOff = humanOwns(conversationState)
      ? waitingAll.filter((r) => this.#flow(r.version_id).kind === 'chatbot' && (r.channel === null || r.channel === event.channel))
      : [];
    const waiting = waitingAll.filter((r) => {
      if (handedOff.includes(r)) return false;
      const wait = JSON.parse(r.wait ?? '{}') as WaitInfo;
      if (!wait.events?.some((m) => eventMatches(m, kind, payload))) return false;
      // A postback addressed to a card only resumes that card's session.
      if (kind === 'buttonClick' && typeof payload.nodeId === 'string' && payload.nodeId !== r.node_id) return false;
      return true;
    });
    const consumedByBot = waiting.some((r) => this.#flow(r.version_id).kind === 'chatbot');

    // 2. Journey-level exits and goals that listen for events.
    const active = fallthrough ? [] : (this.#s.activeOf!.all(event.customerId) as RunRow[]);
    const ends: { run: RunRow; status: RunStatus; reason: string }[] = [];
    for (const r of active) {
      const settings = this.#flow(r.version_id).journeySettings;
      if (!settings) continue;
      const goal = settings.goals.find((g) => g.when.kind === 'event' && eventMatches(g.when.match, kind, payload));
      const exit = settings.exitConditions.find((x) => x.when.kind === 'event' && eventMatches(x.when.match, kind, payload));
      if (goal) ends.push({ run: r, status: 'goal_reached', reason: `goal:${goal.id}` });
      else if (exit) ends.push({ run: r, status: 'exited', reason: `exit:${exit.id}` });
      else if (event.type === 'cart.checked_out' || event.type === 'cart.cleared') {
        // §3.8 stop conditions of a cart sequence: checkout, or an emptied cart (each can be turned off).
        const trigger = JSON.parse(r.trigger) as { type?: string; triggerId?: string };
        if (trigger.type !== 'cart.item_added') continue;
        const config = this.#flow(r.version_id).graph.triggers.find((t) => t.id === trigger.triggerId)?.config ?? {};
        const stop = event.type === 'cart.checked_out' ? config.stopOnCheckout !== false : config.stopOnCartCleared !== false;
        if (stop) ends.push({ run: r, status: 'exited', reason: event.type === 'cart.checked_out' ? 'cart_checked_out' : 'cart_cleared' });
      }
    }

    // 3. Triggers: journeys in parallel; one chatbot keyword rule unless a session consumed the message.
    const entries: (Partial<TriggerMatch> & {
      flow: CompiledFlow;
      startNodeId?: string;
      explanation: string;
      rejected?: string;
      tags?: string[];
      resumedBy?: ResumedBy;
    })[] = [];
    if (event.type !== 'contact.event' && contact) {
      const trigger = event as TriggerEventType;
      const context: TriggerContext = { ...(conversationState ? { conversationState } : {}) };
      if (event.type === 'website.visited') context.visits = this.#recordVisit(trigger);
      if (!fallthrough) for (const m of this.#index.match(trigger, context)) entries.push({ ...m, rejected: this.#entryRejection(m, trigger, contact, now) });
      if (event.type === 'message.received' && !consumedByBot) {
        const bot = this.#index.botKeyword(trigger, { conversationState });
        if (bot) entries.push(bot);
      }
      if (event.type === 'postback.received' && !consumedByBot && typeof payload.flowId === 'string' && typeof payload.nodeId === 'string') {
        const flow = this.#activeFlow(payload.flowId);
        const target = flow?.follow(payload.nodeId, `button:${String(payload.buttonId ?? '')}`);
        if (flow && target) entries.push({ flow, startNodeId: target.node, explanation: `Button ${String(payload.buttonId)} of ${payload.nodeId}` });
      }
      // A submitted WhatsApp Flow: the node that sent it runs again with the submission (its `submitted` port).
      const sentBy = payload.sentBy as { flowId?: unknown; nodeId?: unknown } | undefined;
      if (event.type === 'form.submitted' && typeof sentBy?.flowId === 'string' && typeof sentBy.nodeId === 'string') {
        const flow = this.#activeFlow(sentBy.flowId);
        if (flow?.node(sentBy.nodeId))
          entries.push({
            flow,
            startNodeId: sentBy.nodeId,
            explanation: `WhatsApp Flow submitted from ${sentBy.nodeId}`,
            resumedBy: { type: 'formSubmitted', payload: { ...payload, eventId: event.id } },
          });
      }
    }
    // Keyword rules may tag the contact (§3.1); keyed by the event so a redelivery does not tag twice.
    for (const e of entries) {
      if (e.tags?.length) {
        const meta = { idempotencyKey: `inbox:${event.id}:${e.flow.flowId}:tags`, at: new Date(now), source: 'keyword' as const };
        const { applied } = await this.#contacts.applyTags(event.customerId, e.tags, meta);
        this.#enqueue(
          {
            id: `${event.id}:tags`,
            type: 'tag.applied',
            occurredAt: new Date(now).toISOString(),
            customerId: event.customerId,
            source: 'keyword',
            payload: { tags: applied },
            dedupeKey: `${event.id}:tags`,
          },
          `event:${event.id}:tags`,
        );
      }
    }

    this.#tx(() => {
      if (this.#s.inboxDone!.run(seq).changes === 0) return;
      const ended = new Set<string>();
      for (const r of handedOff) {
        const fresh = this.#s.run!.get(r.id) as RunRow | undefined;
        if (fresh?.state === 'waiting') this.#finish(fresh, 'exited', 'handoff', 'The conversation was handed to a person');
      }
      for (const e of ends) {
        const fresh = this.#s.run!.get(e.run.id) as RunRow | undefined;
        if (fresh && fresh.state !== 'done') {
          this.#finish(fresh, e.status, e.reason);
          ended.add(fresh.id);
        }
      }
      for (const r of waiting) {
        if (ended.has(r.id)) continue;
        const fresh = this.#s.run!.get(r.id) as RunRow | undefined;
        if (fresh?.state === 'waiting') this.#resume(fresh, { type: kind ?? event.type, payload: { ...payload, eventId: event.id } });
      }
      for (const e of entries) {
        this.#enterTx(e.flow, e.triggerId, event, e.rejected, e.startNodeId, e);
      }
    });
  }

  /** Logs a page view once (keyed by its page-view id) and returns the contact's page views for §3.7 counting. */
  #recordVisit(event: TriggerEventType): { url: string; at: number }[] {
    const url = typeof event.payload.url === 'string' ? event.payload.url : '';
    const pageviewId = typeof event.payload.pageviewId === 'string' ? event.payload.pageviewId : event.id;
    if (url)
      this.#prep('INSERT OR IGNORE INTO site_visits (customer_id, pageview_id, url, at) VALUES (?, ?, ?, ?)').run(
        event.customerId,
        pageviewId,
        url,
        Date.parse(event.occurredAt),
      );
    // A year of history is enough for any campaign's count (periods and counts are bounded).
    return this.#prep('SELECT url, at FROM site_visits WHERE customer_id = ? AND at >= ? ORDER BY at').all(
      event.customerId,
      this.clock.now() - 400 * DAY_MS,
    ) as { url: string; at: number }[];
  }

  /** Entry conditions of a journey (§3, part 2). */
  #entryAllowed(flow: CompiledFlow, contact: Customer, now: number): boolean {
    const conditions = flow.journeySettings?.entryConditions;
    if (!conditions) return true;
    return evaluateCondition(conditions, contact, { now: new Date(now), timeZone: flow.timeZone }).match;
  }

  /** Why a matched trigger may not start a run for this contact, checked before the entry transaction. */
  #entryRejection(match: TriggerMatch, event: TriggerEventType, contact: Customer, now: number): string | undefined {
    if (event.type === 'schedule.fired') {
      // §3.10: a schedule's audience leaves out unsubscribed and over-quota contacts.
      const ids = contact.identities;
      if (ids.length > 0 && !ids.some((i) => i.subscriptionStatus === 'subscribed')) return 'unsubscribed';
      if (ids.length > 0 && !ids.some((i) => i.subscriptionStatus === 'subscribed' && !i.overQuota)) return 'over_quota';
    }
    return this.#entryAllowed(match.flow, contact, now) ? undefined : 'entry_conditions';
  }

  /** Start of the cap period containing `now` in the flow's zone. */
  #periodStart(now: number, zone: string, per: 'day' | 'week' | 'month'): number {
    return DateTime.fromMillis(now, { zone }).startOf(per).toMillis();
  }

  /** Marketing sends to a contact since `since`, across journeys (§9.7: transactional sends do not count). */
  #marketingSendsSince(customerId: string, since: number): number {
    return (
      this.#prep(
        "SELECT COUNT(*) AS n FROM outbox WHERE customer_id = ? AND created_at >= ? AND kind = 'send' AND status != 'cancelled' AND json_extract(payload, '$.purpose') = 'marketing'",
      ).get(customerId, since) as { n: number }
    ).n;
  }

  /** Re-entry, concurrency and caps of a journey (§9.5, §9.7); undefined when a new run may start. */
  #capRejection(flow: CompiledFlow, customerId: string, active: RunRow[], triggerType: string | undefined, now: number): string | undefined {
    const settings = flow.journeySettings;
    if (!settings) return undefined;
    const history = this.#s.lastEnded!.get(flow.flowId, customerId) as { at: number | null; n: number };
    if (triggerType === 'trigger.cart_abandoned') {
      // §3.8: the restart cycle (from the sequence's end) is the cart trigger's re-entry rule; a run in
      // flight is restarted by the caller, so concurrency does not apply.
      const cycle = flow.graph.triggers.find((t) => t.type === triggerType)?.config.restartCycle as Parameters<typeof durationMs>[0] | undefined;
      if (active.length === 0 && cycle && history.at !== null && now - history.at < durationMs(cycle)) return 'restart_cycle';
    } else {
      if (active.length >= settings.maxConcurrentRunsPerContact) return 'concurrent_run';
      if (settings.reentry.mode === 'never' && history.n > 0) return 'reentry_never';
      if (settings.reentry.mode === 'afterCooldown' && history.at !== null && now - history.at < durationMs(settings.reentry.cooldown)) return 'cooldown';
    }
    const cap = settings.triggerCap;
    if (cap?.total !== undefined) {
      const entries = (this.#prep('SELECT count FROM flow_entries WHERE flow_id = ?').get(flow.flowId) as { count: number } | undefined)?.count ?? 0;
      if (entries >= cap.total) return 'trigger_cap';
    }
    if (cap?.perContact) {
      const since = this.#periodStart(now, flow.timeZone, cap.perContact.per);
      const n = (
        this.#prep('SELECT COUNT(*) AS n FROM runs WHERE flow_id = ? AND customer_id = ? AND entered_at >= ?').get(flow.flowId, customerId, since) as {
          n: number;
        }
      ).n;
      if (n >= cap.perContact.count) return 'trigger_cap_per_contact';
    }
    const frequency = settings.frequencyCap;
    if (frequency && this.#marketingSendsSince(customerId, this.#periodStart(now, flow.timeZone, frequency.per)) >= frequency.maxMessages)
      return 'frequency_cap';
    return undefined;
  }

  /**
   * Starts a run if dedupe, the re-entry policy and the caps allow it; the answer is remembered per dedupe
   * key and counted on the trigger's statistics (entered, or skipped by reason).
   */
  #enterTx(
    flow: CompiledFlow,
    triggerId: string | undefined,
    event: InboxEvent,
    rejected?: string,
    startNodeId?: string,
    match?: Partial<TriggerMatch> & { resumedBy?: ResumedBy },
  ): EntryResult {
    const remembered = this.#s.dedupeGet!.get(flow.flowId, event.dedupeKey) as { result: string } | undefined;
    if (remembered) return JSON.parse(remembered.result) as EntryResult;
    const now = this.clock.now();
    const version = { flow_id: flow.flowId, version_id: flow.versionId };
    const answer = (result: EntryResult): EntryResult => {
      this.#s.dedupePut!.run(flow.flowId, event.dedupeKey, now, JSON.stringify(result));
      if (triggerId && flow.isTrigger(triggerId)) this.#counter(version, triggerId, result.entered ? 'triggered' : `skipped:${result.reason}`, 1);
      return result;
    };
    if (rejected) return answer({ entered: false, reason: rejected });
    const active = this.#s.activeOfFlow!.all(flow.flowId, event.customerId) as RunRow[];
    if (flow.journeySettings && match?.resumedBy) {
      // Continues a node the contact already reached (a submitted WhatsApp Flow): not a new entry, no caps.
    } else if (flow.journeySettings) {
      const refused = this.#capRejection(flow, event.customerId, active, match?.triggerType, now);
      if (refused) return answer({ entered: false, reason: refused });
      // Each add-to-cart restarts the countdown (§3.8): the sequence in flight starts over.
      if (match?.triggerType === 'trigger.cart_abandoned') for (const r of active) this.#finish(r, 'cancelled', 'cart_restarted');
    } else {
      // One bot session per contact and bot: a new entry ends the previous session (§2.1).
      for (const r of active) this.#finish(r, 'cancelled', 'new_session');
    }
    const start = startNodeId ?? (triggerId ? flow.startFor(triggerId) : undefined);
    if (!start || !flow.node(start)) return answer({ entered: false, reason: 'no_start_node' });
    const id = `run_${timeOrderedId()}`;
    const payload = event.payload ?? {};
    this.#s.insertRun!.run({
      id,
      flow_id: flow.flowId,
      version_id: flow.versionId,
      customer_id: event.customerId,
      channel: event.channel ?? match?.channel ?? null,
      is_test: payload.isTest === true ? 1 : 0,
      node_id: start,
      now,
      vars: JSON.stringify(typeof payload.vars === 'object' && payload.vars !== null ? payload.vars : {}),
      // Why the run started goes with it: the timeline shows it above the first step.
      trigger: JSON.stringify({
        type: event.type,
        payload,
        triggerId: triggerId ?? null,
        eventId: event.id,
        ...(match?.explanation ? { explanation: match.explanation.slice(0, 2000) } : {}),
      }),
    });
    if (match?.resumedBy) this.#prep('UPDATE runs SET resumed_by = ? WHERE id = ?').run(JSON.stringify(match.resumedBy), id);
    this.#counter(version, start, 'entered', 1);
    this.#prep('INSERT INTO flow_entries (flow_id, count) VALUES (?, 1) ON CONFLICT (flow_id) DO UPDATE SET count = count + 1').run(flow.flowId);
    return answer({ entered: true, runId: id });
  }

  /** The active journey whose API trigger (§3.13) has this key, with the trigger's config (IP allow-list…). */
  apiTrigger(triggerKey: string): { flowId: string; triggerId: string; config: Record<string, unknown> } | undefined {
    const rule = this.#index.apiRule(triggerKey);
    return rule ? { flowId: rule.flow.flowId, triggerId: rule.triggerId, config: rule.config } : undefined;
  }

  /**
   * §3.13: enters the journey of an API trigger once per idempotency key. A repeated key answers
   * `duplicate` with the first answer, so a retried call never enters twice.
   */
  async enterByTriggerKey(
    triggerKey: string,
    customerId: string,
    options: { idempotencyKey: string; vars?: Record<string, unknown>; channel?: ChannelKind },
  ): Promise<{ status: 'entered' | 'duplicate' | 'refused' | 'unknown_trigger' | 'contact_not_found'; runId?: string; reason?: string }> {
    const found = this.apiTrigger(triggerKey);
    if (!found) return { status: 'unknown_trigger' };
    const dedupeKey = `api:${triggerKey}:${options.idempotencyKey}`;
    this.#commitBatch();
    const remembered = this.#s.dedupeGet!.get(found.flowId, dedupeKey) as { result: string } | undefined;
    if (remembered) {
      const first = JSON.parse(remembered.result) as EntryResult;
      return { status: 'duplicate', ...(first.runId ? { runId: first.runId } : {}), ...(first.reason ? { reason: first.reason } : {}) };
    }
    const flow = this.#activeFlow(found.flowId);
    const contact = await this.#contacts.get(customerId);
    if (!flow || !contact) return { status: flow ? 'contact_not_found' : 'unknown_trigger' };
    const event: InboxEvent = {
      id: dedupeKey,
      type: 'api.invoked',
      occurredAt: new Date(this.clock.now()).toISOString(),
      customerId,
      ...(options.channel ? { channel: options.channel } : {}),
      source: 'api',
      payload: { triggerKey, vars: options.vars ?? {}, idempotencyKey: options.idempotencyKey },
      dedupeKey,
    };
    this.#commitBatch();
    const result = this.#tx(() =>
      this.#enterTx(flow, found.triggerId, event, this.#entryAllowed(flow, contact, this.clock.now()) ? undefined : 'entry_conditions', undefined, {
        triggerType: 'trigger.api',
        explanation: `API call with trigger key ${triggerKey} (idempotency key ${options.idempotencyKey})`,
      }),
    );
    this.#kick();
    return result.entered
      ? { status: 'entered', ...(result.runId ? { runId: result.runId } : {}) }
      : { status: 'refused', ...(result.reason ? { reason: result.reason } : {}) };
  }

  /** Starts a run directly (simulator, tests): no trigger matching, same entry rules. */
  async enter(
    flowId: string,
    customerId: string,
    options: { triggerId?: string; startNodeId?: string; channel?: ChannelKind; vars?: Record<string, unknown>; dedupeKey?: string } = {},
  ): Promise<EntryResult> {
    const flow = this.#activeFlow(flowId);
    if (!flow) return { entered: false, reason: 'flow_not_active' };
    const contact = await this.#contacts.get(customerId);
    if (!contact) return { entered: false, reason: 'contact_not_found' };
    const id = randomUUID();
    const event: InboxEvent = {
      id,
      type: 'api.invoked',
      occurredAt: new Date(this.clock.now()).toISOString(),
      customerId,
      ...(options.channel ? { channel: options.channel } : {}),
      payload: { vars: options.vars ?? {} },
      dedupeKey: options.dedupeKey ?? id,
    };
    const triggerId = options.triggerId ?? (options.startNodeId ? undefined : flow.graph.triggers[0]?.id);
    this.#commitBatch();
    const result = this.#tx(() =>
      this.#enterTx(flow, triggerId, event, this.#entryAllowed(flow, contact, this.clock.now()) ? undefined : 'entry_conditions', options.startNodeId),
    );
    this.#kick();
    return result;
  }

  // ───────────────────────── the interpreter loop ─────────────────────────

  async #activateReady(): Promise<boolean> {
    const ids = (this.#s.readyRuns!.all() as { id: string }[]).map((r) => r.id);
    // A time slice: the rest waits for the next round, so due timers and new events are not held up.
    const until = performance.now() + ACTIVATION_SLICE_MS;
    for (const id of ids) {
      if (!this.#running || performance.now() > until) break;
      try {
        await this.#activate(id);
      } catch (e) {
        this.#onError(e);
        const run = this.#s.run!.get(id) as RunRow | undefined;
        if (run && run.state === 'ready') this.#tx(() => this.#fail(run, 'engine_error', String(e)));
      }
    }
    return ids.length > 0;
  }

  #runState(run: RunRow): RunState {
    const trigger = JSON.parse(run.trigger) as { type: string; payload: Record<string, unknown> };
    return {
      id: run.id,
      flowId: run.flow_id,
      versionId: run.version_id,
      customerId: run.customer_id,
      ...(run.channel ? { channel: run.channel as ChannelKind } : {}),
      isTest: run.is_test === 1,
      vars: JSON.parse(run.vars) as Record<string, unknown>,
      trigger,
      stepSeq: run.step_seq,
      stepStartedAt: run.step_started_at,
      ...(run.resumed_by ? { resumedBy: JSON.parse(run.resumed_by) } : {}),
      ...(run.wait_state ? { waitState: JSON.parse(run.wait_state) } : {}),
    };
  }

  /** Runs one activation: node after node until the run waits, suspends on an effect or ends. */
  async #activate(runId: string): Promise<void> {
    for (let steps = 0; steps < this.#maxSteps; steps++) {
      const run = this.#s.run!.get(runId) as RunRow | undefined;
      if (run?.state !== 'ready' || !this.#running) return;
      const flow = this.#flow(run.version_id);
      const node = flow.node(run.node_id);
      const def = node && this.#catalogue.get(node.type, node.version);
      if (!node || !def) {
        this.#tx(() => this.#fail(run, 'unknown_node', `Node ${run.node_id} (${node?.type ?? '?'}) is not in the catalogue`));
        return;
      }
      const contact = await this.#contacts.get(run.customer_id);
      if (!contact) {
        this.#tx(() => this.#fail(run, 'contact_not_found', `Contact ${run.customer_id} not found`));
        return;
      }
      // A bot session's timer (delay card) does not go on once a person owns the conversation (§1.10).
      if (flow.kind === 'chatbot' && run.resumed_by && (JSON.parse(run.resumed_by) as { type?: string }).type === 'timer') {
        const state = contact.identities.find((i) => i.channel === run.channel)?.conversationState;
        if (humanOwns(state)) {
          this.#tx(() => this.#guard(run) && this.#finish(run, 'exited', 'handoff', 'The conversation was handed to a person'));
          return;
        }
      }
      let checked = false;
      // Journey exits and goals are checked before every node (§4.2.17, §9.6), once per node entry.
      if (flow.kind === 'journey' && !run.resumed_by && run.checked_seq < run.step_seq) {
        const hit = exitOrGoal(flow, contact, run.step_started_at);
        if (hit) {
          this.#tx(() => this.#guard(run) && this.#finish(run, hit.status, hit.reason, hit.explanation));
          return;
        }
        // Checked once per node entry: the suspend below records it, so a replay does not check again.
        checked = true;
        // Quiet hours (§6.6): a marketing send due inside the window is deferred to its end, or skipped.
        const quiet = flow.journeySettings?.quietHours;
        // On the run's own timeline: after a fast-forwarded wait, the send is as late as the wait was long.
        const stepAt = run.step_started_at + run.fast_forward_ms;
        const quietEnd = quiet && respectsQuietHours(def, node.config) && quietHoursEnd(new Date(stepAt), flow.timeZone, quiet);
        if (quiet && quietEnd) {
          const again = this.#tx(() => {
            if (!this.#guard(run)) return false;
            if (quiet.mode === 'skip') {
              this.#recordStep(run, node, { outcome: 'skipped', port: 'skipped', explanation: 'Skipped: quiet hours' }, this.clock.now());
              return this.#route(run, flow, node, 'skipped', {}, false);
            }
            this.#recordStep(run, node, { outcome: 'waiting', explanation: `Quiet hours: deferred until ${quietEnd.toISOString()}` }, this.clock.now());
            this.#counter(run, node.id, 'waiting', 1);
            const timerId = Number(this.#s.insertTimer!.run(run.id, quietEnd.getTime() - run.fast_forward_ms).lastInsertRowid);
            const wait: WaitInfo = { events: [], timerId, deferred: true };
            this.#prep("UPDATE runs SET state = 'waiting', status = 'waiting', wait = ? WHERE id = ?").run(JSON.stringify(wait), run.id);
            return false;
          });
          if (again) continue;
          return;
        }
        // Frequency cap (§9.7): a marketing send over the contact's cap is skipped with its reason.
        const cap = flow.journeySettings?.frequencyCap;
        if (cap && respectsQuietHours(def, node.config)) {
          const since = this.#periodStart(run.step_started_at, flow.timeZone, cap.per);
          const sent = this.#marketingSendsSince(run.customer_id, since);
          if (sent >= cap.maxMessages) {
            const again = this.#tx(() => {
              if (!this.#guard(run)) return false;
              this.#counter(run, node.id, 'skipped:frequency_cap', 1);
              this.#recordStep(
                run,
                node,
                {
                  outcome: 'skipped',
                  port: 'skipped',
                  explanation: `Skipped: frequency cap (${sent} marketing message(s) this ${cap.per}, at most ${cap.maxMessages})`,
                  error: { reason: 'frequency_cap', message: `At most ${cap.maxMessages} marketing messages per ${cap.per}` },
                },
                this.clock.now(),
              );
              return this.#route(run, flow, node, 'skipped', {}, false);
            });
            if (again) continue;
            return;
          }
        }
      }
      const state = this.#runState(run);
      let exec: StepExecution;
      try {
        exec = await executeNode(def, node, flow, state, contact, this.#ports);
      } catch (e) {
        exec = {
          kind: 'outcome',
          outcome: { kind: 'fail', reason: 'node_error', message: e instanceof Error ? e.message : String(e), retryable: false },
          events: [],
          effectKeys: [],
        };
      }
      if (exec.kind === 'suspend') {
        const intents = exec.intents;
        const retry = retryPolicyOf(def, node.config, this.#defaultRetry);
        // Only a policy that differs from the engine's defaults is stored on the row.
        const custom = retry.source !== 'engine default';
        this.#tx(() => {
          if (!this.#guard(run)) return;
          const now = this.clock.now();
          for (const i of intents)
            this.#s.outboxInsert!.run(
              i.key,
              run.id,
              run.flow_id,
              run.customer_id,
              node.id,
              i.kind,
              JSON.stringify(i.payload),
              now,
              now,
              custom ? retry.maxAttempts : null,
              custom ? retry.initialMs : null,
              custom ? retry.maxMs : null,
            );
          this.#prep("UPDATE runs SET state = 'effect', checked_seq = CASE WHEN ? THEN step_seq ELSE checked_seq END WHERE id = ?").run(
            checked ? 1 : 0,
            run.id,
          );
        });
        return;
      }
      const outcome = exec.outcome;
      const events = exec.events;
      const cont = this.#tx(() => {
        if (!this.#guard(run)) return false;
        this.#emit(run, events);
        return this.#apply(run, flow, node, outcome, exec.effectKeys);
      });
      if (!cont) return;
    }
    const run = this.#s.run!.get(runId) as RunRow | undefined;
    if (run && run.state === 'ready') this.#tx(() => this.#fail(run, 'step_limit', `More than ${this.#maxSteps} steps without a wait`));
  }

  /** The run has not moved on since it was read (an event may have ended it meanwhile). */
  #guard(run: RunRow): boolean {
    const fresh = this.#s.runPosition!.get(run.id) as { state: string; step_seq: number } | undefined;
    return fresh !== undefined && fresh.state === 'ready' && fresh.step_seq === run.step_seq;
  }

  /** Events produced by the step's internal effects go to the inbox with the step, once (keyed). */
  #emit(run: RunRow, events: readonly EmittedEvent[]): void {
    const at = new Date(this.clock.now()).toISOString();
    for (const e of events) {
      const event: InboxEvent = {
        id: e.key,
        type: e.type,
        occurredAt: at,
        customerId: run.customer_id,
        ...(run.channel ? { channel: run.channel as ChannelKind } : {}),
        source: String(e.payload.source ?? 'journey'),
        payload: e.payload,
        dedupeKey: e.key,
        kind: KIND_OF_TYPE[e.type],
      };
      this.#s.inboxInsert!.run(`event:${e.key}`, run.customer_id, JSON.stringify(event));
    }
  }

  /** Applies a node's outcome; returns whether the run continues in this activation. */
  #apply(run: RunRow, flow: CompiledFlow, node: NodeInstance, outcome: NodeOutcome, effectKeys: string[]): boolean {
    const now = this.clock.now();
    const resumedBy = run.resumed_by ? (JSON.parse(run.resumed_by) as { type: string }) : undefined;
    const input = resumedBy ? { resumedBy, effects: effectKeys } : effectKeys.length ? { effects: effectKeys } : undefined;
    switch (outcome.kind) {
      case 'next': {
        this.#recordStep(run, node, { outcome: 'passed', port: outcome.port, explanation: outcome.explanation, input }, now);
        const byInput = resumedBy !== undefined && resumedBy.type !== 'timer';
        return this.#route(run, flow, node, outcome.port, outcome.vars ?? {}, byInput);
      }
      case 'wait': {
        this.#recordStep(run, node, { outcome: 'waiting', explanation: outcome.explanation, input }, now);
        this.#counter(run, node.id, 'waiting', 1);
        let timerId: number | undefined;
        if (outcome.until) timerId = Number(this.#s.insertTimer!.run(run.id, outcome.until.getTime()).lastInsertRowid);
        const wait: WaitInfo = {
          events: [...(outcome.events ?? [])],
          ...(outcome.timeoutPort ? { timeoutPort: outcome.timeoutPort } : {}),
          ...(timerId ? { timerId } : {}),
        };
        this.#prep("UPDATE runs SET state = 'waiting', status = 'waiting', wait = ?, wait_state = ?, resumed_by = NULL WHERE id = ?").run(
          JSON.stringify(wait),
          outcome.state ? JSON.stringify(outcome.state) : null,
          run.id,
        );
        if (run.migrate_to && this.#flow(run.migrate_to).node(node.id)) this.#migrate({ ...run, state: 'waiting' }, run.migrate_to);
        return false;
      }
      case 'end': {
        const stepOutcome = outcome.status === 'goal_reached' ? 'goal' : outcome.status === 'exited' ? 'exited' : 'passed';
        this.#recordStep(run, node, { outcome: stepOutcome, explanation: outcome.explanation, input }, now);
        this.#finish(run, outcome.status, outcome.reason ?? node.type);
        return false;
      }
      case 'fail': {
        this.#counter(run, node.id, 'failed', 1);
        const error = { reason: outcome.reason, message: outcome.message };
        if (outcome.port && flow.target(node.id, outcome.port) !== undefined) {
          this.#recordStep(run, node, { outcome: 'failed', port: outcome.port, explanation: outcome.message, error, input }, now);
          return this.#route(run, flow, node, outcome.port, {}, false);
        }
        this.#recordStep(run, node, { outcome: 'failed', explanation: outcome.message, error, input }, now);
        this.#finish(run, 'failed', outcome.reason);
        return false;
      }
    }
  }

  /** Follows a port: the next node, the next card of the module, or the end of the run. */
  #route(run: RunRow, flow: CompiledFlow, node: NodeInstance, port: string, vars: Record<string, unknown>, byInput: boolean): boolean {
    this.#counter(run, node.id, `port:${port}`, 1);
    let target = flow.follow(node.id, port);
    if (!target && flow.kind === 'chatbot') {
      // An unconnected "invalid" falls back to "next" (§4.1.10); otherwise the module goes on with its next card.
      if (port === 'invalid') target = flow.follow(node.id, 'next');
      if (!target) {
        const next = flow.nextCard(node.id);
        if (next) target = { node: next, jump: false };
      }
    }
    // Most steps set no variables: the stored JSON is written back as it is, not parsed and re-serialised.
    const varsJson = hasKeys(vars) ? JSON.stringify({ ...(JSON.parse(run.vars) as Record<string, unknown>), ...vars }) : run.vars;
    if (!target && flow.kind === 'chatbot' && port === 'freeText' && run.resumed_by) {
      // Typed text that matches no quick-reply option, with nothing connected: the message goes on to
      // keyword matching as if no session had been waiting (§4.1.8, §3.15).
      const by = JSON.parse(run.resumed_by) as { type: string; payload: Record<string, unknown> };
      if (by.type === 'reply') {
        const eventId = `${String(by.payload.eventId ?? run.id)}:fallthrough`;
        this.#s.inboxInsert!.run(
          `event:${eventId}`,
          run.customer_id,
          JSON.stringify({
            id: eventId,
            type: 'message.received',
            kind: 'reply',
            occurredAt: new Date(this.clock.now()).toISOString(),
            customerId: run.customer_id,
            ...(run.channel ? { channel: run.channel as ChannelKind } : {}),
            payload: { ...by.payload, fallthrough: true },
            dedupeKey: eventId,
          } satisfies InboxEvent),
        );
        this.#prep('UPDATE runs SET vars = ? WHERE id = ?').run(varsJson, run.id);
        this.#finish(run, 'completed', 'free_text');
        return false;
      }
    }
    if (!target) {
      this.#prep('UPDATE runs SET vars = ? WHERE id = ?').run(varsJson, run.id);
      this.#finish(run, 'completed', `no_edge:${node.id}:${port}`);
      return false;
    }
    let hops = byInput ? 0 : run.hops;
    if (target.jump) {
      hops += 1;
      if (hops > flow.loopGuard) {
        this.#finish(run, 'exited', 'loop_guard');
        return false;
      }
    }
    this.#prep(
      "UPDATE runs SET node_id = ?, step_seq = ?, step_started_at = ?, resumed_by = NULL, wait_state = NULL, wait = NULL, vars = ?, hops = ?, state = 'ready', status = 'running' WHERE id = ?",
    ).run(target.node, run.step_seq + 1, this.clock.now(), varsJson, hops, run.id);
    this.#counter(run, target.node, 'entered', 1);
    return true;
  }

  #migrate(run: RunRow, versionId: string): void {
    this.#counter(run, run.node_id, 'waiting', -1);
    this.#counter({ flow_id: run.flow_id, version_id: versionId }, run.node_id, 'waiting', 1);
    this.#prep('UPDATE runs SET version_id = ?, migrate_to = NULL WHERE id = ?').run(versionId, run.id);
  }

  #finish(run: RunRow, status: RunStatus, reason: string, explanation?: string): void {
    this.#s.deleteTimersOf!.run(run.id);
    // An effect not yet handed to its channel is dropped with the run (one in flight still completes).
    this.#prep("UPDATE outbox SET status = 'cancelled' WHERE run_id = ? AND status = 'pending'").run(run.id);
    if (run.state === 'waiting') this.#counter(run, run.node_id, 'waiting', -1);
    const now = this.clock.now();
    if (explanation) {
      const flow = this.#flow(run.version_id);
      const node = flow.node(run.node_id);
      if (node) this.#recordStep(run, node, { outcome: status === 'goal_reached' ? 'goal' : status === 'exited' ? 'exited' : 'skipped', explanation }, now);
    }
    this.#prep("UPDATE runs SET state = 'done', status = ?, ended_at = ?, exit_reason = ?, wait = NULL WHERE id = ?").run(status, now, reason, run.id);
  }

  #fail(run: RunRow, reason: string, message: string): void {
    const node = this.#flow(run.version_id).node(run.node_id);
    if (node) {
      this.#counter(run, node.id, 'failed', 1);
      this.#recordStep(run, node, { outcome: 'failed', explanation: message, error: { reason, message } }, this.clock.now());
    }
    this.#finish(run, 'failed', reason);
  }

  #recordStep(
    run: RunRow,
    node: NodeInstance,
    step: { outcome: TimelineStep['outcome']; port?: string; explanation?: string; error?: { reason: string; message: string }; input?: unknown },
    endedAt: number,
  ): void {
    this.#s.step!.run(
      run.id,
      run.step_seq,
      node.id,
      node.type,
      run.step_started_at,
      step.outcome === 'waiting' ? null : endedAt,
      step.outcome,
      step.port ?? null,
      step.explanation?.slice(0, 2000) ?? null,
      step.input === undefined ? null : JSON.stringify(step.input).slice(0, 2000),
      step.error ? JSON.stringify(step.error) : null,
    );
  }

  /** Counter changes are summed in memory and written once per key before the transaction commits. */
  #counter(run: { flow_id: string; version_id: string }, nodeId: string, metric: string, delta: number): void {
    this.#counterLog.push([run.flow_id, run.version_id, nodeId, metric, delta]);
  }

  #flushCounters(): void {
    if (!this.#counterLog.length) return;
    const sums = new Map<string, [string, string, string, string, number]>();
    for (const entry of this.#counterLog) {
      const key = `${entry[0]}\u0000${entry[1]}\u0000${entry[2]}\u0000${entry[3]}`;
      const sum = sums.get(key);
      if (sum) sum[4] += entry[4];
      else sums.set(key, [...entry]);
    }
    this.#counterLog = [];
    for (const [flowId, versionId, nodeId, metric, delta] of sums.values()) if (delta !== 0) this.#s.counter!.run(flowId, versionId, nodeId, metric, delta);
  }

  /** The trigger-journey node: enters a journey with a system trigger, once per call key. */
  async #enterFromNode(journeyId: string, vars: Record<string, unknown>, key: string, from: RunState): Promise<EntryResult> {
    const flow = this.#activeFlow(journeyId);
    if (flow?.kind !== 'journey') return { entered: false, reason: 'journey_not_active' };
    const trigger = flow.graph.triggers.find((t) => t.type === 'trigger.system');
    if (!trigger) return { entered: false, reason: 'no_system_trigger' };
    const contact = await this.#contacts.get(from.customerId);
    if (!contact) return { entered: false, reason: 'contact_not_found' };
    const event: InboxEvent = {
      id: key,
      type: 'journey.invoked',
      occurredAt: new Date(this.clock.now()).toISOString(),
      customerId: from.customerId,
      ...(from.channel ? { channel: from.channel } : {}),
      payload: { invokerType: 'journey', invokerId: from.flowId, journeyId, vars },
      dedupeKey: key,
    };
    const ok = this.#entryAllowed(flow, contact, this.clock.now());
    const result = this.#tx(() =>
      this.#enterTx(flow, trigger.id, event, ok ? undefined : 'entry_conditions', undefined, {
        triggerType: trigger.type,
        explanation: `Triggered by journey ${from.flowId} (run ${from.id})`,
      }),
    );
    this.#kick();
    return result;
  }

  // ───────────────────────── the dispatcher ─────────────────────────

  #dispatch(): void {
    if (!this.#running) return;
    const free = this.#maxInFlight - this.#inFlight.size;
    if (free <= 0) return;
    const now = this.clock.now();
    const rows = (this.#s.outboxDue!.all(now, free) as OutboxRow[]).filter((row) => !this.#inFlight.has(row.key));
    if (!rows.length) return;
    // A lease: while the delivery is in flight the row is not due again (a crash expires it at start).
    this.#tx(() => {
      for (const row of rows) this.#s.outboxLease!.run(now + LEASE_MS, row.key);
    });
    for (const row of rows) {
      const p = this.#deliver(row).finally(() => {
        this.#inFlight.delete(row.key);
        this.#kick();
        this.#notifyIdle();
      });
      this.#inFlight.set(row.key, p);
    }
  }

  async #deliver(row: OutboxRow): Promise<void> {
    const attempt = row.attempts + 1;
    let result: EffectResult | undefined;
    let error: unknown;
    try {
      result = await this.#effects.deliver({
        idempotencyKey: row.key,
        kind: row.kind,
        runId: row.run_id,
        flowId: row.flow_id,
        customerId: row.customer_id,
        nodeId: row.node_id,
        payload: JSON.parse(row.payload),
        attempt,
      });
    } catch (e) {
      error = e;
    }
    if (this.#closed) return;
    // Recorded by the pump's next batch: many results, one commit. A crash before that commit delivers
    // the effect again with the same key (at least once), as a crash during the call would.
    this.#settled.push({ row, attempt, result, error, at: this.clock.now() });
  }

  get #defaultRetry(): RetryPolicy {
    return { maxAttempts: this.#maxAttempts, initialMs: this.#retryInitial, maxMs: MAX_BACKOFF_MS };
  }

  /**
   * Records finished deliveries: the result (the run becomes ready) or the next attempt, by the row's
   * retry policy (the node's, else the engine's). Attempts beyond a first success are kept for the timeline.
   */
  #applySettled(): boolean {
    if (!this.#settled.length || this.#closed) return false;
    const settled = this.#settled;
    this.#settled = [];
    this.#tx(() => {
      for (const { row, attempt, result, error, at } of settled) {
        const policy: RetryPolicy = {
          maxAttempts: row.max_attempts ?? this.#maxAttempts,
          initialMs: row.backoff_initial_ms ?? this.#retryInitial,
          maxMs: row.backoff_max_ms ?? MAX_BACKOFF_MS,
        };
        const failure = error !== undefined ? (error instanceof Error ? error.message : String(error)) : result && !result.ok ? result.message : undefined;
        const reason = error !== undefined ? 'transient_error' : result && !result.ok ? result.reason : undefined;
        if (transientFailure(result, error) && attempt < policy.maxAttempts) {
          // The platform's Retry-After (429) wins over a shorter back-off.
          const retryAt = at + nextRetryDelayMs(policy, attempt, retryAfterOf(result, error));
          this.#s.outboxRetry!.run(attempt, retryAt, row.key);
          this.#s.attemptInsert!.run(row.key, attempt, row.run_id, at, 'retry', reason ?? null, failure?.slice(0, 500) ?? null, retryAt);
          continue;
        }
        if (attempt > 1 || failure !== undefined)
          this.#s.attemptInsert!.run(
            row.key,
            attempt,
            row.run_id,
            at,
            failure === undefined ? 'delivered' : 'failed',
            reason ?? null,
            failure?.slice(0, 500) ?? null,
            null,
          );
        const final: EffectResult =
          result ??
          (row.kind === 'http'
            ? { ok: false, reason: 'network', message: String(error) }
            : { ok: false, reason: 'delivery_failed', message: error instanceof Error ? error.message : String(error), retryable: false });
        this.#s.outboxDone!.run(attempt, JSON.stringify(final), at, row.key);
        const pending = (this.#s.outboxPendingOf!.get(row.run_id) as { n: number }).n;
        if (pending === 0) this.#prep("UPDATE runs SET state = 'ready' WHERE id = ? AND state = 'effect'").run(row.run_id);
      }
    });
    return true;
  }

  /**
   * Test runs and demos: makes the waiting run's pending timer (a wait, a timeout, a quiet-hours deferral) due
   * now, so the run goes on as if its time had come. Returns the time it was due at, or undefined when the run
   * waits on no timer. Event-only waits are not touched: an event, not time, moves them.
   */
  fireTimerNow(runId: string): Date | undefined {
    this.#commitBatch();
    const run = this.#s.run!.get(runId) as RunRow | undefined;
    if (run?.state !== 'waiting') return undefined;
    const timerId = (JSON.parse(run.wait ?? '{}') as WaitInfo).timerId;
    if (timerId === undefined) return undefined;
    const timer = this.#prep('SELECT due_at FROM timers WHERE id = ?').get(timerId) as { due_at: number } | undefined;
    if (!timer) return undefined;
    const now = this.clock.now();
    this.#prep('UPDATE timers SET due_at = ? WHERE id = ?').run(Math.min(timer.due_at, now), timerId);
    // The run's timeline moves ahead by the time skipped: later steps (quiet hours) see the due time, not now.
    this.#prep('UPDATE runs SET fast_forward_ms = fast_forward_ms + ? WHERE id = ?').run(Math.max(0, timer.due_at - now), runId);
    this.#kick();
    return new Date(timer.due_at);
  }

  // ───────────────────────── reading ─────────────────────────

  getRun(runId: string): RunRecord | undefined {
    const r = this.#s.run!.get(runId) as RunRow | undefined;
    return r ? toRecord(r) : undefined;
  }

  runs(filter: { flowId?: string; customerId?: string } = {}): RunRecord[] {
    const rows = this.#prep(
      'SELECT * FROM runs WHERE (@flow IS NULL OR flow_id = @flow) AND (@customer IS NULL OR customer_id = @customer) ORDER BY entered_at, rowid',
    ).all({ flow: filter.flowId ?? null, customer: filter.customerId ?? null }) as RunRow[];
    return rows.map(toRecord);
  }

  /** The run's timeline: each executed node with its outcome, port and explanation. */
  runTimeline(runId: string): { run: RunRecord | undefined; steps: TimelineStep[] } {
    const rows = this.#prep('SELECT * FROM run_steps WHERE run_id = ? ORDER BY seq').all(runId) as {
      seq: number;
      node_id: string;
      node_type: string;
      started_at: number;
      ended_at: number | null;
      outcome: TimelineStep['outcome'];
      port: string | null;
      explanation: string | null;
      input: string | null;
      error: string | null;
    }[];
    const attempts = new Map<number, NonNullable<TimelineStep['attempts']>>();
    const attemptRows = this.#prep('SELECT * FROM effect_attempts WHERE run_id = ? ORDER BY at, attempt').all(runId) as {
      key: string;
      attempt: number;
      at: number;
      outcome: 'retry' | 'delivered' | 'failed';
      reason: string | null;
      message: string | null;
      retry_at: number | null;
    }[];
    for (const a of attemptRows) {
      // Keys are runId:nodeId:stepSeq:callIndex.
      const seq = Number(a.key.split(':').at(-2));
      const list = attempts.get(seq) ?? [];
      attempts.set(seq, list);
      list.push({
        key: a.key,
        attempt: a.attempt,
        at: new Date(a.at).toISOString(),
        outcome: a.outcome,
        ...(a.reason ? { reason: a.reason } : {}),
        ...(a.message ? { message: a.message } : {}),
        ...(a.retry_at !== null ? { retryAt: new Date(a.retry_at).toISOString() } : {}),
      });
    }
    return {
      run: this.getRun(runId),
      steps: rows.map((s) => ({
        seq: s.seq,
        nodeId: s.node_id,
        nodeType: s.node_type,
        startedAt: new Date(s.started_at).toISOString(),
        ...(s.ended_at !== null ? { endedAt: new Date(s.ended_at).toISOString() } : {}),
        outcome: s.outcome,
        ...(s.port ? { port: s.port } : {}),
        ...(s.explanation ? { explanation: s.explanation } : {}),
        ...(s.input ? { input: JSON.parse(s.input) } : {}),
        ...(s.error ? { error: JSON.parse(s.error) } : {}),
        ...(attempts.has(s.seq) ? { attempts: attempts.get(s.seq) } : {}),
      })),
    };
  }

  /** Per-node counters of a version: entered, waiting now, failed, and passed per port (§7). */
  nodeStats(flowId: string, versionId: string): Record<string, NodeStats> {
    this.#commitBatch();
    if (!this.db.inTransaction) this.#flushCounters();
    const rows = this.#prep('SELECT node_id, metric, count FROM node_counters WHERE flow_id = ? AND version_id = ?').all(flowId, versionId) as {
      node_id: string;
      metric: string;
      count: number;
    }[];
    const out: Record<string, NodeStats> = {};
    for (const r of rows) {
      let s = out[r.node_id];
      if (!s) {
        s = { entered: 0, waiting: 0, failed: 0, ports: {} };
        out[r.node_id] = s;
      }
      if (r.metric.startsWith('port:')) s.ports[r.metric.slice(5)] = r.count;
      else if (r.metric.startsWith('skipped:')) s.skipped = { ...s.skipped, [r.metric.slice(8)]: r.count };
      // A trigger's "entered" is the runs it started.
      else if (r.metric === 'triggered') s.entered = r.count;
      else if (r.metric === 'entered' || r.metric === 'waiting' || r.metric === 'failed') s[r.metric] = r.count;
    }
    return out;
  }

  /** Outbox rows (for tests and the timeline): key, kind, status, attempts, result. */
  outbox(runId?: string): { key: string; kind: EffectKind; status: string; attempts: number; payload: unknown; result: unknown }[] {
    const rows = this.#prep('SELECT * FROM outbox WHERE (@run IS NULL OR run_id = @run) ORDER BY created_at, key').all({ run: runId ?? null }) as {
      key: string;
      kind: EffectKind;
      status: string;
      attempts: number;
      payload: string;
      result: string | null;
    }[];
    return rows.map((r) => ({
      key: r.key,
      kind: r.kind,
      status: r.status,
      attempts: r.attempts,
      payload: JSON.parse(r.payload),
      result: r.result ? JSON.parse(r.result) : undefined,
    }));
  }
}

/**
 * A UUID whose first 48 bits are the time in ms (the UUIDv7 layout): new runs, their steps and their
 * outbox rows land at the end of their B-trees instead of on random pages, so a commit writes fewer pages.
 */
function hasKeys(o: Record<string, unknown>): boolean {
  for (const _ in o) return true;
  return false;
}

function timeOrderedId(): string {
  const hex = Date.now().toString(16).padStart(12, '0').slice(-12);
  const uuid = randomUUID();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${uuid.slice(15)}`;
}

function toRecord(r: RunRow): RunRecord {
  return {
    id: r.id,
    flowId: r.flow_id,
    versionId: r.version_id,
    customerId: r.customer_id,
    ...(r.channel ? { channel: r.channel as ChannelKind } : {}),
    status: r.status,
    state: r.state,
    currentNodeId: r.node_id,
    vars: JSON.parse(r.vars) as Record<string, unknown>,
    enteredAt: new Date(r.entered_at).toISOString(),
    ...(r.ended_at !== null ? { endedAt: new Date(r.ended_at).toISOString() } : {}),
    ...(r.exit_reason ? { exitReason: r.exit_reason } : {}),
    trigger: triggerOf(r.trigger),
  };
}

function triggerOf(json: string): NonNullable<RunRecord['trigger']> {
  const t = JSON.parse(json) as { type: string; triggerId?: string | null; explanation?: string };
  return { event: t.type, ...(t.triggerId ? { triggerId: t.triggerId } : {}), ...(t.explanation ? { explanation: t.explanation } : {}) };
}

/** Creates the embedded engine (not started: call `start()`). */
export function createEmbeddedEngine(options: EmbeddedEngineOptions): EmbeddedEngine {
  return new EmbeddedEngine(options);
}
