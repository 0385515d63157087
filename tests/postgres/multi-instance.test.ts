import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppRouter } from '@omniflow/api';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Two api processes on different ports share one PostgreSQL schema (issue #10): what one saves the
// other sees, and optimistic concurrency on drafts holds across them. Runs in `npm run test:postgres`;
// skipped without a postgresql:// DATABASE_URL.

const OMNIFLOW_BIN = new URL('../../api/bin/omniflow.mjs', import.meta.url).pathname;
const databaseUrl = process.env.DATABASE_URL;
const onPostgres = !!databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl);

interface Instance {
  url: string;
  child: ChildProcess;
  output: string[];
  dataDir: string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Starts `omniflow start` in its own process and data dir, on the shared schema, and waits for /healthz. */
async function startInstance(sharedUrl: string): Promise<Instance> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'omniflow-multi-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: sharedUrl, OMNIFLOW_DATA_DIR: dataDir };
  delete env.OMNIFLOW_PG_SCHEMA_PER_DATA_DIR;
  const child = spawn(process.execPath, [OMNIFLOW_BIN, 'start', '--port', String(port), '--host', '127.0.0.1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`omniflow start exited with ${child.exitCode}:\n${output.join('')}`);
    if (Date.now() > deadline) throw new Error(`omniflow start did not answer /healthz within 60 s:\n${output.join('')}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, child, output, dataDir };
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stopInstance(instance: Instance): Promise<void> {
  if (instance.child.exitCode === null) {
    const exited = new Promise((resolve) => instance.child.once('exit', resolve));
    instance.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (instance.child.exitCode === null) instance.child.kill('SIGKILL');
  }
  rmSync(instance.dataDir, { recursive: true, force: true });
}

/** A tRPC client that sends the given session cookie (sessions live in the shared database). */
function client(baseUrl: string, cookie: { value: string | null }) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl}/trpc`,
        headers: () => (cookie.value ? { cookie: cookie.value } : {}),
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          const set = response.headers.getSetCookie()[0];
          if (set) cookie.value = set.split(';')[0] ?? null;
          return response;
        },
      }),
    ],
  });
}

describe.skipIf(!onPostgres)('two api processes on one PostgreSQL', () => {
  const schema = `multi_${randomBytes(6).toString('hex')}`;
  let a: Instance;
  let b: Instance;
  const session = { value: null as string | null };

  beforeAll(async () => {
    const shared = new URL(databaseUrl!);
    shared.searchParams.set('schema', schema);
    // One after the other: the first creates the schema, the admin and the example flows.
    a = await startInstance(shared.toString());
    b = await startInstance(shared.toString());
    const printed = a.output.join('');
    const email = /email:\s+(\S+)/.exec(printed)?.[1];
    const password = /password:\s+(\S+)/.exec(printed)?.[1];
    if (!email || !password) throw new Error(`instance A did not print the first admin:\n${printed}`);
    expect(b.output.join('')).not.toContain('password:');
    await client(a.url, session).auth.signIn.mutate({ email, password });
  }, 150_000);

  afterAll(async () => {
    await Promise.all([a && stopInstance(a), b && stopInstance(b)]);
    if (!databaseUrl) return;
    const admin = new pg.Client({ connectionString: databaseUrl.replace(/\?.*$/, '') });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }, 30_000);

  it('shares sessions and flows: B sees what A created', async () => {
    const onA = client(a.url, session);
    const onB = client(b.url, session);
    const flow = await onA.flows.create.mutate({ kind: 'journey', name: 'Made on A', channels: ['line'] });
    const seen = await onB.flows.get.query({ id: flow.id });
    expect(seen.name).toBe('Made on A');
  });

  it('gives a stale save on B after a save on A CONFLICT, and keeps A’s edit', async () => {
    const onA = client(a.url, session);
    const onB = client(b.url, session);
    const flow = await onA.flows.create.mutate({ kind: 'journey', name: 'Shared draft', channels: ['line'] });
    const openedOnB = await onB.flows.get.query({ id: flow.id });
    const graph = openedOnB.draftGraph;
    const saved = await onA.flows.saveDraft.mutate({ id: flow.id, baseRevision: flow.draftRevision, graph });
    expect(saved.revision).toBe(flow.draftRevision + 1);

    const stale = await onB.flows.saveDraft.mutate({ id: flow.id, baseRevision: openedOnB.draftRevision, graph }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(stale).toBeInstanceOf(TRPCClientError);
    expect((stale as TRPCClientError<AppRouter>).data?.code).toBe('CONFLICT');
    const after = await onB.flows.get.query({ id: flow.id });
    expect(after.draftRevision).toBe(saved.revision);
  });

  it('lets exactly one of many simultaneous saves on A and B with the same base revision win', async () => {
    const onA = client(a.url, session);
    const onB = client(b.url, session);
    const flow = await onA.flows.create.mutate({ kind: 'journey', name: 'Race', channels: ['line'] });
    const { draftGraph: graph } = await onA.flows.get.query({ id: flow.id });
    const saves = Array.from({ length: 10 }, (_, i) =>
      (i % 2 === 0 ? onA : onB).flows.saveDraft.mutate({ id: flow.id, baseRevision: flow.draftRevision, graph }).then(
        () => 'saved' as const,
        (e: unknown) => (e instanceof TRPCClientError ? String(e.data?.code) : String(e)),
      ),
    );
    const outcomes = await Promise.all(saves);
    expect(outcomes.filter((o) => o === 'saved')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'CONFLICT')).toHaveLength(9);
    expect((await onB.flows.get.query({ id: flow.id })).draftRevision).toBe(flow.draftRevision + 1);
  });
});
