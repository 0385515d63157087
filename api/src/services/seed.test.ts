import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../server.ts';
import { httpClient } from '../testing/http-client.ts';

// The first start of `npm start` adds the example flows as drafts; later starts add nothing.

let dataDir: string;
let server: RunningServer;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'omniflow-seed-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, seedExamples: true, engine: false });
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('seeding the example flows', () => {
  it('adds the three examples as drafts with no validation errors, once', async () => {
    expect(server.seeded).toEqual(['Abandoned cart (example)', 'Shop keyword bot (example)', 'New follower welcome (example)']);
    const admin = httpClient(server.url);
    const first = server.firstAdmin;
    if (!first) throw new Error('expected a first admin');
    await admin.trpc.auth.signIn.mutate({ email: first.email, password: first.password });
    const { items } = await admin.trpc.flows.list.query({});
    expect(items.map((f) => [f.name, f.kind, f.status]).sort()).toEqual([
      ['Abandoned cart (example)', 'journey', 'draft'],
      ['New follower welcome (example)', 'journey', 'draft'],
      ['Shop keyword bot (example)', 'chatbot', 'draft'],
    ]);
    for (const flow of items) {
      const detail = await admin.trpc.flows.get.query({ id: flow.id });
      expect(detail.issues.filter((i) => i.severity === 'error')).toEqual([]);
    }
    // Drafts are validated against the team's attributes: the examples' attributes exist, others do not.
    const bot = items.find((f) => f.kind === 'chatbot');
    if (!bot) throw new Error('expected the example bot');
    const detail = await admin.trpc.flows.get.query({ id: bot.id });
    const graph = structuredClone(detail.draftGraph) as { modules: { cards: { config: Record<string, unknown> }[] }[] };
    graph.modules[0]!.cards[0]!.config.text = 'Hi {{attr:favourite_colour}} {{attr:member_tier}}';
    const saved = await admin.trpc.flows.saveDraft.mutate({ id: bot.id, baseRevision: detail.draftRevision, graph });
    expect(saved.issues.map((i) => [i.code, i.message.en])).toEqual([['unknown_placeholder', 'There is no custom attribute "favourite_colour".']]);

    await server.close();
    server = await startServer({ port: 0, host: '127.0.0.1', dataDir, seedExamples: true, engine: false });
    expect(server.seeded).toEqual([]);
  });
});
