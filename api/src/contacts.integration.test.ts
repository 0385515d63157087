import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { failure, httpClient } from './testing/http-client.ts';
import { startTestServer, type TestServer } from './testing/test-server.ts';

// Customer data end to end (real server, real SQLite file, @trpc/client over HTTP): customers and
// contacts, tags and the tag log, custom attributes, the points ledger, imports, test lists, API keys.

let t: TestServer;
const TEST_LIST_CAP = 3;

beforeAll(async () => {
  t = await startTestServer({ settings: { testListCap: TEST_LIST_CAP } });
}, 60_000);

afterAll(async () => {
  await t?.close();
});

beforeEach(() => {
  t.events.length = 0;
});

const admin = () => t.as.admin.trpc;
const marketer = () => t.as.marketer.trpc;

async function waitForImports() {
  await t.server.imports.idle();
}

describe('customers and contacts', () => {
  it('creates, reads, updates and searches customers', async () => {
    const created = await marketer().contacts.create.mutate({ memberId: 'M-100', name: 'Lin Mei', phone: '886911223344', email: 'Mei@Example.com' });
    expect(created).toMatchObject({
      memberId: 'M-100',
      name: 'Lin Mei',
      email: 'mei@example.com',
      points: { balance: 0, lifetime: 0 },
      tags: [],
      identities: [],
    });
    expect(t.events).toEqual([expect.objectContaining({ type: 'customer.created', customerId: created.id, memberId: 'M-100' })]);

    const updated = await marketer().contacts.update.mutate({ id: created.id, name: 'Lin Mei-Hua', email: null });
    expect(updated).toMatchObject({ name: 'Lin Mei-Hua', email: null, phone: '886911223344' });
    expect((await marketer().contacts.list.query({ search: 'MEI-HUA' })).items.map((c) => c.id)).toEqual([created.id]);
    expect((await marketer().contacts.list.query({ search: '886911223344' })).items.map((c) => c.id)).toEqual([created.id]);

    const taken = await failure(marketer().contacts.create.mutate({ memberId: 'M-100' }));
    expect(taken.data?.code).toBe('CONFLICT');
    expect(taken.data?.details).toEqual({ kind: 'invalid_field', field: 'memberId' });
    expect((await failure(marketer().contacts.create.mutate({ phone: '0911223344' }))).data?.inputIssues?.[0]?.path).toEqual(['phone']);
  });

  it('adds one identity per channel user and finds it again', async () => {
    const c = await marketer().contacts.create.mutate({ name: 'Identity owner' });
    const key = { channel: 'line' as const, channelId: 'oa-1', externalUserId: 'U123' };
    const identity = await marketer().contacts.addIdentity.mutate({ customerId: c.id, ...key, displayName: 'Owner' });
    expect(identity).toMatchObject({ ...key, customerId: c.id, subscriptionStatus: 'subscribed', source: 'manual', overQuota: false });
    expect(t.events.map((e) => e.type)).toEqual(['customer.created', 'contact.created']);
    expect(await marketer().contacts.findIdentity.query(key)).toMatchObject({ id: identity.id });
    expect((await failure(marketer().contacts.addIdentity.mutate({ customerId: c.id, ...key }))).data?.code).toBe('CONFLICT');
    const blocked = await t.as.cs_agent.trpc.contacts.updateIdentity.mutate({ id: identity.id, subscriptionStatus: 'blocked', displayName: 'Renamed' });
    expect(blocked).toMatchObject({ subscriptionStatus: 'blocked', displayName: 'Renamed' });
    expect((await marketer().contacts.list.query({ channel: 'line' })).items.map((x) => x.id)).toContain(c.id);
  });

  it('lets the sales roles look but not edit', async () => {
    expect((await t.as.salesperson.trpc.contacts.list.query({})).items.length).toBeGreaterThan(0);
    expect((await failure(t.as.salesperson.trpc.contacts.create.mutate({ name: 'x' }))).data?.code).toBe('FORBIDDEN');
  });
});

