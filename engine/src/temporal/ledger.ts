import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ChannelKind, FlowGraph, type FlowGraph as FlowGraphType, type RunStatus } from '@omniflow/schemas';
import Database from 'better-sqlite3';
import type { NodeStats, RunRecord, TimelineStep } from '../embedded/engine.ts';
import { CompiledFlow } from '../interpreter/compiled-flow.ts';
import type { LedgerEntry, WaitPlan } from './contract.ts';
import type { EntryFacts } from './decisions.ts';

// The Temporal runtime's ledger: which version of each flow is active (the trigger index is built from
// it, and activities read pinned graphs from it) and a projection of every run — position, timeline,
// end — that the api reads. Temporal holds each run's execution; the ledger is what can be listed and
// counted without asking every workflow. One SQLite file (WAL) in the data directory, shared by the api
// process and workers on the same host (see docs/temporal.md for other layouts).

export type FlowStatus = 'active' | 'paused' | 'ended';

export interface LedgerRun {
  id: string;
  flowId: string;
  versionId: string;
  customerId: string;
  channel?: ChannelKind;
  status: RunStatus;
  state: 'ready' | 'effect' | 'waiting' | 'done';
  nodeId: string;
  wait?: WaitPlan;
  kind: 'journey' | 'chatbot';
}

interface RunRow {
  id: string;
  flow_id: string;
  version_id: string;
  customer_id: string;
  channel: string | null;
  kind: 'journey' | 'chatbot';
  status: RunStatus;
  state: LedgerRun['state'];
  node_id: string;
  wait: string | null;
  vars: string;
  entered_at: number;
  ended_at: number | null;
  exit_reason: string | null;
}

