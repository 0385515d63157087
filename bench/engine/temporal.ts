// `npm run bench:engine -- --runtime temporal [--quick]`: the engine benchmark on a Temporal server
// (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS… as for the worker; docs/temporal.md). Starts a worker on a
// task queue of its own in this process, enters N runs of trigger → send → split → send through the
// runtime facade (signalWithStart), and measures run throughput and trigger → first-effect latency.
// Without TEMPORAL_ADDRESS it says so and measures nothing. The LAST line is one JSON object.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Effect, type EffectResult, MemoryContactStore } from '@omniflow/engine';
import { createOmniflowWorker, temporalConfigFromEnv } from '@omniflow/engine/temporal';
import { workloadCustomer } from '@omniflow/engine/testing';
import { builtinCatalogue } from '@omniflow/nodes';

const node = (id: string, type: string, config: Record<string, unknown>) => ({ id, type, version: 1, config });
const edge = (source: string, sourcePort: string, target: string) => ({ id: `${source}_${sourcePort.replace(/\W/g, '_')}`, source, sourcePort, target });
const text = (t: string) => ({ content: { kind: 'text', text: t }, purpose: 'transactional', respectQuietHours: false });

/** trigger → send → split on tier → send: four steps and two effects per run, no timer. */
const flow = {
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [node('api', 'trigger.api', { triggerKey: 'bench' })],
  nodes: [
    node('first', 'message.send', text('Hi {{system:customer_name}}')),
    node('split', 'logic.split', {
      branches: [
        { id: 'gold', label: 'Gold', condition: { op: 'and', items: [{ criterion: 'attribute', key: 'tier', type: 'text', op: 'equals', value: 'gold' }] } },
      ],
    }),
    node('gold', 'message.send', text('Gold offer')),
    node('other', 'message.send', text('Regular offer')),
  ],
  edges: [edge('api', 'next', 'first'), edge('first', 'sent', 'split'), edge('split', 'branch:gold', 'gold'), edge('split', 'else', 'other')],
  settings: { reentry: { mode: 'always' } },
};

const percentile = (values: number[], p: number): number => {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function temporalBench(options: { quick: boolean; log: (line: string) => void }): Promise<void> {
  const { log } = options;
  if (!process.env.TEMPORAL_ADDRESS) {
    log(
      'bench:engine --runtime temporal: no TEMPORAL_ADDRESS is set, so there is no Temporal server to measure (none can be obtained on this machine). Nothing measured.',
    );
    log(JSON.stringify({ runtime: 'temporal', skipped: true, reason: 'no TEMPORAL_ADDRESS' }));
    return;
  }
  const runs = options.quick ? 200 : 2_000;
  const dataDir = mkdtempSync(join(tmpdir(), 'omniflow-bench-temporal-'));
  const config = { ...temporalConfigFromEnv(), taskQueue: `omniflow-bench-${randomUUID()}`, dataDir };
  const contacts = new MemoryContactStore(Array.from({ length: runs }, (_, i) => workloadCustomer(i)));
  const enteredAt = new Map<string, number>();
  const latencies: number[] = [];
  let delivered = 0;
  let done!: () => void;
  const allDelivered = new Promise<void>((resolve) => {
    done = resolve;
  });
  const effects = {
    async deliver(effect: Effect): Promise<EffectResult> {
      const started = enteredAt.get(effect.customerId);
      if (effect.nodeId === 'first' && started !== undefined) latencies.push(performance.now() - started);
      delivered += 1;
      if (delivered === runs * 2) done();
      return { ok: true, messageId: `m_${effect.idempotencyKey}`, channel: 'line' };
    },
  };
  log(
    `bench:engine — Temporal runtime at ${config.address} (namespace ${config.namespace}), ${runs.toLocaleString('en')} runs of trigger → send → split → send`,
  );
  const omniflow = await createOmniflowWorker({ config, catalogue: builtinCatalogue(), contacts, effects, maxConcurrentActivities: 200 });
  const running = omniflow.run();
  try {
    omniflow.runtime.publish('bench', 'v1', flow);
    const started = performance.now();
    for (let i = 0; i < runs; i++) {
      enteredAt.set(`c${i}`, performance.now());
      omniflow.runtime.ingest({
        id: `bench:${i}`,
        type: 'api.invoked',
        occurredAt: new Date().toISOString(),
        customerId: `c${i}`,
        payload: { triggerKey: 'bench' },
        dedupeKey: `bench:${i}`,
      });
    }
    await omniflow.runtime.idle();
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10 * 60_000).unref());
    if ((await Promise.race([allDelivered, timeout])) === 'timeout') log(`  timed out after 10 min with ${delivered} of ${runs * 2} effects delivered`);
    const seconds = (performance.now() - started) / 1000;
    const steps = (delivered / 2) * 4;
    log(
      `  ${steps.toLocaleString('en')} steps in ${round(seconds, 2)} s = ${Math.round(steps / seconds).toLocaleString('en')} steps/s, ${round(runs / seconds, 1)} runs/s`,
    );
    log(
      `  trigger → first send: p50 ${round(percentile(latencies, 50), 1)} ms, p95 ${round(percentile(latencies, 95), 1)} ms, p99 ${round(percentile(latencies, 99), 1)} ms`,
    );
    log(
      JSON.stringify({
        runtime: 'temporal',
        runs,
        steps_per_s: Math.round(steps / seconds),
        runs_per_s: round(runs / seconds, 1),
        event_to_effect_p50_ms: round(percentile(latencies, 50), 1),
        event_to_effect_p95_ms: round(percentile(latencies, 95), 1),
        event_to_effect_p99_ms: round(percentile(latencies, 99), 1),
        quick: options.quick,
      }),
    );
  } finally {
    await omniflow.shutdown();
    await running;
    rmSync(dataDir, { recursive: true, force: true });
  }
}