describe('tags and the tag log (§1.4)', () => {
  it('counts re-applications and logs each; removing deletes the log; removing an absent tag does nothing', async () => {
    const c = await marketer().contacts.create.mutate({ name: 'Tagged' });
    t.events.length = 0;
    expect(await marketer().tags.add.mutate({ customerId: c.id, tags: ['vip'] })).toMatchObject({ applied: [{ tag: 'vip', count: 1 }] });
    expect(await marketer().tags.add.mutate({ customerId: c.id, tags: ['vip', 'new'] })).toMatchObject({
      applied: [
        { tag: 'vip', count: 2 },
        { tag: 'new', count: 1 },
      ],
    });
    expect(t.events.filter((e) => e.type === 'tag.applied').map((e) => [e.type === 'tag.applied' && e.tag, e.type === 'tag.applied' && e.count])).toEqual([
      ['vip', 1],
      ['vip', 2],
      ['new', 1],
    ]);
    const detail = await marketer().contacts.get.query({ id: c.id });
    expect(detail.tags).toEqual([expect.objectContaining({ name: 'new', count: 1, lastSource: 'manual' }), expect.objectContaining({ name: 'vip', count: 2 })]);
    expect((await marketer().tags.log.query({ customerId: c.id, tag: 'vip' })).items).toHaveLength(2);

    const removed = await marketer().tags.remove.mutate({ customerId: c.id, tags: ['vip', 'never-had'] });
    expect(removed).toEqual({ customerId: c.id, removed: ['vip'], absent: ['never-had'] });
    expect((await marketer().tags.log.query({ customerId: c.id, tag: 'vip' })).items).toEqual([]);
    expect((await marketer().tags.log.query({ customerId: c.id })).items.map((e) => e.tag)).toEqual(['new']);
    expect(t.events.filter((e) => e.type === 'tag.removed')).toHaveLength(1);
  });

  it('treats a repeated idempotency key as a no-op', async () => {
    const c = await marketer().contacts.create.mutate({ name: 'Idempotent' });
    await marketer().tags.add.mutate({ customerId: c.id, tags: ['a'], idempotencyKey: 'run-1:node-1:1' });
    const again = await marketer().tags.add.mutate({ customerId: c.id, tags: ['a'], idempotencyKey: 'run-1:node-1:1' });
    expect(again).toMatchObject({ applied: [], replayed: ['a'] });
    expect((await marketer().contacts.get.query({ id: c.id })).tags[0]?.count).toBe(1);
    expect((await marketer().tags.log.query({ customerId: c.id })).items).toHaveLength(1);
    expect((await failure(marketer().tags.add.mutate({ customerId: c.id, tags: ['a'], idempotencyKey: 'has|pipe' }))).data?.code).toBe('BAD_REQUEST');
  });

  it('batch-tags with the journey toggle and one audit row; all customers or none', async () => {
    const a = await marketer().contacts.create.mutate({ name: 'Batch A' });
    const b = await marketer().contacts.create.mutate({ name: 'Batch B' });
    t.events.length = 0;
    expect(await marketer().tags.batch.mutate({ op: 'apply', customerIds: [a.id, b.id], tags: ['promo'] })).toMatchObject({ customers: 2, applied: 2 });
    expect(t.events).toEqual([]);
    await marketer().tags.batch.mutate({ op: 'apply', customerIds: [a.id, b.id], tags: ['promo'], triggerJourneys: true });
    expect(t.events.map((e) => e.type)).toEqual(['tag.applied', 'tag.applied']);
    expect((await marketer().contacts.get.query({ id: a.id })).tags).toEqual([expect.objectContaining({ name: 'promo', count: 2, lastSource: 'batch' })]);

    const missing = await failure(marketer().tags.batch.mutate({ op: 'apply', customerIds: [a.id, 'nope'], tags: ['other'] }));
    expect(missing.data?.code).toBe('NOT_FOUND');
    expect((await marketer().contacts.list.query({ tag: 'other' })).items).toEqual([]);

    const audit = await admin().audit.list.query({ action: 'tag.batch_apply' });
    expect(audit.items[0]).toMatchObject({ role: 'marketer', objectType: 'tag', diff: { tags: ['promo'], customers: 2, triggerJourneys: true } });
    expect((await failure(t.as.marketing_cs.trpc.tags.batch.mutate({ op: 'remove', customerIds: [a.id], tags: ['promo'] }))).data?.code).toBe('FORBIDDEN');
  });
});