export class RunLedger {
  readonly db: Database.Database;
  readonly #compiled = new Map<string, CompiledFlow>();

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT OR IGNORE INTO meta (key, value) VALUES ('flows_revision', 0);
      CREATE TABLE IF NOT EXISTS flows (flow_id TEXT PRIMARY KEY, active_version_id TEXT NOT NULL, status TEXT NOT NULL, seq INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS versions (version_id TEXT PRIMARY KEY, flow_id TEXT NOT NULL, graph TEXT NOT NULL, published_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS runs (
        id TEXT PRIMARY KEY, flow_id TEXT NOT NULL, version_id TEXT NOT NULL, customer_id TEXT NOT NULL, channel TEXT,
        kind TEXT NOT NULL, status TEXT NOT NULL, state TEXT NOT NULL, node_id TEXT NOT NULL, wait TEXT, vars TEXT NOT NULL,
        entered_at INTEGER NOT NULL, ended_at INTEGER, exit_reason TEXT
      );
      CREATE INDEX IF NOT EXISTS runs_by_customer ON runs (customer_id, state);
      CREATE INDEX IF NOT EXISTS runs_by_flow_customer ON runs (flow_id, customer_id);
      CREATE INDEX IF NOT EXISTS runs_by_flow_state ON runs (flow_id, state);
      CREATE TABLE IF NOT EXISTS api_entries (
        flow_id TEXT NOT NULL, dedupe_key TEXT NOT NULL, result TEXT, at INTEGER NOT NULL, PRIMARY KEY (flow_id, dedupe_key)
      );
      CREATE TABLE IF NOT EXISTS trigger_counts (
        flow_id TEXT NOT NULL, version_id TEXT NOT NULL, trigger_id TEXT NOT NULL, metric TEXT NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (flow_id, version_id, trigger_id, metric)
      );
      CREATE TABLE IF NOT EXISTS steps (
        run_id TEXT NOT NULL, seq INTEGER NOT NULL, node_id TEXT NOT NULL, node_type TEXT NOT NULL, started_at INTEGER NOT NULL,
        ended_at INTEGER, outcome TEXT NOT NULL, port TEXT, explanation TEXT, input TEXT, error TEXT, PRIMARY KEY (run_id, seq)
      );
    `);
  }

  /** The ledger file of a data directory. */
  static inDataDir(dataDir: string): RunLedger {
    return new RunLedger(join(dataDir, 'temporal-ledger.db'));
  }

  close(): void {
    this.db.close();
  }

  // ───────────────────────── flows and versions ─────────────────────────

  publish(flowId: string, versionId: string, graph: FlowGraphType | unknown, now: number): FlowGraphType {
    const parsed = FlowGraph.parse(graph);
    const owner = this.db.prepare('SELECT flow_id FROM versions WHERE version_id = ?').get(versionId) as { flow_id: string } | undefined;
    if (owner && owner.flow_id !== flowId) throw new Error(`Version ${versionId} belongs to flow ${owner.flow_id}, not ${flowId}`);
    this.db.transaction(() => {
      this.db
        .prepare('INSERT OR IGNORE INTO versions (version_id, flow_id, graph, published_at) VALUES (?, ?, ?, ?)')
        .run(versionId, flowId, JSON.stringify(parsed), now);
      const seq = (
        this.db.prepare('SELECT COALESCE((SELECT seq FROM flows WHERE flow_id = ?), (SELECT COALESCE(MAX(seq), 0) + 1 FROM flows)) AS s').get(flowId) as {
          s: number;
        }
      ).s;
      this.db
        .prepare(
          "INSERT INTO flows (flow_id, active_version_id, status, seq) VALUES (?, ?, 'active', ?) ON CONFLICT (flow_id) DO UPDATE SET active_version_id = excluded.active_version_id, status = 'active'",
        )
        .run(flowId, versionId, seq);
      this.#bump();
    })();
    return parsed;
  }

  setStatus(flowId: string, status: FlowStatus, only?: FlowStatus): void {
    this.db.transaction(() => {
      if (only) this.db.prepare('UPDATE flows SET status = ? WHERE flow_id = ? AND status = ?').run(status, flowId, only);
      else this.db.prepare('UPDATE flows SET status = ? WHERE flow_id = ?').run(status, flowId);
      this.#bump();
    })();
  }

  /** Changes whenever a flow is published, paused, resumed or ended (by any process sharing the file). */
  flowsRevision(): number {
    return (this.db.prepare("SELECT value FROM meta WHERE key = 'flows_revision'").get() as { value: number }).value;
  }

  #bump(): void {
    this.db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'flows_revision'").run();
  }

  /** Active flows' current versions, in creation order (keyword precedence). */
  activeFlows(): CompiledFlow[] {
    const rows = this.db.prepare("SELECT active_version_id FROM flows WHERE status = 'active' ORDER BY seq").all() as { active_version_id: string }[];
    return rows.map((r) => this.version(r.active_version_id)).filter((f): f is CompiledFlow => f !== undefined);
  }

  activeFlow(flowId: string): CompiledFlow | undefined {
    const row = this.db.prepare('SELECT active_version_id, status FROM flows WHERE flow_id = ?').get(flowId) as
      | { active_version_id: string; status: string }
      | undefined;
    return row?.status === 'active' ? this.version(row.active_version_id) : undefined;
  }

  /** A published version, compiled once per process. */
  version(versionId: string): CompiledFlow | undefined {
    let flow = this.#compiled.get(versionId);
    if (!flow) {
      const row = this.db.prepare('SELECT flow_id, graph FROM versions WHERE version_id = ?').get(versionId) as { flow_id: string; graph: string } | undefined;
      if (!row) return undefined;
      flow = new CompiledFlow(row.flow_id, versionId, JSON.parse(row.graph) as FlowGraphType);
      this.#compiled.set(versionId, flow);
    }
    return flow;
  }

  // ───────────────────────── runs ─────────────────────────

  /** Records a run about to start; false when a run with this id exists (a duplicate trigger). */
  insertRun(run: {
    id: string;
    flowId: string;
    versionId: string;
    customerId: string;
    channel?: ChannelKind;
    kind: 'journey' | 'chatbot';
    nodeId: string;
    vars: Record<string, unknown>;
    enteredAt: number;
  }): boolean {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO runs (id, flow_id, version_id, customer_id, channel, kind, status, state, node_id, vars, entered_at)
         VALUES (?, ?, ?, ?, ?, ?, 'running', 'ready', ?, ?, ?)`,
      )
      .run(run.id, run.flowId, run.versionId, run.customerId, run.channel ?? null, run.kind, run.nodeId, JSON.stringify(run.vars), run.enteredAt);
    return result.changes === 1;
  }

  /**
   * Claims an API-trigger idempotency key (§3.13) before the run starts: true for the first claim; later
   * claims read the first answer with entryAnswer() (null while the first call is still starting its run).
   */
  claimEntry(flowId: string, dedupeKey: string, now: number): boolean {
    return (
      this.db.prepare('INSERT OR IGNORE INTO api_entries (flow_id, dedupe_key, result, at) VALUES (?, ?, NULL, ?)').run(flowId, dedupeKey, now).changes === 1
    );
  }

