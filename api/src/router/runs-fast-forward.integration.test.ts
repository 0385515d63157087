import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

// runs.fastForward over real HTTP against a real server and its embedded engine (real clock): a one-hour
// wait ends at once for a test contact's run; a real customer's run only an Admin may fast-forward.

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
}, 60_000);
afterAll(async () => t?.close());

const node = (id: string, type: string, config: Record<string, unknown>, x: number) => ({ id, type, version: 1, config, position: { x, y: 0 } });
const JOURNEY = {
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [node('t', 'trigger.tag_applied', { tags: ['go'] }, 0)],
  nodes: [
    node('wait', 'wait.wait', { mode: { kind: 'duration', days: 0, hours: 1, minutes: 0 } }, 300),
    node('tag', 'action.tag', { op: 'add', tags: ['waited'] }, 600),
  ],
  edges: [
    { id: 'e1', source: 't', sourcePort: 'next', target: 'wait' },
    { id: 'e2', source: 'wait', sourcePort: 'next', target: 'tag' },
  ],
};

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out waiting for the run');
}

describe('runs.fastForward', () => {
  it('ends the wait of a test contact’s run now; a real customer’s run needs an Admin; a finished run is refused', async () => {
    const admin = t.as.admin.trpc;
    const flow = await admin.flows.create.mutate({ kind: 'journey', name: 'Wait an hour', channels: ['line'] });
    const saved = await admin.flows.saveDraft.mutate({ id: flow.id, baseRevision: flow.draftRevision, graph: JOURNEY });
    await admin.versions.publish.mutate({ flowId: flow.id, baseRevision: saved.revision, notes: 'v1', confirmWarnings: true });

    const tester = await admin.contacts.create.mutate({ name: 'Tess Ter' });
    const identity = await admin.contacts.addIdentity.mutate({
      customerId: tester.id,
      channel: 'line',
      channelId: 'oa1',
      externalUserId: 'U00000000000000000000000000000001',
    });
    await admin.testLists.add.mutate({ channel: 'line', identityIds: [identity.id] });
    const customer = await admin.contacts.create.mutate({ name: 'Real Person' });
    await admin.tags.add.mutate({ customerId: tester.id, tags: ['go'] });
    await admin.tags.add.mutate({ customerId: customer.id, tags: ['go'] });
    const runs = () => admin.runs.list.query({ flowId: flow.id });
    const waiting = await until(runs, (rs) => rs.length === 2 && rs.every((r) => r.state === 'waiting'));
    const testRun = waiting.find((r) => r.customerId === tester.id)!;
    const realRun = waiting.find((r) => r.customerId === customer.id)!;

    // A marketer: the test contact's run yes, the real customer's no (and it keeps waiting).
    const refused = await t.as.marketer.trpc.runs.fastForward.mutate({ runId: realRun.id }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect((refused as TRPCClientError<never>).message).toContain('only an Admin may fast-forward it');
    const done = await t.as.marketer.trpc.runs.fastForward.mutate({ runId: testRun.id });
    expect(new Date(done.wasDueAt).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    await until(runs, (rs) => rs.find((r) => r.id === testRun.id)?.status === 'completed');
    expect((await admin.runs.timeline.query({ runId: testRun.id })).steps.map((s) => s.nodeId)).toEqual(['wait', 'wait', 'tag']);
    expect((await runs()).find((r) => r.id === realRun.id)?.state).toBe('waiting');

    // An Admin may fast-forward any run; a finished one has nothing left to fast-forward.
    await admin.runs.fastForward.mutate({ runId: realRun.id });
    await until(runs, (rs) => rs.every((r) => r.status === 'completed'));
    await expect(admin.runs.fastForward.mutate({ runId: realRun.id })).rejects.toThrow('not waiting');
    await expect(admin.runs.fastForward.mutate({ runId: 'nope' })).rejects.toThrow('runId nope does not exist');
  });
});
