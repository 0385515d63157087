// `npm run bench:api`: the real api server on a temporary data directory, measured over HTTP.
//   save:    flows.saveDraft of a 1,000-node journey graph (a new revision each time)
//   publish: versions.publish of that draft, validated with the installed catalogue
//   list:    flows.list, one page of 20, from 10,000 flows
// Prints the figures, then as the LAST line one JSON object (save_p95_ms, publish_p95_ms, list_p95_ms…).
// Targets: save p95 ≤ 50 ms, publish p95 ≤ 200 ms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppRouter } from '@omniflow/api';
import { startServer } from '@omniflow/api';
import { createTRPCClient, httpLink } from '@trpc/client';
import { journeyGraph } from './graph.ts';

const NODES = 1000;
const FLOWS = 10_000;
// Measured calls (after WARMUP unmeasured ones); `--quick` for a smoke run.
const QUICK = process.argv.includes('--quick');
const SAVES = QUICK ? 5 : 60;
const PUBLISHES = QUICK ? 3 : 30;
const LISTS = QUICK ? 10 : 100;
// Unmeasured calls first: the first validations of a 1,000-node graph run before the JIT has warmed
// up (the very first save takes a few hundred ms); the figures are for a server in steady state.
const WARMUP = 30;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

function summary(name: string, samples: number[]) {
  const round = (n: number) => Math.round(n * 10) / 10;
  const s = { n: samples.length, p50: round(percentile(samples, 50)), p95: round(percentile(samples, 95)), max: round(Math.max(...samples)) };
  console.log(
    `${name.padEnd(8)} n=${String(s.n).padStart(3)}  p50 ${String(s.p50).padStart(7)} ms  p95 ${String(s.p95).padStart(7)} ms  max ${String(s.max).padStart(7)} ms`,
  );
  return s;
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await fn();
  return [performance.now() - start, result];
}

const dataDir = mkdtempSync(join(tmpdir(), 'omniflow-bench-'));
const server = await startServer({ port: 0, host: '127.0.0.1', dataDir });
try {
  const admin = server.firstAdmin!;
  let cookie = '';
  const trpc = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${server.url}/trpc`,
        headers: () => (cookie ? { cookie } : {}),
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          const set = response.headers.getSetCookie().find((c) => c.startsWith('omniflow_session='));
          if (set) cookie = set.split(';')[0]!;
          return response;
        },
      }),
    ],
  });
  await trpc.auth.signIn.mutate({ email: admin.email, password: admin.password });

  // save
  const flow = await trpc.flows.create.mutate({ kind: 'journey', name: 'Bench journey', channels: ['line'] });
  // Every save and every publish carries a graph that differs from the one before (a tag name changes).
  const graphs = Array.from({ length: WARMUP + SAVES + WARMUP + PUBLISHES }, (_, v) => journeyGraph(NODES, v));
  const bytes = JSON.stringify(graphs[0]).length;
  let revision = flow.draftRevision;
  const saves: number[] = [];
  for (let i = 0; i < WARMUP + SAVES; i++) {
    const [ms, saved] = await time(() => trpc.flows.saveDraft.mutate({ id: flow.id, baseRevision: revision, graph: graphs[i] }));
    revision = saved.revision;
    if (saved.issues.some((issue) => issue.severity === 'error')) throw new Error(`the bench graph has errors: ${JSON.stringify(saved.issues[0])}`);
    if (i >= WARMUP) saves.push(ms);
  }

  // publish: edit (untimed), then publish the edit: active → active, each a new immutable version
  const publishes: number[] = [];
  for (let i = 0; i < WARMUP + PUBLISHES; i++) {
    revision = (await trpc.flows.saveDraft.mutate({ id: flow.id, baseRevision: revision, graph: graphs[WARMUP + SAVES + i] })).revision;
    const [ms] = await time(() => trpc.versions.publish.mutate({ flowId: flow.id, baseRevision: revision, confirmWarnings: true, notes: `bench ${i}` }));
    if (i >= WARMUP) publishes.push(ms);
  }

  // list: 10,000 flows, inserted directly (the bench measures reading, not 10,000 creates)
  const owner = await server.prisma.user.findFirstOrThrow({ where: { email: admin.email } });
  const small = JSON.stringify(journeyGraph(3));
  const base = Date.now() - FLOWS * 1000;
  for (let start = 0; start < FLOWS; start += 1000) {
    await server.prisma.flow.createMany({
      data: Array.from({ length: Math.min(1000, FLOWS - start) }, (_, k) => {
        const i = start + k;
        const name = `Generated journey ${i}`;
        return {
          name,
          nameSearch: name.toLowerCase(),
          kind: i % 4 === 0 ? 'chatbot' : 'journey',
          scope: i % 4 === 0 ? 'line' : null,
          channels: '["line"]',
          status: ['draft', 'active', 'paused', 'ended'][i % 4]!,
          draftGraph: small,
          createdById: owner.id,
          updatedById: owner.id,
          createdAt: new Date(base + i * 1000),
          updatedAt: new Date(base + i * 1000),
        };
      }),
    });
  }
  const flowCount = await server.prisma.flow.count();
  const lists: number[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < WARMUP + LISTS; i++) {
    // Alternate the first page and deeper pages (following the cursor), as a person scrolling would.
    const [ms, page] = await time(() => trpc.flows.list.query({ limit: 20, ...(cursor ? { cursor } : {}) }));
    if (page.items.length !== 20) throw new Error(`expected a full page, got ${page.items.length}`);
    cursor = i % 10 === 9 ? undefined : (page.nextCursor ?? undefined);
    if (i >= WARMUP) lists.push(ms);
  }

  console.log(`Omniflow api bench — graph of ${NODES} nodes (${Math.round(bytes / 1024)} KiB JSON), ${flowCount} flows`);
  const save = summary('save', saves);
  const publish = summary('publish', publishes);
  const list = summary('list', lists);
  const targets = { save_p95_ms: 50, publish_p95_ms: 200 };
  const met = save.p95 <= targets.save_p95_ms && publish.p95 <= targets.publish_p95_ms;
  console.log(`targets: save p95 ≤ ${targets.save_p95_ms} ms, publish p95 ≤ ${targets.publish_p95_ms} ms — ${met ? 'met' : 'MISSED'}`);
  console.log(
    JSON.stringify({
      save_p95_ms: save.p95,
      publish_p95_ms: publish.p95,
      list_p95_ms: list.p95,
      save_p50_ms: save.p50,
      publish_p50_ms: publish.p50,
      list_p50_ms: list.p50,
      nodes: NODES,
      graph_bytes: bytes,
      flows: flowCount,
      targets_met: met,
    }),
  );
} finally {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
