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
import { type Clock, type ClockTimer, SystemClock } from '../clock.ts';
import type { ContactStore } from '../contacts/contact-store.ts';
import type { EffectHandler, EffectKind, EffectResult } from '../effects.ts';
import { CompiledFlow } from '../interpreter/compiled-flow.ts';
import { type EmittedEvent, executeNode, type RunState, type StepExecution } from '../interpreter/execute-node.ts';
import { quietHoursEnd, respectsQuietHours } from '../interpreter/quiet-hours.ts';
import { TriggerIndex } from '../triggers/trigger-index.ts';
import { migrate } from './schema.ts';

// The embedded durable runtime: one process, one SQLite file. A single pump loop fires due timers,
// processes the inbox in order, activates ready runs and hands outbox rows to the dispatcher. Nothing
// polls: one clock timeout is armed for the earliest due timer or outbox retry (both read through an
// index), and every state change kicks the pump.

export type InFlightPolicy = 'keep' | 'move_at_next_wait' | 'cancel';

export interface PublishPolicy {
  /** What happens to runs of earlier versions (§9.4); default keep. */
  inFlight?: InFlightPolicy;
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
}

export interface NodeStats {
  entered: number;
  waiting: number;
  failed: number;
  ports: Record<string, number>;
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
}

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
      step: p(`INSERT OR REPLACE INTO run_steps (run_id, seq, node_id, node_type, started_at, ended_at, outcome, port, explanation, input, error)
        VALUES (@run_id, @seq, @node_id, @node_type, @started_at, @ended_at, @outcome, @port, @explanation, @input, @error)`),
      counter: p(`INSERT INTO node_counters (flow_id, version_id, node_id, metric, count) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (flow_id, version_id, node_id, metric) DO UPDATE SET count = count + excluded.count`),
      insertTimer: p('INSERT INTO timers (run_id, due_at) VALUES (?, ?)'),
      deleteTimersOf: p('DELETE FROM timers WHERE run_id = ?'),
      dueTimers: p('SELECT id, run_id FROM timers WHERE due_at <= ? ORDER BY due_at LIMIT 1000'),
      deleteTimer: p('DELETE FROM timers WHERE id = ?'),
      nextTimer: p('SELECT MIN(due_at) AS at FROM timers'),
      outboxGet: p('SELECT status, result FROM outbox WHERE key = ?'),
      outboxInsert: p(`INSERT OR IGNORE INTO outbox (key, run_id, flow_id, customer_id, node_id, kind, payload, status, next_attempt_at, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`),
      outboxDue: p(
        "SELECT key, run_id, flow_id, customer_id, node_id, kind, payload, attempts FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
      ),
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
    this.#reloadIndex();
  }

  // ───────────────────────── publishing and flow lifecycle ─────────────────────────

  /** Publishes an immutable version and makes it the flow's active one. */
  publish(flowId: string, versionId: string, graph: FlowGraphType | unknown, policy: PublishPolicy = {}): void {
    const parsed = FlowGraph.parse(graph);
    const now = this.clock.now();
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
      this.#prep(
        "INSERT INTO flows (flow_id, active_version_id, status, seq) VALUES (?, ?, 'active', ?) ON CONFLICT (flow_id) DO UPDATE SET active_version_id = excluded.active_version_id, status = 'active'",
      ).run(flowId, versionId, seq);
      const older = this.#prep("SELECT * FROM runs WHERE flow_id = ? AND version_id != ? AND state != 'done'").all(flowId, versionId) as RunRow[];
      const inFlight = policy.inFlight ?? 'keep';
      if (inFlight === 'cancel') for (const r of older) this.#finish(r, 'cancelled', 'new_version_published');
      if (inFlight === 'move_at_next_wait') {
        const next = new CompiledFlow(flowId, versionId, parsed);
        for (const r of older) {
          this.#prep('UPDATE runs SET migrate_to = ? WHERE id = ?').run(versionId, r.id);
          if (r.state === 'waiting' && next.node(r.node_id)) this.#migrate(r, versionId);
        }
      }
    });
    this.#reloadIndex();
    this.#kick();
  }

  /** Stops triggering new runs; runs in flight continue. */
  pause(flowId: string): void {
    this.#commitBatch();
    this.#prep("UPDATE flows SET status = 'paused' WHERE flow_id = ?").run(flowId);
    this.#reloadIndex();
  }
  resume(flowId: string): void {
    this.#commitBatch();
    this.#prep("UPDATE flows SET status = 'active' WHERE flow_id = ? AND status = 'paused'").run(flowId);
    this.#reloadIndex();
  }
  /** Ends the flow: no new runs, and runs in flight are cancelled. */
  end(flowId: string): void {
    this.#commitBatch();
    this.#tx(() => {
      this.#prep("UPDATE flows SET status = 'ended' WHERE flow_id = ?").run(flowId);
      for (const r of this.#prep("SELECT * FROM runs WHERE flow_id = ? AND state != 'done'").all(flowId) as RunRow[])
        this.#finish(r, 'cancelled', 'flow_ended');
    });
    this.#reloadIndex();
  }

  #reloadIndex(): void {
    const flows = this.#prep("SELECT flow_id, active_version_id FROM flows WHERE status = 'active' ORDER BY seq").all() as {
      flow_id: string;
      active_version_id: string;
    }[];
    this.#index = new TriggerIndex(flows.map((f) => this.#flow(f.active_version_id)));
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
    return !ready && !inbox && !due && !timer;
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
    const candidates = [t, o].filter((x): x is number => x !== null);
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
    const waiting = (fallthrough ? [] : (this.#s.waitingOf!.all(event.customerId) as RunRow[])).filter((r) => {
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
    }

    // 3. Triggers: journeys in parallel; one chatbot keyword rule unless a session consumed the message.
    const entries: { flow: CompiledFlow; triggerId?: string; startNodeId?: string; explanation: string; ok: boolean; tags?: string[] }[] = [];
    if (event.type !== 'contact.event' && contact) {
      const trigger = event as TriggerEventType;
      if (!fallthrough) for (const m of this.#index.match(trigger, { conversationState })) entries.push({ ...m, ok: this.#entryAllowed(m.flow, contact, now) });
      if (event.type === 'message.received' && !consumedByBot) {
        const bot = this.#index.botKeyword(trigger, { conversationState });
        if (bot) entries.push({ ...bot, ok: true });
      }
      if (event.type === 'postback.received' && !consumedByBot && typeof payload.flowId === 'string' && typeof payload.nodeId === 'string') {
        const flow = this.#activeFlow(payload.flowId);
        const target = flow?.follow(payload.nodeId, `button:${String(payload.buttonId ?? '')}`);
        if (flow && target) entries.push({ flow, startNodeId: target.node, explanation: `Button ${String(payload.buttonId)} of ${payload.nodeId}`, ok: true });
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
        this.#enterTx(e.flow, e.triggerId, event, e.ok ? undefined : 'entry_conditions', e.startNodeId);
      }
    });
  }

  /** Entry conditions of a journey (§3, part 2). */
  #entryAllowed(flow: CompiledFlow, contact: Customer, now: number): boolean {
    const conditions = flow.journeySettings?.entryConditions;
    if (!conditions) return true;
    return evaluateCondition(conditions, contact, { now: new Date(now), timeZone: flow.timeZone }).match;
  }

  /** Starts a run if dedupe and the re-entry policy allow it; the answer is remembered per dedupe key. */
  #enterTx(flow: CompiledFlow, triggerId: string | undefined, event: InboxEvent, rejected?: string, startNodeId?: string): EntryResult {
    const remembered = this.#s.dedupeGet!.get(flow.flowId, event.dedupeKey) as { result: string } | undefined;
    if (remembered) return JSON.parse(remembered.result) as EntryResult;
    const now = this.clock.now();
    const answer = (result: EntryResult): EntryResult => {
      this.#s.dedupePut!.run(flow.flowId, event.dedupeKey, now, JSON.stringify(result));
      return result;
    };
    if (rejected) return answer({ entered: false, reason: rejected });
    const active = this.#s.activeOfFlow!.all(flow.flowId, event.customerId) as RunRow[];
    const settings = flow.journeySettings;
    if (settings) {
      if (active.length >= settings.maxConcurrentRunsPerContact) return answer({ entered: false, reason: 'concurrent_run' });
      const history = this.#s.lastEnded!.get(flow.flowId, event.customerId) as { at: number | null; n: number };
      if (settings.reentry.mode === 'never' && history.n > 0) return answer({ entered: false, reason: 'reentry_never' });
      if (settings.reentry.mode === 'afterCooldown' && history.at !== null && now - history.at < durationMs(settings.reentry.cooldown)) {
        return answer({ entered: false, reason: 'cooldown' });
      }
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
      channel: event.channel ?? null,
      is_test: payload.isTest === true ? 1 : 0,
      node_id: start,
      now,
      vars: JSON.stringify(typeof payload.vars === 'object' && payload.vars !== null ? payload.vars : {}),
      trigger: JSON.stringify({ type: event.type, payload, triggerId: triggerId ?? null, eventId: event.id }),
    });
    this.#counter({ flow_id: flow.flowId, version_id: flow.versionId }, start, 'entered', 1);
    return answer({ entered: true, runId: id });
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
      let checked = false;
      // Journey exits and goals are checked before every node (§4.2.17, §9.6), once per node entry.
      if (flow.kind === 'journey' && !run.resumed_by && run.checked_seq < run.step_seq) {
        const hit = this.#checkExitsAndGoals(flow, contact, run.step_started_at);
        if (hit) {
          this.#tx(() => this.#guard(run) && this.#finish(run, hit.status, hit.reason, hit.explanation));
          return;
        }
        // Checked once per node entry: the suspend below records it, so a replay does not check again.
        checked = true;
        // Quiet hours (§6.6): a marketing send due inside the window is deferred to its end, or skipped.
        const quiet = flow.journeySettings?.quietHours;
        const quietEnd = quiet && respectsQuietHours(def, node.config) && quietHoursEnd(new Date(run.step_started_at), flow.timeZone, quiet);
        if (quiet && quietEnd) {
          const again = this.#tx(() => {
            if (!this.#guard(run)) return false;
            if (quiet.mode === 'skip') {
              this.#recordStep(run, node, { outcome: 'skipped', port: 'skipped', explanation: 'Skipped: quiet hours' }, this.clock.now());
              return this.#route(run, flow, node, 'skipped', {}, false);
            }
            this.#recordStep(run, node, { outcome: 'waiting', explanation: `Quiet hours: deferred until ${quietEnd.toISOString()}` }, this.clock.now());
            this.#counter(run, node.id, 'waiting', 1);
            const timerId = Number(this.#s.insertTimer!.run(run.id, quietEnd.getTime()).lastInsertRowid);
            const wait: WaitInfo = { events: [], timerId, deferred: true };
            this.#prep("UPDATE runs SET state = 'waiting', status = 'waiting', wait = ? WHERE id = ?").run(JSON.stringify(wait), run.id);
            return false;
          });
          if (again) continue;
          return;
        }
      }
      const state = this.#runState(run);
      let exec: StepExecution;
      try {
        exec = await executeNode(def, node, flow, state, contact, {
          contacts: this.#contacts,
          recorded: (key) => {
            const row = this.#s.outboxGet!.get(key) as { status: string; result: string | null } | undefined;
            if (!row) return undefined;
            return row.status === 'done' ? { result: JSON.parse(row.result ?? 'null') } : 'pending';
          },
          enterJourney: (journeyId, vars, key, from) => this.#enterFromNode(journeyId, vars, key, from),
        });
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
        this.#tx(() => {
          if (!this.#guard(run)) return;
          const now = this.clock.now();
          for (const i of intents) this.#s.outboxInsert!.run(i.key, run.id, run.flow_id, run.customer_id, node.id, i.kind, JSON.stringify(i.payload), now, now);
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

  #checkExitsAndGoals(flow: CompiledFlow, contact: Customer, at: number): { status: RunStatus; reason: string; explanation: string } | undefined {
    const settings = flow.journeySettings;
    if (!settings) return undefined;
    const options = { now: new Date(at), timeZone: flow.timeZone };
    for (const g of settings.goals) {
      if (g.when.kind !== 'condition') continue;
      const r = evaluateCondition(g.when.condition, contact, options);
      if (r.match) return { status: 'goal_reached', reason: `goal:${g.id}`, explanation: `Goal "${g.label}": ${r.explanation}` };
    }
    for (const x of settings.exitConditions) {
      if (x.when.kind !== 'condition') continue;
      const r = evaluateCondition(x.when.condition, contact, options);
      if (r.match) return { status: 'exited', reason: `exit:${x.id}`, explanation: `Exit "${x.label}": ${r.explanation}` };
    }
    return undefined;
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
    const input = run.resumed_by ? { resumedBy: JSON.parse(run.resumed_by), effects: effectKeys } : effectKeys.length ? { effects: effectKeys } : undefined;
    switch (outcome.kind) {
      case 'next': {
        this.#recordStep(run, node, { outcome: 'passed', port: outcome.port, explanation: outcome.explanation, input }, now);
        const byInput = run.resumed_by !== null && (JSON.parse(run.resumed_by) as { type: string }).type !== 'timer';
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
    const merged = { ...(JSON.parse(run.vars) as Record<string, unknown>), ...vars };
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
        this.#prep('UPDATE runs SET vars = ? WHERE id = ?').run(JSON.stringify(merged), run.id);
        this.#finish(run, 'completed', 'free_text');
        return false;
      }
    }
    if (!target) {
      this.#prep('UPDATE runs SET vars = ? WHERE id = ?').run(JSON.stringify(merged), run.id);
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
    ).run(target.node, run.step_seq + 1, this.clock.now(), JSON.stringify(merged), hops, run.id);
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
    this.#s.step!.run({
      run_id: run.id,
      seq: run.step_seq,
      node_id: node.id,
      node_type: node.type,
      started_at: run.step_started_at,
      ended_at: step.outcome === 'waiting' ? null : endedAt,
      outcome: step.outcome,
      port: step.port ?? null,
      explanation: step.explanation?.slice(0, 2000) ?? null,
      input: step.input === undefined ? null : JSON.stringify(step.input).slice(0, 2000),
      error: step.error ? JSON.stringify(step.error) : null,
    });
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
    const result = this.#tx(() => this.#enterTx(flow, trigger.id, event, ok ? undefined : 'entry_conditions'));
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

  /** Records finished deliveries: the result (the run becomes ready) or the next attempt. */
  #applySettled(): boolean {
    if (!this.#settled.length || this.#closed) return false;
    const settled = this.#settled;
    this.#settled = [];
    this.#tx(() => {
      for (const { row, attempt, result, error, at } of settled) {
        const retryable = error !== undefined || (result !== undefined && !result.ok && 'retryable' in result && result.retryable);
        if (retryable && attempt < this.#maxAttempts) {
          const delay = Math.min(this.#retryInitial * 2 ** (attempt - 1), MAX_BACKOFF_MS);
          this.#s.outboxRetry!.run(attempt, at + delay, row.key);
          continue;
        }
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
  };
}

/** Creates the embedded engine (not started: call `start()`). */
export function createEmbeddedEngine(options: EmbeddedEngineOptions): EmbeddedEngine {
  return new EmbeddedEngine(options);
}