describe('custom attributes (§1.5)', () => {
  let customerId: string;
  beforeAll(async () => {
    customerId = (await marketer().contacts.create.mutate({ name: 'Attributes' })).id;
    await marketer().attributes.define.mutate({ key: 'member_points', type: 'number', displayName: 'Member points' });
    await marketer().attributes.define.mutate({ key: 'birthday', type: 'date' });
    await marketer().attributes.define.mutate({ key: 'lastVisit', type: 'datetime' });
    await marketer().attributes.define.mutate({ key: 'optIn', type: 'boolean' });
  });

  it('checks keys and refuses duplicates', async () => {
    expect((await failure(marketer().attributes.define.mutate({ key: 'has space', type: 'text' }))).data?.inputIssues?.[0]?.path).toEqual(['key']);
    expect((await failure(marketer().attributes.define.mutate({ key: 'birthday', type: 'text' }))).data?.code).toBe('CONFLICT');
    expect((await failure(t.as.marketing_cs.trpc.attributes.define.mutate({ key: 'x', type: 'text' }))).data?.code).toBe('FORBIDDEN');
    expect((await marketer().attributes.list.query({})).map((d) => d.key)).toEqual(['birthday', 'lastVisit', 'member_points', 'optIn']);
  });

  it('type-checks writes: ok, type_mismatch, invalid_format; the same value again is not a change', async () => {
    const set = (key: string, value: string | number | boolean | null, fromText = false) =>
      t.as.cs_agent.trpc.attributes.set.mutate({ customerId, key, value, fromText });
    expect(await set('member_points', 120)).toMatchObject({ result: 'ok', changed: true, value: 120 });
    expect(t.events).toEqual([expect.objectContaining({ type: 'attribute.changed', key: 'member_points', old: null, new: 120, source: 'manual' })]);
    expect(await set('member_points', '130')).toMatchObject({ result: 'type_mismatch', changed: false, value: 120 });
    expect(await set('member_points', 'abc', true)).toMatchObject({ result: 'invalid_format', changed: false });
    expect(await set('member_points', '130', true)).toMatchObject({ result: 'ok', value: 130 });
    expect(await set('birthday', '1990-02-30')).toMatchObject({ result: 'invalid_format' });
    expect(await set('birthday', 19900201)).toMatchObject({ result: 'type_mismatch' });
    expect(await set('birthday', '1990-02-01')).toMatchObject({ result: 'ok' });
    expect(await set('lastVisit', '2024-05-01 09:30')).toMatchObject({ result: 'invalid_format' });
    expect(await set('lastVisit', '2024-05-01T09:30:00+08:00')).toMatchObject({ result: 'ok' });
    expect(await set('optIn', 'yes', true)).toMatchObject({ result: 'ok', value: true });
    t.events.length = 0;
    expect(await set('optIn', true)).toMatchObject({ result: 'ok', changed: false });
    expect(t.events).toEqual([]);
    expect((await marketer().contacts.get.query({ id: customerId })).attributes).toEqual({
      birthday: '1990-02-01',
      lastVisit: '2024-05-01T09:30:00+08:00',
      member_points: 130,
      optIn: true,
    });
    expect((await failure(set('unknown_key', 1))).data?.code).toBe('NOT_FOUND');
  });

  it('refuses archived attributes until restored; deleting removes the values', async () => {
    await marketer().attributes.archive.mutate({ key: 'optIn' });
    expect(await marketer().attributes.set.mutate({ customerId, key: 'optIn', value: false })).toMatchObject({
      result: 'archived',
      changed: false,
      value: true,
    });
    await marketer().attributes.restore.mutate({ key: 'optIn' });
    expect(await marketer().attributes.set.mutate({ customerId, key: 'optIn', value: false })).toMatchObject({ result: 'ok', changed: true });
    expect(await marketer().attributes.delete.mutate({ key: 'optIn' })).toEqual({ key: 'optIn', valuesDeleted: 1 });
    expect((await marketer().contacts.get.query({ id: customerId })).attributes).not.toHaveProperty('optIn');
  });
});

