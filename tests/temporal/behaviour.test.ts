import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryContactStore, RecordingEffectHandler } from '@omniflow/engine';
import { createOmniflowWorker, type OmniflowWorker, parseTemporalConfig, RunLedger, type TemporalRuntime } from '@omniflow/engine/temporal';
import { builtinCatalogue } from '@omniflow/nodes';
import { Customer } from '@omniflow/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The engine's behaviour suite on a real Temporal server: runs whenever TEMPORAL_ADDRESS is set (e.g.
// `temporal server start-dev` → TEMPORAL_ADDRESS=localhost:7233), on a task queue of its own. No Temporal
// server can be obtained on the machines this repo is built on, so there it says it was skipped.

const address = process.env.TEMPORAL_ADDRESS;
if (!address) console.log('tests/temporal: SKIPPED — TEMPORAL_ADDRESS is not set, so the Temporal behaviour suite did not run (no server here).');

const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, version: 1, config });
const edge = (source: string, sourcePort: string, target: string) => ({ id: `${source}-${sourcePort}`, source, sourcePort, target });
const send = (text: string) => ({ content: { kind: 'text', text }, purpose: 'transactional' });

/** tag "go" → send → wait for a reply (1 minute) → thanks | nudge */
const replyJourney = (settings: Record<string, unknown> = {}) => ({
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [node('t', 'trigger.tag_applied', { tags: ['go'] })],
  nodes: [
    node('hello', 'message.send', send('Hello {{system:customer_name}}')),
    node('ask', 'wait.wait', { mode: { kind: 'forEvent', event: { event: 'reply' }, timeout: { amount: 1, unit: 'minutes' } } }),
    node('thanks', 'message.send', send('Thanks')),
    node('nudge', 'message.send', send('Still there?')),
  ],
  edges: [edge('t', 'next', 'hello'), edge('hello', 'sent', 'ask'), edge('ask', 'event', 'thanks'), edge('ask', 'timeout', 'nudge')],
  settings: { timeZone: 'Asia/Taipei', reentry: { mode: 'always' }, ...settings },
});

const customer = (id: string) =>
  Customer.parse({
    id,
    name: `Customer ${id}`,
    createdAt: '2025-01-01T00:00:00Z',
    identities: [{ channel: 'line', channelId: 'ch', externalUserId: `U${id}`, subscriptionStatus: 'subscribed' }],
  });

let n = 0;
const tagGo = (customerId: string, dedupeKey = `go:${customerId}:${++n}`) => ({
  id: dedupeKey,
  type: 'tag.applied' as const,
  occurredAt: new Date().toISOString(),
  customerId,
  channel: 'line' as const,
  payload: { tags: ['go'] },
  dedupeKey,
});

async function eventually<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!address)('Temporal runtime on a live server', () => {
  const contacts = new MemoryContactStore(['c1', 'c2', 'c3', 'c4', 'c5'].map(customer));
  const effects = new RecordingEffectHandler();
  let omniflow: OmniflowWorker;
  let runtime: TemporalRuntime;
  let running: Promise<void>;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'omniflow-temporal-'));
    const config = parseTemporalConfig({
      address,
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      taskQueue: `omniflow-test-${randomUUID()}`,
      dataDir,
      ...(process.env.TEMPORAL_API_KEY ? { apiKey: process.env.TEMPORAL_API_KEY } : {}),
    });
    omniflow = await createOmniflowWorker({ config, catalogue: builtinCatalogue(), contacts, effects, ledger: RunLedger.inDataDir(dataDir) });
    runtime = omniflow.runtime;
    running = omniflow.run();
    runtime.publish('j', 'j-v1', replyJourney());
  }, 120_000);

  afterAll(async () => {
    await omniflow?.shutdown();
    await running;
  });

  it('a trigger starts one workflow per run (signalWithStart); a duplicate trigger does not start another', async () => {
    runtime.ingest(tagGo('c1', 'dup-key'));
    runtime.ingest(tagGo('c1', 'dup-key'));
    await runtime.idle();
    const run = await eventually(
      () => runtime.runs({ customerId: 'c1' }),
      (runs) => runs[0]?.state === 'waiting',
    );
    expect(run).toHaveLength(1);
    expect(effects.of('send', run[0]!.id).map((e) => e.idempotencyKey)).toEqual([`${run[0]!.id}:hello:0:0`]);
    const state = await runtime.runState(run[0]!.id);
    expect(state).toMatchObject({ status: 'waiting', nodeId: 'ask', versionId: 'j-v1' });
  }, 60_000);

  it('a reply resumes the waiting run through a signal', async () => {
    runtime.ingest(tagGo('c2'));
    await eventually(
      () => runtime.runs({ customerId: 'c2' }),
      (runs) => runs[0]?.state === 'waiting',
    );
    runtime.deliverInbound({ customerId: 'c2', kind: 'reply', channel: 'line', payload: { text: 'yes' } });
    await runtime.idle();
    const [run] = await eventually(
      () => runtime.runs({ customerId: 'c2' }),
      (runs) => runs[0]?.state === 'done',
    );
    expect(run).toMatchObject({ status: 'completed' });
    expect(effects.of('send', run!.id).map((e) => e.nodeId)).toEqual(['hello', 'thanks']);
    expect(runtime.runTimeline(run!.id).steps.map((s) => `${s.nodeId}:${s.outcome}:${s.port ?? ''}`)).toEqual([
      'hello:passed:sent',
      'ask:waiting:',
      'ask:passed:event',
      'thanks:passed:sent',
    ]);
  }, 60_000);

  it('the wait times out on the server timer and takes the timeout port', async () => {
    runtime.ingest(tagGo('c3'));
    const [run] = await eventually(
      () => runtime.runs({ customerId: 'c3' }),
      (runs) => runs[0]?.state === 'done',
      90_000,
    );
    expect(run).toMatchObject({ status: 'completed' });
    expect(effects.of('send', run!.id).map((e) => e.nodeId)).toEqual(['hello', 'nudge']);
  }, 120_000);

  it('ending the flow cancels its runs in flight', async () => {
    runtime.publish('j2', 'j2-v1', replyJourney());
    runtime.ingest(tagGo('c4'));
    await eventually(
      () => runtime.runs({ flowId: 'j2', customerId: 'c4' }),
      (runs) => runs[0]?.state === 'waiting',
    );
    runtime.end('j2');
    await runtime.idle();
    const [run] = await eventually(
      () => runtime.runs({ flowId: 'j2', customerId: 'c4' }),
      (runs) => runs[0]?.state === 'done',
    );
    expect(run).toMatchObject({ status: 'cancelled', exitReason: 'flow_ended' });
  }, 60_000);

  it('publishing with move_at_next_wait moves a waiting run to the new version', async () => {
    runtime.publish('j3', 'j3-v1', replyJourney());
    runtime.ingest(tagGo('c5'));
    const [waiting] = await eventually(
      () => runtime.runs({ flowId: 'j3', customerId: 'c5' }),
      (runs) => runs[0]?.state === 'waiting',
    );
    runtime.publish('j3', 'j3-v2', replyJourney(), { inFlight: 'move_at_next_wait' });
    await runtime.idle();
    const state = await eventually(
      () => runtime.runState(waiting!.id),
      (s) => s.versionId === 'j3-v2',
    );
    expect(state.versionId).toBe('j3-v2');
  }, 60_000);
});
