// A child process for the crash test: runs a workload on the embedded engine until every run has
// finished, printing progress; the test SIGKILLs it at random instants and starts it again on the same
// data directory. Effects are POSTed to a local receiver with their idempotency key.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEmbeddedEngine, type EffectResult, ScaledClock, SqliteContactStore } from '@omniflow/engine';
import { sendWaitSplitSend, workloadCustomer } from '@omniflow/engine/testing';
import { builtinCatalogue } from '@omniflow/nodes';

const dataDir = process.env.CRASH_DATA_DIR!;
const receiver = process.env.CRASH_RECEIVER!;
const runs = Number(process.env.CRASH_RUNS ?? 2000);
const origin = Number(process.env.CRASH_ORIGIN);
// 1 minute of journey time passes in 100 ms.
const clock = new ScaledClock(origin, 600);

const contacts = new SqliteContactStore(join(dataDir, 'contacts.db'));
contacts.db.transaction(() => {
  for (let i = 0; i < runs; i++) {
    contacts.putIfMissing(workloadCustomer(i));
  }
})();

const engine = createEmbeddedEngine({
  dataDir,
  catalogue: builtinCatalogue(),
  contacts,
  clock,
  maxInFlight: 64,
  retryInitialMs: 1_000,
  effects: {
    async deliver(effect): Promise<EffectResult> {
      const response = await fetch(receiver, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': effect.idempotencyKey },
        body: JSON.stringify({ runId: effect.runId, nodeId: effect.nodeId, content: effect.payload.content }),
      });
      if (!response.ok) throw new Error(`receiver answered ${response.status}`);
      return { ok: true, messageId: effect.idempotencyKey, channel: 'line' };
    },
  },
});

engine.publish('crash', 'crash-v1', sendWaitSplitSend('crash', 'never'));

// Idempotent: the inbox dedupes by event id, entry dedupes by dedupe key.
engine.db.transaction(() => {
  for (let i = 0; i < runs; i++) {
    engine.ingest({
      id: `api-${i}`,
      type: 'api.invoked',
      occurredAt: new Date(clock.now()).toISOString(),
      customerId: `c${i}`,
      channel: 'line',
      payload: { triggerKey: 'crash' },
      dedupeKey: `api-${i}`,
    });
  }
})();
engine.start();
console.log('ready');

const timer = setInterval(() => {
  const byStatus = engine.db.prepare('SELECT status, COUNT(*) AS n FROM runs GROUP BY status').all() as { status: string; n: number }[];
  const pending = (engine.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'").get() as { n: number }).n;
  const inbox = (engine.db.prepare('SELECT COUNT(*) AS n FROM inbox WHERE processed = 0').get() as { n: number }).n;
  const completed = byStatus.find((s) => s.status === 'completed')?.n ?? 0;
  console.log(`progress ${JSON.stringify({ byStatus, pending, inbox })}`);
  if (completed === runs && pending === 0 && inbox === 0) {
    clearInterval(timer);
    const keys = (engine.db.prepare("SELECT key FROM outbox WHERE status = 'done'").all() as { key: string }[]).map((r) => r.key);
    const steps = (engine.db.prepare('SELECT COUNT(*) AS n FROM run_steps').get() as { n: number }).n;
    // The summary can be hundreds of KB: a file, written synchronously, survives the exit that follows.
    writeFileSync(join(dataDir, 'done.json'), JSON.stringify({ byStatus, keys, steps }));
    console.log('done');
    void engine.stop().then(() => process.exit(0));
  }
}, 100);