describe('points ledger (§1.6)', () => {
  it('needs a phone, adds to balance and lifetime, deducts the balance only, refuses overdrafts', async () => {
    const noPhone = await marketer().contacts.create.mutate({ name: 'No phone' });
    expect(await marketer().points.add.mutate({ customerId: noPhone.id, amount: 10, reason: 'welcome' })).toEqual({ ok: false, reason: 'no_phone' });

    const c = await marketer().contacts.create.mutate({ name: 'Points', phone: '85291122333' });
    expect(await marketer().points.add.mutate({ customerId: c.id, amount: 100, reason: 'purchase' })).toMatchObject({ ok: true, balance: 100, lifetime: 100 });
    expect(await marketer().points.deduct.mutate({ customerId: c.id, amount: 30, reason: 'coupon' })).toMatchObject({
      ok: true,
      balance: 70,
      lifetime: 100,
      entry: { delta: -30, op: 'deduct', balanceAfter: 70, lifetimeAfter: 100 },
    });
    expect(await marketer().points.deduct.mutate({ customerId: c.id, amount: 71, reason: 'too much' })).toEqual({
      ok: false,
      reason: 'insufficient',
      balance: 70,
      requested: 71,
    });
    const ledger = await marketer().points.ledger.query({ customerId: c.id });
    expect(ledger).toMatchObject({ balance: 70, lifetime: 100 });
    expect(ledger.items.map((e) => e.delta)).toEqual([-30, 100]);
  });

  it('returns the first result for a replayed idempotency key, and refuses the key for another change', async () => {
    const c = await marketer().contacts.create.mutate({ name: 'Replay', phone: '6581234567' });
    const first = await marketer().points.add.mutate({ customerId: c.id, amount: 50, reason: 'x', idempotencyKey: 'order-1' });
    const replay = await marketer().points.add.mutate({ customerId: c.id, amount: 50, reason: 'x', idempotencyKey: 'order-1' });
    expect(first.ok && replay.ok).toBe(true);
    if (!first.ok || !replay.ok) return;
    expect(replay).toMatchObject({ replayed: true, balance: 50, entry: { id: first.entry.id } });
    expect((await marketer().points.ledger.query({ customerId: c.id })).items).toHaveLength(1);
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => marketer().points.deduct.mutate({ customerId: c.id, amount: 20, reason: 'race', idempotencyKey: 'order-2' })),
    );
    expect(new Set(concurrent.map((r) => r.ok && r.entry.id)).size).toBe(1);
    expect((await marketer().points.ledger.query({ customerId: c.id })).balance).toBe(30);
    expect((await failure(marketer().points.add.mutate({ customerId: c.id, amount: 51, reason: 'x', idempotencyKey: 'order-1' }))).data?.code).toBe('CONFLICT');
    expect((await failure(t.as.cs_agent.trpc.points.add.mutate({ customerId: c.id, amount: 1, reason: 'x' }))).data?.code).toBe('FORBIDDEN');
  });
});

