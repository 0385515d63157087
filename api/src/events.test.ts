import { describe, expect, it } from 'vitest';
import { type DomainEvent, DomainEventBus } from './events.ts';

const applied: DomainEvent = { type: 'tag.applied', at: '2026-01-01T00:00:00.000Z', customerId: 'c1', tag: 'vip', count: 1, source: 'manual' };
const removed: DomainEvent = { type: 'tag.removed', at: '2026-01-01T00:00:00.000Z', customerId: 'c1', tag: 'vip', source: 'manual' };

describe('DomainEventBus', () => {
  it('delivers by type and to "*", in order, until unsubscribed', () => {
    const bus = new DomainEventBus();
    const seen: string[] = [];
    const off = bus.on('tag.applied', (e) => seen.push(`applied:${e.tag}:${e.count}`));
    bus.on('*', (e) => seen.push(`any:${e.type}`));
    bus.emitAll([applied, removed]);
    off();
    bus.emit(applied);
    expect(seen).toEqual(['applied:vip:1', 'any:tag.applied', 'any:tag.removed', 'any:tag.applied']);
  });

  it('reports a failing subscriber and still delivers to the others', () => {
    const errors: string[] = [];
    const bus = new DomainEventBus((error, event) => errors.push(`${event.type}: ${(error as Error).message}`));
    const seen: string[] = [];
    bus.on('tag.applied', () => {
      throw new Error('boom');
    });
    bus.on('tag.applied', (e) => seen.push(e.tag));
    bus.emit(applied);
    expect(errors).toEqual(['tag.applied: boom']);
    expect(seen).toEqual(['vip']);
  });
});
