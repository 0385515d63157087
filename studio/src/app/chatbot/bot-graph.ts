import type { AnyNodeDefinition, Catalogue, PortSpec } from '@omniflow/nodes';
import { BOT_SCOPE_CHANNELS, type ChannelKind, type ChatbotGraph, type Edge, type Module, type NodeInstance } from '@omniflow/schemas';
import { portsOf } from '../editor/graph.ts';

// Pure edits of a chatbot graph: modules in order, each with ordered cards; triggers and card ports
// point at modules through edges (source = card or trigger, target = module). The module editor, the
// undo history and the tests all go through these, so every change is a new graph value.

export type CardRef = { moduleId: string; cardId: string };

/** The channels a bot of this scope answers on (the preview's channel switcher offers these). */
export function botChannels(graph: ChatbotGraph): readonly ChannelKind[] {
  return BOT_SCOPE_CHANNELS[graph.bot.scope];
}

function takenIds(graph: ChatbotGraph): Set<string> {
  const ids = new Set<string>();
  for (const t of graph.triggers) ids.add(t.id);
  for (const m of graph.modules) {
    ids.add(m.id);
    for (const c of m.cards) ids.add(c.id);
  }
  for (const e of graph.edges) ids.add(e.id);
  return ids;
}

/** A short id unique in the graph: "m_3", "text_2", "e5". */
export function freshBotId(graph: ChatbotGraph, base: string): string {
  const clean = base.replace(/[^A-Za-z0-9_-]/g, '_') || 'id';
  const taken = takenIds(graph);
  for (let i = 1; ; i++) {
    const id = `${clean}_${i}`;
    if (!taken.has(id)) return id;
  }
}

export function findModule(graph: ChatbotGraph, id: string): Module | undefined {
  return graph.modules.find((m) => m.id === id);
}

/** The card with this id and its module, if any. */
export function findCard(graph: ChatbotGraph, cardId: string): { module: Module; card: NodeInstance; index: number } | undefined {
  for (const module of graph.modules) {
    const index = module.cards.findIndex((c) => c.id === cardId);
    if (index >= 0) return { module, card: module.cards[index] as NodeInstance, index };
  }
  return undefined;
}

export function findTrigger(graph: ChatbotGraph, id: string): NodeInstance | undefined {
  return graph.triggers.find((t) => t.id === id);
}

export function addModule(graph: ChatbotGraph, name: string): { graph: ChatbotGraph; id: string } {
  const id = freshBotId(graph, 'm');
  const module: Module = { id, name: name.trim().slice(0, 100) || id, cards: [] };
  return { graph: { ...graph, modules: [...graph.modules, module] }, id };
}

export function renameModule(graph: ChatbotGraph, id: string, name: string): ChatbotGraph {
  const trimmed = name.slice(0, 100);
  // An empty name would not parse: keep the old one until the person types something.
  if (!trimmed.trim()) return graph;
  return { ...graph, modules: graph.modules.map((m) => (m.id === id ? { ...m, name: trimmed } : m)) };
}

/** A copy of a module placed right after it: new ids for it and its cards, the cards' own connections kept. */
export function duplicateModule(graph: ChatbotGraph, id: string, suffix = ' (copy)'): { graph: ChatbotGraph; id: string } {
  const module = findModule(graph, id);
  if (!module) return { graph, id };
  let next = graph;
  const copyId = freshBotId(next, 'm');
  const cardIds = new Map<string, string>();
  // Reserve each id in a scratch graph so the fresh ids do not collide with each other.
  let scratch: ChatbotGraph = { ...next, modules: [...next.modules, { id: copyId, name: 'x', cards: [] }] };
  const cards = module.cards.map((c) => {
    const cid = freshBotId(scratch, c.type.split('.').at(-1) ?? 'card');
    cardIds.set(c.id, cid);
    scratch = { ...scratch, triggers: [...scratch.triggers, { ...c, id: cid }] };
    return { ...structuredClone(c), id: cid };
  });
  const copy: Module = { id: copyId, name: `${module.name.slice(0, 100 - suffix.length)}${suffix}`, cards };
  const at = next.modules.findIndex((m) => m.id === id);
  const modules = [...next.modules];
  modules.splice(at + 1, 0, copy);
  next = { ...next, modules };
  for (const e of graph.edges) {
    const source = cardIds.get(e.source);
    if (source) next = { ...next, edges: [...next.edges, { id: freshBotId(next, 'e'), source, sourcePort: e.sourcePort, target: e.target }] };
  }
  return { graph: next, id: copyId };
}

/** Places a module on the overview canvas. */
export function setModulePosition(graph: ChatbotGraph, id: string, position: { x: number; y: number }): ChatbotGraph {
  return mapModule(graph, id, (m) => ({ ...m, position: { x: Math.round(position.x), y: Math.round(position.y) } }));
}

/** Moves a module up (-1) or down (+1) in the list; the order is the order marketers read the bot in. */
export function moveModule(graph: ChatbotGraph, id: string, delta: -1 | 1): ChatbotGraph {
  const from = graph.modules.findIndex((m) => m.id === id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= graph.modules.length) return graph;
  const modules = [...graph.modules];
  const [moved] = modules.splice(from, 1);
  if (moved) modules.splice(to, 0, moved);
  return { ...graph, modules };
}

