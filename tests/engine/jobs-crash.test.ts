import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Kill the embedded engine at random instants while its durable jobs work: an automation schedule
// entering a whole audience (§3.10), the daily date evaluator (§3.5) and a scheduled version's start
// (§2.3). Every audience member and every matching contact enters exactly once, the version starts,
// and the receiver sees each send once by key.

const AUDIENCE = Number(process.env.JOBS_CRASH_AUDIENCE ?? 1000);
const KILLS = Number(process.env.JOBS_CRASH_KILLS ?? 12);
const worker = fileURLToPath(new URL('./jobs-crash-worker.ts', import.meta.url));

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('embedded engine: durable jobs under SIGKILL', () => {
  const seen = new Map<string, number>();
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const key = String(req.headers['idempotency-key'] ?? '');
      req.resume();
      req.on('end', () => {
        seen.set(key, (seen.get(key) ?? 0) + 1);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/messages`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it(`enters a ${AUDIENCE}-contact schedule and the daily date matches once each across ${KILLS} SIGKILLs`, { timeout: 600_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'omniflow-jobs-crash-'));
    const origin = Date.now();
    const random = prng(Number(process.env.CRASH_SEED ?? 20251125));
    const env = { ...process.env, CRASH_DATA_DIR: dataDir, CRASH_RECEIVER: url, CRASH_AUDIENCE: String(AUDIENCE), CRASH_ORIGIN: String(origin) };
    const launch = (): { child: ChildProcess; ready: Promise<void>; exit: Promise<number | null>; output: () => string } => {
      const child = spawn(process.execPath, ['--import', 'tsx', worker], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let onReady!: () => void;
      const ready = new Promise<void>((resolve) => {
        onReady = resolve;
      });
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('ready')) onReady();
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      void exit.then(() => onReady());
      return { child, ready, exit, output: () => out };
    };

    let killed = 0;
    while (killed < KILLS) {
      const p = launch();
      await p.ready;
      // The schedule is due 6 s after the origin: kills land before, during and after it.
      await new Promise((r) => setTimeout(r, 50 + random() * 400));
      if (p.child.exitCode !== null) break;
      p.child.kill('SIGKILL');
      await p.exit;
      killed += 1;
    }
    expect(killed).toBeGreaterThanOrEqual(6);

    const last = launch();
    const code = await last.exit;
    const output = last.output();
    expect(code, output.slice(-2000)).toBe(0);
    const summary = JSON.parse(readFileSync(join(dataDir, 'done.json'), 'utf8')) as {
      perFlow: { flow: string; runs: number; customers: number }[];
      keys: string[];
      jobs: { kind: string; status: string; n: number }[];
    };
    // Each audience member once, each contact renewing today once, nobody twice.
    expect(summary.perFlow).toEqual([
      { flow: 'dates', runs: AUDIENCE / 2, customers: AUDIENCE / 2 },
      { flow: 'sched', runs: AUDIENCE, customers: AUDIENCE },
    ]);
    expect(summary.jobs).toEqual(
      expect.arrayContaining([
        { kind: 'flow.activate', status: 'done', n: 1 },
        { kind: 'schedule.occurrence', status: 'done', n: 1 },
      ]),
    );
    // Today's evaluation ran (journey time runs 600× faster, so the next day's may have too).
    expect(summary.jobs.find((j) => j.kind === 'date.daily' && j.status === 'done')?.n).toBeGreaterThanOrEqual(1);
    expect(summary.keys).toHaveLength(AUDIENCE + AUDIENCE / 2);
    for (const key of summary.keys) expect(seen.has(key), key).toBe(true);
    expect(seen.size).toBe(AUDIENCE + AUDIENCE / 2);
    // The host is told at least once (a kill between commit and callback repeats it; the api's update is guarded).
    expect(existsSync(join(dataDir, 'status.log')) && readFileSync(join(dataDir, 'status.log'), 'utf8')).toContain('later active');
    console.log(`jobs crash test: ${killed} kills, ${seen.size} effects, ${[...seen.values()].filter((n) => n > 1).length} redelivered (deduped by key)`);
  });
});
