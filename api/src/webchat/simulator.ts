import { randomUUID } from 'node:crypto';
import {
  createEmbeddedEngine,
  type Effect,
  type EffectResult,
  type EmbeddedEngine,
  ManualClock,
  MemoryContactStore,
  parsePostbackData,
} from '@omniflow/engine';
import type { Catalogue } from '@omniflow/nodes';
import {
  BOT_SCOPE_CHANNELS,
  type ChannelKind,
  Customer,
  type FlowGraph,
  type WebChatClientFrame,
  type WebChatServerFrame,
  type WebChatStep,
} from '@omniflow/schemas';
import { z } from 'zod';
import { toWebChatMessage } from './render.ts';

// The studio simulator: a flow's current draft on a sandboxed in-memory engine with a virtual clock,
// for one fresh test contact. Sends are recorded, not delivered (they become `message` frames), every
// executed step is streamed as a `step` frame, and `fastForward` moves the clock to the next timer.
// Nothing here reaches the api's contacts or any real channel.

const FLOW_ID = 'simulation';
const VERSION_ID = 'simulation-draft';
/** The simulator's test identity lives on this channel account. */
const SIM_CHANNEL_ID = 'simulator';

export interface SimulatorOptions {
  graph: FlowGraph;
  catalogue: Catalogue;
  /** Journeys (or chatbots) may start at any node. */
  startNodeId?: string;
  send: (frame: WebChatServerFrame) => Promise<void>;
  /** Where the virtual clock starts (default: now). */
  startAt?: () => Date;
  onError?: (error: unknown) => void;
}

type TestContact = NonNullable<Extract<WebChatClientFrame, { type: 'hello' }>['testContact']>;

/** The channel the simulated contact talks on: web chat when the flow uses it, else the flow's first channel. */
export function simulationChannel(graph: FlowGraph): ChannelKind {
  const channels: readonly ChannelKind[] = graph.kind === 'chatbot' ? BOT_SCOPE_CHANNELS[graph.bot.scope] : graph.channels;
  return channels.includes('webchat') ? 'webchat' : (channels[0] ?? 'webchat');
}

function moduleOf(graph: FlowGraph, nodeId: string): string | undefined {
  if (graph.kind !== 'chatbot') return undefined;
  return graph.modules.find((m) => m.cards.some((c) => c.id === nodeId))?.id;
}

interface Session {
  id: string;
  engine: EmbeddedEngine;
  clock: ManualClock;
  contacts: MemoryContactStore;
  customerId: string;
  emitted: Set<string>;
  handedOff: boolean;
}

export class SimulatorSession {
  readonly #o: SimulatorOptions;
  readonly #channel: ChannelKind;
  #session: Session | undefined;
  #testContact: TestContact | undefined;
  #name = 'Test contact';
  #messageSeq = 0;

  constructor(options: SimulatorOptions) {
    this.#o = options;
    this.#channel = simulationChannel(options.graph);
  }

  get started(): boolean {
    return this.#session !== undefined;
  }

