import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingEffectHandler } from '@omniflow/engine';
import { createActivities, InProcessGateway, parseTemporalConfig, settle, TemporalRuntime, VirtualWorkflowTime } from '@omniflow/engine/temporal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineKind, TemporalHostOptions } from './engine-host.ts';
import { engineKindFromEnvironment } from './engine-host.ts';
import { type RunningServer, startServer } from './server.ts';
import { type BrowserLikeClient, httpClient } from './testing/http-client.ts';

// The api hosting the Temporal runtime (OMNIFLOW_ENGINE=temporal) end to end: the real server, its
// SQLite database and tRPC over HTTP, with the run workflows executed in process behind the same
// RunWorkflowGateway a Temporal client implements (no Temporal server can be obtained here). The same
// scenario runs on the embedded engine and both must give the same runs, steps and effects.

/** tag "vip" → tag "vip_welcomed" → send → wait for tag "go" (1 day) → tag "went" → exit */
const journey = {
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [{ id: 'vip_tagged', type: 'trigger.tag_applied', version: 1, config: { tags: ['vip'] } }],
  nodes: [
    { id: 'welcome_tag', type: 'action.tag', version: 1, config: { op: 'add', tags: ['vip_welcomed'] } },
    { id: 'hello', type: 'message.send', version: 1, config: { content: { kind: 'text', text: 'Welcome' }, purpose: 'transactional' } },
    {
      id: 'wait_go',
      type: 'wait.wait',
      version: 1,
      config: { mode: { kind: 'forEvent', event: { event: 'tagApplied', tag: 'go' }, timeout: { amount: 1, unit: 'days' } } },
    },
    { id: 'went_tag', type: 'action.tag', version: 1, config: { op: 'add', tags: ['went'] } },
    { id: 'done', type: 'flow.exit', version: 1, config: {} },
  ],
  edges: [
    { id: 'e1', source: 'vip_tagged', sourcePort: 'next', target: 'welcome_tag' },
    { id: 'e2', source: 'welcome_tag', sourcePort: 'next', target: 'hello' },
    { id: 'e3', source: 'hello', sourcePort: 'sent', target: 'wait_go' },
    { id: 'e4', source: 'wait_go', sourcePort: 'event', target: 'went_tag' },
    { id: 'e5', source: 'went_tag', sourcePort: 'next', target: 'done' },
  ],
};

interface Harness {
  server: RunningServer;
  admin: BrowserLikeClient['trpc'];
  effects: RecordingEffectHandler;
  /** Until the runtime has handed everything out and its runs are ended or waiting. */
  rest(): Promise<void>;
  close(): Promise<void>;
}

/** The in-process stand-in for a Temporal cluster and its workers, over the api's contacts and effects. */
function inProcessTemporal(dataDir: string): { options: TemporalHostOptions; atRest: () => boolean } {
  let gateway: InProcessGateway | undefined;
  const options: TemporalHostOptions = {
    config: parseTemporalConfig({ address: 'localhost:7233', dataDir }),
    connect: async (deps) => {
      const time = new VirtualWorkflowTime(Date.now());
      gateway = new InProcessGateway(time);
      const runtime = new TemporalRuntime({
        config: deps.config,
        catalogue: deps.catalogue,
        contacts: deps.contacts,
        gateway,
        now: () => time.now(),
        ...(deps.onError ? { onError: deps.onError } : {}),
      });
      gateway.activities = createActivities({ catalogue: deps.catalogue, contacts: deps.contacts, effects: deps.effects, ledger: runtime.ledger, runtime });
      return runtime;
    },
  };
  return { options, atRest: () => gateway?.atRest() ?? true };
}