  settleEntry(flowId: string, dedupeKey: string, result: unknown): void {
    this.db.prepare('UPDATE api_entries SET result = ? WHERE flow_id = ? AND dedupe_key = ?').run(JSON.stringify(result), flowId, dedupeKey);
  }

  /** Gives a claim back (the run could not be started), so a retried call may try again. */
  releaseEntry(flowId: string, dedupeKey: string): void {
    this.db.prepare('DELETE FROM api_entries WHERE flow_id = ? AND dedupe_key = ?').run(flowId, dedupeKey);
  }

  entryAnswer(flowId: string, dedupeKey: string): unknown {
    const row = this.db.prepare('SELECT result FROM api_entries WHERE flow_id = ? AND dedupe_key = ?').get(flowId, dedupeKey) as
      | { result: string | null }
      | undefined;
    return row?.result ? JSON.parse(row.result) : null;
  }

  /** Counts one entry decision of a trigger: `triggered` (a run started) or `skipped:<reason>`, as the embedded engine does. */
  countTrigger(flowId: string, versionId: string, triggerId: string, metric: string): void {
    this.db
      .prepare(
        `INSERT INTO trigger_counts (flow_id, version_id, trigger_id, metric, count) VALUES (?, ?, ?, ?, 1)
         ON CONFLICT (flow_id, version_id, trigger_id, metric) DO UPDATE SET count = count + 1`,
      )
      .run(flowId, versionId, triggerId, metric);
  }

  /** Marks a run that could not be started (the workflow start failed) as failed. */
  abandonRun(runId: string, reason: string, now: number): void {
    this.db
      .prepare("UPDATE runs SET state = 'done', status = 'failed', exit_reason = ?, ended_at = ? WHERE id = ? AND state != 'done'")
      .run(reason, now, runId);
  }

  /** Applies what a run workflow recorded (idempotent: a retried write leaves the same rows). */
  apply(entries: readonly LedgerEntry[]): void {
    const step = this.db.prepare(`INSERT OR REPLACE INTO steps (run_id, seq, node_id, node_type, started_at, ended_at, outcome, port, explanation, input, error)
      VALUES (@run_id, @seq, @node_id, @node_type, @started_at, @ended_at, @outcome, @port, @explanation, @input, @error)`);
    const position = this.db.prepare(
      "UPDATE runs SET version_id = ?, node_id = ?, state = ?, status = CASE WHEN ? = 'waiting' THEN 'waiting' ELSE 'running' END, wait = ?, vars = ? WHERE id = ? AND state != 'done'",
    );
    const finish = this.db.prepare(
      "UPDATE runs SET state = 'done', status = ?, exit_reason = ?, ended_at = ?, wait = NULL, vars = ? WHERE id = ? AND state != 'done'",
    );
    this.db.transaction(() => {
      for (const e of entries) {
        if (e.kind === 'step')
          step.run({
            run_id: e.runId,
            seq: e.seq,
            node_id: e.nodeId,
            node_type: e.nodeType,
            started_at: e.startedAt,
            ended_at: e.endedAt ?? null,
            outcome: e.outcome,
            port: e.port ?? null,
            explanation: e.explanation ?? null,
            input: e.input === undefined ? null : JSON.stringify(e.input).slice(0, 2000),
            error: e.error ? JSON.stringify(e.error) : null,
          });
        else if (e.kind === 'position')
          position.run(e.versionId, e.nodeId, e.state, e.state, e.wait ? JSON.stringify(e.wait) : null, JSON.stringify(e.vars), e.runId);
        else finish.run(e.status, e.reason, e.endedAt, JSON.stringify(e.vars), e.runId);
      }
    })();
  }

  /** Runs of a contact not finished yet (inbound events go to them). */
  activeRunsOf(customerId: string): LedgerRun[] {
    return (this.db.prepare("SELECT * FROM runs WHERE customer_id = ? AND state != 'done' ORDER BY entered_at, rowid").all(customerId) as RunRow[]).map(
      toLedgerRun,
    );
  }

  activeRunsOfFlow(flowId: string, customerId?: string): LedgerRun[] {
    const rows =
      customerId === undefined
        ? this.db.prepare("SELECT * FROM runs WHERE flow_id = ? AND state != 'done'").all(flowId)
        : this.db.prepare("SELECT * FROM runs WHERE flow_id = ? AND customer_id = ? AND state != 'done'").all(flowId, customerId);
    return (rows as RunRow[]).map(toLedgerRun);
  }

