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
    -- Durable scheduled work that is not a run's timer: schedule occurrences, scheduled version starts
    -- and ends, the daily date evaluation. Fired by due time through the index, like timers.
    CREATE TABLE IF NOT EXISTS jobs (
      key TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      flow_id TEXT,
      due_at INTEGER NOT NULL,
      payload TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending',
      fired_at INTEGER,
      result TEXT
    );
    CREATE INDEX IF NOT EXISTS jobs_due ON jobs (status, due_at);
    CREATE INDEX IF NOT EXISTS jobs_by_flow ON jobs (flow_id, kind, due_at);
    -- Page views per contact (§3.7 visit counts and exclusions), one row per page view.
    CREATE TABLE IF NOT EXISTS site_visits (
      customer_id TEXT NOT NULL,
      pageview_id TEXT NOT NULL,
      url TEXT NOT NULL,
      at INTEGER NOT NULL,
      PRIMARY KEY (customer_id, pageview_id)
    );
    CREATE INDEX IF NOT EXISTS site_visits_by_time ON site_visits (customer_id, at);
    -- Entries per flow, for the total trigger cap (可觸發的上限數) without counting runs.
    CREATE TABLE IF NOT EXISTS flow_entries (flow_id TEXT PRIMARY KEY, count INTEGER NOT NULL);
    -- Every delivery attempt of an outbox row, for the run timeline (§9.2).
    CREATE TABLE IF NOT EXISTS effect_attempts (
      key TEXT NOT NULL,
      attempt INTEGER NOT NULL,
      run_id TEXT NOT NULL,
      at INTEGER NOT NULL,
      outcome TEXT NOT NULL,
      reason TEXT,
      message TEXT,
      retry_at INTEGER,
      PRIMARY KEY (key, attempt)
    );
    CREATE INDEX IF NOT EXISTS effect_attempts_by_run ON effect_attempts (run_id);
  `);
  // Columns added after the first release: the node's retry policy on each outbox row.
  const outboxColumns = new Set((db.prepare('PRAGMA table_info(outbox)').all() as { name: string }[]).map((c) => c.name));
  for (const [name, type] of [
    ['max_attempts', 'INTEGER'],
    ['backoff_initial_ms', 'INTEGER'],
    ['backoff_max_ms', 'INTEGER'],
  ] as const) {
    if (!outboxColumns.has(name)) db.exec(`ALTER TABLE outbox ADD COLUMN ${name} ${type}`);
  }
  db.exec('CREATE INDEX IF NOT EXISTS outbox_by_customer ON outbox (customer_id, created_at)');
  // How far fireTimerNow moved a run ahead of the real clock (quiet hours are judged on the run's timeline).
  const runColumns = new Set((db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name));
  if (!runColumns.has('fast_forward_ms')) db.exec('ALTER TABLE runs ADD COLUMN fast_forward_ms INTEGER NOT NULL DEFAULT 0');
  db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
}
