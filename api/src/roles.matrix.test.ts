import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, type Permission } from './auth/permissions.ts';
import { ROLES } from './auth/roles.ts';
import { appRouter } from './router/index.ts';
import { failure } from './testing/http-client.ts';
import { startTestServer, type TestServer } from './testing/test-server.ts';

// The role × procedure matrix: EVERY procedure of the router, called over HTTP by a member of each
// of the 8 roles, must be FORBIDDEN exactly where the permission table (src/auth/permissions.ts)
// says. The permission check runs before the input is read, so each call sends an input no
// procedure accepts: permitted roles get BAD_REQUEST, and nothing is ever written.
//
// A procedure added to the router without a row here fails the first test. (At run time
// `_def.procedures` is flat, keyed by dotted path.)

const EXPECTED: Record<string, Permission | 'public'> = {
  'auth.signIn': 'public',
  'auth.signOut': 'public',
  'auth.me': 'public',
  'flows.create': 'flows.edit',
  'flows.list': 'flows.view',
  'flows.get': 'flows.view',
  'flows.saveDraft': 'flows.edit',
  'flows.duplicate': 'flows.edit',
  'flows.export': 'flows.view',
  'flows.import': 'flows.edit',
  'flows.archive': 'flows.delete',
  'flows.delete': 'flows.delete',
  'versions.publish': 'flows.publish',
  'versions.rollback': 'flows.publish',
  'versions.list': 'flows.view',
  'versions.get': 'flows.view',
  'versions.diff': 'flows.view',
  'lifecycle.pause': 'flows.publish',
  'lifecycle.resume': 'flows.publish',
  'lifecycle.end': 'flows.publish',
  'runs.list': 'runs.view',
  'runs.timeline': 'runs.view',
  'runs.nodeStats': 'runs.view',
  'schedules.occurrences': 'runs.view',
  'schedules.cancelOccurrence': 'flows.publish',
  'schedules.status': 'flows.view',
  'runs.fastForward': 'flows.edit',
  'simulator.run': 'flows.edit',
  'audit.list': 'audit.view',
  'users.list': 'users.manage',
  'users.create': 'users.manage',
  'users.setRole': 'users.manage',
  'contacts.list': 'contacts.view',
  'contacts.get': 'contacts.view',
  'contacts.create': 'contacts.edit',
  'contacts.update': 'contacts.edit',
  'contacts.addIdentity': 'contacts.edit',
  'contacts.updateIdentity': 'contacts.edit',
  'contacts.findIdentity': 'contacts.view',
  'tags.add': 'contacts.edit',
  'tags.remove': 'contacts.edit',
  'tags.batch': 'tags.batch',
  'tags.log': 'contacts.view',
  'attributes.list': 'contacts.view',
  'attributes.define': 'attributes.manage',
  'attributes.update': 'attributes.manage',
  'attributes.archive': 'attributes.manage',
  'attributes.restore': 'attributes.manage',
  'attributes.delete': 'attributes.manage',
  'attributes.set': 'attributes.write',
  'points.ledger': 'contacts.view',
  'points.add': 'points.manage',
  'points.deduct': 'points.manage',
  'imports.start': 'imports.manage',
  'imports.list': 'imports.manage',
  'imports.get': 'imports.manage',
  'imports.cancel': 'imports.manage',
  'testLists.list': 'tests.send',
  'testLists.add': 'tests.send',
  'testLists.remove': 'tests.send',
  'testLists.testSend': 'tests.send',
  'apiKeys.create': 'apiKeys.manage',
  'apiKeys.list': 'apiKeys.manage',
  'apiKeys.revoke': 'apiKeys.manage',
  'channels.list': 'channels.manage',
  'channels.get': 'channels.manage',
  'channels.create': 'channels.manage',
  'channels.update': 'channels.manage',
  'channels.rotateSecret': 'channels.manage',
  'channels.delete': 'channels.manage',
  'runs.nodeMetrics': 'runs.view',
};

type ProcedureDef = { _def: { type: 'query' | 'mutation' | 'subscription' } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, ProcedureDef>).map(([path, p]) => ({ path, type: p._def.type }));

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
}, 60_000);
afterAll(async () => {
  await t?.close();
});

/** Calls any procedure by path with an input no procedure accepts. */
function callWithUnacceptableInput(client: TestServer['as'][keyof TestServer['as']], path: string, type: string): Promise<unknown> {
  const [namespace, name] = path.split('.') as [string, string];
  const api = (client.trpc as unknown as Record<string, Record<string, Record<string, (input: unknown) => Promise<unknown>>>>)[namespace]![name]!;
  return type === 'query' ? api.query!('not an input object') : api.mutate!('not an input object');
}

describe('role × procedure matrix (§8.3)', () => {
  it('has a row for every procedure of the router, and no row for a procedure that does not exist', () => {
    expect(procedures.map((p) => p.path).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(ROLES)('%s is FORBIDDEN exactly where the permission table says', async (role) => {
    const mismatches: string[] = [];
    for (const { path, type } of procedures) {
      const permission = EXPECTED[path];
      if (!permission) continue;
      const expectForbidden = permission !== 'public' && !can(role, permission);
      const error = await failure(callWithUnacceptableInput(t.as[role], path, type));
      const code = error.data?.code;
      const ok = expectForbidden ? code === 'FORBIDDEN' : code === 'BAD_REQUEST';
      if (!ok) mismatches.push(`${path}: expected ${expectForbidden ? 'FORBIDDEN' : 'BAD_REQUEST'}, got ${code} (${error.message})`);
    }
    expect(mismatches).toEqual([]);
  });

  it('refuses every procedure but the public ones without a session', async () => {
    const { httpClient } = await import('./testing/http-client.ts');
    const anonymous = httpClient(t.server.url);
    for (const { path, type } of procedures) {
      const error = await failure(callWithUnacceptableInput(anonymous, path, type));
      expect([path, error.data?.code]).toEqual([path, EXPECTED[path] === 'public' ? 'BAD_REQUEST' : 'UNAUTHORIZED']);
    }
  });
});
