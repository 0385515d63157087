/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// `npm run bench:studio`: the studio in headless Chromium against the real server (temporary data
// directory), on generated journeys of 200 and 1,000 nodes. Per size it measures
//   open:  from choosing the flow in the app (hash route change) to the canvas painted with every
//          node measured and the main thread free again (median of OPENS opens)
//   pan:   frame-time p95 (requestAnimationFrame deltas) while dragging the pane and wheel-zooming
//   drag:  frame-time p95 while dragging one node across the canvas
//   heap:  JS heap in use after a garbage collection, with the flow open (CDP Performance.getMetrics)
// Prints the figures, then as the LAST line one JSON object (open_ms_1000, pan_frame_p95_ms_200, …).
// Targets: open ≤ 1,500 ms at 1,000 nodes; pan p95 ≤ 16.7 ms at 200 and ≤ 33 ms at 1,000.
// `--quick`: one open per size; `--profile`: also a CPU profile of one 1,000-node open. OMNIFLOW_CHROMIUM overrides /usr/bin/chromium.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppRouter } from '@omniflow/api';
import { startServer } from '@omniflow/api';
import { createTRPCClient, httpLink } from '@trpc/client';
import { type Browser, type CDPSession, chromium, type Page } from 'playwright-core';
import { gridJourney } from './graph.ts';
import { serveStudio } from './serve.ts';

const SIZES = [200, 1000] as const;
const QUICK = process.argv.includes('--quick');
const OPENS = QUICK ? 1 : 3;
const PROFILE = process.argv.includes('--profile');
const CHROMIUM = process.env.OMNIFLOW_CHROMIUM ?? '/usr/bin/chromium';
// The launch flags DESIGN.md lists for Debian's Chromium as root, headless.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const STUDIO = fileURLToPath(new URL('../../studio/', import.meta.url));
const VIEWPORT = { width: 1400, height: 900 };

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
const round = (n: number) => Math.round(n * 10) / 10;
const median = (samples: number[]) => percentile(samples, 50);
/** Share of frames longer than two 60 Hz frames (33.4 ms), in percent. */
const overBudget = (frames: number[]) => (frames.filter((f) => f > 33.4).length / Math.max(1, frames.length)) * 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The studio as `npm start` builds it, into `outDir`. */
function buildStudio(outDir: string): void {
  execFileSync(process.execPath, [join(STUDIO, '../node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error', '--outDir', outDir, '--emptyOutDir'], {
    cwd: STUDIO,
    stdio: 'inherit',
  });
}

function apiClient(url: string) {
  let cookie = '';
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        headers: () => (cookie ? { cookie } : {}),
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          const set = response.headers.getSetCookie().find((c) => c.startsWith('omniflow_session='));
          if (set) cookie = set.split(';')[0] ?? '';
          return response;
        },
      }),
    ],
  });
}

/** Opens the flow from inside the app and resolves once every node is measured, painted and the main thread is idle. */
async function openFlow(page: Page, flowId: string, nodeCount: number): Promise<number> {
  await page.evaluate(() => {
    window.location.hash = '/';
  });
  await page.locator('tbody tr').first().waitFor();
  return page.evaluate(
    async ({ id, count }) => {
      const start = performance.now();
      window.location.hash = `/flows/${encodeURIComponent(id)}`;
      const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
      for (;;) {
        await frame();
        // The flow's nodes are in the editor's state (the minimap draws every one), the canvas draws
        // those in view, and React Flow keeps a node hidden until it has measured it.
        const inMinimap = document.querySelectorAll('.react-flow__minimap-node').length;
        const drawn = [...document.querySelectorAll<HTMLElement>('.react-flow__node')];
        if (inMinimap >= count && drawn.length > 0 && drawn.every((n) => getComputedStyle(n).visibility !== 'hidden')) break;
      }
      await frame();
      await new Promise<void>((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve();
        channel.port2.postMessage(null);
      });
      return performance.now() - start;
    },
    { id: flowId, count: nodeCount },
  );
}

async function startFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__frames = [];
    w.__recording = true;
    let last = -1;
    const loop = (t: number) => {
      if (last >= 0) w.__frames.push(t - last);
      last = t;
      if (w.__recording) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
}

async function stopFrames(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__recording = false;
    return w.__frames;
  });
}

/** A point on the empty pane (not on a node, edge, control or the minimap), to pan from. */
async function emptyPanePoint(page: Page): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId('canvas').boundingBox();
  if (!box) throw new Error('the canvas is not visible');
  const point = await page.evaluate((b) => {
    for (let y = b.y + 40; y < b.y + b.height - 160; y += 7) {
      for (let x = b.x + 40; x < b.x + b.width - 260; x += 7) {
        const el = document.elementFromPoint(x, y);
        if (el?.classList.contains('react-flow__pane')) return { x, y };
      }
    }
    return null;
  }, box);
  if (!point) throw new Error('no empty spot on the pane to pan from');
  return point;
}