  /** Starts (or restarts) with a fresh test contact (named and tagged as the hello said); a journey (or a start node) is entered at once. */
  async start(hello: { testContact?: TestContact | undefined; name?: string | undefined } = {}): Promise<void> {
    if (hello.testContact) this.#testContact = hello.testContact;
    if (hello.name) this.#name = hello.name;
    await this.stop();
    const now = (this.#o.startAt?.() ?? new Date()).getTime();
    const clock = new ManualClock(now);
    const customerId = `sim_${randomUUID()}`;
    const at = new Date(now).toISOString();
    const contact = Customer.parse({
      id: customerId,
      name: this.#name,
      createdAt: at,
      identities: [
        { channel: this.#channel, channelId: SIM_CHANNEL_ID, externalUserId: customerId, subscriptionStatus: 'subscribed', conversationState: 'pending_bot' },
      ],
      tags: (this.#testContact?.tags ?? []).map((name) => ({ name, count: 1, firstAppliedAt: at, lastAppliedAt: at, lastSource: 'manual' })),
      attributes: this.#testContact?.attributes ?? {},
    });
    const contacts = new MemoryContactStore([contact]);
    const engine = createEmbeddedEngine({
      file: ':memory:',
      catalogue: this.#o.catalogue,
      contacts,
      effects: { deliver: (effect) => this.#deliver(effect) },
      clock,
      // A failed send is not retried in a simulation: the tester sees the failure at once.
      maxDeliveryAttempts: 1,
      ...(this.#o.onError ? { onError: this.#o.onError } : {}),
    });
    try {
      engine.publish(FLOW_ID, VERSION_ID, this.#o.graph);
    } catch (e) {
      // A draft is work in progress: say what is wrong instead of failing the socket.
      await engine.stop();
      const issue = e instanceof z.ZodError ? e.issues[0] : undefined;
      await this.#o.send({
        type: 'error',
        code: 'invalid_draft',
        message: issue ? `${issue.path.join('.')}: ${issue.message}` : e instanceof Error ? e.message : String(e),
        ...(issue ? { field: issue.path.join('.') } : {}),
      });
      return;
    }
    engine.start();
    const session: Session = { id: `sim_${randomUUID()}`, engine, clock, contacts, customerId, emitted: new Set(), handedOff: false };
    this.#session = session;
    await this.#o.send({ type: 'welcome', visitorId: customerId, sessionId: session.id, simulation: true });
    await this.#o.send({ type: 'clock', now: new Date(clock.now()).toISOString() });
    if (this.#o.graph.kind === 'journey' || this.#o.startNodeId) {
      const entry = await engine.enter(FLOW_ID, customerId, {
        ...(this.#o.startNodeId ? { startNodeId: this.#o.startNodeId } : {}),
        channel: this.#channel,
      });
      if (!entry.entered) await this.#o.send({ type: 'error', code: 'not_entered', message: `The test contact could not enter: ${entry.reason ?? 'unknown'}` });
      await this.#settle();
    }
  }

  /** The tester typed a message or pressed a button. */
  async inbound(frame: Extract<WebChatClientFrame, { type: 'text' | 'postback' }>): Promise<void> {
    const s = this.#requireSession();
    const id = `sim:${s.id}:${frame.clientMessageId}`;
    const base = {
      id,
      occurredAt: new Date(s.clock.now()).toISOString(),
      customerId: s.customerId,
      channel: this.#channel,
      channelId: SIM_CHANNEL_ID,
      source: 'simulator',
      dedupeKey: id,
    };
    if (frame.type === 'text') s.engine.ingest({ ...base, type: 'message.received', payload: { text: frame.text } });
    else {
      const routed = parsePostbackData(frame.payload);
      if (routed.buttonId) s.engine.ingest({ ...base, type: 'postback.received', payload: { data: frame.payload, label: frame.label, ...routed } });
      else s.engine.ingest({ ...base, type: 'message.received', payload: { text: frame.label || frame.payload } });
    }
    await this.#o.send({ type: 'typing' });
    await this.#settle();
  }

  /** Moves the virtual clock to the next timer (or by `minutes`), lets due work run, reports the clock. */
  async fastForward(minutes?: number): Promise<void> {
    const s = this.#requireSession();
    if (minutes !== undefined) s.clock.advance(minutes * 60_000);
    else {
      const next = s.clock.nextTimerAt();
      if (next === undefined) await this.#o.send({ type: 'error', code: 'nothing_scheduled', message: 'No wait is pending: the clock did not move' });
      else s.clock.set(next);
    }
    await this.#settle();
    await this.#o.send({ type: 'clock', now: new Date(s.clock.now()).toISOString() });
  }

  async stop(): Promise<void> {
    const s = this.#session;
    this.#session = undefined;
    if (s) await s.engine.stop();
  }

  #requireSession(): Session {
    if (!this.#session) throw new Error('The simulation has not started');
    return this.#session;
  }

  async #deliver(effect: Effect): Promise<EffectResult> {
    if (effect.kind === 'http') return { ok: true, status: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
    const messageId = `sim_msg_${++this.#messageSeq}`;
    if (effect.kind === 'capi') return { ok: true, messageId, channel: this.#channel };
    const payload = effect.payload as { nodeType?: unknown; content?: unknown };
    const nodeType = String(payload.nodeType ?? '');
    const content = payload.content && typeof payload.content === 'object' ? (payload.content as Record<string, unknown>) : {};
    const at = new Date(this.#session?.clock.now() ?? Date.now()).toISOString();
    const rendered = toWebChatMessage({ nodeType, content }, { flowId: effect.flowId, nodeId: effect.nodeId }, { id: messageId, at });
    // A card web chat cannot draw (an imagemap on a LINE bot) was still "sent": the tester sees what it was.
    const message = 'id' in rendered ? rendered : { id: messageId, at, nodeType, text: `[${nodeType}]`, cards: [], buttons: [], quickReplies: [] };
    await this.#o.send({ type: 'message', message });
    return { ok: true, messageId, channel: this.#channel };
  }

  /** Waits for the engine to finish what it can do now, then streams the steps it took. */
  async #settle(): Promise<void> {
    const s = this.#session;
    if (!s) return;
    await s.engine.idle();
    for (const run of s.engine.runs()) {
      for (const step of s.engine.runTimeline(run.id).steps) {
        const key = `${run.id}:${step.seq}:${step.outcome}`;
        if (s.emitted.has(key)) continue;
        s.emitted.add(key);
        const moduleId = moduleOf(this.#o.graph, step.nodeId);
        const frame: WebChatStep = {
          nodeId: step.nodeId,
          ...(moduleId ? { moduleId } : {}),
          outcome: step.outcome,
          ...(step.port ? { port: step.port } : {}),
          ...(step.explanation ? { explanation: step.explanation } : {}),
          ...(step.error ? { error: step.error.message } : {}),
          at: step.endedAt ?? step.startedAt,
        };
        await this.#o.send({ type: 'step', step: frame });
        if (step.nodeType === 'action.handoff' && step.outcome !== 'failed' && !s.handedOff) {
          s.handedOff = true;
          await this.#o.send({ type: 'handoff', ...(step.explanation ? { message: step.explanation } : {}) });
        }
      }
    }
  }
}