describe('imports (§3.9)', () => {
  beforeAll(async () => {
    await marketer().attributes.define.mutate({ key: 'tier', type: 'text' });
    await marketer().attributes.define.mutate({ key: 'visits', type: 'number' });
  });

  const csv = [
    'Member ID,Name,Phone,Email,Tags,attr:visits,Point Balance',
    'IMP-1,"Chen, Wei",886900000001,wei@example.com,"vip,imported",3,100',
    'IMP-2,"Line ""two""\nsecond line",886900000002,,imported,not-a-number,',
    'IMP-3,Bad Phone,0912345678,bad-email,,,',
    'IMP-4,No phone,,,,,50',
    'IMP-5,Fine,886900000005,,,7,-10',
    ',No member id,886900000006,,,,',
  ].join('\r\n');

  it('writes the good rows and reports the bad ones, row by row, in partial mode', async () => {
    const job = await marketer().imports.start.mutate({ mode: 'customers', format: 'csv', content: csv, fileName: 'members.csv', triggerJourneys: true });
    expect(job).toMatchObject({ status: 'queued', totalRows: 6, atomicity: 'partial' });
    await waitForImports();
    const done = await marketer().imports.get.query({ id: job.id });
    expect(done).toMatchObject({ status: 'done', processedRows: 6, createdRows: 1, failedRows: 5, progress: 1 });
    expect(done.errors).toEqual([
      { row: 2, line: 3, field: 'attr:visits', message: expect.stringContaining('invalid_format') },
      { row: 3, line: 5, field: 'Phone', message: expect.stringContaining('international format') },
      { row: 3, line: 5, field: 'Email', message: expect.stringContaining('not an email') },
      { row: 4, line: 6, field: 'Point Balance', message: expect.stringContaining('no phone number') },
      { row: 5, line: 7, field: 'Point Balance', message: expect.stringContaining('cannot deduct 10 points') },
      { row: 6, line: 8, field: 'Member ID', message: expect.stringContaining('required') },
    ]);
    const [written] = (await marketer().contacts.list.query({ search: 'imp-1' })).items;
    const detail = await marketer().contacts.get.query({ id: written!.id });
    expect(detail).toMatchObject({ name: 'Chen, Wei', points: { balance: 100, lifetime: 100 }, attributes: { visits: 3 } });
    expect(detail.tags.map((x) => [x.name, x.lastSource])).toEqual([
      ['imported', 'import'],
      ['vip', 'import'],
    ]);
    // Never half a row: IMP-4 and IMP-5 failed on points, so their customers were not created either.
    expect((await marketer().contacts.list.query({ search: 'imp-4' })).items).toEqual([]);
    expect((await marketer().contacts.list.query({ search: 'imp-5' })).items).toEqual([]);
    expect(t.events.map((e) => e.type).sort()).toEqual(['attribute.changed', 'customer.created', 'points.changed', 'tag.applied', 'tag.applied']);
    expect(t.events.every((e) => e.importJobId === job.id)).toBe(true);
  });

  it('writes nothing when any row is bad in all_or_nothing mode', async () => {
    const before = await t.server.prisma.customer.count();
    const job = await marketer().imports.start.mutate({ mode: 'customers', format: 'csv', content: csv, atomicity: 'all_or_nothing' });
    await waitForImports();
    expect(await marketer().imports.get.query({ id: job.id })).toMatchObject({ status: 'failed', createdRows: 0, failedRows: 3 });
    expect(await t.server.prisma.customer.count()).toBe(before);
  });

  it('rolls back every row when one fails while writing in all_or_nothing mode', async () => {
    const before = await t.server.prisma.customer.count();
    const content = JSON.stringify([
      { memberId: 'AON-1', phone: '886911000001', pointBalance: 5, tags: ['aon'] },
      { memberId: 'AON-2', phone: '886911000002', pointBalance: -5 },
    ]);
    const job = await marketer().imports.start.mutate({ mode: 'customers', format: 'json', content, atomicity: 'all_or_nothing', triggerJourneys: true });
    await waitForImports();
    const failed = await marketer().imports.get.query({ id: job.id });
    expect(failed).toMatchObject({ status: 'failed', errors: [{ row: 2, field: 'pointBalance', message: expect.stringContaining('balance is 0') }] });
    expect(await t.server.prisma.customer.count()).toBe(before);
    expect(t.events).toEqual([]);
  });

  it('imports social contacts from JSON keyed by channel and user, firing new-contact only with the toggle', async () => {
    const rows = [
      { channel: 'line', channelId: 'oa-9', externalUserId: 'U-1', displayName: 'One', attributes: { tier: 'gold' } },
      { channel: 'whatsapp', channelId: 'wa-1', externalUserId: '886900000010', name: 'Two', tags: 'wa;new' },
      { channel: 'fax', channelId: 'x', externalUserId: 'y' },
      { channel: 'line', channelId: 'oa-9', externalUserId: 'U-2', attributes: { nope: 1 }, colour: 'red' },
    ];
    const quiet = await marketer().imports.start.mutate({ mode: 'social_contacts', format: 'json', content: JSON.stringify(rows.slice(0, 1)) });
    await waitForImports();
    expect(await marketer().imports.get.query({ id: quiet.id })).toMatchObject({ status: 'done', createdRows: 1 });
    expect(t.events).toEqual([]);

    const job = await marketer().imports.start.mutate({ mode: 'social_contacts', format: 'json', content: JSON.stringify(rows), triggerJourneys: true });
    await waitForImports();
    const done = await marketer().imports.get.query({ id: job.id });
    expect(done).toMatchObject({ status: 'done', createdRows: 1, updatedRows: 1, failedRows: 2 });
    expect(done.errors.map((e) => [e.row, e.field])).toEqual([
      [3, 'channel'],
      [4, 'colour'],
      [4, 'attributes.nope'],
    ]);
    expect(t.events.filter((e) => e.type === 'contact.created')).toEqual([
      expect.objectContaining({ channel: 'whatsapp', externalUserId: '886900000010', source: 'import', importJobId: job.id }),
    ]);
    const identity = await marketer().contacts.findIdentity.query({ channel: 'line', channelId: 'oa-9', externalUserId: 'U-1' });
    expect((await marketer().contacts.get.query({ id: identity!.customerId })).attributes).toEqual({ tier: 'gold' });
  });

  it('refuses an unreadable file at once, lists jobs, and cancels only queued ones', async () => {
    const unknown = await failure(marketer().imports.start.mutate({ mode: 'customers', format: 'csv', content: 'Member ID,Shoe size\nA,42' }));
    expect(unknown.data?.code).toBe('BAD_REQUEST');
    expect(unknown.message).toContain('Shoe size');
    const broken = await failure(marketer().imports.start.mutate({ mode: 'customers', format: 'csv', content: 'Member ID,Name\n"A,unterminated' }));
    expect(broken.message).toContain('not valid CSV');
    expect((await failure(marketer().imports.start.mutate({ mode: 'customers', format: 'json', content: '{"a":1}' }))).data?.code).toBe('BAD_REQUEST');
    const tooMany = JSON.stringify(Array.from({ length: 50_001 }, () => ({})));
    expect((await failure(marketer().imports.start.mutate({ mode: 'customers', format: 'json', content: tooMany }))).message).toContain('at most 50000');

    const { items } = await marketer().imports.list.query({ limit: 100 });
    expect(items.length).toBeGreaterThanOrEqual(5);
    expect(items[0]).toMatchObject({ status: 'done', mode: 'social_contacts' });
    const cancel = await failure(marketer().imports.cancel.mutate({ id: items[0]!.id }));
    expect(cancel.data?.code).toBe('PRECONDITION_FAILED');
    expect((await failure(t.as.marketing_cs.trpc.imports.list.query({}))).data?.code).toBe('FORBIDDEN');
    const audit = await admin().audit.list.query({ action: 'import.create', limit: 100 });
    expect(audit.items.length).toBe(items.length);
  });
});

