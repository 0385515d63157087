import type { ChannelKind, TagSource } from '@omniflow/schemas';

// Domain events: every change to customer data emits one, after its transaction commits. The
// engine subscribes to turn them into trigger events (§3.4–3.6, §3.9); nothing here knows about
// journeys. Import-driven changes are emitted only when the import's "trigger journeys" toggle is on.

/** Where an attribute value change came from (§3.5 `sources`). */
export const ATTRIBUTE_SOURCES = ['manual', 'import', 'api', 'bot', 'journey', 'integration'] as const;
export type AttributeSource = (typeof ATTRIBUTE_SOURCES)[number];

/** JSON-compatible reference to what produced a change ({flowId, versionId, nodeId, runId} or {feature, objectId}). */
export type SourceRefValue = { flowId: string; versionId: string; nodeId: string; runId: string } | { feature: string; objectId?: string | undefined };

interface Base {
  /** ISO-8601. */
  at: string;
  customerId: string;
  /** Set when the change came from an import job. */
  importJobId?: string;
}

export type DomainEvent =
  | (Base & { type: 'customer.created'; memberId: string | null })
  | (Base & { type: 'contact.created'; identityId: string; channel: ChannelKind; channelId: string; externalUserId: string; source: string })
  | (Base & { type: 'tag.applied'; tag: string; count: number; source: TagSource; sourceRef?: SourceRefValue })
  | (Base & { type: 'tag.removed'; tag: string; source: TagSource; sourceRef?: SourceRefValue })
  | (Base & { type: 'attribute.changed'; key: string; old: string | number | boolean | null; new: string | number | boolean | null; source: AttributeSource })
  | (Base & { type: 'points.changed'; op: 'add' | 'deduct'; delta: number; balance: number; lifetime: number; ledgerEntryId: string });

export type DomainEventType = DomainEvent['type'];
export type DomainEventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;

type Handler<T extends DomainEventType> = (event: DomainEventOf<T>) => void;

/**
 * A typed in-process event emitter. Handlers run synchronously in subscription order; a handler
 * that throws is reported to `onError` and does not stop the others (a subscriber's bug must not
 * undo a committed change or hide it from the other subscribers).
 */
export class DomainEventBus {
  private readonly handlers = new Map<DomainEventType | '*', Set<(event: DomainEvent) => void>>();

  constructor(private readonly onError: (error: unknown, event: DomainEvent) => void = () => {}) {}

  /** Subscribes to one event type, or to every event with '*'; returns the unsubscribe function. */
  on<T extends DomainEventType>(type: T, handler: Handler<T>): () => void;
  on(type: '*', handler: (event: DomainEvent) => void): () => void;
  on(type: DomainEventType | '*', handler: (event: never) => void): () => void {
    const set = this.handlers.get(type) ?? new Set();
    this.handlers.set(type, set);
    const h = handler as (event: DomainEvent) => void;
    set.add(h);
    return () => set.delete(h);
  }

  emit(event: DomainEvent): void {
    for (const handler of [...(this.handlers.get(event.type) ?? []), ...(this.handlers.get('*') ?? [])]) {
      try {
        handler(event);
      } catch (e) {
        this.onError(e, event);
      }
    }
  }

  emitAll(events: readonly DomainEvent[]): void {
    for (const event of events) this.emit(event);
  }
}
