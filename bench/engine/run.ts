// `npm run bench:engine` — throughput, latency, timers, idle cost, memory and keyword matching of the
// embedded (SQLite) runtime, measured on a temp data dir with a real SQLite file. Human-readable lines
// first; the LAST line is one JSON object with the figures (targets: engine/README.md "Performance").
//
//   npm run bench:engine                       full run (a few minutes on 2 cores)
//   npm run bench:engine -- --quick            smaller workloads
//   npm run bench:engine -- --runtime temporal on the server at TEMPORAL_ADDRESS (bench/engine/temporal.ts)
//   npm run bench:engine -- --throughput-only | --timers-only   one phase (profiling)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createEmbeddedEngine,
  type Effect,
  type EffectResult,
  KeywordMatcher,
  type KeywordRule,
  MemoryContactStore,
  normaliseText,
  ScaledClock,
} from '@omniflow/engine';
import { sendWaitSplitSend, workloadCustomer } from '@omniflow/engine/testing';
import { builtinCatalogue } from '@omniflow/nodes';
import Database from 'better-sqlite3';

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const runtime = argValue('--runtime') ?? 'embedded';
const phase = argValue('--phase');
const self = fileURLToPath(import.meta.url);

const log = (line: string) => console.log(line);
const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `omniflow-bench-${prefix}-`));
const percentile = (values: number[], p: number): number => {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ───────────────────────── fixtures ─────────────────────────

const node = (id: string, type: string, config: Record<string, unknown>) => ({ id, type, version: 1, config });
const edge = (source: string, sourcePort: string, target: string) => ({ id: `${source}_${sourcePort.replace(/\W/g, '_')}`, source, sourcePort, target });
const text = (t: string) => ({ content: { kind: 'text', text: t }, purpose: 'transactional', respectQuietHours: false });

/** send → wait (1 min) → split → send, the crash test's workload. */
const workloadFlow = sendWaitSplitSend('bench', 'always');

/** trigger → send: the event-to-effect path. */
const sendFlow = {
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [node('api', 'trigger.api', { triggerKey: 'latency' })],
  nodes: [node('first', 'message.send', text('Hello'))],
  edges: [edge('api', 'next', 'first')],
  settings: { reentry: { mode: 'always' } },
};

/** trigger → wait (1 min): a run that waits on a timer. */
const waitFlow = {
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [node('api', 'trigger.api', { triggerKey: 'wait' })],
  nodes: [node('wait', 'wait.wait', { mode: { kind: 'duration', days: 0, hours: 0, minutes: 1 } })],
  edges: [edge('api', 'next', 'wait')],
  settings: { reentry: { mode: 'always' } },
};

function contacts(n: number): MemoryContactStore {
  const store = new MemoryContactStore();
  for (let i = 0; i < n; i++) {
    store.put(workloadCustomer(i));
  }
  return store;
}

/** Succeeds immediately (optionally noting when each effect arrived). */
function instantEffects(onDeliver?: (e: Effect) => void) {
  return {
    async deliver(effect: Effect): Promise<EffectResult> {
      onDeliver?.(effect);
      return { ok: true, messageId: effect.idempotencyKey, channel: 'line' };
    },
  };
}

function apiEvent(i: number, key: string, at: number, prefix = 'evt') {
  return {
    id: `${prefix}-${i}`,
    type: 'api.invoked' as const,
    occurredAt: new Date(at).toISOString(),
    customerId: `c${i}`,
    channel: 'line' as const,
    payload: { triggerKey: key },
    dedupeKey: `${prefix}-${i}`,
  };
}

const count = (db: Database.Database, sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n;

/**
 * Makes `n` copies of a run waiting on a timer (the engine's own row, read back, is the template), each with
 * its timer due at `dueAt(i)`. Bulk SQL: making 100,000 runs wait through the pump would measure the pump again.
 */
function cloneWaitingRuns(db: Database.Database, templateId: string, n: number, dueAt: (i: number) => number): void {
  const template = db.prepare('SELECT * FROM runs WHERE id = ?').get(templateId) as Record<string, unknown>;
  const columns = Object.keys(template).filter((c) => c !== 'id' && c !== 'wait');
  const insertRun = db.prepare(
    `INSERT INTO runs (id, wait, ${columns.join(', ')}) SELECT ?, json_set(wait, '$.timerId', ?), ${columns.join(', ')} FROM runs WHERE id = ?`,
  );
  const insertTimer = db.prepare('INSERT INTO timers (run_id, due_at) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = `${templateId}-clone-${i}`;
      const timerId = Number(insertTimer.run(id, dueAt(i)).lastInsertRowid);
      insertRun.run(id, timerId, templateId);
    }
  })();
}

