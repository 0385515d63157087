import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from './auth/roles.ts';
import { canonicalJson, sha256Hex } from './graph/canonical-json.ts';
import { type RunningServer, startServer } from './server.ts';
import { type BrowserLikeClient, failure, httpClient } from './testing/http-client.ts';

// The real server on an ephemeral port, a real SQLite file in a temporary directory, and
// @trpc/client over HTTP with cookies: what the studio will do, end to end.

const USER_AGENT = 'omniflow-integration-test/1.0';

// Journey graphs built from node types in the built-in catalogue; the exit's reason stands in for any edit.
const trigger = { id: 't1', type: 'trigger.tag_applied', version: 1, config: { tags: ['x'] } };
const tagNode = (tags: string[] = ['y']) => ({ id: 'tag', type: 'action.tag', version: 1, config: { op: 'add', tags } });
const exitNode = (reason = 'Done') => ({ id: 'exit', type: 'flow.exit', version: 1, config: { reason } });
const journey = (nodes: unknown[], edges: unknown[]) => ({ formatVersion: 2, kind: 'journey', channels: ['line'], triggers: [trigger], nodes, edges });
const e1 = { id: 'e1', source: 't1', sourcePort: 'next', target: 'tag' };
const e2 = { id: 'e2', source: 'tag', sourcePort: 'next', target: 'exit' };
/** No issues at all. */
const validGraph = (reason = 'Done', tags = ['y']) => journey([tagNode(tags), exitNode(reason)], [e1, e2]);
/** Valid, with one warning: the tag node's output goes nowhere. */
const warningGraph = (tags = ['y']) => journey([tagNode(tags)], [e1]);
/** An error: the tag node has no tags. Fine for a draft, not for publishing. */
const errorGraph = () => journey([tagNode([])], [e1]);

let server: RunningServer;
let dataDir: string;
const clients = {} as Record<'admin' | 'marketer' | 'marketer2' | 'csManager' | 'csAgent' | 'sales' | 'marketingCs', BrowserLikeClient>;

async function signedIn(email: string, password: string): Promise<BrowserLikeClient> {
  const client = httpClient(server.url, { userAgent: USER_AGENT });
  await client.trpc.auth.signIn.mutate({ email, password });
  return client;
}

async function addMember(name: string, role: Role): Promise<BrowserLikeClient> {
  const email = `${name.toLowerCase()}@example.com`;
  const password = `${name}-password-long`;
  await clients.admin.trpc.users.create.mutate({ email, name, role, password });
  return signedIn(email, password);
}

async function newJourney(client: BrowserLikeClient, name: string, graph: unknown = validGraph()) {
  const flow = await client.trpc.flows.create.mutate({ kind: 'journey', name, channels: ['line'] });
  const saved = await client.trpc.flows.saveDraft.mutate({ id: flow.id, baseRevision: flow.draftRevision, graph });
  return { id: flow.id, revision: saved.revision };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'omniflow-api-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir });
  const admin = server.firstAdmin;
  if (!admin) throw new Error('expected the first start to create an admin');
  clients.admin = await signedIn(admin.email, admin.password);
  clients.marketer = await addMember('Mia', 'marketer');
  clients.marketer2 = await addMember('Noah', 'marketer');
  clients.marketingCs = await addMember('Mei', 'marketing_cs');
  clients.csManager = await addMember('Carl', 'cs_manager');
  clients.csAgent = await addMember('Ava', 'cs_agent');
  clients.sales = await addMember('Sam', 'salesperson');
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('server', () => {
  it('answers /healthz with the version and the database state', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, version: '0.1.0', db: 'ok' });
  });

  it('created the database and applied the migrations in the data directory', () => {
    expect(server.migrations.applied).toContain('0001_init');
  });
});

