import type { AnyNodeDefinition, Catalogue, PortSpec } from '@omniflow/nodes';
import type { Edge, FlowKind, JourneyGraph, NodeInstance } from '@omniflow/schemas';

// Pure edits of a journey graph. The canvas, the undo history and the tests all go through these,
// so every change is a new graph value (old ones are kept by the history as they are).

export interface Point {
  x: number;
  y: number;
}

export interface Connection {
  source: string;
  sourcePort: string;
  target: string;
}

export function allNodes(graph: JourneyGraph): NodeInstance[] {
  return [...graph.triggers, ...graph.nodes];
}

export function findNode(graph: JourneyGraph, id: string): NodeInstance | undefined {
  return graph.triggers.find((n) => n.id === id) ?? graph.nodes.find((n) => n.id === id);
}

export function isTrigger(graph: JourneyGraph, id: string): boolean {
  return graph.triggers.some((n) => n.id === id);
}

/** A short id unique in the graph, from the node type: "tag_2". */
export function freshId(graph: JourneyGraph, type: string): string {
  const base = (type.split('.').at(-1) ?? 'node').replace(/[^A-Za-z0-9_-]/g, '_');
  const taken = new Set([...allNodes(graph).map((n) => n.id), ...graph.edges.map((e) => e.id)]);
  for (let i = 1; ; i++) {
    const id = `${base}_${i}`;
    if (!taken.has(id)) return id;
  }
}

/** Places a new node of `def` with its default config; triggers go to the trigger list. */
export function addNode(graph: JourneyGraph, def: AnyNodeDefinition, position: Point): { graph: JourneyGraph; id: string } {
  const id = freshId(graph, def.type);
  const node: NodeInstance = {
    id,
    type: def.type,
    version: def.version,
    config: structuredClone(def.defaultConfig) as Record<string, unknown>,
    position: { x: Math.round(position.x), y: Math.round(position.y) },
  };
  return def.category === 'trigger'
    ? { graph: { ...graph, triggers: [...graph.triggers, node] }, id }
    : { graph: { ...graph, nodes: [...graph.nodes, node] }, id };
}

function mapNode(graph: JourneyGraph, id: string, f: (n: NodeInstance) => NodeInstance): JourneyGraph {
  const map = (list: NodeInstance[]) => (list.some((n) => n.id === id) ? list.map((n) => (n.id === id ? f(n) : n)) : list);
  return { ...graph, triggers: map(graph.triggers), nodes: map(graph.nodes) };
}

export function moveNode(graph: JourneyGraph, id: string, position: Point): JourneyGraph {
  return mapNode(graph, id, (n) => ({ ...n, position: { x: Math.round(position.x), y: Math.round(position.y) } }));
}

export function setPositions(graph: JourneyGraph, positions: ReadonlyMap<string, Point>): JourneyGraph {
  const place = (n: NodeInstance) => {
    const p = positions.get(n.id);
    return p ? { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } } : n;
  };
  return { ...graph, triggers: graph.triggers.map(place), nodes: graph.nodes.map(place) };
}

export function updateConfig(graph: JourneyGraph, id: string, config: Record<string, unknown>): JourneyGraph {
  return mapNode(graph, id, (n) => ({ ...n, config }));
}

export function updateLabel(graph: JourneyGraph, id: string, label: string): JourneyGraph {
  return mapNode(graph, id, (n) => {
    const { label: _old, ...rest } = n;
    return label.trim() ? { ...rest, label: label.slice(0, 100) } : rest;
  });
}

/** Removes nodes and every connection to or from them. */
export function removeNodes(graph: JourneyGraph, ids: readonly string[]): JourneyGraph {
  const gone = new Set(ids);
  return {
    ...graph,
    triggers: graph.triggers.filter((n) => !gone.has(n.id)),
    nodes: graph.nodes.filter((n) => !gone.has(n.id)),
    edges: graph.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)),
  };
}

export function removeEdges(graph: JourneyGraph, ids: readonly string[]): JourneyGraph {
  const gone = new Set(ids);
  return { ...graph, edges: graph.edges.filter((e) => !gone.has(e.id)) };
}

/** The output ports of a node for its current config (the default config's while the config does not parse). */
export function portsOf(def: AnyNodeDefinition | undefined, config: unknown, flowKind: FlowKind): PortSpec[] {
  if (!def) return [];
  const parsed = def.config.safeParse(config);
  if (parsed.success) return def.ports(parsed.data, { flowKind });
  const fallback = def.config.safeParse(def.defaultConfig);
  return fallback.success ? def.ports(fallback.data, { flowKind }) : [];
}

/** Why a connection is refused, or null when it is allowed: an existing port to another non-trigger node. */
export function connectionProblem(
  graph: JourneyGraph,
  catalogue: Catalogue,
  c: Connection,
): 'self' | 'no_source' | 'no_port' | 'no_target' | 'to_trigger' | null {
  if (c.source === c.target) return 'self';
  const source = findNode(graph, c.source);
  if (!source) return 'no_source';
  if (!findNode(graph, c.target)) return 'no_target';
  if (isTrigger(graph, c.target)) return 'to_trigger';
  const ports = portsOf(catalogue.get(source.type, source.version) ?? catalogue.get(source.type), source.config, 'journey');
  if (!ports.some((p) => p.id === c.sourcePort)) return 'no_port';
  return null;
}

/** Connects a port to a node; a port has one target, so an earlier edge from the same port is replaced. */
export function connect(graph: JourneyGraph, c: Connection): JourneyGraph {
  const kept = graph.edges.filter((e) => !(e.source === c.source && e.sourcePort === c.sourcePort));
  const edge: Edge = { id: freshEdgeId(graph), source: c.source, sourcePort: c.sourcePort, target: c.target };
  return { ...graph, edges: [...kept, edge] };
}

function freshEdgeId(graph: JourneyGraph): string {
  const taken = new Set([...graph.edges.map((e) => e.id), ...allNodes(graph).map((n) => n.id)]);
  for (let i = 1; ; i++) if (!taken.has(`e${i}`)) return `e${i}`;
}

// --- undo / redo -------------------------------------------------------------------------------

export interface History<T> {
  past: T[];
  present: T;
  future: T[];
  /** The coalescing key of the last change: further changes with the same key join that step. */
  key?: string | undefined;
}

const HISTORY_LIMIT = 200;

export function historyOf<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

/** Records a change; consecutive changes with the same `key` (typing in one field) make one undo step. */
export function record<T>(h: History<T>, next: T, key?: string): History<T> {
  if (Object.is(next, h.present)) return h;
  if (key !== undefined && key === h.key && h.past.length > 0) return { past: h.past, present: next, future: [], key };
  return { past: [...h.past, h.present].slice(-HISTORY_LIMIT), present: next, future: [], key };
}

export function undo<T>(h: History<T>): History<T> {
  const prev = h.past.at(-1);
  if (prev === undefined) return h;
  return { past: h.past.slice(0, -1), present: prev, future: [h.present, ...h.future], key: undefined };
}

export function redo<T>(h: History<T>): History<T> {
  const [next, ...rest] = h.future;
  if (next === undefined) return h;
  return { past: [...h.past, h.present], present: next, future: rest, key: undefined };
}
