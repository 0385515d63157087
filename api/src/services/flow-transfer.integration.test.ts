import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../server.ts';
import { type BrowserLikeClient, failure, httpClient } from '../testing/http-client.ts';

// Export → import over HTTP against a real server and SQLite file: the imported draft is the same
// graph, older graph formats upgrade on the way in, and a broken document creates nothing.

const graph = {
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [{ id: 't1', type: 'trigger.tag_applied', version: 1, config: { tags: ['vip'] } }],
  nodes: [{ id: 'exit', type: 'flow.exit', version: 1, config: { reason: 'Done' } }],
  edges: [{ id: 'e1', source: 't1', sourcePort: 'next', target: 'exit' }],
};

let server: RunningServer;
let dataDir: string;
let admin: BrowserLikeClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'omniflow-transfer-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir });
  const first = server.firstAdmin;
  if (!first) throw new Error('expected a first admin');
  admin = httpClient(server.url, { userAgent: 'transfer-test' });
  await admin.trpc.auth.signIn.mutate({ email: first.email, password: first.password });
});

afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('flow export and import', () => {
  it('round-trips a journey with its published versions into a new draft', async () => {
    const flow = await admin.trpc.flows.create.mutate({ kind: 'journey', name: 'VIP welcome', channels: ['line'] });
    const saved = await admin.trpc.flows.saveDraft.mutate({ id: flow.id, baseRevision: flow.draftRevision, graph });
    await admin.trpc.versions.publish.mutate({ flowId: flow.id, baseRevision: saved.revision, notes: 'first' });

    const doc = await admin.trpc.flows.export.query({ id: flow.id, versions: true });
    expect(doc).toMatchObject({ format: 'omniflow.flow', formatVersion: 1, flow: { name: 'VIP welcome', kind: 'journey' } });
    expect(doc.graph).toMatchObject(graph);
    expect(doc.versions?.map((v) => [v.number, v.notes])).toEqual([[1, 'first']]);

    // Through JSON text, as a file would carry it.
    const imported = await admin.trpc.flows.import.mutate({ document: JSON.parse(JSON.stringify(doc)) });
    expect(imported).toMatchObject({ name: 'VIP welcome', kind: 'journey', issues: [] });
    expect(imported.id).not.toBe(flow.id);
    const copy = await admin.trpc.flows.get.query({ id: imported.id });
    expect(copy.status).toBe('draft');
    expect(copy.draftGraph).toEqual(doc.graph);
  });

  it('imports a bare graph file from examples/ and upgrades a format-1 graph', async () => {
    const example = JSON.parse(readFileSync(new URL('../../../examples/flows/keyword-bot.chatbot.json', import.meta.url), 'utf8'));
    const bot = await admin.trpc.flows.import.mutate({ document: example, name: 'My bot' });
    expect(bot).toMatchObject({ name: 'My bot', kind: 'chatbot' });

    const v1 = JSON.parse(readFileSync(new URL('../../../schemas/fixtures/journey-v1.json', import.meta.url), 'utf8'));
    const upgraded = await admin.trpc.flows.import.mutate({ document: v1 });
    expect(upgraded.upgradedFrom).toBe(1);
    expect((await admin.trpc.flows.get.query({ id: upgraded.id })).draftGraph.formatVersion).toBe(2);
  });

  it('refuses a broken document with the path of the problem and creates nothing', async () => {
    const before = (await admin.trpc.flows.list.query({ limit: 100 })).items.length;
    const badEnvelope = await failure(
      admin.trpc.flows.import.mutate({ document: { format: 'omniflow.flow', formatVersion: 99, exportedAt: 'x', flow: {}, graph } }),
    );
    expect(badEnvelope.data?.code).toBe('BAD_REQUEST');
    expect(badEnvelope.message).toMatch(/formatVersion/);
    const badGraph = await failure(admin.trpc.flows.import.mutate({ document: { ...graph, edges: [{ id: 'e1' }] } }));
    expect(badGraph.message).toMatch(/edges\.0/);
    expect((await admin.trpc.flows.list.query({ limit: 100 })).items.length).toBe(before);
  });
});
