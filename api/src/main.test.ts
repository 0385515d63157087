import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm start` as a user runs it: a separate process, configured by the environment, printing
// how to sign in on the first start only.

const apiDir = fileURLToPath(new URL('..', import.meta.url));
let dataDir: string;

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

function start(): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: apiDir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', OMNIFLOW_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    // A server that never says it listens is killed, so a failing run leaves no process behind.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/localhost:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${output}`));
    });
  });
}

function stop(server: Started): Promise<number | null> {
  return new Promise((resolve) => {
    server.child.removeAllListeners('exit');
    server.child.once('exit', (code) => resolve(code));
    server.child.kill('SIGTERM');
  });
}

beforeAll(() => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'omniflow-main-')), 'nested', 'data');
});
afterAll(() => rmSync(join(dataDir, '..', '..'), { recursive: true, force: true }));

describe('npm start', () => {
  let password = '';

  it('creates the data directory and database, prints the admin sign-in once, and serves', async () => {
    const server = await start();
    try {
      const printed = server.output();
      expect(printed).toContain('Applied database migrations: 0001_init');
      expect(printed).toContain('email:    admin@omniflow.local');
      password = /password: (\S+)/.exec(printed)?.[1] ?? '';
      expect(password).toMatch(/^[\w-]{24}$/);

      const health = await fetch(`${server.url}/healthz`);
      expect(await health.json()).toEqual({ ok: true, version: '0.1.0', db: 'ok' });

      const signIn = await fetch(`${server.url}/trpc/auth.signIn`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@omniflow.local', password }),
      });
      expect(signIn.status).toBe(200);
      expect(signIn.headers.getSetCookie().join()).toMatch(/omniflow_session=.+HttpOnly/i);
    } finally {
      expect(await stop(server)).toBe(0);
    }
  });

  it('stores no password in plain text', () => {
    const db = readFileSync(join(dataDir, 'omniflow.db'));
    const wal = (() => {
      try {
        return readFileSync(join(dataDir, 'omniflow.db-wal'));
      } catch {
        return Buffer.alloc(0);
      }
    })();
    expect(db.includes(password)).toBe(false);
    expect(wal.includes(password)).toBe(false);
  });

  it('restarts on the same data without migrating again or printing credentials', async () => {
    const server = await start();
    try {
      expect(server.output()).not.toContain('Applied database migrations');
      expect(server.output()).not.toContain('password:');
      const signIn = await fetch(`${server.url}/trpc/auth.signIn`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@omniflow.local', password }),
      });
      expect(signIn.status).toBe(200);
    } finally {
      expect(await stop(server)).toBe(0);
    }
  });
});