/** Frame times while dragging the pane (pan), then while wheel-zooming around the same point (zoom). */
async function measurePanZoom(page: Page): Promise<{ pan: number[]; zoom: number[] }> {
  const from = await emptyPanePoint(page);
  await page.mouse.move(from.x, from.y);
  await startFrames(page);
  await page.mouse.down();
  // About 1.5 s of panning at one move per frame, back and forth.
  for (let i = 0; i < 90; i++) {
    const phase = i < 45 ? i : 90 - i;
    await page.mouse.move(from.x - phase * 8, from.y - phase * 4);
    await sleep(16);
  }
  await page.mouse.up();
  await sleep(100);
  const pan = await stopFrames(page);
  await startFrames(page);
  for (let i = 0; i < 24; i++) {
    await page.mouse.wheel(0, i < 12 ? -120 : 120);
    await sleep(40);
  }
  await sleep(300);
  return { pan, zoom: await stopFrames(page) };
}

async function measureDrag(page: Page): Promise<number[]> {
  const canvas = await page.getByTestId('canvas').boundingBox();
  if (!canvas) throw new Error('the canvas is not visible');
  // A node fully inside the visible canvas, away from its edges.
  const start = await page.evaluate((c) => {
    for (const el of document.querySelectorAll<HTMLElement>('.react-flow__node')) {
      const r = el.getBoundingClientRect();
      if (r.left > c.x + 100 && r.top > c.y + 100 && r.right < c.x + c.width - 400 && r.bottom < c.y + c.height - 200) {
        return { x: r.left + r.width / 2, y: r.top + 12 };
      }
    }
    return null;
  }, canvas);
  if (!start) throw new Error('no node inside the viewport to drag');
  await page.mouse.move(start.x, start.y);
  await startFrames(page);
  await page.mouse.down();
  for (let i = 1; i <= 90; i++) {
    await page.mouse.move(start.x + i * 3, start.y + i * 1.5);
    await sleep(16);
  }
  await page.mouse.up();
  await sleep(300);
  return stopFrames(page);
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  tid: number;
  pid: number;
  args?: { name?: string };
}

/** `--profile`, part 1: a timeline trace of one open, the renderer main thread's time by kind of work (script, style, layout, paint, GC). */
async function traceOpen(browser: Browser, page: Page, flowId: string, nodeCount: number): Promise<void> {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  const ms = await openFlow(page, flowId, nodeCount);
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
  const main = trace.traceEvents.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const kinds = new Set([
    'FunctionCall',
    'EvaluateScript',
    'TimerFire',
    'FireAnimationFrame',
    'EventDispatch',
    'UpdateLayoutTree',
    'Layout',
    'Paint',
    'PrePaint',
    'Layerize',
    'MajorGC',
    'MinorGC',
    'ParseHTML',
    'HitTest',
    'IntersectionObserverController::computeIntersections',
    'ResizeObserverController::computeIntersections',
  ]);
  const total = new Map<string, number>();
  for (const e of trace.traceEvents) {
    if (!main || e.pid !== main.pid || e.tid !== main.tid || e.ph !== 'X' || !kinds.has(e.name)) continue;
    total.set(e.name, (total.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
  }
  console.log(`trace of one open (${round(ms)} ms), main thread by kind (script kinds nest):`);
  for (const [name, t] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${String(round(t)).padStart(7)} ms  ${name}`);
  const longest = trace.traceEvents
    .filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && (e.name === 'FunctionCall' || e.name === 'TimerFire'))
    .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))
    .slice(0, 5);
  for (const e of longest)
    console.log(
      `  longest: ${e.name} ${round((e.dur ?? 0) / 1000)} ms ${JSON.stringify((e.args as { data?: unknown } | undefined)?.data ?? {}).slice(0, 160)}`,
    );
}

/** `--profile`, part 2: a CPU profile of one open of the largest flow, summed by function (self time), top 15. */
async function profileOpen(page: Page, flowId: string, nodeCount: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const ms = await openFlow(page, flowId, nodeCount);
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  await cdp.detach();
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byNode.get(id)?.callFrame;
    if (!f) return;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').at(-1) ?? ''}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  console.log(`profile of one open (${round(ms)} ms), self time by function:`);
  for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${String(round(t)).padStart(7)} ms  ${key}`);
}

/** Seconds the renderer's main thread has spent running tasks since Performance.enable (CDP TaskDuration). */
async function taskSeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? Number.NaN;
}

async function heapMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
  return used / 1024 / 1024;
}

