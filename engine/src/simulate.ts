import { builtinCatalogue, type Catalogue } from '@omniflow/nodes';
import type { Customer, FlowGraph } from '@omniflow/schemas';
import { ManualClock } from './clock.ts';
import { type ContactStoreOptions, MemoryContactStore } from './contacts/contact-store.ts';
import { type Effect, type EffectResult, RecordingEffectHandler } from './effects.ts';
import { type ContactEvent, createEmbeddedEngine, type RunRecord, type TimelineStep } from './embedded/engine.ts';

// The simulator: one contact through one graph on a virtual clock. It runs the real interpreter and
// node runs on an in-memory engine, fast-forwards the clock to each timer, answers waits for input from
// a script of replies, and returns the timeline with every step's explanation and every effect.

export interface SimulateOptions {
  contact: Customer;
  /** Start at this node (default: where the graph's first trigger leads). */
  startNodeId?: string;
  triggerId?: string;
  clock?: ManualClock;
  catalogue?: Catalogue;
  /** Inbound events delivered, in order, whenever the run waits for input. */
  inputs?: readonly Omit<ContactEvent, 'customerId'>[];
  /** Do not fast-forward past this time. */
  until?: Date;
  /** How the simulated channels answer (default: every send succeeds). */
  answer?: (effect: Effect) => EffectResult;
  contactOptions?: ContactStoreOptions;
}

export interface SimulationResult {
  run: RunRecord | undefined;
  steps: TimelineStep[];
  effects: Effect[];
  contact: Customer | undefined;
  /** The virtual time when the simulation stopped. */
  endedAt: Date;
}

export async function simulate(graph: FlowGraph | unknown, options: SimulateOptions): Promise<SimulationResult> {
  const clock = options.clock ?? new ManualClock();
  const contacts = new MemoryContactStore([options.contact], options.contactOptions);
  const effects = new RecordingEffectHandler(options.answer);
  const engine = createEmbeddedEngine({ file: ':memory:', catalogue: options.catalogue ?? builtinCatalogue(), contacts, effects, clock });
  engine.publish('simulation', 'simulation-v1', graph);
  engine.start();
  try {
    const channel = options.contact.identities[0]?.channel;
    const entry = await engine.enter('simulation', options.contact.id, {
      ...(options.startNodeId ? { startNodeId: options.startNodeId } : {}),
      ...(options.triggerId ? { triggerId: options.triggerId } : {}),
      ...(channel ? { channel } : {}),
    });
    if (!entry.entered || !entry.runId) throw new Error(`The contact could not enter: ${entry.reason}`);
    const inputs = [...(options.inputs ?? [])];
    for (let i = 0; i < 10_000; i++) {
      await engine.idle();
      const run = engine.getRun(entry.runId);
      if (!run || run.state === 'done') break;
      if (run.state !== 'waiting') continue;
      const input = inputs.shift();
      if (input) {
        engine.deliverInbound({ ...input, customerId: options.contact.id });
        continue;
      }
      const next = clock.nextTimerAt();
      if (next === undefined || (options.until && next > options.until.getTime())) break;
      clock.set(next);
    }
    await engine.idle();
    const timeline = engine.runTimeline(entry.runId);
    return {
      run: timeline.run,
      steps: timeline.steps,
      effects: effects.delivered,
      contact: await contacts.get(options.contact.id),
      endedAt: new Date(clock.now()),
    };
  } finally {
    await engine.stop();
  }
}