async function start(kind: EngineKind): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), `omniflow-api-${kind}-`));
  const effects = new RecordingEffectHandler();
  const temporal = kind === 'temporal' ? inProcessTemporal(dataDir) : undefined;
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    effects,
    engineKind: kind,
    ...(temporal ? { temporal: temporal.options } : {}),
  });
  const first = server.firstAdmin;
  if (!first) throw new Error('expected the first start to create an admin');
  const client = httpClient(server.url);
  await client.trpc.auth.signIn.mutate({ email: first.email, password: first.password });
  const rest = async () => {
    for (let i = 0; i < 20; i++) {
      await server.engine!.engine.idle();
      if (temporal) await settle(() => temporal.atRest());
      await new Promise((r) => setTimeout(r, 20));
      if (!temporal || temporal.atRest()) {
        await server.engine!.engine.idle();
        if (!temporal || temporal.atRest()) return;
      }
    }
  };
  return {
    server,
    admin: client.trpc,
    effects,
    rest,
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Publishes the journey, applies "vip" (starts a run), then "go" (resumes it), all through tRPC. */
async function scenario(h: Harness) {
  const flow = await h.admin.flows.create.mutate({ kind: 'journey', name: 'Welcome VIPs', channels: ['line'] });
  const saved = await h.admin.flows.saveDraft.mutate({ id: flow.id, baseRevision: flow.draftRevision, graph: journey });
  const published = await h.admin.versions.publish.mutate({
    flowId: flow.id,
    baseRevision: saved.revision,
    notes: 'v1',
    confirmWarnings: true,
    inFlightPolicy: 'keep',
  });
  const customer = await h.admin.contacts.create.mutate({ name: 'Lin Mei' });
  await h.admin.contacts.addIdentity.mutate({ customerId: customer.id, channel: 'line', channelId: 'oa-1', externalUserId: 'U-lin' });
  await h.admin.tags.add.mutate({ customerId: customer.id, tags: ['vip'] });
  await h.rest();
  const waiting = await h.admin.runs.list.query({ flowId: flow.id });
  await h.admin.tags.add.mutate({ customerId: customer.id, tags: ['go'] });
  await h.rest();
  const runs = await h.admin.runs.list.query({ flowId: flow.id });
  const timeline = runs[0] ? await h.admin.runs.timeline.query({ runId: runs[0].id }) : undefined;
  const stats = await h.admin.runs.nodeStats.query({ flowId: flow.id, versionId: published.version.id });
  const tags = (await h.admin.contacts.get.query({ id: customer.id })).tags.map((t) => t.name).sort();
  return { flow, published, customer, waiting, runs, timeline, stats, tags };
}

type Outcome = Awaited<ReturnType<typeof scenario>>;

/** What must match between runtimes: ids differ (workflow ids vs uuids), the shape of the run must not. */
function comparable(o: Outcome, effects: RecordingEffectHandler) {
  const runId = o.runs[0]?.id ?? '';
  return {
    waiting: o.waiting.map((r) => ({ state: r.state, status: r.status, currentNodeId: r.currentNodeId })),
    runs: o.runs.map((r) => ({
      status: r.status,
      state: r.state,
      customerId: r.customerId === o.customer.id,
      versionId: r.versionId === o.published.version.id,
    })),
    steps: o.timeline?.steps.map((s) => `${s.seq}:${s.nodeId}:${s.outcome}:${s.port ?? ''}`),
    stats: Object.fromEntries(
      Object.entries(o.stats).map(([node, s]) => [node, { entered: s.entered, waiting: s.waiting, ports: s.ports, skipped: s.skipped }]),
    ),
    tags: o.tags,
    effects: effects.delivered.map((e) => ({ kind: e.kind, nodeId: e.nodeId, key: e.idempotencyKey.replace(runId, '<run>') })),
  };
}

describe('api on the Temporal runtime (OMNIFLOW_ENGINE=temporal, workflows in process)', () => {
  const results: Partial<Record<EngineKind, ReturnType<typeof comparable>>> = {};
  let temporal: Harness;
  let embedded: Harness;
  let temporalOutcome: Outcome;
  beforeAll(async () => {
    temporal = await start('temporal');
    embedded = await start('embedded');
    temporalOutcome = await scenario(temporal);
    results.temporal = comparable(temporalOutcome, temporal.effects);
    results.embedded = comparable(await scenario(embedded), embedded.effects);
  }, 60_000);
  afterAll(async () => {
    await temporal?.close();
    await embedded?.close();
  });

  it('hosts a TemporalRuntime: the run is a workflow whose id comes from flow, contact and entry, listed from the ledger', async () => {
    expect(temporal.server.engine?.kind).toBe('temporal');
    expect(temporal.server.engine?.engine).toBeInstanceOf(TemporalRuntime);
    expect(temporal.server.engine?.embedded).toBeNull();
    const run = temporalOutcome.runs[0];
    expect(run?.id).toMatch(new RegExp(`^run:${temporalOutcome.flow.id}:${temporalOutcome.customer.id}:`));
    const runtime = temporal.server.engine!.engine as TemporalRuntime;
    expect(await runtime.runState(run!.id)).toMatchObject({ status: 'completed' });
  });

  it('takes the same steps, counts and effects as the embedded engine, and the journey tags land in the api', () => {
    expect(results.temporal).toEqual(results.embedded);
    expect(results.temporal).toEqual({
      waiting: [{ state: 'waiting', status: 'waiting', currentNodeId: 'wait_go' }],
      runs: [{ status: 'completed', state: 'done', customerId: true, versionId: true }],
      steps: ['0:welcome_tag:passed:next', '1:hello:passed:sent', '2:wait_go:waiting:', '3:wait_go:passed:event', '4:went_tag:passed:next', '5:done:passed:'],
      stats: expect.objectContaining({
        vip_tagged: expect.objectContaining({ entered: 1 }),
        wait_go: expect.objectContaining({ entered: 1, waiting: 0, ports: { event: 1 } }),
      }),
      tags: ['go', 'vip', 'vip_welcomed', 'went'],
      effects: [{ kind: 'send', nodeId: 'hello', key: '<run>:hello:1:0' }],
    });
  });

  it('answers PRECONDITION_FAILED for features only the embedded engine has, and the rest of the api keeps working', async () => {
    const flowId = temporalOutcome.flow.id;
    const runId = temporalOutcome.runs[0]!.id;
    const refused = { data: { code: 'PRECONDITION_FAILED' }, message: expect.stringContaining('not available on the Temporal runtime') };
    await expect(temporal.admin.schedules.occurrences.query({ flowId })).rejects.toMatchObject(refused);
    await expect(temporal.admin.schedules.status.query({ flowId })).rejects.toMatchObject(refused);
    await expect(temporal.admin.schedules.cancelOccurrence.mutate({ flowId, key: `sched:${flowId}:x` })).rejects.toMatchObject(refused);
    await expect(temporal.admin.runs.fastForward.mutate({ runId })).rejects.toMatchObject(refused);
    // Pausing reaches the runtime: the trigger no longer starts runs.
    await temporal.admin.lifecycle.pause.mutate({ flowId });
    const other = await temporal.admin.contacts.create.mutate({ name: 'Chen Wei' });
    await temporal.admin.tags.add.mutate({ customerId: other.id, tags: ['vip'] });
    await temporal.rest();
    expect(await temporal.admin.runs.list.query({ flowId })).toHaveLength(1);
    expect((await temporal.admin.contacts.get.query({ id: other.id })).tags.map((t) => t.name)).toEqual(['vip']);
  });
});

describe('the API trigger (§3.13) on the Temporal runtime', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await start('temporal');
  }, 60_000);
  afterAll(async () => h?.close());

  it('enters the journey once per idempotency key over HTTP: 202 with the run, 409 with the same run on a repeat', async () => {
    const graph = {
      formatVersion: 2,
      kind: 'journey',
      channels: ['line'],
      triggers: [{ id: 'api', type: 'trigger.api', version: 1, config: { triggerKey: 'order-shipped', lookup: 'memberId' } }],
      nodes: [{ id: 'shipped', type: 'action.tag', version: 1, config: { op: 'add', tags: ['shipped'] } }],
      edges: [{ id: 'e1', source: 'api', sourcePort: 'next', target: 'shipped' }],
    };
    const flow = await h.admin.flows.create.mutate({ kind: 'journey', name: 'Order shipped', channels: ['line'] });
    const saved = await h.admin.flows.saveDraft.mutate({ id: flow.id, baseRevision: flow.draftRevision, graph });
    await h.admin.versions.publish.mutate({ flowId: flow.id, baseRevision: saved.revision, notes: 'v1', confirmWarnings: true, inFlightPolicy: 'keep' });
    const customer = await h.admin.contacts.create.mutate({ memberId: 'API-1', name: 'Api Customer' });
    const { key } = await h.admin.apiKeys.create.mutate({ name: 'Shop', role: 'marketer' });
    const enter = (body: unknown, triggerKey = 'order-shipped') =>
      fetch(`${h.server.url}/api/journeys/${triggerKey}/enter`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
      });
    const body = { customer: { memberId: 'API-1' }, vars: { order_id: 'A-1' }, idempotencyKey: 'ship-A-1' };
    const first = await enter(body);
    expect(first.status).toBe(202);
    const { runId } = (await first.json()) as { runId: string };
    const again = await enter(body);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: 'duplicate', field: 'idempotencyKey', runId });
    expect(await (await enter(body, 'no-such-key')).json()).toMatchObject({ error: 'trigger_not_found', field: 'triggerKey' });
    await h.rest();
    const runs = await h.admin.runs.list.query({ flowId: flow.id });
    expect(runs.map((r) => [r.id, r.customerId, r.vars.order_id, r.status])).toEqual([[runId, customer.id, 'A-1', 'completed']]);
    expect((await h.admin.contacts.get.query({ id: customer.id })).tags.map((t) => t.name)).toEqual(['shipped']);
  });
});

describe('runtime selection from OMNIFLOW_ENGINE', () => {
  it('fails to start, naming the address, when the configured Temporal cluster cannot be reached (the real client)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'omniflow-api-unreachable-'));
    try {
      const starting = startServer({
        port: 0,
        host: '127.0.0.1',
        dataDir,
        engineKind: 'temporal',
        temporal: { config: parseTemporalConfig({ address: '127.0.0.1:1', dataDir }) },
      });
      await expect(starting).rejects.toThrow(/Could not connect to the Temporal cluster at 127\.0\.0\.1:1 \(TEMPORAL_ADDRESS/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('is embedded by default, temporal when asked, and a bad value fails naming the variable', async () => {
    expect(await engineKindFromEnvironment({})).toBe('embedded');
    expect(await engineKindFromEnvironment({ OMNIFLOW_ENGINE: 'embedded' })).toBe('embedded');
    expect(await engineKindFromEnvironment({ OMNIFLOW_ENGINE: 'temporal' })).toBe('temporal');
    await expect(engineKindFromEnvironment({ OMNIFLOW_ENGINE: 'cadence' })).rejects.toThrow(/OMNIFLOW_ENGINE/);
  });
});
