import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Kill the embedded engine at random instants: every run still finishes, and a receiver that dedupes
// by idempotency key sees every effect exactly once (deliveries themselves are at least once).

const RUNS = Number(process.env.CRASH_TEST_RUNS ?? 5000);
const KILLS = Number(process.env.CRASH_TEST_KILLS ?? 20);
const worker = fileURLToPath(new URL('./crash-worker.ts', import.meta.url));

/** A small deterministic PRNG so a failure can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('embedded engine: crash safety', () => {
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

  it(`finishes ${RUNS} runs of send → wait → split → send across ${KILLS} SIGKILLs`, { timeout: 240_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'omniflow-crash-'));
    const origin = Date.now();
    const random = prng(Number(process.env.CRASH_SEED ?? 20251125));
    const env = { ...process.env, CRASH_DATA_DIR: dataDir, CRASH_RECEIVER: url, CRASH_RUNS: String(RUNS), CRASH_ORIGIN: String(origin) };

    const launch = (): { child: ChildProcess; ready: Promise<void>; exit: Promise<number | null>; output: () => string } => {
      const child = spawn(process.execPath, ['--import', 'tsx', worker], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      let onReady!: () => void;
      const ready = new Promise<void>((resolve) => {
        onReady = resolve;
      });
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('ready')) onReady();
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        err += chunk.toString();
      });
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      void exit.then(() => onReady());
      return { child, ready, exit, output: () => out + err };
    };

    let killed = 0;
    while (killed < KILLS) {
      const p = launch();
      await p.ready;
      // A random instant while the workload is in full swing: sends, timers and splits in progress.
      await new Promise((r) => setTimeout(r, 20 + random() * 600));
      if (p.child.exitCode !== null) break;
      p.child.kill('SIGKILL');
      if (process.env.CRASH_DEBUG)
        console.log(
          p
            .output()
            .trim()
            .split('\n')
            .filter((l) => l.startsWith('progress'))
            .at(-1),
        );
      await p.exit;
      killed += 1;
    }
    expect(killed).toBeGreaterThanOrEqual(10);

    const last = launch();
    const code = await last.exit;
    const output = last.output();
    expect(code, output.slice(-2000)).toBe(0);
    expect(output.split('\n'), output.slice(-2000)).toContain('done');
    const summary = JSON.parse(readFileSync(join(dataDir, 'done.json'), 'utf8')) as {
      byStatus: { status: string; n: number }[];
      keys: string[];
      steps: number;
    };

    // Every run finished.
    expect(summary.byStatus).toEqual([{ status: 'completed', n: RUNS }]);
    // Two sends per run, each with its own key, and the receiver saw each of them.
    expect(summary.keys).toHaveLength(2 * RUNS);
    expect(new Set(summary.keys).size).toBe(2 * RUNS);
    for (const key of summary.keys) expect(seen.has(key), key).toBe(true);
    // Nothing reached the receiver that the engine does not know about; counting by key, each once.
    expect(seen.size).toBe(2 * RUNS);
    const redelivered = [...seen.values()].filter((n) => n > 1).length;
    console.log(`crash test: ${killed} kills, ${seen.size} effects, ${redelivered} redelivered (deduped by key), ${summary.steps} steps`);
  });
});