describe('the import queue', () => {
  const queuedJob = async (memberId: string) => {
    const user = await t.server.prisma.user.findFirstOrThrow({ where: { role: 'marketer' } });
    const payload = { rows: [{ row: 1, fields: { memberId, name: 'Queued' }, attributes: [] }], overwriteTags: false, deductLifetime: false };
    return t.server.prisma.importJob.create({
      data: { mode: 'customers', format: 'json', atomicity: 'partial', totalRows: 1, payload: JSON.stringify(payload), createdById: user.id },
    });
  };

  it('cancels a job while it waits, and it never runs', async () => {
    const job = await queuedJob('Q-CANCEL');
    expect(await marketer().imports.cancel.mutate({ id: job.id })).toMatchObject({ status: 'cancelled' });
    await t.server.imports.resume();
    await waitForImports();
    expect((await marketer().contacts.list.query({ search: 'q-cancel' })).items).toEqual([]);
    expect((await admin().audit.list.query({ action: 'import.cancel', objectId: job.id })).items).toHaveLength(1);
  });

  it('resumes jobs a previous process left queued', async () => {
    const job = await queuedJob('Q-RESUME');
    expect(await t.server.imports.resume()).toBeGreaterThanOrEqual(1);
    await waitForImports();
    expect(await marketer().imports.get.query({ id: job.id })).toMatchObject({ status: 'done', createdRows: 1, progress: 1 });
    expect((await marketer().contacts.list.query({ search: 'q-resume' })).items).toHaveLength(1);
  });
});

