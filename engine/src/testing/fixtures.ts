import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinCatalogue } from '@omniflow/nodes';
import { Customer } from '@omniflow/schemas';
import { ManualClock } from '../clock.ts';
import { type ContactStoreOptions, MemoryContactStore } from '../contacts/contact-store.ts';
import { type Effect, type EffectResult, RecordingEffectHandler } from '../effects.ts';
import { createEmbeddedEngine, type EmbeddedEngine } from '../embedded/engine.ts';

// Shared by the engine's tests: contacts, example flows, and an engine on a temp file with a manual clock.

const here = dirname(fileURLToPath(import.meta.url));
export const EXAMPLES = join(here, '../../../examples/flows');

export function exampleFlow(name: string): unknown {
  return JSON.parse(readFileSync(join(EXAMPLES, name), 'utf8'));
}

export function contact(id: string, extra: Partial<Customer> = {}): Customer {
  return Customer.parse({
    id,
    name: `Customer ${id}`,
    phone: '886911223344',
    createdAt: '2025-01-01T00:00:00Z',
    identities: [{ channel: 'line', channelId: 'ch_line', externalUserId: `U${id}`, subscriptionStatus: 'subscribed', conversationState: 'pending_bot' }],
    ...extra,
  });
}

export function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'omniflow-engine-')), 'engine.db');
}

export interface TestEngine {
  engine: EmbeddedEngine;
  clock: ManualClock;
  contacts: MemoryContactStore;
  effects: RecordingEffectHandler;
  file: string;
  /** Moves the virtual clock and waits until the engine is idle again. */
  advance(ms: number): Promise<void>;
}

export function testEngine(
  options: {
    contacts?: Customer[];
    file?: string;
    clock?: ManualClock;
    answer?: (e: Effect) => EffectResult | Promise<EffectResult>;
    contactOptions?: ContactStoreOptions;
    store?: MemoryContactStore;
    effects?: RecordingEffectHandler;
  } = {},
): TestEngine {
  const clock = options.clock ?? new ManualClock(new Date('2025-03-03T02:00:00Z'));
  const contacts = options.store ?? new MemoryContactStore(options.contacts ?? [contact('c1')], options.contactOptions);
  const effects = options.effects ?? new RecordingEffectHandler(options.answer);
  const file = options.file ?? tempDb();
  const engine = createEmbeddedEngine({ file, catalogue: builtinCatalogue(), contacts, effects, clock, onError: (e) => console.error(e) });
  engine.start();
  return {
    engine,
    clock,
    contacts,
    effects,
    file,
    advance: async (ms) => {
      await engine.idle();
      clock.advance(ms);
      await engine.idle();
    },
  };
}

let seq = 0;
export function tagEvent(customerId: string, tags: string[], extra: Record<string, unknown> = {}) {
  seq += 1;
  return {
    id: `evt_${seq}`,
    type: 'tag.applied' as const,
    occurredAt: new Date().toISOString(),
    customerId,
    channel: 'line' as const,
    source: 'manual',
    payload: { tags, ...extra },
    dedupeKey: `tag_${seq}`,
  };
}

export function messageEvent(customerId: string, text: string) {
  seq += 1;
  return {
    id: `msg_${seq}`,
    type: 'message.received' as const,
    occurredAt: new Date().toISOString(),
    customerId,
    channel: 'line' as const,
    payload: { text },
    dedupeKey: `msg_${seq}`,
  };
}