  entryFacts(flowId: string, customerId: string): EntryFacts {
    const row = this.db
      .prepare(
        "SELECT COUNT(*) AS total, SUM(CASE WHEN state != 'done' THEN 1 ELSE 0 END) AS active, MAX(ended_at) AS last FROM runs WHERE flow_id = ? AND customer_id = ?",
      )
      .get(flowId, customerId) as { total: number; active: number | null; last: number | null };
    return { total: row.total, active: row.active ?? 0, ...(row.last !== null ? { lastEndedAt: row.last } : {}) };
  }

  // ───────────────────────── reading (the api's RunReader surface) ─────────────────────────

  getRun(runId: string): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  runs(filter: { flowId?: string; customerId?: string } = {}): RunRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM runs WHERE (@flow IS NULL OR flow_id = @flow) AND (@customer IS NULL OR customer_id = @customer) ORDER BY entered_at, rowid')
      .all({ flow: filter.flowId ?? null, customer: filter.customerId ?? null }) as RunRow[];
    return rows.map(toRecord);
  }

  runTimeline(runId: string): { run: RunRecord | undefined; steps: TimelineStep[] } {
    const rows = this.db.prepare('SELECT * FROM steps WHERE run_id = ? ORDER BY seq').all(runId) as {
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
        ...(s.input ? { input: safeJson(s.input) } : {}),
        ...(s.error ? { error: JSON.parse(s.error) } : {}),
      })),
    };
  }

  /**
   * Per-node counts of a version from the timelines: entered (node executions, a wait and its resumption
   * counting once), waiting now, failed, and passes per port.
   */
  nodeStats(flowId: string, versionId: string): Record<string, NodeStats> {
    const out: Record<string, NodeStats> = {};
    const of = (id: string) => {
      let s = out[id];
      if (!s) {
        s = { entered: 0, waiting: 0, failed: 0, ports: {} };
        out[id] = s;
      }
      return s;
    };
    const steps = this.db
      .prepare(
        `SELECT s.node_id AS node_id, s.outcome AS outcome, s.port AS port, COUNT(*) AS n FROM steps s JOIN runs r ON r.id = s.run_id
         WHERE r.flow_id = ? AND r.version_id = ? GROUP BY s.node_id, s.outcome, s.port`,
      )
      .all(flowId, versionId) as { node_id: string; outcome: string; port: string | null; n: number }[];
    for (const s of steps) {
      const stats = of(s.node_id);
      if (s.outcome !== 'waiting') stats.entered += s.n;
      if (s.outcome === 'failed') stats.failed += s.n;
      if (s.port) stats.ports[s.port] = (stats.ports[s.port] ?? 0) + s.n;
    }
    const waiting = this.db
      .prepare("SELECT node_id, COUNT(*) AS n FROM runs WHERE flow_id = ? AND version_id = ? AND state = 'waiting' GROUP BY node_id")
      .all(flowId, versionId) as { node_id: string; n: number }[];
    for (const w of waiting) {
      const stats = of(w.node_id);
      stats.waiting += w.n;
      stats.entered += w.n;
    }
    // A trigger's "entered" is the runs it started; its refusals are counted by reason.
    const triggers = this.db.prepare('SELECT trigger_id, metric, count FROM trigger_counts WHERE flow_id = ? AND version_id = ?').all(flowId, versionId) as {
      trigger_id: string;
      metric: string;
      count: number;
    }[];
    for (const t of triggers) {
      const stats = of(t.trigger_id);
      if (t.metric === 'triggered') stats.entered = t.count;
      else if (t.metric.startsWith('skipped:')) stats.skipped = { ...stats.skipped, [t.metric.slice(8)]: t.count };
    }
    return out;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toLedgerRun(r: RunRow): LedgerRun {
  return {
    id: r.id,
    flowId: r.flow_id,
    versionId: r.version_id,
    customerId: r.customer_id,
    ...(r.channel ? { channel: r.channel as ChannelKind } : {}),
    status: r.status,
    state: r.state,
    nodeId: r.node_id,
    ...(r.wait ? { wait: JSON.parse(r.wait) as WaitPlan } : {}),
    kind: r.kind,
  };
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
