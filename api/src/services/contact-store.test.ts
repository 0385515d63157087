import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type PrismaClient } from '../db/open.ts';
import { type DomainEvent, DomainEventBus } from '../events.ts';
import { PrismaContactStore } from './contact-store.ts';

// The engine-facing contact store on a real SQLite file: keyed writes apply once and answer the same again.

let prisma: PrismaClient;
let dir: string;
let store: PrismaContactStore;
const events: DomainEvent[] = [];
const meta = (key: string) => ({ idempotencyKey: key, at: new Date('2025-03-03T02:00:00Z'), source: 'journey' as const });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omniflow-store-'));
  ({ prisma } = await openDatabase(dir));
  const bus = new DomainEventBus();
  bus.on('*', (e) => events.push(e));
  store = new PrismaContactStore({ prisma, now: () => new Date(), events: bus });
  await prisma.customer.create({ data: { id: 'c1', phone: '886911223344' } });
  await prisma.customer.create({ data: { id: 'c2' } });
  await prisma.contactIdentity.create({ data: { customerId: 'c2', channel: 'line', channelId: 'oa', externalUserId: 'U1' } });
  await prisma.attributeDefinition.create({ data: { key: 'visits', type: 'number' } });
  await prisma.attributeDefinition.create({ data: { key: 'old', type: 'text', status: 'archived' } });
});

afterAll(async () => {
  await prisma?.$disconnect();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('PrismaContactStore (the engine ContactStore on Prisma)', () => {
  it('applies each keyed write once and answers the same again', async () => {
    expect(await store.applyTags('c1', ['vip'], meta('k1'))).toEqual({ applied: ['vip'] });
    expect(await store.applyTags('c1', ['vip'], meta('k1'))).toEqual({ applied: ['vip'] });
    expect((await store.get('c1'))?.tags).toEqual([expect.objectContaining({ name: 'vip', count: 1, lastSource: 'journey' })]);
    await store.applyTags('c1', ['vip'], meta('k2'));
    expect((await store.get('c1'))?.tags[0]?.count).toBe(2);
    expect(await store.changePoints('c1', 'add', 50, 'x', meta('p1'))).toEqual({ ok: true, balance: 50 });
    expect(await store.changePoints('c1', 'add', 50, 'x', meta('p1'))).toEqual({ ok: true, balance: 50 });
    expect(await store.changePoints('c1', 'deduct', 80, 'x', meta('p2'))).toEqual({ ok: false, reason: 'insufficient' });
    expect((await store.get('c1'))?.points).toEqual({ balance: 50, lifetime: 50 });
    expect(await store.removeTags('c1', ['vip', 'none'], meta('r1'))).toEqual({ removed: ['vip'] });
    expect(events.filter((e) => e.type === 'tag.applied')).toHaveLength(2);
  });

  it('writes attributes typed, and the same value again is not a change', async () => {
    expect(await store.setAttribute('c1', 'visits', '7', meta('a1'))).toEqual({ result: 'ok', changed: true, value: 7 });
    expect(await store.setAttribute('c1', 'visits', 7, meta('a2'))).toEqual({ result: 'ok', changed: false, previous: 7, value: 7 });
    expect(await store.setAttribute('c1', 'visits', 'seven', meta('a3'))).toMatchObject({ result: 'invalid_format', changed: false });
    expect(await store.setAttribute('c1', 'old', 'x', meta('a4'))).toMatchObject({ result: 'archived' });
    expect((await store.get('c1'))?.attributes).toEqual({ visits: 7 });
  });

  it('needs a phone for points; subscription and hand-off update the contacts', async () => {
    expect(await store.changePoints('c2', 'add', 1, 'x', meta('p3'))).toEqual({ ok: false, reason: 'no_phone' });
    await store.setSubscription('c2', 'unsubscribed', meta('s1'));
    expect(await store.handOff('c2', {}, meta('h1'))).toEqual({ assigned: false });
    const c2 = await store.get('c2');
    expect(c2?.identities[0]).toMatchObject({ subscriptionStatus: 'unsubscribed', conversationState: 'pending_human' });
    expect(await store.get('nobody')).toBeUndefined();
  });
});
