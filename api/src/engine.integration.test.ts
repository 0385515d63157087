import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing/test-server.ts';

// The api and the embedded engine in one process, as `npm start` runs them: publishing hands the
// version to the engine, a tag applied through the api starts a run, the journey's own tag lands in
// the api's contact data, and the run's timeline and node counters are readable over tRPC.

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.close());

const journey = {
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [{ id: 'vip_tagged', type: 'trigger.tag_applied', version: 1, config: { tags: ['vip'] } }],
  nodes: [
    { id: 'welcome_tag', type: 'action.tag', version: 1, config: { op: 'add', tags: ['vip_welcomed'] } },
    { id: 'done', type: 'flow.exit', version: 1, config: {} },
  ],
  edges: [
    { id: 'e1', source: 'vip_tagged', sourcePort: 'next', target: 'welcome_tag' },
    { id: 'e2', source: 'welcome_tag', sourcePort: 'next', target: 'done' },
  ],
};

async function settled() {
  await t.server.engine?.engine.idle();
}

describe('api + embedded engine', () => {
  it('runs a published journey when the api applies its trigger tag, and shows the run', async () => {
    const admin = t.as.admin.trpc;
    const flow = await admin.flows.create.mutate({ kind: 'journey', name: 'Welcome VIPs', channels: ['line'] });
    const saved = await admin.flows.saveDraft.mutate({ id: flow.id, baseRevision: flow.draftRevision, graph: journey });
    const published = await admin.versions.publish.mutate({
      flowId: flow.id,
      baseRevision: saved.revision,
      notes: 'v1',
      confirmWarnings: true,
      inFlightPolicy: 'keep',
    });

    const customer = await admin.contacts.create.mutate({ name: 'Lin Mei' });
    await admin.tags.add.mutate({ customerId: customer.id, tags: ['vip'] });
    await settled();

    const after = await admin.contacts.get.query({ id: customer.id });
    expect(after.tags.map((tag) => tag.name).sort()).toEqual(['vip', 'vip_welcomed']);
    const runs = await admin.runs.list.query({ flowId: flow.id });
    expect(runs).toEqual([expect.objectContaining({ customerId: customer.id, versionId: published.version.id, status: 'completed' })]);
    const timeline = await admin.runs.timeline.query({ runId: runs[0]!.id });
    expect(timeline.steps.map((s) => s.nodeId)).toEqual(['welcome_tag', 'done']);
    const stats = await admin.runs.nodeStats.query({ flowId: flow.id, versionId: published.version.id });
    expect(stats.welcome_tag).toMatchObject({ entered: 1 });

    // Paused: the trigger no longer starts runs.
    await admin.lifecycle.pause.mutate({ flowId: flow.id });
    const other = await admin.contacts.create.mutate({ name: 'Chen Wei' });
    await admin.tags.add.mutate({ customerId: other.id, tags: ['vip'] });
    await settled();
    expect((await admin.contacts.get.query({ id: other.id })).tags.map((tag) => tag.name)).toEqual(['vip']);
    expect(await admin.runs.list.query({ flowId: flow.id })).toHaveLength(1);
  });

  it('keeps run logs from roles that may not see them (§8.3)', async () => {
    const flows = await t.as.admin.trpc.flows.list.query({});
    const id = flows.items[0]!.id;
    await expect(t.as.cs_agent.trpc.runs.list.query({ flowId: id })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
  });
});