const dataDir = mkdtempSync(join(tmpdir(), 'omniflow-bench-studio-'));
const dist = mkdtempSync(join(tmpdir(), 'omniflow-bench-studio-dist-'));
buildStudio(dist);
const server = await startServer({ port: 0, host: '127.0.0.1', dataDir });
const web = await serveStudio(dist, server.port);
let browser: Browser | undefined;
try {
  const admin = server.firstAdmin;
  if (!admin) throw new Error('a fresh data dir must create the first admin');
  const trpc = apiClient(server.url);
  await trpc.auth.signIn.mutate(admin);
  const flows: Record<number, string> = {};
  for (const size of SIZES) {
    const flow = await trpc.flows.create.mutate({ kind: 'journey', name: `Bench ${size} nodes`, channels: ['line'] });
    await trpc.flows.saveDraft.mutate({ id: flow.id, baseRevision: flow.draftRevision, graph: gridJourney(size) });
    flows[size] = flow.id;
  }

  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  const page = await browser.newPage({ viewport: VIEWPORT });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // tsx compiles the page functions below with esbuild's keepNames, which calls a __name helper.
  await page.addInitScript('globalThis.__name = (f) => f');
  await page.goto(web.url);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('tbody tr').first().waitFor();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');

  const out: Record<string, number> = {};
  for (const size of SIZES) {
    const flowId = flows[size] ?? '';
    const nodeCount = size + 1; // + the trigger
    const opens: number[] = [];
    const busy: number[] = [];
    for (let i = 0; i < OPENS; i++) {
      // The renderer's main-thread task time during the open as well: under a loaded machine the
      // wall-clock open time includes waiting for a CPU, the task time much less so.
      const before = await taskSeconds(cdp);
      opens.push(await openFlow(page, flowId, nodeCount));
      busy.push((await taskSeconds(cdp)) - before);
    }
    await sleep(500);
    const panZoom = await measurePanZoom(page);
    const pan = [...panZoom.pan, ...panZoom.zoom];
    const drag = await measureDrag(page);
    const heap = await heapMb(cdp);
    if (PROFILE && size === SIZES.at(-1) && browser) {
      await traceOpen(browser, page, flowId, nodeCount);
      await profileOpen(page, flowId, nodeCount);
    }
    const open = median(opens);
    console.log(
      `${String(size).padStart(5)} nodes  open ${round(open)} ms (${opens.map(round).join(', ')}; main-thread tasks ${round(median(busy) * 1000)} ms)  ` +
        `pan+zoom p50/p95 ${round(median(pan))}/${round(percentile(pan, 95))} ms (${pan.length} frames; pan alone p95 ${round(percentile(panZoom.pan, 95))}, zoom alone p95 ${round(percentile(panZoom.zoom, 95))}; ${round(overBudget(pan))}% over 2 frames)  ` +
        `drag p50/p95 ${round(median(drag))}/${round(percentile(drag, 95))} ms (${drag.length} frames)  heap ${round(heap)} MB`,
    );
    out[`open_ms_${size}`] = round(open);
    out[`open_main_thread_ms_${size}`] = round(median(busy) * 1000);
    out[`pan_frame_p95_ms_${size}`] = round(percentile(pan, 95));
    out[`pan_frame_p50_ms_${size}`] = round(median(pan));
    out[`pan_only_frame_p95_ms_${size}`] = round(percentile(panZoom.pan, 95));
    out[`zoom_only_frame_p95_ms_${size}`] = round(percentile(panZoom.zoom, 95));
    out[`pan_frames_over_33ms_pct_${size}`] = round(overBudget(pan));
    out[`drag_frame_p95_ms_${size}`] = round(percentile(drag, 95));
    out[`heap_mb_${size}`] = round(heap);
  }
  if (pageErrors.length) console.log(`page errors: ${pageErrors.join(' | ')}`);
  // Frame times and open times depend on what else the machine is doing: say how busy it was.
  const load = loadavg()[0] ?? 0;
  out.load_avg_1m = round(load);
  out.cpus = availableParallelism();
  if (load > availableParallelism())
    console.log(`note: load average ${round(load)} on ${availableParallelism()} CPUs during the run; figures include waiting for a CPU`);
  console.log(
    `targets: open ≤ 1500 ms at 1000 (${out.open_ms_1000}), pan p95 ≤ 16.7 ms at 200 (${out.pan_frame_p95_ms_200}), ≤ 33 ms at 1000 (${out.pan_frame_p95_ms_1000})`,
  );
  console.log(JSON.stringify(out));
} finally {
  await browser?.close();
  await new Promise((r) => web.server.close(r));
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
}