// ───────────────────────── 1. durable throughput ─────────────────────────

async function throughput(runs: number): Promise<{ stepsPerS: number; stepsPerCpuS: number; steps: number; seconds: number }> {
  const dir = tempDir('throughput');
  // 1 minute of journey time passes in 1 ms: the wait is real (a durable timer) but short.
  const clock = new ScaledClock(Date.now(), 60_000);
  const engine = createEmbeddedEngine({
    dataDir: dir,
    catalogue: builtinCatalogue(),
    contacts: contacts(runs),
    effects: instantEffects(),
    clock,
    onError: (e) => console.error(e),
  });
  engine.publish('bench', 'bench-v1', workloadFlow);
  engine.db.transaction(() => {
    for (let i = 0; i < runs; i++) engine.ingest(apiEvent(i, 'bench', clock.now()));
  })();
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  engine.start();
  // Polled through indexes (LIMIT 1), so watching costs the engine next to nothing.
  const busy = engine.db.prepare("SELECT 1 FROM runs WHERE state IN ('ready', 'effect', 'waiting') LIMIT 1");
  const pending = engine.db.prepare('SELECT 1 FROM inbox WHERE processed = 0 LIMIT 1');
  for (;;) {
    await sleep(50);
    if (!busy.get() && !pending.get()) break;
  }
  await engine.idle();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const steps = count(engine.db, 'SELECT COUNT(*) AS n FROM run_steps');
  const completed = count(engine.db, "SELECT COUNT(*) AS n FROM runs WHERE status = 'completed'");
  const sends = count(engine.db, "SELECT COUNT(*) AS n FROM outbox WHERE status = 'done'");
  await engine.stop();
  rmSync(dir, { recursive: true, force: true });
  if (completed !== runs || sends !== runs * 2) throw new Error(`throughput workload incomplete: ${completed} completed, ${sends} sends`);
  return { stepsPerS: steps / seconds, stepsPerCpuS: steps / ((cpu.user + cpu.system) / 1e6), steps, seconds };
}

// ───────────────────────── 2. baseline: raw batched inserts ─────────────────────────

