import { type Edge, type FlowGraph, listNodes, type NodeLocation } from '@omniflow/schemas';
import { canonicalJson } from './canonical-json.ts';

// What changed between two graphs of one flow, for the version history and the audit log:
// nodes (journey nodes, triggers, chatbot cards), chatbot modules, edges and flow-level fields,
// each down to the config fields that differ. Nodes, modules and edges are matched by id, which
// stays stable across versions. Pure: no I/O, no clock.

export type FieldPath = (string | number)[];

export interface FieldChange {
  path: FieldPath;
  change: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

export interface NodeRef {
  id: string;
  type: string;
  label?: string;
  place: NodeLocation['kind'];
  /** The module holding a chatbot card. */
  moduleId?: string;
}

export interface ModuleRef {
  id: string;
  name: string;
}

export interface GraphDiff {
  nodes: { added: NodeRef[]; removed: NodeRef[]; changed: (NodeRef & { changes: FieldChange[] })[] };
  modules: { added: ModuleRef[]; removed: ModuleRef[]; changed: (ModuleRef & { changes: FieldChange[] })[] };
  edges: { added: Edge[]; removed: Edge[]; changed: { id: string; changes: FieldChange[] }[] };
  /** Flow-level fields: channels, settings, bot, entry module. */
  flow: FieldChange[];
  identical: boolean;
}

export function diffGraphs(before: FlowGraph, after: FlowGraph): GraphDiff {
  const nodes = diffById(nodeEntries(before), nodeEntries(after));
  const modules = diffById(moduleEntries(before), moduleEntries(after));
  const edges = diffById(edgeEntries(before), edgeEntries(after));
  const flow = diffValues(flowFields(before), flowFields(after));
  const diff: GraphDiff = {
    nodes: {
      added: nodes.added.map((n) => n.ref),
      removed: nodes.removed.map((n) => n.ref),
      changed: nodes.changed.map(({ after: n, changes }) => ({ ...n.ref, changes })),
    },
    modules: {
      added: modules.added.map((m) => m.ref),
      removed: modules.removed.map((m) => m.ref),
      changed: modules.changed.map(({ after: m, changes }) => ({ ...m.ref, changes })),
    },
    edges: {
      added: edges.added.map((e) => e.ref),
      removed: edges.removed.map((e) => e.ref),
      changed: edges.changed.map(({ after: e, changes }) => ({ id: e.ref.id, changes })),
    },
    flow,
    identical: false,
  };
  diff.identical =
    [diff.nodes, diff.modules, diff.edges].every((part) => part.added.length + part.removed.length + part.changed.length === 0) && flow.length === 0;
  return diff;
}

/** Field-level differences between two JSON values; objects by key, arrays by position. */
export function diffValues(before: unknown, after: unknown, path: FieldPath = []): FieldChange[] {
  const out: FieldChange[] = [];
  walk(before, after, path, out);
  return out;
}

function walk(before: unknown, after: unknown, path: FieldPath, out: FieldChange[]): void {
  if (canonicalJson(before) === canonicalJson(after)) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) {
      const [b, a] = [before[key], after[key]];
      if (b === undefined && a !== undefined) out.push({ path: [...path, key], change: 'added', after: a });
      else if (a === undefined && b !== undefined) out.push({ path: [...path, key], change: 'removed', before: b });
      else walk(b, a, [...path, key], out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (i >= before.length) out.push({ path: [...path, i], change: 'added', after: after[i] });
      else if (i >= after.length) out.push({ path: [...path, i], change: 'removed', before: before[i] });
      else walk(before[i], after[i], [...path, i], out);
    }
    return;
  }
  out.push({ path, change: 'changed', before, after });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Entry<R> {
  id: string;
  ref: R;
  /** What is compared: everything about the item that a person could have edited. */
  fields: Record<string, unknown>;
}

function diffById<R>(before: Entry<R>[], after: Entry<R>[]) {
  const old = new Map(before.map((e) => [e.id, e]));
  const now = new Set(after.map((e) => e.id));
  const changed: { after: Entry<R>; changes: FieldChange[] }[] = [];
  for (const entry of after) {
    const previous = old.get(entry.id);
    if (!previous) continue;
    const changes = diffValues(previous.fields, entry.fields);
    if (changes.length > 0) changed.push({ after: entry, changes });
  }
  return { added: after.filter((e) => !old.has(e.id)), removed: before.filter((e) => !now.has(e.id)), changed };
}

function nodeEntries(graph: FlowGraph): Entry<NodeRef>[] {
  return listNodes(graph).map((loc) => {
    const { id, type, version, label, position, config } = loc.node;
    const moduleId = loc.kind === 'card' ? loc.module.id : undefined;
    const ref: NodeRef = { id, type, place: loc.kind, ...(label !== undefined ? { label } : {}), ...(moduleId ? { moduleId } : {}) };
    return { id, ref, fields: { type, version, label, position, config, place: loc.kind, moduleId } };
  });
}

function moduleEntries(graph: FlowGraph): Entry<ModuleRef>[] {
  if (graph.kind !== 'chatbot') return [];
  return graph.modules.map((m) => ({
    id: m.id,
    ref: { id: m.id, name: m.name },
    fields: { name: m.name, position: m.position, cards: m.cards.map((c) => c.id) },
  }));
}

function edgeEntries(graph: FlowGraph): Entry<Edge>[] {
  return graph.edges.map((e) => ({ id: e.id, ref: e, fields: { source: e.source, sourcePort: e.sourcePort, target: e.target } }));
}

function flowFields(graph: FlowGraph): Record<string, unknown> {
  if (graph.kind === 'journey') {
    const { triggers: _t, nodes: _n, edges: _e, ...rest } = graph;
    return rest;
  }
  const { triggers: _t, modules: _m, edges: _e, ...rest } = graph;
  return rest;
}
