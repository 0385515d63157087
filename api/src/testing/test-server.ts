import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROLES, type Role } from '../auth/roles.ts';
import type { Settings } from '../context.ts';
import type { DomainEvent } from '../events.ts';
import { type RunningServer, startServer } from '../server.ts';
import { type BrowserLikeClient, httpClient } from './http-client.ts';

// A real server on an ephemeral port with a real SQLite file in a temporary directory, and one
// signed-in client per role, for the integration tests.

export interface TestServer {
  server: RunningServer;
  dataDir: string;
  /** One signed-in member per role; `admin` is the first admin. */
  as: Record<Role, BrowserLikeClient>;
  /** Every domain event emitted since the last `events.length = 0`. */
  events: DomainEvent[];
  close(): Promise<void>;
}

export async function startTestServer(options: { settings?: Partial<Settings>; userAgent?: string } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'omniflow-api-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, ...(options.settings ? { settings: options.settings } : {}) });
  const first = server.firstAdmin;
  if (!first) throw new Error('expected the first start to create an admin');
  const client = () => httpClient(server.url, options.userAgent ? { userAgent: options.userAgent } : {});
  const admin = client();
  await admin.trpc.auth.signIn.mutate({ email: first.email, password: first.password });
  const as = { admin } as Record<Role, BrowserLikeClient>;
  // One at a time: creating a member hashes its password inside a transaction.
  for (const role of ROLES.filter((r) => r !== 'admin')) {
    const email = `${role.replace('_', '-')}@example.com`;
    const password = `${role}-password-long`;
    await admin.trpc.users.create.mutate({ email, name: role, role, password });
    const c = client();
    await c.trpc.auth.signIn.mutate({ email, password });
    as[role] = c;
  }
  const events: DomainEvent[] = [];
  server.events.on('*', (e) => events.push(e));
  return {
    server,
    dataDir,
    as,
    events,
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
