import { type Effect, ManualClock, parsePostbackData, simulate } from '@omniflow/engine';
import {
  AttributeKey,
  AttributeValue,
  BOT_SCOPE_CHANNELS,
  ChannelKind,
  Customer,
  type FlowGraph,
  listNodes,
  Phone,
  SENDABLE_CHANNELS,
  type WebChatBotMessage,
} from '@omniflow/schemas';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { FlowServiceContext } from '../services/context.ts';
import { readStoredGraph } from '../services/flow-dto.ts';
import { loadFlow } from '../services/flows.ts';
import { getVersion } from '../services/versions.ts';
import { permitted, router } from '../trpc.ts';
import { toWebChatMessage } from '../webchat/index.ts';
import { TagName } from './common.ts';

// The batch simulator: one test contact through a flow's draft (or one of its versions) on a virtual
// clock, with scripted replies. It runs the engine's own `simulate()` in memory, so nothing reaches
// real contacts or channels. The studio uses it for journeys (a contact fixture, start anywhere,
// fast-forward one wait at a time by raising `until`) and as the fallback when the chat socket is down.

/** The test contact: only what a marketer would type into the simulator's contact form. */
export const SimulatorContact = z.object({
  name: z.string().trim().max(200).optional(),
  email: z.email().optional(),
  phone: Phone.optional(),
  tags: z.array(TagName).max(100).default([]),
  attributes: z.record(AttributeKey, AttributeValue).default({}),
  points: z.number().int().min(-1_000_000_000).max(1_000_000_000).default(0),
  /** The channel the contact talks on (default: the bot's first channel, or the journey's). */
  channel: ChannelKind.optional(),
});
export type SimulatorContact = z.infer<typeof SimulatorContact>;

/** What the contact does whenever the run waits for input, in order. */
export const SimulatorInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string().min(1).max(2000) }),
  /** A button or quick-reply option (its id in the card's config), optionally of one card. */
  z.object({ kind: z.literal('button'), buttonId: z.string().min(1).max(100), nodeId: z.string().min(1).max(200).optional() }),
  /** A web chat postback as a drawn message carries it (`message.buttons[].payload`); other data is a typed reply. */
  z.object({ kind: z.literal('postback'), payload: z.string().min(1).max(2000), label: z.string().max(200).default('') }),
]);
export type SimulatorInput = z.infer<typeof SimulatorInput>;

const Instant = z.iso.datetime({ offset: true });

export const SimulatorRunInput = z.object({
  flowId: z.string().min(1).max(64),
  /** A published version's number; omitted = the current draft. */
  version: z.number().int().min(1).optional(),
  startNodeId: z.string().min(1).max(200).optional(),
  triggerId: z.string().min(1).max(200).optional(),
  contact: SimulatorContact.default({ tags: [], attributes: {}, points: 0 }),
  inputs: z.array(SimulatorInput).max(200).default([]),
  /** Virtual start time (default 2025-01-01T09:00:00Z, so runs are repeatable). */
  startAt: Instant.optional(),
  /** Do not fast-forward past this virtual time: the studio raises it one wait at a time. */
  until: Instant.optional(),
});
export type SimulatorRunInput = z.infer<typeof SimulatorRunInput>;

export interface SimulatedStep {
  seq: number;
  nodeId: string;
  nodeType: string;
  /** Chatbots: the module the card belongs to. */
  moduleId?: string;
  outcome: string;
  port?: string;
  explanation?: string;
  error?: string;
  at: string;
}

export interface SimulatedEffect {
  nodeId: string;
  kind: Effect['kind'];
  /** One readable sentence: what was sent or called. */
  summary: string;
  /** A send as web chat draws it (text, buttons, quick replies, images, carousels), when web chat can. */
  message?: WebChatBotMessage;
}

export interface SimulatorRunResult {
  status: string;
  state: 'ready' | 'effect' | 'waiting' | 'done' | 'not_started';
  currentNodeId?: string;
  steps: SimulatedStep[];
  effects: SimulatedEffect[];
  contact: { tags: string[]; attributes: Record<string, AttributeValue>; points: number };
  startedAt: string;
  endedAt: string;
  /** The next timer still pending at `endedAt` (a wait's end): pass it as `until` to fast-forward. */
  nextTimerAt?: string;
}

const DEFAULT_START = '2025-01-01T09:00:00.000Z';

/**
 * A manual clock that remembers the last due time it was asked about: `simulate()` asks for the next
 * timer right before it stops at the horizon, and stopping the engine clears its timers afterwards.
 */
class ObservedClock extends ManualClock {
  lastSeenNext: number | undefined;
  override nextTimerAt(): number | undefined {
    this.lastSeenNext = super.nextTimerAt();
    return this.lastSeenNext;
  }
}

async function graphToRun(ctx: FlowServiceContext, flowId: string, version: number | undefined): Promise<FlowGraph> {
  if (version !== undefined) return (await getVersion(ctx, flowId, version)).graph;
  const row = await loadFlow(ctx, flowId);
  return readStoredGraph(row.draftGraph, `flow ${flowId}`);
}

