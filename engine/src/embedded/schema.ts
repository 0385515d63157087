import type Database from 'better-sqlite3';

// The embedded runtime's tables. One SQLite file (WAL) holds everything a run needs to survive a crash:
// the run rows and their timeline, durable timers, the effect outbox, the per-contact event inbox,
// trigger dedupe keys and per-node counters. Every state change of a run commits in one transaction
// with the rows it produces (outbox intents, timers, emitted events, counters).

export const SCHEMA_VERSION = 1;

export function migrate(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS flows (
      flow_id TEXT PRIMARY KEY,
      active_version_id TEXT NOT NULL,
      status TEXT NOT NULL,
      seq INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS versions (
      version_id TEXT PRIMARY KEY,
      flow_id TEXT NOT NULL,
      graph TEXT NOT NULL,
      published_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS runs (
      id TEXT PRIMARY KEY,
      flow_id TEXT NOT NULL,
      version_id TEXT NOT NULL,
      customer_id TEXT NOT NULL,
      channel TEXT,
      is_test INTEGER NOT NULL DEFAULT 0,
      status TEXT NOT NULL,
      state TEXT NOT NULL,
      node_id TEXT NOT NULL,
      step_seq INTEGER NOT NULL,
      step_started_at INTEGER NOT NULL,
      checked_seq INTEGER NOT NULL DEFAULT -1,
      vars TEXT NOT NULL,
      trigger TEXT NOT NULL,
      wait TEXT,
      wait_state TEXT,
      resumed_by TEXT,
      hops INTEGER NOT NULL DEFAULT 0,
      migrate_to TEXT,
      entered_at INTEGER NOT NULL,
      ended_at INTEGER,
      exit_reason TEXT
    );
    CREATE INDEX IF NOT EXISTS runs_by_state ON runs (state);
    CREATE INDEX IF NOT EXISTS runs_by_customer ON runs (customer_id, state);
    CREATE INDEX IF NOT EXISTS runs_by_flow_customer ON runs (flow_id, customer_id);
    CREATE TABLE IF NOT EXISTS run_steps (
      run_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      node_id TEXT NOT NULL,
      node_type TEXT NOT NULL,
      started_at INTEGER NOT NULL,
      ended_at INTEGER,
      outcome TEXT NOT NULL,
      port TEXT,
      explanation TEXT,
      input TEXT,
      error TEXT,
      PRIMARY KEY (run_id, seq)
    );
    CREATE TABLE IF NOT EXISTS timers (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      run_id TEXT NOT NULL,
      due_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS timers_by_due ON timers (due_at);
    CREATE INDEX IF NOT EXISTS timers_by_run ON timers (run_id);
    CREATE TABLE IF NOT EXISTS outbox (
      key TEXT PRIMARY KEY,
      run_id TEXT NOT NULL,
      flow_id TEXT NOT NULL,
      customer_id TEXT NOT NULL,
      node_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      payload TEXT NOT NULL,
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      result TEXT,
      created_at INTEGER NOT NULL,
      delivered_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_attempt_at);
    CREATE INDEX IF NOT EXISTS outbox_by_run ON outbox (run_id, status);
    CREATE TABLE IF NOT EXISTS inbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      key TEXT UNIQUE,
      customer_id TEXT NOT NULL,
      event TEXT NOT NULL,
      processed INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS inbox_pending ON inbox (processed, seq);
    CREATE TABLE IF NOT EXISTS trigger_dedupe (
      flow_id TEXT NOT NULL,
      key TEXT NOT NULL,
      at INTEGER NOT NULL,
      result TEXT NOT NULL,
      PRIMARY KEY (flow_id, key)
    );
    CREATE TABLE IF NOT EXISTS node_counters (
      flow_id TEXT NOT NULL,
      version_id TEXT NOT NULL,
      node_id TEXT NOT NULL,
      metric TEXT NOT NULL,
      count INTEGER NOT NULL,
      PRIMARY KEY (flow_id, version_id, node_id, metric)
    );
  `);
  db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
}
