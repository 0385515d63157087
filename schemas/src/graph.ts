import { z } from 'zod';
import { BotScope, ChannelKind } from './channel.ts';
import { Duration, Id, Position, TimeOfDay, TimeZone, Weekday } from './common.ts';
import { ConditionGroup, EventMatcher } from './condition.ts';

/** The stored graph format written by this code. Older formats upgrade on read (see upgrade.ts). */
export const GRAPH_FORMAT_VERSION = 2;

export const FLOW_KINDS = ['chatbot', 'journey'] as const;
export const FlowKind = z.enum(FLOW_KINDS);
export type FlowKind = z.infer<typeof FlowKind>;

/** Node types are namespaced: "message.text", "trigger.tag_applied", "acme.nps_survey". */
export const NodeTypeName = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'Node types look like "category.name", in lower case');

/**
 * One placed node: a journey node, a chatbot card or a trigger. `config` is validated by the node
 * catalogue, not here, so the graph parses even when a custom node type is not installed.
 * `version` is the node type's version the graph was saved with.
 */
export const NodeInstance = z.object({
  id: Id,
  type: NodeTypeName,
  version: z.number().int().min(1),
  config: z.record(z.string(), z.unknown()),
  /** Canvas position (journey nodes, triggers); chatbot cards are placed by their module. */
  position: Position.optional(),
  /** The marketer's own name for this node, shown on the canvas. */
  label: z.string().max(100).optional(),
});
export type NodeInstance = z.infer<typeof NodeInstance>;

/**
 * A connection from an output port of a node (or card, or trigger) to a target: a journey node,
 * or in a chatbot the module to jump to.
 */
export const Edge = z.object({
  id: Id,
  source: Id,
  sourcePort: z.string().min(1).max(100),
  target: Id,
});
export type Edge = z.infer<typeof Edge>;

export const ReentryPolicy = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('never') }),
  z.object({ mode: z.literal('always') }),
  /** A contact may enter again once `cooldown` has passed since its previous run ended. */
  z.object({ mode: z.literal('afterCooldown'), cooldown: Duration }),
]);
export type ReentryPolicy = z.infer<typeof ReentryPolicy>;

/** A condition on the profile, or an event, that takes a contact out of the journey or counts as a conversion. */
export const FlowCheck = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('condition'), condition: ConditionGroup }),
  z.object({ kind: z.literal('event'), match: EventMatcher }),
]);
export type FlowCheck = z.infer<typeof FlowCheck>;

export const ExitCondition = z.object({
  id: Id,
  label: z.string().min(1).max(100),
  when: FlowCheck,
});
export type ExitCondition = z.infer<typeof ExitCondition>;

export const Goal = z.object({
  id: Id,
  label: z.string().min(1).max(100),
  when: FlowCheck,
  /** Conversions count within this many days of entry (§4.2.16, default 30). */
  attributionWindowDays: z.number().int().min(1).max(365).default(30),
});
export type Goal = z.infer<typeof Goal>;

export const QuietHours = z.object({
  start: TimeOfDay,
  end: TimeOfDay,
  days: z.array(Weekday).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']),
  /** defer: send when the window ends; skip: drop the send with reason quiet_hours. */
  mode: z.enum(['defer', 'skip']).default('defer'),
});
export type QuietHours = z.infer<typeof QuietHours>;

export const FrequencyCap = z.object({
  maxMessages: z.number().int().min(1).max(1000),
  per: z.enum(['day', 'week']),
});

export const TriggerCap = z.object({
  /** Total entries allowed for the journey (可觸發的上限數). */
  total: z.number().int().min(1).optional(),
  perContact: z.object({ count: z.number().int().min(1), per: z.enum(['day', 'week', 'month']) }).optional(),
});