describe('auth', () => {
  it('signs in with a session cookie that scripts cannot read', async () => {
    const admin = server.firstAdmin!;
    const client = httpClient(server.url);
    expect(await client.trpc.auth.me.query()).toBeNull();
    const { user } = await client.trpc.auth.signIn.mutate({ email: admin.email.toUpperCase(), password: admin.password });
    expect(user).toMatchObject({ email: admin.email, role: 'admin' });
    const cookie = client.lastSetCookie().find((c) => c.startsWith('omniflow_session='));
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//i);
    expect(await client.trpc.auth.me.query()).toMatchObject({ email: admin.email, role: 'admin' });
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const client = httpClient(server.url);
    const wrongPassword = await failure(client.trpc.auth.signIn.mutate({ email: server.firstAdmin!.email, password: 'not-the-password' }));
    const unknownEmail = await failure(client.trpc.auth.signIn.mutate({ email: 'nobody@example.com', password: 'not-the-password' }));
    for (const error of [wrongPassword, unknownEmail]) {
      expect(error.data?.code).toBe('UNAUTHORIZED');
      expect(error.message).toBe('Email or password is incorrect');
    }
    expect(client.hasSession()).toBe(false);
  });

  it('signs out: the cookie is cleared and the session no longer works', async () => {
    const admin = server.firstAdmin!;
    const client = await signedIn(admin.email, admin.password);
    await client.trpc.auth.signOut.mutate();
    expect(client.hasSession()).toBe(false);
    expect(await client.trpc.auth.me.query()).toBeNull();
    expect((await failure(client.trpc.flows.list.query({}))).data?.code).toBe('UNAUTHORIZED');
  });

  it('refuses every protected procedure without a session', async () => {
    const anonymous = httpClient(server.url);
    const error = await failure(anonymous.trpc.flows.create.mutate({ kind: 'chatbot', name: 'x', scope: 'line' }));
    expect(error.data?.code).toBe('UNAUTHORIZED');
  });
});

describe('input validation', () => {
  it('returns zod issues as BAD_REQUEST, naming the field', async () => {
    const error = await failure(clients.marketer.trpc.flows.list.query({ limit: 101 }));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.inputIssues).toEqual([expect.objectContaining({ path: ['limit'], code: 'too_big' })]);
    expect(error.message).toContain('limit');
  });

  it('rejects a journey without channels', async () => {
    const error = await failure(clients.marketer.trpc.flows.create.mutate({ kind: 'journey', name: 'No channels', channels: [] }));
    expect(error.data?.inputIssues?.[0]?.path).toEqual(['channels']);
  });
});