/** Removes a module, its cards, and every connection to or from them. The entry module cannot go. */
export function removeModule(graph: ChatbotGraph, id: string): ChatbotGraph {
  const module = findModule(graph, id);
  if (!module || graph.entryModuleId === id) return graph;
  const gone = new Set([id, ...module.cards.map((c) => c.id)]);
  return {
    ...graph,
    modules: graph.modules.filter((m) => m.id !== id),
    edges: graph.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)),
  };
}

export function setEntryModule(graph: ChatbotGraph, id: string): ChatbotGraph {
  return findModule(graph, id) ? { ...graph, entryModuleId: id } : graph;
}

function mapModule(graph: ChatbotGraph, id: string, f: (m: Module) => Module): ChatbotGraph {
  return { ...graph, modules: graph.modules.map((m) => (m.id === id ? f(m) : m)) };
}

/** Appends a card of `def` with its default config to a module. */
export function addCard(graph: ChatbotGraph, moduleId: string, def: AnyNodeDefinition): { graph: ChatbotGraph; id: string } {
  const id = freshBotId(graph, def.type.split('.').at(-1) ?? 'card');
  const card: NodeInstance = { id, type: def.type, version: def.version, config: structuredClone(def.defaultConfig) as Record<string, unknown> };
  return { graph: mapModule(graph, moduleId, (m) => ({ ...m, cards: [...m.cards, card] })), id };
}

export function moveCard(graph: ChatbotGraph, cardId: string, delta: -1 | 1): ChatbotGraph {
  const found = findCard(graph, cardId);
  if (!found) return graph;
  const to = found.index + delta;
  if (to < 0 || to >= found.module.cards.length) return graph;
  return mapModule(graph, found.module.id, (m) => {
    const cards = [...m.cards];
    const [moved] = cards.splice(found.index, 1);
    if (moved) cards.splice(to, 0, moved);
    return { ...m, cards };
  });
}

export function removeCard(graph: ChatbotGraph, cardId: string): ChatbotGraph {
  const found = findCard(graph, cardId);
  if (!found) return graph;
  return {
    ...mapModule(graph, found.module.id, (m) => ({ ...m, cards: m.cards.filter((c) => c.id !== cardId) })),
    edges: graph.edges.filter((e) => e.source !== cardId),
  };
}

/** Replaces the config of a card or a trigger. */
export function updateNodeConfig(graph: ChatbotGraph, id: string, config: Record<string, unknown>): ChatbotGraph {
  if (findTrigger(graph, id)) return { ...graph, triggers: graph.triggers.map((t) => (t.id === id ? { ...t, config } : t)) };
  const found = findCard(graph, id);
  if (!found) return graph;
  return mapModule(graph, found.module.id, (m) => ({ ...m, cards: m.cards.map((c) => (c.id === id ? { ...c, config } : c)) }));
}

export function addTrigger(graph: ChatbotGraph, def: AnyNodeDefinition): { graph: ChatbotGraph; id: string } {
  const id = freshBotId(graph, def.type.split('.').at(-1) ?? 'trigger');
  const node: NodeInstance = { id, type: def.type, version: def.version, config: structuredClone(def.defaultConfig) as Record<string, unknown> };
  return { graph: { ...graph, triggers: [...graph.triggers, node] }, id };
}

export function removeTrigger(graph: ChatbotGraph, id: string): ChatbotGraph {
  return { ...graph, triggers: graph.triggers.filter((t) => t.id !== id), edges: graph.edges.filter((e) => e.source !== id) };
}

/** The module a card's or trigger's port leads to, if connected. */
export function targetOf(graph: ChatbotGraph, source: string, port: string): string | undefined {
  return graph.edges.find((e) => e.source === source && e.sourcePort === port)?.target;
}

/** Points a port at a module (one target per port), or disconnects it with `undefined`. */
export function setTarget(graph: ChatbotGraph, source: string, port: string, moduleId: string | undefined): ChatbotGraph {
  const kept = graph.edges.filter((e) => !(e.source === source && e.sourcePort === port));
  if (!moduleId || !findModule(graph, moduleId)) return { ...graph, edges: kept };
  const edge: Edge = { id: freshBotId(graph, 'e'), source, sourcePort: port, target: moduleId };
  return { ...graph, edges: [...kept, edge] };
}

/** The output ports of a chatbot card or trigger for its current config. */
export function botPortsOf(catalogue: Catalogue, node: NodeInstance): PortSpec[] {
  return portsOf(catalogue.get(node.type, node.version) ?? catalogue.get(node.type), node.config, 'chatbot');
}

/** Card types the palette offers for this bot: chatbot cards available in its scope (triggers apart). */
export function cardTypesFor(catalogue: Catalogue, graph: ChatbotGraph): AnyNodeDefinition[] {
  return catalogue.palette({ kind: 'chatbot', scope: graph.bot.scope }).filter((d) => d.category !== 'trigger');
}

export function triggerTypesFor(catalogue: Catalogue, graph: ChatbotGraph): AnyNodeDefinition[] {
  return catalogue.palette({ kind: 'chatbot', scope: graph.bot.scope }).filter((d) => d.category === 'trigger');
}