export const JourneySettings = z.object({
  timeZone: TimeZone.default('Asia/Taipei'),
  reentry: ReentryPolicy.default({ mode: 'never' }),
  maxConcurrentRunsPerContact: z.number().int().min(1).max(100).default(1),
  entryConditions: ConditionGroup.optional(),
  exitConditions: z.array(ExitCondition).max(20).default([]),
  goals: z.array(Goal).max(20).default([]),
  quietHours: QuietHours.optional(),
  frequencyCap: FrequencyCap.optional(),
  triggerCap: TriggerCap.optional(),
});
export type JourneySettings = z.infer<typeof JourneySettings>;

export const JourneyGraph = z.object({
  formatVersion: z.literal(GRAPH_FORMAT_VERSION),
  kind: z.literal('journey'),
  /** Channels the journey may message on (LINE, FB, WhatsApp, IG per §2.2). */
  channels: z.array(ChannelKind).min(1),
  triggers: z.array(NodeInstance).max(20),
  nodes: z.array(NodeInstance).max(5000),
  edges: z.array(Edge).max(20000),
  settings: JourneySettings.default(JourneySettings.parse({})),
});
export type JourneyGraph = z.infer<typeof JourneyGraph>;

/** A chatbot module: ordered cards sent one after another (§2.1). */
export const Module = z.object({
  id: Id,
  name: z.string().min(1).max(100),
  cards: z.array(NodeInstance).max(50),
  position: Position.optional(),
});
export type Module = z.infer<typeof Module>;

export const Bot = z.object({
  scope: BotScope,
  /** The cart-remarketing bot is the only one that may hold cart-items cards (P5). */
  purpose: z.enum(['general', 'cart_remarketing']).default('general'),
  /** Modules used as a FB post DM reply must hold exactly one card (P6). */
  postReplyModuleIds: z.array(Id).default([]),
});
export type Bot = z.infer<typeof Bot>;

export const ChatbotSettings = z.object({
  timeZone: TimeZone.default('Asia/Taipei'),
  /** Module transitions allowed without customer input before the bot stops (§4.1.26). */
  loopGuard: z.number().int().min(1).max(50).default(50),
  /** User-input and quick-reply waits expire after this long (§2.1: 1 h). */
  inputExpiryMinutes: z.number().int().min(1).max(60).default(60),
});
export type ChatbotSettings = z.infer<typeof ChatbotSettings>;

export const ChatbotGraph = z.object({
  formatVersion: z.literal(GRAPH_FORMAT_VERSION),
  kind: z.literal('chatbot'),
  bot: Bot,
  /** Entry points: keyword rules, welcome message, rich-menu actions, m.me refs… each linked to a module. */
  triggers: z.array(NodeInstance).max(1000),
  modules: z.array(Module).max(2000),
  entryModuleId: Id,
  /** source = card or trigger id, target = module id. */
  edges: z.array(Edge).max(20000),
  settings: ChatbotSettings.default(ChatbotSettings.parse({})),
});
export type ChatbotGraph = z.infer<typeof ChatbotGraph>;

export const FlowGraph = z.discriminatedUnion('kind', [JourneyGraph, ChatbotGraph]);
export type FlowGraph = z.infer<typeof FlowGraph>;

/** Where a node instance sits in a graph: a trigger, a journey node, or card `index` of a module. */
export type NodeLocation =
  | { kind: 'trigger'; node: NodeInstance }
  | { kind: 'node'; node: NodeInstance }
  | { kind: 'card'; node: NodeInstance; module: Module; index: number };

/** Every node instance of a graph with its location, in document order. */
export function listNodes(graph: FlowGraph): NodeLocation[] {
  const out: NodeLocation[] = graph.triggers.map((node) => ({ kind: 'trigger', node }));
  if (graph.kind === 'journey') {
    for (const node of graph.nodes) out.push({ kind: 'node', node });
  } else {
    for (const module of graph.modules) {
      for (const [index, node] of module.cards.entries()) out.push({ kind: 'card', node, module, index });
    }
  }
  return out;
}

export type { Duration };