function defaultChannel(graph: FlowGraph): ChannelKind {
  const channels = graph.kind === 'chatbot' ? BOT_SCOPE_CHANNELS[graph.bot.scope] : graph.channels;
  return channels.find((c) => (SENDABLE_CHANNELS as readonly string[]).includes(c)) ?? 'webchat';
}

function fixtureCustomer(fixture: SimulatorContact, channel: ChannelKind, at: string): Customer {
  return Customer.parse({
    id: 'sim_contact',
    name: fixture.name ?? 'Test contact',
    ...(fixture.email ? { email: fixture.email } : {}),
    ...(fixture.phone ? { phone: fixture.phone } : {}),
    identities: [{ channel, channelId: `sim_${channel}`, externalUserId: 'sim_visitor', subscriptionStatus: 'subscribed', conversationState: 'pending_bot' }],
    tags: fixture.tags.map((name) => ({ name, count: 1, firstAppliedAt: at, lastAppliedAt: at, lastSource: 'manual' })),
    attributes: fixture.attributes,
    points: { balance: fixture.points, lifetime: Math.max(0, fixture.points) },
    createdAt: at,
  });
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
const clip = (s: string, n = 120) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The first human-readable text of a sent message's content (text, title, question, alt text). */
function messageText(content: unknown): string | undefined {
  if (!content || typeof content !== 'object') return undefined;
  const c = content as Record<string, unknown>;
  for (const key of ['text', 'title', 'question', 'altText', 'caption', 'name']) if (str(c[key])) return str(c[key]);
  if (c.content && typeof c.content === 'object') return messageText(c.content);
  return undefined;
}

export function summarizeEffect(effect: Effect, index = 0, at = new Date(0).toISOString()): SimulatedEffect {
  const p = effect.payload;
  let summary: string;
  if (effect.kind === 'send') {
    const text = messageText(p.content);
    summary = `Sends ${str(p.nodeType) ?? 'a message'}${str(p.channel) ? ` on ${p.channel}` : ''}${text ? `: “${clip(text)}”` : ''}`;
  } else if (effect.kind === 'http') {
    summary = `Calls ${str(p.method) ?? 'GET'} ${clip(str(p.url) ?? '(no URL)')}`;
  } else {
    summary = `Sends the Meta Conversions API event ${str(p.eventName) ?? str(p.event_name) ?? '(unnamed)'}`;
  }
  const drawn =
    effect.kind === 'send' && typeof p.nodeType === 'string' && p.content && typeof p.content === 'object'
      ? toWebChatMessage(
          { nodeType: p.nodeType, content: p.content as Readonly<Record<string, unknown>> },
          { flowId: effect.flowId, nodeId: effect.nodeId },
          { id: `sim_${index}`, at },
        )
      : undefined;
  return { nodeId: effect.nodeId, kind: effect.kind, summary, ...(drawn && 'id' in drawn ? { message: drawn } : {}) };
}

/** A scripted input as the engine's inbound event. */
function inboundOf(input: SimulatorInput, channel: ChannelKind) {
  if (input.kind === 'text') return { kind: 'reply' as const, channel, payload: { text: input.text } };
  if (input.kind === 'button')
    return { kind: 'buttonClick' as const, channel, payload: { buttonId: input.buttonId, ...(input.nodeId ? { nodeId: input.nodeId } : {}) } };
  const routed = parsePostbackData(input.payload);
  return routed.buttonId
    ? { kind: 'buttonClick' as const, channel, payload: { buttonId: routed.buttonId, ...(routed.nodeId ? { nodeId: routed.nodeId } : {}) } }
    : { kind: 'reply' as const, channel, payload: { text: input.label || input.payload } };
}

export async function runSimulation(ctx: FlowServiceContext, input: SimulatorRunInput): Promise<SimulatorRunResult> {
  const graph = await graphToRun(ctx, input.flowId, input.version);
  const startedAt = new Date(input.startAt ?? DEFAULT_START);
  const until = input.until ? new Date(input.until) : undefined;
  if (until && until < startedAt) throw new TRPCError({ code: 'BAD_REQUEST', message: 'until must not be before startAt' });
  const known = new Set(listNodes(graph).map((l) => l.node.id));
  for (const [field, id] of [
    ['startNodeId', input.startNodeId],
    ['triggerId', input.triggerId],
  ] as const) {
    if (id !== undefined && !known.has(id)) throw new TRPCError({ code: 'BAD_REQUEST', message: `${field} "${id}" is not a node of this flow` });
  }
  const moduleOf = new Map<string, string>();
  for (const l of listNodes(graph)) if (l.kind === 'card') moduleOf.set(l.node.id, l.module.id);

  const channel = input.contact.channel ?? defaultChannel(graph);
  type Outcome = Awaited<ReturnType<typeof simulate>>;
  let clock = new ObservedClock(startedAt);
  const once = async (
    at: { startNodeId?: string; triggerId?: string },
    contact: Customer,
    from: Date,
    inputs: readonly SimulatorInput[],
    horizon: Date | undefined,
  ): Promise<Outcome> => {
    clock = new ObservedClock(from);
    try {
      return await simulate(graph, {
        contact,
        clock,
        catalogue: ctx.catalogue,
        ...(at.startNodeId ? { startNodeId: at.startNodeId } : {}),
        ...(at.triggerId ? { triggerId: at.triggerId } : {}),
        ...(horizon ? { until: horizon } : {}),
        inputs: inputs.map((i) => inboundOf(i, channel)),
      });
    } catch (error) {
      // The engine refuses entry in plain words (no trigger leads anywhere, an unknown node type…).
      throw new TRPCError({ code: 'BAD_REQUEST', message: error instanceof Error ? error.message : String(error) });
    }
  };
  const first = { ...(input.startNodeId ? { startNodeId: input.startNodeId } : {}), ...(input.triggerId ? { triggerId: input.triggerId } : {}) };
  const initialContact = fixtureCustomer(input.contact, channel, startedAt.toISOString());
  const routeOf = (i: SimulatorInput) => (i.kind === 'button' ? i : i.kind === 'postback' ? parsePostbackData(i.payload) : {});
  const earlier: { steps: Outcome['steps']; effects: Outcome['effects'] } = { steps: [], effects: [] };
  let result: Outcome;
  if (graph.kind !== 'chatbot' || !input.inputs.some((i) => routeOf(i).nodeId)) {
    result = await once(first, initialContact, startedAt, input.inputs, until);
  } else {
    // A chatbot's run ends after a module that does not wait, yet a button of one of its cards still
    // works later (its postback starts the module the button leads to), and simulate() drops inputs once
    // the run is done. So a script with card buttons is replayed segment by segment: probing without
    // fast-forward, each input goes to the segment's run while it waits for input; a button of a
    // finished segment starts the next segment at its target module; the last segment runs to `until`.
    let segment = first;
    let segmentInputs: SimulatorInput[] = [];
    let contact = initialContact;
    let from = startedAt;
    const probe = (inputs: readonly SimulatorInput[]) => once(segment, contact, from, inputs, from);
    result = await probe([]);
    for (const next of input.inputs) {
      if (result.run?.state === 'waiting') {
        segmentInputs = [...segmentInputs, next];
        result = await probe(segmentInputs);
        continue;
      }
      const routed = routeOf(next);
      const target =
        routed.nodeId && routed.buttonId
          ? graph.edges.find((e) => e.source === routed.nodeId && e.sourcePort === `button:${routed.buttonId}`)?.target
          : undefined;
      const firstCard = graph.modules.find((m) => m.id === target)?.cards[0];
      if (!firstCard) continue; // nothing listens for this input any more, as in a real chat
      earlier.steps.push(...result.steps);
      earlier.effects.push(...result.effects);
      contact = result.contact ?? contact;
      from = result.endedAt;
      segment = { startNodeId: firstCard.id };
      segmentInputs = [];
      result = await probe([]);
    }
    result = await once(segment, contact, from, segmentInputs, until);
  }
  const allSteps = [...earlier.steps, ...result.steps];
  const allEffects = [...earlier.effects, ...result.effects];
  const next = clock.lastSeenNext;
  const run = result.run;
  return {
    status: run?.status ?? 'not_started',
    state: run?.state ?? 'not_started',
    ...(run ? { currentNodeId: run.currentNodeId } : {}),
    steps: allSteps.map((s, i) => {
      const moduleId = moduleOf.get(s.nodeId);
      return {
        seq: i + 1,
        nodeId: s.nodeId,
        nodeType: s.nodeType,
        ...(moduleId ? { moduleId } : {}),
        outcome: s.outcome,
        ...(s.port ? { port: s.port } : {}),
        ...(s.explanation ? { explanation: s.explanation } : {}),
        ...(s.error ? { error: s.error.message } : {}),
        at: s.startedAt,
      };
    }),
    effects: allEffects.map((e, i) => summarizeEffect(e, i, result.endedAt.toISOString())),
    contact: {
      tags: (result.contact?.tags ?? []).map((t) => t.name),
      attributes: result.contact?.attributes ?? {},
      points: result.contact?.points.balance ?? 0,
    },
    startedAt: startedAt.toISOString(),
    endedAt: result.endedAt.toISOString(),
    ...(run?.state === 'waiting' && next !== undefined ? { nextTimerAt: new Date(next).toISOString() } : {}),
  };
}

export const simulatorRouter = router({
  /** Runs a test contact through the draft or a version; the same permission as editing the flow. */
  run: permitted('flows.edit')
    .input(SimulatorRunInput)
    .mutation(({ ctx, input }) => runSimulation(ctx, input)),
});
