import { FlowGraph } from '@omniflow/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { PrismaContactDirectory } from './contact-directory.ts';

// The api and its engine: scheduled versions (§2.3) reach the engine as durable jobs and the flow rows
// follow what the engine fires; schedules (§3.10) are listed and cancelled over tRPC; imports with
// "trigger journeys" on start import-triggered journeys and never when off (§3.9); the tracking
// endpoints turn website and shop events into trigger events (§3.7, §3.8, §3.14).

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.close());

const admin = () => t.as.admin.trpc;
const host = () => t.server.engine!;
const settled = async () => {
  await t.server.imports.idle();
  await host().importTriggers.settled();
  await host().engine.idle();
};

function journey(trigger: { type: string; config: Record<string, unknown> }, channels = ['line']) {
  return {
    formatVersion: 2,
    kind: 'journey',
    channels,
    triggers: [{ id: 't', version: 1, ...trigger }],
    nodes: [{ id: 'done', type: 'flow.exit', version: 1, config: {} }],
    edges: [{ id: 'e1', source: 't', sourcePort: 'next', target: 'done' }],
    settings: { timeZone: 'Asia/Taipei', reentry: { mode: 'always' } },
  };
}

async function createJourney(
  name: string,
  trigger: { type: string; config: Record<string, unknown> },
  schedule?: { startAt: string; endAt?: string },
  channels: ('line' | 'whatsapp')[] = ['line'],
) {
  const flow = await admin().flows.create.mutate({ kind: 'journey', name, channels });
  const saved = await admin().flows.saveDraft.mutate({ id: flow.id, baseRevision: flow.draftRevision, graph: journey(trigger, channels) });
  const published = await admin().versions.publish.mutate({
    flowId: flow.id,
    baseRevision: saved.revision,
    notes: 'v1',
    confirmWarnings: true,
    inFlightPolicy: 'keep',
    ...(schedule ? { schedule } : {}),
  });
  return { flowId: flow.id, versionId: published.version.id, graph: journey(trigger, channels) };
}

async function until<T>(read: () => Promise<T> | T, ok: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (ok(value)) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  return read();
}

describe('scheduled versions', () => {
  it('hands a scheduled version to the engine with its start and end, and the flow row follows the engine', async () => {
    const startAt = new Date(Date.now() + 10 * 60_000).toISOString();
    const endAt = new Date(Date.now() + 60 * 60_000).toISOString();
    const j = await createJourney('Launch day', { type: 'trigger.tag_applied', config: { tags: ['launch'] } }, { startAt, endAt });
    const status = await until(
      () => admin().schedules.status.query({ flowId: j.flowId }),
      (s) => s?.status === 'scheduled',
    );
    expect(status).toEqual({ status: 'scheduled', versionId: j.versionId, startsAt: startAt, endsAt: endAt });
    // Not live yet: its trigger starts nothing.
    const customer = await admin().contacts.create.mutate({ name: 'Early Bird' });
    await admin().tags.add.mutate({ customerId: customer.id, tags: ['launch'] });
    await settled();
    expect(await admin().runs.list.query({ flowId: j.flowId })).toEqual([]);

    // The engine's activation job reports; the row moves scheduled → active once (a repeat changes nothing).
    host().statusSync.onFlowStatus({ flowId: j.flowId, versionId: j.versionId, status: 'active', at: new Date() });
    host().statusSync.onFlowStatus({ flowId: j.flowId, versionId: j.versionId, status: 'active', at: new Date() });
    await host().statusSync.settled();
    expect((await admin().flows.get.query({ id: j.flowId })).status).toBe('active');
    host().statusSync.onFlowStatus({ flowId: j.flowId, versionId: j.versionId, status: 'ended', at: new Date() });
    await host().statusSync.settled();
    expect((await admin().flows.get.query({ id: j.flowId })).status).toBe('ended');
  });

  it('a pause right after a scheduled publish reaches the engine after the version does', async () => {
    const startAt = new Date(Date.now() + 10 * 60_000).toISOString();
    const j = await createJourney('Paused at once', { type: 'trigger.tag_applied', config: { tags: ['soon'] } }, { startAt });
    await until(
      () => admin().schedules.status.query({ flowId: j.flowId }),
      (s) => s?.status === 'scheduled',
    );
    // What the flow services do on a republish followed at once by a pause: the version's start time is
    // read from the flow row first, so the pause must wait for it.
    host().published({ flowId: j.flowId, versionId: j.versionId, graph: FlowGraph.parse(j.graph), inFlightPolicy: 'keep', status: 'scheduled' });
    host().statusChanged(j.flowId, 'paused');
    await new Promise((r) => setTimeout(r, 200));
    expect(host().embedded!.flowStatus(j.flowId)?.status).toBe('paused');
  });

  it('at start-up, applies an activation the engine made while the api was not listening', async () => {
    const startAt = new Date(Date.now() + 10 * 60_000).toISOString();
    const j = await createJourney('Spring sale', { type: 'trigger.tag_applied', config: { tags: ['spring'] } }, { startAt });
    await until(
      () => admin().schedules.status.query({ flowId: j.flowId }),
      (s) => s?.status === 'scheduled',
    );
    // As if the start job had fired in the engine with nobody told.
    host().engine.publish(j.flowId, j.versionId, j.graph);
    const result = await host().statusSync.reconcile(host().embedded!);
    expect(result.updated).toContain(j.flowId);
    expect((await admin().flows.get.query({ id: j.flowId })).status).toBe('active');
  });
});

