// A child process for the jobs crash test: an automation schedule that enters a whole audience, a daily
// date trigger and a scheduled version, on the embedded engine with a fast clock. The test SIGKILLs it at
// random instants and starts it again on the same data directory. Sends are POSTed to a local receiver
// with their idempotency key.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEmbeddedEngine, type EffectResult, MemoryContactDirectory, ScaledClock, SqliteContactStore } from '@omniflow/engine';
import { workloadCustomer } from '@omniflow/engine/testing';
import { builtinCatalogue } from '@omniflow/nodes';

const dataDir = process.env.CRASH_DATA_DIR!;
const receiver = process.env.CRASH_RECEIVER!;
const size = Number(process.env.CRASH_AUDIENCE ?? 1000);
const origin = Number(process.env.CRASH_ORIGIN);
// 1 minute of journey time passes in 100 ms.
const clock = new ScaledClock(origin, 600);
// UTC keeps the wall-clock arithmetic below plain.
const zone = 'UTC';
const today = new Date(origin).toISOString().slice(0, 10);

const ids = Array.from({ length: size }, (_, i) => `c${i}`);
const contacts = new SqliteContactStore(join(dataDir, 'contacts.db'));
contacts.db.transaction(() => {
  for (let i = 0; i < size; i++) {
    const c = workloadCustomer(i);
    // Every other customer renews today: the daily date trigger enters them.
    contacts.putIfMissing({ ...c, attributes: { ...c.attributes, ...(i % 2 === 0 ? { renewal: today } : {}) } });
  }
})();
const directory = new MemoryContactDirectory({ everyone: ids }, (key) => (key === 'renewal' ? ids.filter((_, i) => i % 2 === 0) : []));

const engine = createEmbeddedEngine({
  dataDir,
  catalogue: builtinCatalogue(),
  contacts,
  clock,
  directory,
  maxInFlight: 64,
  retryInitialMs: 1_000,
  onFlowStatus: (change) => appendFileSync(join(dataDir, 'status.log'), `${change.flowId} ${change.status}\n`),
  effects: {
    async deliver(effect): Promise<EffectResult> {
      const response = await fetch(receiver, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': effect.idempotencyKey },
        body: JSON.stringify({ runId: effect.runId }),
      });
      if (!response.ok) throw new Error(`receiver answered ${response.status}`);
      return { ok: true, messageId: effect.idempotencyKey, channel: 'line' };
    },
  },
});

const send = { id: 'send', type: 'message.send', version: 1, config: { content: { kind: 'text', text: 'Hello' }, purpose: 'transactional' } };
const exit = { id: 'done', type: 'flow.exit', version: 1, config: {} };
const journey = (trigger: { type: string; config: Record<string, unknown> }) => ({
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [{ id: 't', version: 1, ...trigger }],
  nodes: [send, exit],
  edges: [
    { id: 'e1', source: 't', sourcePort: 'next', target: 'send' },
    { id: 'e2', source: 'send', sourcePort: 'sent', target: 'done' },
  ],
  settings: { timeZone: zone, reentry: { mode: 'never' } },
});

// Published again on every start, as a host would after a restart: nothing may fire twice or be lost.
// Due 60 journey minutes (6 s) after the test started: the first starts come before it, later kills during and after.
const at = new Date(origin + 60 * 60_000).toISOString().slice(0, 16);
engine.publish('sched', 'sched-v1', journey({ type: 'trigger.schedule', config: { audienceId: 'everyone', frequency: { kind: 'once', at } } }));
engine.publish(
  'dates',
  'dates-v1',
  journey({
    type: 'trigger.attribute_changed',
    config: { attributeKey: 'renewal', condition: { criterion: 'attribute', key: 'renewal', type: 'date', op: 'today' } },
  }),
);
// A scheduled version is published once (a host hands it over once); its start job must survive the kills.
if (!engine.flowStatus('later'))
  engine.publish('later', 'later-v1', journey({ type: 'trigger.tag_applied', config: { tags: ['x'] } }), { startAt: origin + 90 * 60_000 });
engine.start();
console.log('ready');

const expected = size + size / 2;
const timer = setInterval(() => {
  const byStatus = engine.db.prepare('SELECT status, COUNT(*) AS n FROM runs GROUP BY status').all() as { status: string; n: number }[];
  const pending = (engine.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'").get() as { n: number }).n;
  const inbox = (engine.db.prepare('SELECT COUNT(*) AS n FROM inbox WHERE processed = 0').get() as { n: number }).n;
  const completed = byStatus.find((s) => s.status === 'completed')?.n ?? 0;
  const later = engine.flowStatus('later')?.status;
  console.log(`progress ${JSON.stringify({ byStatus, pending, inbox, later })}`);
  if (completed >= expected && pending === 0 && inbox === 0 && later === 'active') {
    clearInterval(timer);
    const perFlow = engine.db
      .prepare('SELECT flow_id AS flow, COUNT(*) AS runs, COUNT(DISTINCT customer_id) AS customers FROM runs GROUP BY flow_id ORDER BY flow_id')
      .all();
    const keys = (engine.db.prepare("SELECT key FROM outbox WHERE status = 'done'").all() as { key: string }[]).map((r) => r.key);
    const jobs = engine.db.prepare('SELECT kind, status, COUNT(*) AS n FROM jobs GROUP BY kind, status ORDER BY kind, status').all();
    writeFileSync(join(dataDir, 'done.json'), JSON.stringify({ byStatus, perFlow, keys, jobs }));
    console.log('done');
    void engine.stop().then(() => process.exit(0));
  }
}, 100);