describe('flows: create, list, filter, paginate', () => {
  const created: string[] = [];
  beforeAll(async () => {
    const m = clients.marketer.trpc;
    created.push((await m.flows.create.mutate({ kind: 'journey', name: 'Cart reminder', channels: ['line'] })).id);
    created.push((await m.flows.create.mutate({ kind: 'journey', name: 'Cart WhatsApp', channels: ['whatsapp'] })).id);
    created.push((await m.flows.create.mutate({ kind: 'journey', name: 'Birthday', channels: ['line', 'messenger'] })).id);
    created.push((await m.flows.create.mutate({ kind: 'chatbot', name: 'FAQ bot', scope: 'line' })).id);
    created.push((await m.flows.create.mutate({ kind: 'chatbot', name: 'Web helper', scope: 'web' })).id);
  });

  it('creates a draft with an empty graph of the right kind', async () => {
    const bot = await clients.marketer.trpc.flows.get.query({ id: created[3]! });
    expect(bot).toMatchObject({ name: 'FAQ bot', kind: 'chatbot', scope: 'line', channels: ['line'], status: 'draft', draftRevision: 1, currentVersion: null });
    expect(bot.draftGraph).toMatchObject({ kind: 'chatbot', bot: { scope: 'line' }, entryModuleId: 'welcome' });
    expect(bot.createdBy.name).toBe('Mia');
  });

  it('searches by name, case-insensitively', async () => {
    const { items } = await clients.marketer.trpc.flows.list.query({ search: 'CART' });
    expect(items.map((f) => f.name).sort()).toEqual(['Cart WhatsApp', 'Cart reminder']);
  });

  it('filters by kind, status and channel', async () => {
    const t = clients.marketer.trpc;
    expect((await t.flows.list.query({ kind: 'chatbot', limit: 100 })).items.every((f) => f.kind === 'chatbot')).toBe(true);
    expect((await t.flows.list.query({ search: 'cart', channel: 'whatsapp' })).items.map((f) => f.name)).toEqual(['Cart WhatsApp']);
    expect((await t.flows.list.query({ channel: 'messenger', limit: 100 })).items.map((f) => f.name)).toContain('Birthday');
    expect((await t.flows.list.query({ channel: 'webchat', limit: 100 })).items.map((f) => f.name)).toEqual(['Web helper']);
    expect((await t.flows.list.query({ status: 'active', search: 'cart' })).items).toEqual([]);
  });

  it('pages through every flow with a cursor, newest first, without repeats', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await clients.marketer.trpc.flows.list.query({ limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((f) => f.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(created));
    expect(seen.indexOf(created[4]!)).toBeLessThan(seen.indexOf(created[0]!));
  });
});

describe('drafts: optimistic concurrency', () => {
  it('gives the stale save CONFLICT with the current revision and graph, and keeps the first edit', async () => {
    const flow = await clients.marketer.trpc.flows.create.mutate({ kind: 'journey', name: 'Shared draft', channels: ['line'] });
    const [a, b] = [clients.marketer.trpc, clients.marketer2.trpc];
    const openedByA = await a.flows.get.query({ id: flow.id });
    const openedByB = await b.flows.get.query({ id: flow.id });
    expect(openedByB.draftRevision).toBe(openedByA.draftRevision);

    const first = await a.flows.saveDraft.mutate({ id: flow.id, baseRevision: openedByA.draftRevision, graph: validGraph('First edit') });
    expect(first).toMatchObject({ revision: openedByA.draftRevision + 1, issues: [] });

    const stale = await failure(b.flows.saveDraft.mutate({ id: flow.id, baseRevision: openedByB.draftRevision, graph: validGraph('Second edit') }));
    expect(stale.data?.code).toBe('CONFLICT');
    expect(stale.message).toContain('baseRevision');
    const details = stale.data?.details;
    expect(details?.kind).toBe('draft_conflict');
    if (details?.kind !== 'draft_conflict') return;
    expect(details.currentRevision).toBe(first.revision);
    expect(details.updatedBy?.name).toBe('Mia');
    expect(JSON.stringify(details.graph)).toContain('First edit');

    const now = await a.flows.get.query({ id: flow.id });
    expect(now.draftRevision).toBe(first.revision);
    expect(JSON.stringify(now.draftGraph)).toContain('First edit');
    expect(JSON.stringify(now.draftGraph)).not.toContain('Second edit');

    // B merges and saves on top of the current revision.
    const merged = await b.flows.saveDraft.mutate({ id: flow.id, baseRevision: details.currentRevision, graph: validGraph('Merged') });
    expect(merged.revision).toBe(first.revision + 1);
  });

  it('saves an incomplete draft and returns its validation issues', async () => {
    const flow = await clients.marketer.trpc.flows.create.mutate({ kind: 'journey', name: 'Work in progress', channels: ['line'] });
    const saved = await clients.marketer.trpc.flows.saveDraft.mutate({ id: flow.id, baseRevision: 1, graph: errorGraph() });
    expect(saved.revision).toBe(2);
    expect(saved.issues).toContainEqual(expect.objectContaining({ severity: 'error', nodeId: 'tag', path: ['config', 'tags'] }));
  });

  it('refuses a structurally broken graph as BAD_REQUEST with paths', async () => {
    const flow = await clients.marketer.trpc.flows.create.mutate({ kind: 'journey', name: 'Broken', channels: ['line'] });
    const broken = { ...validGraph(), nodes: [{ id: 'has space', type: 'action.tag', version: 1, config: {} }] };
    const error = await failure(clients.marketer.trpc.flows.saveDraft.mutate({ id: flow.id, baseRevision: 1, graph: broken }));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.details).toEqual({ kind: 'invalid_graph', errors: [expect.objectContaining({ path: ['graph', 'nodes', 0, 'id'] })] });
    expect((await clients.marketer.trpc.flows.get.query({ id: flow.id })).draftRevision).toBe(1);
  });

  it("refuses a graph of another kind than the flow's", async () => {
    const flow = await clients.marketer.trpc.flows.create.mutate({ kind: 'chatbot', name: 'Kind check', scope: 'line' });
    const error = await failure(clients.marketer.trpc.flows.saveDraft.mutate({ id: flow.id, baseRevision: 1, graph: validGraph() }));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('graph.kind');
  });
});

