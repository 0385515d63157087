import { describe, expect, it } from 'vitest';
import { contact, tempDb } from '../testing/fixtures.ts';
import { type ContactStore, MemoryContactStore, SqliteContactStore } from './contact-store.ts';

const attributes = [
  { key: 'visits', type: 'number' as const, status: 'active' as const },
  { key: 'birthday', type: 'date' as const, status: 'active' as const },
  { key: 'old', type: 'text' as const, status: 'archived' as const },
];

const stores: [string, () => ContactStore & { put(c: ReturnType<typeof contact>): void }][] = [
  ['memory', () => new MemoryContactStore([], { attributes })],
  ['sqlite', () => new SqliteContactStore(tempDb(), { attributes })],
];

const meta = (key: string) => ({ idempotencyKey: key, at: new Date('2025-03-03T02:00:00Z'), source: 'journey' as const });

describe.each(stores)('%s contact store', (_name, make) => {
  it('applies each keyed write once and answers the same again', async () => {
    const store = make();
    store.put(contact('c1', { phone: '886911223344' }));
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
  });

  it('writes attributes typed, reports invalid values, and treats the same value as no change', async () => {
    const store = make();
    store.put(contact('c1'));
    expect(await store.setAttribute('c1', 'visits', '7', meta('a1'))).toMatchObject({ result: 'ok', changed: true, value: 7 });
    expect(await store.setAttribute('c1', 'visits', 7, meta('a2'))).toMatchObject({ result: 'ok', changed: false });
    expect(await store.setAttribute('c1', 'visits', 'seven', meta('a3'))).toMatchObject({ result: 'invalid_format' });
    expect(await store.setAttribute('c1', 'birthday', '1990-05-31', meta('a4'))).toMatchObject({ result: 'ok', value: '1990-05-31' });
    expect(await store.setAttribute('c1', 'old', 'x', meta('a5'))).toMatchObject({ result: 'archived' });
    expect(await store.setAttribute('c1', 'visits', null, meta('a6'))).toMatchObject({ result: 'ok', changed: true });
    expect((await store.get('c1'))?.attributes).toEqual({ birthday: '1990-05-31' });
  });

  it('points need a phone number; subscription and hand-off update the identities', async () => {
    const store = make();
    store.put(contact('c1', { phone: undefined }));
    expect(await store.changePoints('c1', 'add', 1, 'x', meta('p'))).toEqual({ ok: false, reason: 'no_phone' });
    await store.setSubscription('c1', 'unsubscribed', meta('s'));
    expect((await store.get('c1'))?.identities[0]?.subscriptionStatus).toBe('unsubscribed');
    expect(await store.handOff('c1', { assignTo: { kind: 'role' } }, meta('h'))).toEqual({ assigned: true });
    expect((await store.get('c1'))?.identities[0]?.conversationState).toBe('in_progress');
  });
});