describe('automation schedules over tRPC', () => {
  it('lists upcoming occurrences, cancels one, and refuses what cannot be cancelled, naming the key', async () => {
    const at = new Date(Date.now() + 2 * 86_400_000);
    const local = `${at.toISOString().slice(0, 10)}T09:00`;
    const j = await createJourney('Weekly digest', {
      type: 'trigger.schedule',
      config: { audienceId: 'tag:digest', frequency: { kind: 'recurring', every: 1, unit: 'weeks', anchor: local, end: { kind: 'never' } } },
    });
    const upcoming = await admin().schedules.occurrences.query({ flowId: j.flowId });
    expect(upcoming.length).toBeGreaterThanOrEqual(4);
    expect(upcoming[0]).toMatchObject({ local, status: 'pending', triggerId: 't' });
    const cancelled = await admin().schedules.cancelOccurrence.mutate({ flowId: j.flowId, key: upcoming[0]!.key });
    expect(cancelled).toMatchObject({ key: upcoming[0]!.key, status: 'cancelled' });
    expect((await admin().schedules.occurrences.query({ flowId: j.flowId }))[0]!.key).toBe(upcoming[1]!.key);
    await expect(admin().schedules.cancelOccurrence.mutate({ flowId: j.flowId, key: upcoming[0]!.key })).rejects.toMatchObject({
      message: `key ${upcoming[0]!.key} cannot be cancelled: it is already cancelled`,
    });
    await expect(admin().schedules.cancelOccurrence.mutate({ flowId: j.flowId, key: 'sched:other:t:x' })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
    await expect(t.as.cs_agent.trpc.schedules.occurrences.query({ flowId: j.flowId })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
  });

  it('resolves "tag:<name>" and "all" audiences from the database, and no others yet', async () => {
    const a = await admin().contacts.create.mutate({ name: 'Digest reader' });
    await admin().tags.add.mutate({ customerId: a.id, tags: ['digest'] });
    const directory = new PrismaContactDirectory(t.server.prisma);
    expect(await directory.audienceMembers('tag:digest')).toEqual([a.id]);
    expect(await directory.audienceMembers('all')).toContain(a.id);
    expect(await directory.audienceMembers('aud_123')).toBeUndefined();
  });
});

describe('imports with "trigger journeys" (§3.9)', () => {
  it('starts import journeys for the imported customers only when the toggle is on', async () => {
    const j = await createJourney('Imported members', { type: 'trigger.import', config: { mode: 'customers', effects: ['tag_applied'] } });
    const csv = ['Member ID,Name,Tags', 'IMPT-1,Import One,imported', 'IMPT-2,Import Two,imported'].join('\n');
    await admin().imports.start.mutate({ mode: 'customers', format: 'csv', content: csv, triggerJourneys: false });
    await settled();
    expect(await admin().runs.list.query({ flowId: j.flowId })).toEqual([]);
    const job = await admin().imports.start.mutate({ mode: 'customers', format: 'csv', content: csv, triggerJourneys: true });
    await settled();
    const runs = await admin().runs.list.query({ flowId: j.flowId });
    expect(runs).toHaveLength(2);
    expect(runs[0]!.trigger?.explanation).toBe(`Import ${job.id} (customers, trigger journeys on): row tag applied`);
  });
});

describe('tracking endpoints', () => {
  let key: string;
  beforeAll(async () => {
    key = (await t.as.supervisor.trpc.apiKeys.create.mutate({ name: 'Website pixel', role: 'marketer' })).key;
  });
  const post = (path: string, body: unknown, auth: string | null = key) =>
    fetch(`${t.server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body: JSON.stringify(body),
    });

  it('answers 401 without a valid key, 400 naming the field, 404 for an unknown customer', async () => {
    const visit = { customer: { memberId: 'nobody' }, url: 'https://shop.example.com/', pageviewId: 'pv1' };
    expect((await post('/track/visit', visit, null)).status).toBe(401);
    expect((await post('/track/visit', visit, 'omf_000000000000_not-a-key')).status).toBe(401);
    const bad = await post('/track/visit', { ...visit, url: 'not a url' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_body', field: 'url' });
    const noCustomer = await post('/track/event', { type: 'cart.item_added', eventId: 'x', customer: {} });
    expect(await noCustomer.json()).toMatchObject({ field: 'customer' });
    const unknownType = await post('/track/event', { type: 'cart.teleported', eventId: 'x', customer: { memberId: 'a' } });
    expect(await unknownType.json()).toMatchObject({ field: 'type' });
    expect((await post('/track/visit', visit)).status).toBe(404);
  });

  it('a page view starts the website journey once; a cart add and a form submission start theirs', async () => {
    const customer = await admin().contacts.create.mutate({ memberId: 'TRACK-1', name: 'Visitor' });
    const site = await createJourney('Pricing page', {
      type: 'trigger.website_visit',
      config: { pages: { kind: 'specific', rules: [{ op: 'urlContains', value: '/pricing' }] }, visitCount: { mode: 'exactly', n: 1 } },
    });
    const cart = await createJourney('Cart', { type: 'trigger.cart_abandoned', config: { channel: 'line' } });
    const form = await createJourney(
      'Booking',
      { type: 'trigger.form_submitted', config: { flowId: '1234567890', filters: [{ field: 'store', op: 'equals', value: 'taipei_101' }] } },
      undefined,
      ['whatsapp'],
    );
    const who = { memberId: 'TRACK-1' };
    const visit = await post('/track/visit', { customer: who, url: 'https://shop.example.com/pricing', pageviewId: 'pv-1' });
    expect(visit.status).toBe(202);
    await post('/track/visit', { customer: who, url: 'https://shop.example.com/pricing', pageviewId: 'pv-1', dwellSeconds: 20 });
    expect((await post('/track/event', { type: 'cart.item_added', eventId: 'cart-1', customer: who, productName: 'Tea set' })).status).toBe(202);
    await post('/track/event', { type: 'cart.item_added', eventId: 'cart-1', customer: who, productName: 'Tea set' }); // a retried POST
    await post('/track/event', { type: 'form.submitted', eventId: 'form-1', customer: who, formId: '1234567890', answers: { store: 'kaohsiung' } });
    await post('/track/event', { type: 'form.submitted', eventId: 'form-2', customer: who, formId: '1234567890', answers: { store: 'taipei_101' } });
    await settled();
    const [siteRuns, cartRuns, formRuns] = await Promise.all([site, cart, form].map((j) => admin().runs.list.query({ flowId: j.flowId })));
    expect(siteRuns!.map((r) => r.customerId)).toEqual([customer.id]);
    expect(siteRuns![0]!.trigger?.explanation).toBe('Website visit https://shop.example.com/pricing: page rules matched, visit 1 (exactly 1)');
    expect(cartRuns!.map((r) => [r.customerId, r.channel])).toEqual([[customer.id, 'line']]);
    expect(formRuns).toHaveLength(1);
  });

  it('API trigger (§3.13): 202 with the run, 409 on a repeated idempotency key, 404 and 403 naming what is wrong', async () => {
    const customer = await admin().contacts.create.mutate({ memberId: 'API-1', name: 'Api Customer' });
    const j = await createJourney('Order shipped', { type: 'trigger.api', config: { triggerKey: 'order-shipped', lookup: 'memberId' } });
    const enter = (body: unknown, triggerKey = 'order-shipped') => post(`/api/journeys/${triggerKey}/enter`, body);
    const first = await enter({ customer: { memberId: 'API-1' }, vars: { order_id: 'A-1' }, idempotencyKey: 'ship-A-1' });
    expect(first.status).toBe(202);
    const { runId } = (await first.json()) as { runId: string };
    const again = await enter({ customer: { memberId: 'API-1' }, vars: { order_id: 'A-1' }, idempotencyKey: 'ship-A-1' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: 'duplicate', field: 'idempotencyKey', runId });
    const noMember = await enter({ customer: { email: 'api@example.com' }, idempotencyKey: 'k' });
    expect(await noMember.json()).toMatchObject({ field: 'customer.memberId' });
    expect((await enter({ customer: { memberId: 'nobody' }, idempotencyKey: 'k' })).status).toBe(404);
    expect(await (await enter({ customer: { memberId: 'API-1' }, idempotencyKey: 'k' }, 'no-such-key')).json()).toMatchObject({ field: 'triggerKey' });
    await settled();
    const runs = await admin().runs.list.query({ flowId: j.flowId });
    expect(runs.map((r) => [r.id, r.customerId, r.vars.order_id])).toEqual([[runId, customer.id, 'A-1']]);
    await createJourney('Locked down', { type: 'trigger.api', config: { triggerKey: 'locked-down', ipAllowList: ['203.0.113.0/24'] } });
    const refused = await enter({ customer: { memberId: 'API-1' }, idempotencyKey: 'k2' }, 'locked-down');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'ip_not_allowed', field: 'ip' });
  });
});
