// `npx tsx bench/api/imports.ts [rows]`: an all-or-nothing import of `rows` customers (default
// 2,000; the product's limit is 50,000) through the real server over HTTP, while a client keeps
// calling /healthz and saving a flow draft. Measures the import's rows/s, the longest event-loop
// stall during it (perf_hooks.monitorEventLoopDelay) and the slowest request answered meanwhile.
// Prints the figures, then as the LAST line one JSON object.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AppRouter } from '@omniflow/api';
import { startServer } from '@omniflow/api';
import { createTRPCClient, httpLink } from '@trpc/client';
import { journeyGraph } from './graph.ts';

const ROWS = Number(process.argv[2] ?? 2000);
if (!Number.isInteger(ROWS) || ROWS < 1 || ROWS > 50_000) throw new Error('rows: a whole number from 1 to 50000');

const dataDir = mkdtempSync(join(tmpdir(), 'omniflow-bench-imports-'));
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
  const flow = await trpc.flows.create.mutate({ kind: 'journey', name: 'Edited during the import', channels: ['line'] });
  let revision = flow.draftRevision;
  const lines = ['Member ID,Name,Phone,Tags,Point Balance'];
  for (let i = 1; i <= ROWS; i++) lines.push(`B-${i},Bench ${i},8869${String(i).padStart(8, '0')},"bench,imported",5`);

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const requests: number[] = [];
  const started = performance.now();
  // The answer to start itself counts: the import begins on the next turn of the event loop.
  const job = await trpc.imports.start.mutate({
    mode: 'customers',
    format: 'csv',
    content: lines.join('\n'),
    atomicity: 'all_or_nothing',
    triggerJourneys: false,
  });
  requests.push(performance.now() - started);
  let saves = 0;
  let status = 'queued';
  while (status === 'queued' || status === 'running') {
    let start = performance.now();
    const health = await fetch(`${server.url}/healthz`);
    if (!health.ok) throw new Error(`/healthz answered ${health.status}`);
    requests.push(performance.now() - start);
    start = performance.now();
    const saved = await trpc.flows.saveDraft.mutate({ id: flow.id, baseRevision: revision, graph: journeyGraph(30, saves) });
    revision = saved.revision;
    saves++;
    requests.push(performance.now() - start);
    start = performance.now();
    status = (await trpc.imports.get.query({ id: job.id })).status;
    requests.push(performance.now() - start);
    await new Promise((r) => setTimeout(r, 50));
  }
  delay.disable();
  const done = await trpc.imports.get.query({ id: job.id });
  if (done.status !== 'done') throw new Error(`the import ended ${done.status}: ${JSON.stringify(done.errors.slice(0, 3))}`);
  const seconds = (Date.parse(done.finishedAt!) - Date.parse(done.startedAt!)) / 1000;
  const result = {
    rows: ROWS,
    import_seconds: Math.round(seconds * 10) / 10,
    rows_per_s: Math.round((ROWS / seconds) * 10) / 10,
    max_event_loop_stall_ms: Math.round(delay.max / 1e6),
    p99_event_loop_delay_ms: Math.round(delay.percentile(99) / 1e6),
    requests_during_import: requests.length,
    draft_saves_during_import: saves,
    slowest_request_ms: Math.round(Math.max(...requests)),
  };
  console.log(`all-or-nothing import of ${ROWS} rows: ${result.import_seconds} s (${result.rows_per_s} rows/s)`);
  console.log(`event loop: longest stall ${result.max_event_loop_stall_ms} ms, p99 ${result.p99_event_loop_delay_ms} ms`);
  console.log(`${result.requests_during_import} requests answered meanwhile (${saves} draft saves), slowest ${result.slowest_request_ms} ms`);
  console.log(JSON.stringify(result));
} finally {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