describe('test lists and test sends (§8.1)', () => {
  const identities: string[] = [];
  let flowId: string;
  beforeAll(async () => {
    const c = await marketer().contacts.create.mutate({ name: 'Testers' });
    for (let i = 0; i < 7; i++) {
      identities.push((await marketer().contacts.addIdentity.mutate({ customerId: c.id, channel: 'line', channelId: 'oa-test', externalUserId: `T${i}` })).id);
    }
    identities.push((await marketer().contacts.addIdentity.mutate({ customerId: c.id, channel: 'messenger', channelId: 'page', externalUserId: 'M1' })).id);
    flowId = (await marketer().flows.create.mutate({ kind: 'journey', name: 'Tested', channels: ['line'] })).id;
  });

  it('caps each channel list (configurable, here 3) and keeps channels apart', async () => {
    expect(await marketer().testLists.add.mutate({ channel: 'line', identityIds: identities.slice(0, 2) })).toEqual({ added: 2, size: 2, cap: TEST_LIST_CAP });
    expect(await marketer().testLists.add.mutate({ channel: 'line', identityIds: identities.slice(0, 3) })).toEqual({ added: 1, size: 3, cap: TEST_LIST_CAP });
    const full = await failure(marketer().testLists.add.mutate({ channel: 'line', identityIds: [identities[3]!] }));
    expect(full.data?.code).toBe('PRECONDITION_FAILED');
    expect(full.message).toContain('at most 3');
    const wrongChannel = await failure(marketer().testLists.add.mutate({ channel: 'messenger', identityIds: [identities[4]!] }));
    expect(wrongChannel.data?.code).toBe('BAD_REQUEST');
    expect((await marketer().testLists.list.query({ channel: 'line' })).items.map((i) => i.identity.id)).toEqual(identities.slice(0, 3));
    expect(await marketer().testLists.remove.mutate({ channel: 'line', identityIds: [identities[2]!] })).toEqual({ removed: 1 });
  });

  it('sends to at most 5 recipients from the list, and records the send in the audit log', async () => {
    const six = await failure(marketer().testLists.testSend.mutate({ channel: 'line', identityIds: identities.slice(0, 6), flowId }));
    expect(six.data?.code).toBe('BAD_REQUEST');
    const notOnList = await failure(marketer().testLists.testSend.mutate({ channel: 'line', identityIds: [identities[5]!], flowId }));
    expect(notOnList.data?.code).toBe('PRECONDITION_FAILED');
    const sent = await marketer().testLists.testSend.mutate({ channel: 'line', identityIds: identities.slice(0, 2), flowId });
    expect(sent).toEqual({ status: 'recorded', channel: 'line', recipients: identities.slice(0, 2), flowId, version: 'draft' });
    const audit = await admin().audit.list.query({ action: 'test.send', objectId: flowId });
    expect(audit.items[0]).toMatchObject({ role: 'marketer', diff: { channel: 'line', recipients: identities.slice(0, 2) } });
    expect((await failure(t.as.cs_agent.trpc.testLists.list.query({ channel: 'line' }))).data?.code).toBe('FORBIDDEN');
  });
});