describe('versions: publish, diff, rollback', () => {
  let flowId: string;
  let revision: number;

  it('refuses to publish a graph with errors, returning the issue list', async () => {
    ({ id: flowId, revision } = await newJourney(clients.marketer, 'Welcome journey', errorGraph()));
    const error = await failure(clients.marketer.trpc.versions.publish.mutate({ flowId, baseRevision: revision }));
    expect(error.data?.code).toBe('PRECONDITION_FAILED');
    const details = error.data?.details;
    expect(details).toMatchObject({ kind: 'validation_failed', warningsNeedConfirmation: false });
    if (details?.kind !== 'validation_failed') return;
    expect(details.issues).toContainEqual(expect.objectContaining({ severity: 'error', code: 'required', nodeId: 'tag' }));
    expect((await clients.marketer.trpc.versions.list.query({ flowId })).items).toEqual([]);
    expect((await clients.marketer.trpc.flows.get.query({ id: flowId })).status).toBe('draft');
  });

  it('asks for confirmation of warnings before publishing', async () => {
    revision = (await clients.marketer.trpc.flows.saveDraft.mutate({ id: flowId, baseRevision: revision, graph: warningGraph() })).revision;
    const error = await failure(clients.marketer.trpc.versions.publish.mutate({ flowId, baseRevision: revision }));
    expect(error.data?.code).toBe('PRECONDITION_FAILED');
    expect(error.message).toContain('confirmWarnings');
    expect(error.data?.details).toMatchObject({
      kind: 'validation_failed',
      warningsNeedConfirmation: true,
      issues: [expect.objectContaining({ severity: 'warning', code: 'missing_output', nodeId: 'tag' })],
    });
  });

  it('publishes version 1 with the checksum of its canonical JSON; the flow becomes active', async () => {
    const result = await clients.marketer.trpc.versions.publish.mutate({ flowId, baseRevision: revision, confirmWarnings: true, notes: 'First version' });
    expect(result.version).toMatchObject({ number: 1, notes: 'First version', inFlightPolicy: 'keep', formatVersion: 2, publishedBy: { name: 'Mia' } });
    expect(result.version.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(result.warnings.map((w) => w.code)).toEqual(['missing_output']);
    expect(result.flow).toMatchObject({ status: 'active', currentVersion: { number: 1, checksum: result.version.checksum } });

    const v1 = await clients.marketer.trpc.versions.get.query({ flowId, number: 1 });
    expect(sha256Hex(canonicalJson(v1.graph))).toBe(v1.checksum);
    expect(v1.isCurrent).toBe(true);
  });

  it('refuses to publish a revision that is no longer the draft', async () => {
    await clients.marketer2.trpc.flows.saveDraft.mutate({ id: flowId, baseRevision: revision, graph: warningGraph(['y', 'z']) });
    const error = await failure(clients.marketer.trpc.versions.publish.mutate({ flowId, baseRevision: revision, confirmWarnings: true }));
    expect(error.data?.code).toBe('CONFLICT');
    expect(error.data?.details).toMatchObject({ kind: 'draft_conflict', currentRevision: revision + 1 });
    revision += 1;
  });

  it('publishes version 2 and diffs it against version 1 down to config fields', async () => {
    const graph = validGraph('Welcome!', ['y', 'vip']);
    revision = (await clients.marketer.trpc.flows.saveDraft.mutate({ id: flowId, baseRevision: revision, graph })).revision;
    const v2 = await clients.marketer.trpc.versions.publish.mutate({ flowId, baseRevision: revision, notes: 'Adds a message' });
    expect(v2.version.number).toBe(2);
    expect(v2.flow.status).toBe('active');

    const { diff } = await clients.marketer.trpc.versions.diff.query({ flowId, from: 1, to: 2 });
    expect(diff.identical).toBe(false);
    expect(diff.nodes.added).toEqual([{ id: 'exit', type: 'flow.exit', place: 'node' }]);
    expect(diff.edges.added.map((e) => e.id)).toEqual(['e2']);
    expect(diff.nodes.removed).toEqual([]);
    expect(diff.nodes.changed).toEqual([
      { id: 'tag', type: 'action.tag', place: 'node', changes: [{ path: ['config', 'tags', 1], change: 'added', after: 'vip' }] },
    ]);

    const againstDraft = await clients.marketer.trpc.versions.diff.query({ flowId, from: 2, to: 'draft' });
    expect(againstDraft.diff.identical).toBe(true);
  });

  it('rolls back by publishing version 1 again as version 3, leaving the draft alone', async () => {
    const result = await clients.marketer.trpc.versions.rollback.mutate({ flowId, versionNumber: 1 });
    expect(result.version).toMatchObject({ number: 3, notes: 'Rollback to version 1' });
    const [v1, v3] = await Promise.all([
      clients.marketer.trpc.versions.get.query({ flowId, number: 1 }),
      clients.marketer.trpc.versions.get.query({ flowId, number: 3 }),
    ]);
    expect(v3.graph).toEqual(v1.graph);
    expect(v3.checksum).toBe(v1.checksum);
    expect(v3.isCurrent).toBe(true);
    const { diff } = await clients.marketer.trpc.versions.diff.query({ flowId, from: 1, to: 3 });
    expect(diff.identical).toBe(true);

    const list = await clients.marketer.trpc.versions.list.query({ flowId });
    expect(list.items.map((v) => [v.number, v.isCurrent])).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
    const flow = await clients.marketer.trpc.flows.get.query({ id: flowId });
    expect(flow.currentVersion?.number).toBe(3);
    expect(flow.draftRevision).toBe(revision);
    expect(JSON.stringify(flow.draftGraph)).toContain('Welcome!');
  });

  it('pages through versions', async () => {
    const first = await clients.marketer.trpc.versions.list.query({ flowId, limit: 2 });
    expect(first.items.map((v) => v.number)).toEqual([3, 2]);
    const rest = await clients.marketer.trpc.versions.list.query({ flowId, limit: 2, before: first.nextBefore! });
    expect(rest).toEqual({ items: [expect.objectContaining({ number: 1 })], nextBefore: null });
  });

  it('reports a missing version as NOT_FOUND', async () => {
    expect((await failure(clients.marketer.trpc.versions.get.query({ flowId, number: 99 }))).data?.code).toBe('NOT_FOUND');
  });
});

describe('lifecycle', () => {
  it('pauses, resumes and ends, refusing illegal transitions with from and to', async () => {
    const t = clients.marketer.trpc;
    const { id, revision } = await newJourney(clients.marketer, 'Lifecycle');
    const notLive = await failure(t.lifecycle.pause.mutate({ flowId: id }));
    expect(notLive.data?.code).toBe('PRECONDITION_FAILED');
    expect(notLive.data?.details).toMatchObject({ kind: 'illegal_transition', action: 'pause', from: 'draft', to: 'paused' });
    expect(notLive.message).toContain('from draft to paused');

    await t.versions.publish.mutate({ flowId: id, baseRevision: revision });
    expect((await t.lifecycle.pause.mutate({ flowId: id })).status).toBe('paused');
    expect((await failure(t.lifecycle.pause.mutate({ flowId: id }))).data?.details).toMatchObject({ from: 'paused', to: 'paused' });
    expect((await t.lifecycle.resume.mutate({ flowId: id })).status).toBe('active');
    expect((await failure(t.lifecycle.resume.mutate({ flowId: id }))).data?.details).toMatchObject({ from: 'active', to: 'active' });
    expect((await t.lifecycle.end.mutate({ flowId: id })).status).toBe('ended');

    // One at a time: a second call already started could reject, unhandled, while the first is awaited.
    for (const call of [() => t.lifecycle.resume.mutate({ flowId: id }), () => t.lifecycle.end.mutate({ flowId: id })]) {
      expect((await failure(call())).data?.details).toMatchObject({ kind: 'illegal_transition', from: 'ended' });
    }
    const publishEnded = await failure(t.versions.publish.mutate({ flowId: id, baseRevision: revision }));
    expect(publishEnded.data?.details).toMatchObject({ action: 'publish', from: 'ended' });
    const editEnded = await failure(t.flows.saveDraft.mutate({ id, baseRevision: revision, graph: validGraph() }));
    expect(editEnded.data?.code).toBe('PRECONDITION_FAILED');

    const copy = await t.flows.duplicate.mutate({ id });
    expect(copy).toMatchObject({ name: 'Copy of Lifecycle', status: 'draft', draftRevision: 1, currentVersion: null });
    expect((await t.flows.get.query({ id: copy.id })).draftGraph).toEqual((await t.flows.get.query({ id })).draftGraph);
  });

  it('schedules a start at least a minute ahead, and keeps it when republishing', async () => {
    const t = clients.marketer.trpc;
    const { id, revision } = await newJourney(clients.marketer, 'Scheduled');
    const soon = new Date(Date.now() + 30_000).toISOString();
    const tooSoon = await failure(t.versions.publish.mutate({ flowId: id, baseRevision: revision, schedule: { startAt: soon } }));
    expect(tooSoon.data?.code).toBe('BAD_REQUEST');
    expect(tooSoon.message).toContain('schedule.startAt');

    const startAt = new Date(Date.now() + 3_600_000).toISOString();
    const endBefore = new Date(Date.now() + 1_800_000).toISOString();
    const badEnd = await failure(t.versions.publish.mutate({ flowId: id, baseRevision: revision, schedule: { startAt, endAt: endBefore } }));
    expect(badEnd.data?.details).toEqual({ kind: 'invalid_field', field: 'schedule.endAt' });

    const scheduled = await t.versions.publish.mutate({ flowId: id, baseRevision: revision, schedule: { startAt } });
    expect(scheduled.flow).toMatchObject({ status: 'scheduled', scheduledStartAt: startAt });
    const moveStart = await failure(t.versions.publish.mutate({ flowId: id, baseRevision: revision, schedule: { startAt } }));
    expect(moveStart.data?.details).toMatchObject({ kind: 'illegal_transition', action: 'schedule', from: 'scheduled' });
    const republished = await t.versions.publish.mutate({ flowId: id, baseRevision: revision });
    expect(republished.flow).toMatchObject({ status: 'scheduled', scheduledStartAt: startAt, currentVersion: { number: 2 } });
    expect((await t.lifecycle.pause.mutate({ flowId: id })).status).toBe('paused');
    expect((await t.lifecycle.resume.mutate({ flowId: id })).status).toBe('scheduled');
  });

  it('deletes drafts only, and archives what has ended', async () => {
    const admin = clients.admin.trpc;
    const draft = await admin.flows.create.mutate({ kind: 'chatbot', name: 'Throwaway', scope: 'all' });
    const live = await newJourney(clients.admin, 'Live one');
    await admin.versions.publish.mutate({ flowId: live.id, baseRevision: live.revision });

    const refused = await failure(admin.flows.delete.mutate({ id: live.id }));
    expect(refused.data?.code).toBe('PRECONDITION_FAILED');
    expect(refused.data?.details).toMatchObject({ kind: 'illegal_transition', action: 'delete', from: 'active' });
    expect((await failure(admin.flows.archive.mutate({ id: live.id }))).data?.details).toMatchObject({ from: 'active', to: 'archived' });

    await admin.lifecycle.end.mutate({ flowId: live.id });
    expect((await failure(admin.flows.delete.mutate({ id: live.id }))).data?.details).toMatchObject({ from: 'ended' });
    expect((await admin.flows.archive.mutate({ id: live.id })).status).toBe('archived');
    expect((await admin.flows.list.query({ search: 'live one' })).items).toEqual([]);
    expect((await admin.flows.list.query({ search: 'live one', status: 'archived' })).items.map((f) => f.id)).toEqual([live.id]);

    expect(await admin.flows.delete.mutate({ id: draft.id })).toEqual({ id: draft.id });
    expect((await failure(admin.flows.get.query({ id: draft.id }))).data?.code).toBe('NOT_FOUND');
  });
});

describe('roles (§8.3 studio matrix)', () => {
  let journeyId: string;
  let botId: string;
  beforeAll(async () => {
    journeyId = (await newJourney(clients.marketer, 'Role journey')).id;
    botId = (await clients.marketer.trpc.flows.create.mutate({ kind: 'chatbot', name: 'Role bot', scope: 'line' })).id;
  });

  it('forbids a CS Agent from saving a journey draft', async () => {
    const error = await failure(clients.csAgent.trpc.flows.saveDraft.mutate({ id: journeyId, baseRevision: 2, graph: validGraph() }));
    expect(error.data?.code).toBe('FORBIDDEN');
    expect(error.message).toContain('flows.edit');
  });

  it('lets a CS Agent view bots but not journeys', async () => {
    const { items } = await clients.csAgent.trpc.flows.list.query({ limit: 100 });
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((f) => f.kind === 'chatbot')).toBe(true);
    expect((await clients.csAgent.trpc.flows.get.query({ id: botId })).name).toBe('Role bot');
    expect((await failure(clients.csAgent.trpc.flows.get.query({ id: journeyId }))).data?.code).toBe('FORBIDDEN');
    expect((await failure(clients.csAgent.trpc.flows.list.query({ kind: 'journey' }))).data?.code).toBe('FORBIDDEN');
  });

  it('lets a CS Manager edit and publish bots only', async () => {
    const t = clients.csManager.trpc;
    const bot = await t.flows.get.query({ id: botId });
    expect((await t.flows.saveDraft.mutate({ id: botId, baseRevision: bot.draftRevision, graph: bot.draftGraph })).revision).toBe(bot.draftRevision + 1);
    expect((await failure(t.flows.saveDraft.mutate({ id: journeyId, baseRevision: 2, graph: validGraph() }))).data?.code).toBe('FORBIDDEN');
    expect((await failure(t.flows.create.mutate({ kind: 'journey', name: 'Nope', channels: ['line'] }))).data?.code).toBe('FORBIDDEN');
    expect((await failure(t.lifecycle.pause.mutate({ flowId: journeyId }))).data?.code).toBe('FORBIDDEN');
    expect((await failure(t.flows.archive.mutate({ id: botId }))).data?.code).toBe('FORBIDDEN');
  });

  it('lets Marketing-CS but not a Marketer delete drafts', async () => {
    const draft = await clients.marketer.trpc.flows.create.mutate({ kind: 'chatbot', name: 'To delete', scope: 'line' });
    expect((await failure(clients.marketer.trpc.flows.delete.mutate({ id: draft.id }))).data?.code).toBe('FORBIDDEN');
    expect(await clients.marketingCs.trpc.flows.delete.mutate({ id: draft.id })).toEqual({ id: draft.id });
  });

  it('gives the sales roles no studio access', async () => {
    expect((await failure(clients.sales.trpc.flows.list.query({}))).data?.code).toBe('FORBIDDEN');
  });

  it('reserves user management to admins and keeps the last admin', async () => {
    const member = (await clients.admin.trpc.users.list.query()).find((u) => u.email === 'sam@example.com')!;
    expect((await failure(clients.marketer.trpc.users.setRole.mutate({ userId: member.id, role: 'admin' }))).data?.code).toBe('FORBIDDEN');
    expect(await clients.admin.trpc.users.setRole.mutate({ userId: member.id, role: 'sales_manager' })).toMatchObject({ role: 'sales_manager' });
    const me = (await clients.admin.trpc.auth.me.query())!;
    const lastAdmin = await failure(clients.admin.trpc.users.setRole.mutate({ userId: me.id, role: 'marketer' }));
    expect(lastAdmin.data?.code).toBe('PRECONDITION_FAILED');
  });

  it('applies a role change to sessions already open', async () => {
    const ava = (await clients.admin.trpc.users.list.query()).find((u) => u.email === 'ava@example.com')!;
    await clients.admin.trpc.users.setRole.mutate({ userId: ava.id, role: 'marketer' });
    expect((await clients.csAgent.trpc.flows.get.query({ id: journeyId })).name).toBe('Role journey');
    await clients.admin.trpc.users.setRole.mutate({ userId: ava.id, role: 'cs_agent' });
    expect((await failure(clients.csAgent.trpc.flows.get.query({ id: journeyId }))).data?.code).toBe('FORBIDDEN');
  });
});