function baseline(rows: number): number {
  const dir = tempDir('baseline');
  const db = new Database(join(dir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE run_steps (run_id TEXT NOT NULL, seq INTEGER NOT NULL, node_id TEXT NOT NULL, node_type TEXT NOT NULL,
    started_at INTEGER NOT NULL, ended_at INTEGER, outcome TEXT NOT NULL, port TEXT, explanation TEXT, input TEXT, error TEXT, PRIMARY KEY (run_id, seq))`);
  const insert = db.prepare('INSERT INTO run_steps VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const batch = db.transaction((from: number, to: number) => {
    const now = Date.now();
    for (let i = from; i < to; i++)
      insert.run(`run_${i >> 2}-${'x'.repeat(24)}`, i & 3, 'first', 'message.send', now, now, 'passed', 'sent', 'Sent a text message', null, null);
  });
  const started = performance.now();
  for (let i = 0; i < rows; i += 1000) batch(i, Math.min(rows, i + 1000));
  const seconds = (performance.now() - started) / 1000;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return rows / seconds;
}

// ───────────────────────── 3. event → effect latency at a fixed rate ─────────────────────────

async function eventToEffect(rate: number, seconds: number): Promise<{ p50: number; p95: number; p99: number; n: number }> {
  const dir = tempDir('latency');
  const total = rate * seconds;
  const ingestedAt = new Map<string, number>();
  const latencies: number[] = [];
  const engine = createEmbeddedEngine({
    dataDir: dir,
    catalogue: builtinCatalogue(),
    contacts: contacts(total),
    effects: instantEffects((e) => {
      const at = ingestedAt.get(e.customerId);
      if (at !== undefined) latencies.push(performance.now() - at);
    }),
    onError: (e) => console.error(e),
  });
  engine.publish('latency', 'latency-v1', sendFlow);
  engine.start();
  const started = performance.now();
  let sent = 0;
  // Events arrive on a steady schedule (1 ms ticks carry however many are due).
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    for (; sent < due; sent++) {
      ingestedAt.set(`c${sent}`, performance.now());
      engine.ingest(apiEvent(sent, 'latency', Date.now()));
    }
    await sleep(1);
  }
  const deadline = performance.now() + 30_000;
  while (latencies.length < total && performance.now() < deadline) await sleep(20);
  await engine.stop();
  rmSync(dir, { recursive: true, force: true });
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), n: latencies.length };
}

/** One real run waiting on a timer a minute away, in `dir`'s engine database: the template the bulk phases clone. */
async function waitingTemplate(dir: string): Promise<{ db: Database.Database; template: string }> {
  const engine = createEmbeddedEngine({
    dataDir: dir,
    catalogue: builtinCatalogue(),
    contacts: contacts(1),
    effects: instantEffects(),
    onError: (e) => console.error(e),
  });
  engine.publish('wait', 'wait-v1', waitFlow);
  engine.ingest(apiEvent(0, 'wait', Date.now(), 'tmpl'));
  engine.start();
  await engine.idle();
  await engine.stop();
  const db = new Database(join(dir, 'engine.db'));
  return { db, template: (db.prepare("SELECT id FROM runs WHERE state = 'waiting'").get() as { id: string }).id };
}

// ───────────────────────── 4. timer lateness ─────────────────────────

async function timerLateness(n: number, windowMs: number): Promise<{ p50: number; p99: number; max: number; fired: number; seconds: number }> {
  const dir = tempDir('timers');
  // The template waits on a timer a minute away; its clones are due spread over the window, from 2 s on.
  const { db, template } = await waitingTemplate(dir);
  let first = Date.now() + 2_000;
  const dueAt = (i: number) => first + Math.floor((i * windowMs) / n);
  const seeding = performance.now();
  cloneWaitingRuns(db, template, n, dueAt);
  // Seeding takes seconds: move the window so it still opens 2 s after the engine starts.
  const shift = Date.now() + 2_000 - first;
  db.prepare('UPDATE timers SET due_at = due_at + ? WHERE run_id != ?').run(shift, template);
  first += shift;
  // The bulk insert's WAL is checkpointed now, not by the engine's first commit while timers are due.
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  log(`  seeded ${n.toLocaleString('en')} waiting runs in ${round((performance.now() - seeding) / 1000, 2)} s`);

  const engine2 = createEmbeddedEngine({
    dataDir: dir,
    catalogue: builtinCatalogue(),
    contacts: contacts(1),
    effects: instantEffects(),
    onError: (e) => console.error(e),
  });
  engine2.start();
  const started = performance.now();
  const deadline = Date.now() + windowMs + 120_000;
  // Nothing to watch before the last timer is due; then an index lookup (LIMIT 1) per poll.
  await sleep(Math.max(0, dueAt(n - 1) - Date.now()));
  const busy = engine2.db.prepare("SELECT 1 FROM runs WHERE state IN ('ready', 'effect', 'waiting') AND id != ? LIMIT 1");
  for (;;) {
    if (!busy.get(template) || Date.now() > deadline) break;
    await sleep(100);
  }
  await engine2.idle();
  const seconds = (performance.now() - started) / 1000;
  // The resumed step starts when its timer fired (the engine stamps `step_started_at` at the resume).
  const rows = engine2.db
    .prepare("SELECT r.id AS id, s.started_at AS firedAt FROM runs r JOIN run_steps s ON s.run_id = r.id AND s.seq = r.step_seq WHERE r.id LIKE '%-clone-%'")
    .all() as { id: string; firedAt: number }[];
  const lateness = rows.map((r) => r.firedAt - dueAt(Number(r.id.slice(r.id.lastIndexOf('-') + 1))));
  const bySecond = new Map<number, number>();
  rows.forEach((r, k) => {
    const sec = Math.floor((dueAt(Number(r.id.slice(r.id.lastIndexOf('-') + 1))) - first) / 1000);
    bySecond.set(sec, Math.max(bySecond.get(sec) ?? 0, lateness[k]!));
  });
  log(
    `  worst lateness per second of the window: ${[...bySecond]
      .sort((a, b) => a[0] - b[0])
      .map(([sec, ms]) => `${sec}s:${ms}`)
      .join(' ')}`,
  );
  await engine2.stop();
  rmSync(dir, { recursive: true, force: true });
  return { p50: percentile(lateness, 50), p99: percentile(lateness, 99), max: Math.max(...lateness), fired: rows.length, seconds };
}

// ───────────────────────── 5. idle CPU with 1,000,000 future timers, RSS with 100,000 waiting runs ─────────────────────────

/** Runs in a child process, so the figures are not those of the phases before it. */
async function idlePhase(waiting: number, timers: number, idleSeconds: number): Promise<void> {
  const dir = tempDir('idle');
  const { db, template } = await waitingTemplate(dir);
  const far = Date.now() + 7 * 86_400_000;
  // `waiting` runs wait on their own timers; the other timers are bare rows (as many as make `timers`).
  cloneWaitingRuns(db, template, waiting, (i) => far + i);
  const insertTimer = db.prepare('INSERT INTO timers (run_id, due_at) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = waiting + 1; i < timers; i++) insertTimer.run(`${template}-timer-only-${i}`, far + i);
  })();
  const timerRows = count(db, 'SELECT COUNT(*) AS n FROM timers');
  const waitingRows = count(db, "SELECT COUNT(*) AS n FROM runs WHERE state = 'waiting'");
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();

  const engine2 = createEmbeddedEngine({
    dataDir: dir,
    catalogue: builtinCatalogue(),
    contacts: contacts(1),
    effects: instantEffects(),
    onError: (e) => console.error(e),
  });
  engine2.start();
  await engine2.idle();
  await sleep(500);
  globalThis.gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(idleSeconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  const idleCpuPct = ((cpu.user + cpu.system) / 1000 / wall) * 100;
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  await engine2.stop();
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ idleCpuPct, rssMb, timerRows, waitingRows }));
}

/** Runs one phase in a fresh child process (no heap or JIT state of earlier phases); its last line is JSON. */
function inChild<T>(phaseName: string, phaseArgs: number[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--phase', phaseName, ...phaseArgs.map(String)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const lines = out.trim().split('\n');
      const last = lines.pop() ?? '';
      for (const line of lines) log(line);
      if (code !== 0) reject(new Error(`${phaseName} phase exited with ${code}: ${out}`));
      else resolve(JSON.parse(last) as T);
    });
  });
}

const idle = (waiting: number, timers: number, idleSeconds: number) =>
  inChild<{ idleCpuPct: number; rssMb: number; timerRows: number; waitingRows: number }>('idle', [waiting, timers, idleSeconds]);

// ───────────────────────── 6. keyword matching ─────────────────────────

function keywords(ruleCount: number, messages: number): { p99Us: number; meanUs: number; scanMeanUs: number; speedup: number } {
  // A deterministic vocabulary of made-up words (4–9 letters); rules hold 1–3 of them. Half the messages
  // carry a rule's keyword among filler words, half only filler.
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const word = () => Array.from({ length: 4 + Math.floor(random() * 6) }, () => letters[Math.floor(random() * 26)]).join('');
  const vocabulary = Array.from({ length: 20_000 }, word);
  const pick = () => vocabulary[Math.floor(random() * vocabulary.length)]!;
  const filler = ['the', 'a', 'is', 'my', 'order', 'please', 'thanks', 'when', 'can', 'you', 'help', 'with', 'price', 'today'];
  const modes = ['containsAny', 'containsAny', 'containsAll', 'exact'] as const;
  const rules: KeywordRule[] = Array.from({ length: ruleCount }, (_, i) => ({
    id: `r${i}`,
    keywords: Array.from({ length: 1 + Math.floor(random() * 3) }, pick),
    match: modes[i % modes.length]!,
    order: i,
  }));
  const matcher = new KeywordMatcher(rules);
  const texts = Array.from({ length: messages }, (_, i) => {
    const words = Array.from({ length: 5 + Math.floor(random() * 15) }, () => filler[Math.floor(random() * filler.length)]!);
    if (i % 2 === 0) words.splice(Math.floor(random() * words.length), 0, ...rules[Math.floor(random() * rules.length)]!.keywords);
    return words.join(' ');
  });

  // The naive alternative: every rule tested against every message.
  const scan = (t: string): KeywordRule | undefined => {
    const normalised = normaliseText(t);
    let best: KeywordRule | undefined;
    for (const r of rules) {
      const kws = r.keywords.map(normaliseText);
      const hit =
        r.match === 'exact'
          ? kws.includes(normalised)
          : r.match === 'containsAll'
            ? kws.every((k) => normalised.includes(k))
            : kws.some((k) => normalised.includes(k));
      if (hit && (!best || r.order < best.order)) best = r;
    }
    return best;
  };

  for (const t of texts.slice(0, 200)) matcher.match(t); // warm-up
  const times: number[] = [];
  let matched = 0;
  for (const t of texts) {
    const s = process.hrtime.bigint();
    const m = matcher.match(t);
    times.push(Number(process.hrtime.bigint() - s) / 1000);
    if (m) matched++;
  }
  const scanTexts = texts.slice(0, Math.min(texts.length, 500));
  for (const t of scanTexts.slice(0, 20)) scan(t);
  let agree = 0;
  const s = performance.now();
  for (const t of scanTexts) if (scan(t) !== undefined) agree++;
  const scanMeanUs = ((performance.now() - s) * 1000) / scanTexts.length;
  const meanUs = times.reduce((a, b) => a + b, 0) / times.length;
  log(`  ${matched.toLocaleString('en')} of ${texts.length.toLocaleString('en')} messages matched a rule (scan: ${agree} of ${scanTexts.length})`);
  return { p99Us: percentile(times, 99), meanUs, scanMeanUs, speedup: scanMeanUs / meanUs };
}

// ───────────────────────── main ─────────────────────────

async function main(): Promise<void> {
  const phaseArgs = args.slice(args.indexOf('--phase') + 2).map(Number);
  if (phase === 'idle') {
    await idlePhase(phaseArgs[0]!, phaseArgs[1]!, phaseArgs[2]!);
    return;
  }
  if (phase === 'timers') {
    console.log(JSON.stringify(await timerLateness(phaseArgs[0]!, phaseArgs[1]!)));
    return;
  }
  if (runtime === 'temporal') {
    // Loaded only when asked for: the embedded bench does not load the Temporal SDK.
    const { temporalBench } = await import('./temporal.ts');
    await temporalBench({ quick, log });
    return;
  }
  if (runtime !== 'embedded') throw new Error(`Unknown runtime ${runtime} (embedded | temporal)`);

  const size = quick
    ? {
        runs: 2_000,
        baseline: 200_000,
        rate: 1_000,
        rateSeconds: 3,
        timers: 20_000,
        timerWindow: 10_000,
        waiting: 100_000,
        idleTimers: 1_000_000,
        idleSeconds: 3,
        rules: 10_000,
        messages: 5_000,
      }
    : {
        runs: 20_000,
        baseline: 1_000_000,
        rate: 1_000,
        rateSeconds: 10,
        timers: 100_000,
        timerWindow: 10_000,
        waiting: 100_000,
        idleTimers: 1_000_000,
        idleSeconds: 5,
        rules: 10_000,
        messages: 20_000,
      };
  log(`bench:engine — embedded runtime${quick ? ' (quick)' : ''}, node ${process.version}`);

  log(`durable throughput: ${size.runs.toLocaleString('en')} runs of send → wait → split → send…`);
  const t = args.includes('--timers-only') ? { steps: 0, seconds: 0, stepsPerS: 0, stepsPerCpuS: 0 } : await throughput(size.runs);
  log(
    `  ${t.steps.toLocaleString('en')} steps in ${round(t.seconds, 2)} s = ${Math.round(t.stepsPerS).toLocaleString('en')} steps/s (${Math.round(t.stepsPerCpuS).toLocaleString('en')} per CPU-second of this process; load average ${loadavg()[0]!.toFixed(1)})`,
  );
  if (args.includes('--throughput-only')) return;
  if (args.includes('--timers-only')) {
    const only = await timerLateness(size.timers, size.timerWindow);
    log(JSON.stringify(only));
    return;
  }

  const b = baseline(size.baseline);
  log(`baseline: ${Math.round(b).toLocaleString('en')} raw inserts/s (batches of 1,000, same pragmas); ratio ${round(t.stepsPerS / b, 3)}`);

  log(`event → effect at ${size.rate.toLocaleString('en')} events/s for ${size.rateSeconds} s…`);
  const l = await eventToEffect(size.rate, size.rateSeconds);
  log(`  ${l.n.toLocaleString('en')} effects: p50 ${round(l.p50, 2)} ms, p95 ${round(l.p95, 2)} ms, p99 ${round(l.p99, 2)} ms`);

  log(`timer lateness: ${size.timers.toLocaleString('en')} timers due within ${size.timerWindow / 1000} s…`);
  const tl = await inChild<{ p50: number; p99: number; max: number; fired: number; seconds: number }>('timers', [size.timers, size.timerWindow]);
  log(`  ${tl.fired.toLocaleString('en')} fired: p50 ${tl.p50} ms, p99 ${tl.p99} ms, max ${tl.max} ms late`);

  log(`idle: ${size.idleTimers.toLocaleString('en')} timers a week away (${size.waiting.toLocaleString('en')} of them waiting runs), ${size.idleSeconds} s…`);
  const i = await idle(size.waiting, size.idleTimers, size.idleSeconds);
  log(
    `  ${i.timerRows.toLocaleString('en')} timers, ${i.waitingRows.toLocaleString('en')} waiting runs: CPU ${round(i.idleCpuPct, 2)} %, RSS ${round(i.rssMb)} MB`,
  );

  log(`keyword matching: ${size.rules.toLocaleString('en')} rules, ${size.messages.toLocaleString('en')} messages…`);
  const k = keywords(size.rules, size.messages);
  log(`  matcher p99 ${round(k.p99Us, 2)} µs (mean ${round(k.meanUs, 2)} µs); naive scan mean ${round(k.scanMeanUs)} µs; ${round(k.speedup)}× faster`);

  log(
    JSON.stringify({
      steps_per_s: Math.round(t.stepsPerS),
      baseline_inserts_per_s: Math.round(b),
      ratio_to_baseline: round(t.stepsPerS / b, 3),
      event_to_effect_p95_ms: round(l.p95, 2),
      timer_lateness_p99_ms: tl.p99,
      idle_cpu_pct: round(i.idleCpuPct, 3),
      rss_mb_100k_waiting: round(i.rssMb),
      keyword_match_p99_us: round(k.p99Us, 2),
      keyword_speedup_vs_scan: round(k.speedup),
      steps_per_cpu_s: Math.round(t.stepsPerCpuS),
      load_average: round(loadavg()[0]!, 2),
      runtime: 'embedded',
      quick,
    }),
  );
}

await main();