describe('sessions', () => {
  it('refuses an expired session and a disabled member', async () => {
    const { httpClient: client } = await import('./testing/http-client.ts');
    const c = client(t.server.url);
    await admin().users.create.mutate({ email: 'temp@example.com', name: 'Temp', role: 'marketer', password: 'temp-password-long' });
    await c.trpc.auth.signIn.mutate({ email: 'temp@example.com', password: 'temp-password-long' });
    expect((await c.trpc.contacts.list.query({})).items).toBeDefined();
    const user = await t.server.prisma.user.findUniqueOrThrow({ where: { email: 'temp@example.com' } });
    await t.server.prisma.session.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await failure(c.trpc.contacts.list.query({}))).data?.code).toBe('UNAUTHORIZED');
    await t.server.prisma.session.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() + 3_600_000) } });
    expect((await c.trpc.contacts.list.query({})).items).toBeDefined();
    await t.server.prisma.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    expect((await failure(c.trpc.contacts.list.query({}))).data?.code).toBe('UNAUTHORIZED');
  });
});

describe('API keys (§3.13, §8.3)', () => {
  it('shows a key once, authenticates Bearer calls with its role, and stops working when revoked', async () => {
    const { key, apiKey } = await t.as.supervisor.trpc.apiKeys.create.mutate({ name: 'CRM sync', role: 'marketer' });
    expect(key).toMatch(/^omf_[0-9a-f]{12}_[\w-]{43}$/);
    expect(key.startsWith(`omf_${apiKey.prefix}_`)).toBe(true);
    const listed = await t.as.supervisor.trpc.apiKeys.list.query({});
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(listed.find((k) => k.id === apiKey.id)).toMatchObject({ role: 'marketer', createdBy: { name: 'supervisor' }, revokedAt: null });
    expect(JSON.stringify(await t.server.prisma.apiKey.findMany())).not.toContain(key);

    const api = httpClient(t.server.url, { bearer: key }).trpc;
    expect(await api.auth.me.query()).toMatchObject({ role: 'marketer', via: 'api_key', name: 'supervisor' });
    const c = await api.contacts.create.mutate({ name: 'Via API' });
    await api.tags.add.mutate({ customerId: c.id, tags: ['from-api'] });
    expect((await api.contacts.get.query({ id: c.id })).tags[0]).toMatchObject({ name: 'from-api', lastSource: 'api' });
    expect((await failure(api.flows.archive.mutate({ id: 'x' }))).data?.code).toBe('FORBIDDEN');
    expect((await failure(api.apiKeys.list.query({}))).data?.code).toBe('FORBIDDEN');
    expect((await t.server.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt).not.toBeNull();

    await t.as.supervisor.trpc.apiKeys.revoke.mutate({ id: apiKey.id });
    expect((await failure(api.contacts.list.query({}))).data?.code).toBe('UNAUTHORIZED');
    const audit = await admin().audit.list.query({ objectType: 'api_key', objectId: apiKey.id });
    expect(audit.items.map((e) => e.action)).toEqual(['api_key.revoke', 'api_key.create']);
  });

  it('refuses malformed and unknown keys, keys beyond the creator, and Marketers', async () => {
    for (const bearer of ['nope', `omf_000000000000_${'A'.repeat(43)}`]) {
      expect((await failure(httpClient(t.server.url, { bearer }).trpc.contacts.list.query({}))).data?.code).toBe('UNAUTHORIZED');
    }
    expect((await failure(t.as.marketing_cs.trpc.apiKeys.create.mutate({ name: 'too strong', role: 'admin' }))).data?.code).toBe('FORBIDDEN');
    expect((await failure(marketer().apiKeys.create.mutate({ name: 'mine' }))).data?.code).toBe('FORBIDDEN');
  });
});