describe('audit log', () => {
  it('records publish, rollback, lifecycle changes, archive and delete with actor, role, ip and user agent', async () => {
    const t = clients.admin.trpc;
    const { id, revision } = await newJourney(clients.admin, 'Audited', warningGraph());
    await t.versions.publish.mutate({ flowId: id, baseRevision: revision, confirmWarnings: true });
    const r2 = (await t.flows.saveDraft.mutate({ id, baseRevision: revision, graph: validGraph() })).revision;
    await t.versions.publish.mutate({ flowId: id, baseRevision: r2 });
    await t.versions.rollback.mutate({ flowId: id, versionNumber: 1, inFlightPolicy: 'move_at_next_wait' });
    await t.lifecycle.pause.mutate({ flowId: id });
    await t.lifecycle.end.mutate({ flowId: id });
    await t.flows.archive.mutate({ id });

    const { items } = await t.audit.list.query({ objectType: 'flow', objectId: id, limit: 100 });
    expect(items.map((e) => e.action).reverse()).toEqual([
      'flow.create',
      'flow.save_draft',
      'flow.publish',
      'flow.save_draft',
      'flow.publish',
      'flow.rollback',
      'flow.pause',
      'flow.end',
      'flow.archive',
    ]);
    const me = (await t.auth.me.query())!;
    for (const entry of items) {
      expect(entry).toMatchObject({ actorId: me.id, role: 'admin', objectType: 'flow', objectId: id, userAgent: USER_AGENT });
      expect(entry.ip).toMatch(/127\.0\.0\.1/);
    }
    const publish2 = items.find((e) => e.action === 'flow.publish' && (e.diff as { version: number }).version === 2)!;
    expect(publish2.versionId).toBeTruthy();
    expect(publish2.diff).toMatchObject({ status: { from: 'active', to: 'active' }, changes: { nodes: { added: 1, removed: 0, changed: 0 } } });
    expect(items.find((e) => e.action === 'flow.rollback')?.diff).toMatchObject({ version: 3, rolledBackTo: 1 });
    expect(items.find((e) => e.action === 'flow.archive')?.diff).toEqual({ status: { from: 'ended', to: 'archived' } });
  });

  it('keeps the entry of a deleted flow, and records role changes', async () => {
    const t = clients.admin.trpc;
    const draft = await t.flows.create.mutate({ kind: 'chatbot', name: 'Gone', scope: 'line' });
    await t.flows.delete.mutate({ id: draft.id });
    const deleted = await t.audit.list.query({ action: 'flow.delete', objectId: draft.id });
    expect(deleted.items).toEqual([expect.objectContaining({ diff: { name: 'Gone', kind: 'chatbot' }, role: 'admin' })]);
    const roleChanges = await t.audit.list.query({ action: 'user.role_change' });
    expect(roleChanges.items.map((e) => e.diff)).toContainEqual({ role: { from: 'salesperson', to: 'sales_manager' } });
  });

  it('is readable by admins and supervisors only', async () => {
    expect((await failure(clients.marketer.trpc.audit.list.query({}))).data?.code).toBe('FORBIDDEN');
  });
});
