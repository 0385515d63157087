import type { FieldChange, GraphDiff } from '@omniflow/api';
import type { AnyNodeDefinition, Catalogue } from '@omniflow/nodes';
import type { Edge, JourneyGraph, NodeInstance } from '@omniflow/schemas';
import { configSchemaOf, fieldLabel, type JsonSchema } from '../editor/schema-form.ts';
import type { Locale, MessageKey } from '../i18n.tsx';

// The pure part of the visual diff: which nodes and edges to draw with which mark, and each
// node's changes as sentences with the catalogue's field labels (a marketer never reads JSON).

export type NodeMark = 'added' | 'removed' | 'changed' | 'same';
export type EdgeMark = 'added' | 'removed' | 'same';

export interface DiffNode {
  node: NodeInstance;
  trigger: boolean;
  mark: NodeMark;
}

export interface DiffEdge {
  /** Unique on the canvas: a removed edge may share its id with an edge of the newer graph. */
  key: string;
  edge: Edge;
  mark: EdgeMark;
}

export interface DiffCanvas {
  nodes: DiffNode[];
  edges: DiffEdge[];
  /** Field changes of the nodes marked "changed". */
  changes: ReadonlyMap<string, FieldChange[]>;
  counts: { added: number; removed: number; changed: number; edgesAdded: number; edgesRemoved: number };
}

/** The newer graph, plus what the older one had and the newer lost, each marked. */
export function diffCanvas(before: JourneyGraph, after: JourneyGraph, diff: GraphDiff): DiffCanvas {
  const added = new Set(diff.nodes.added.map((n) => n.id));
  const changed = new Map(diff.nodes.changed.map((n) => [n.id, n.changes]));
  const removed = new Set(diff.nodes.removed.map((n) => n.id));
  const triggerIds = new Set([...before.triggers, ...after.triggers].map((n) => n.id));
  const mark = (id: string): NodeMark => (added.has(id) ? 'added' : changed.has(id) ? 'changed' : 'same');
  const nodes: DiffNode[] = [
    ...[...after.triggers, ...after.nodes].map((node) => ({ node, trigger: triggerIds.has(node.id), mark: mark(node.id) })),
    ...[...before.triggers, ...before.nodes]
      .filter((n) => removed.has(n.id))
      .map((node) => ({ node, trigger: triggerIds.has(node.id), mark: 'removed' as const })),
  ];
  // An edge re-pointed under the same id shows as the new one added and the old one removed.
  const edgeChanged = new Set(diff.edges.changed.map((e) => e.id));
  const edgeAdded = new Set(diff.edges.added.map((e) => e.id));
  const edges: DiffEdge[] = after.edges.map((edge) => ({ key: edge.id, edge, mark: edgeAdded.has(edge.id) || edgeChanged.has(edge.id) ? 'added' : 'same' }));
  const gone = [...diff.edges.removed, ...before.edges.filter((e) => edgeChanged.has(e.id))];
  for (const edge of gone) edges.push({ key: `removed:${edge.id}`, edge, mark: 'removed' });
  return {
    nodes,
    edges,
    changes: changed,
    counts: {
      added: added.size,
      removed: removed.size,
      changed: changed.size,
      edgesAdded: edges.filter((e) => e.mark === 'added').length,
      edgesRemoved: gone.length,
    },
  };
}

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** The labels along a config path, from the node type's form schema ("Branches › #1 › Condition"). */
export function fieldPathLabel(def: AnyNodeDefinition | undefined, path: readonly (string | number)[], locale: Locale): string {
  let schema: JsonSchema | undefined = def ? configSchemaOf(def) : undefined;
  const labels: string[] = [];
  for (const key of path) {
    const next = schema ? childSchema(schema, key) : undefined;
    labels.push(fieldLabel(next ?? {}, key, locale));
    schema = next;
  }
  return labels.join(' › ');
}

function childSchema(schema: JsonSchema, key: string | number): JsonSchema | undefined {
  const variants = schema.oneOf ?? schema.anyOf ?? [];
  // A nullable or optional field is an anyOf of the field and null: look through it.
  const candidates = [schema, ...variants];
  for (const s of candidates) {
    const found = typeof key === 'number' ? s.items : s.properties?.[key];
    if (found) return found;
  }
  return undefined;
}

const MAX_TEXT = 60;

/** A value as words: quoted text, numbers, on/off, lists joined; null when only "changed" can be said. */
export function valueText(value: unknown, t: Translate): string | null {
  if (value === undefined || value === null || value === '') return t('diff.empty');
  if (typeof value === 'boolean') return t(value ? 'diff.on' : 'diff.off');
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `“${value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT - 1)}…` : value}”`;
  if (Array.isArray(value)) {
    if (value.length === 0) return t('diff.empty');
    if (value.every((v) => typeof v === 'string' || typeof v === 'number')) {
      const joined = value.join(', ');
      return `“${joined.length > MAX_TEXT ? `${joined.slice(0, MAX_TEXT - 1)}…` : joined}”`;
    }
    return t('diff.items', { n: value.length });
  }
  if (typeof value === 'object') {
    const named = (value as Record<string, unknown>).label ?? (value as Record<string, unknown>).name ?? (value as Record<string, unknown>).title;
    return typeof named === 'string' && named ? valueText(named, t) : null;
  }
  return null;
}

/**
 * One sentence per change of a node: config fields by their form labels, the canvas name, the node
 * version; moves on the canvas collapse into one line.
 */
export function describeNodeChanges(changes: readonly FieldChange[], def: AnyNodeDefinition | undefined, t: Translate, locale: Locale): string[] {
  const lines: string[] = [];
  let moved = false;
  for (const change of changes) {
    const [head, ...rest] = change.path;
    if (head === 'position') {
      moved = true;
      continue;
    }
    if (head === 'config') {
      if (rest.length === 0) lines.push(t('diff.fieldChangedNoValue', { field: def ? l(def.label, locale) : 'config' }));
      else lines.push(sentence(fieldPathLabel(def, rest, locale), change, t));
    } else if (head === 'label') lines.push(sentence(t('diff.renamed'), change, t));
    else if (head === 'version') lines.push(sentence(t('diff.nodeVersion'), change, t));
    else if (head === 'type') lines.push(sentence(t('diff.nodeType'), change, t));
    else lines.push(sentence(fieldPathLabel(undefined, change.path, locale), change, t));
  }
  if (moved) lines.push(t('diff.moved'));
  return lines;
}

/** Flow-level changes (channels, settings) as sentences. */
export function describeFlowChanges(changes: readonly FieldChange[], t: Translate, locale: Locale): string[] {
  return changes.map((change) => sentence(fieldPathLabel(undefined, change.path, locale), change, t));
}

function sentence(field: string, change: FieldChange, t: Translate): string {
  const before = valueText(change.before, t);
  const after = valueText(change.after, t);
  if (change.change === 'added') return after === null ? t('diff.fieldAddedNoValue', { field }) : t('diff.fieldAdded', { field, after });
  if (change.change === 'removed') return before === null ? t('diff.fieldRemovedNoValue', { field }) : t('diff.fieldRemoved', { field, before });
  return before === null || after === null ? t('diff.fieldChangedNoValue', { field }) : t('diff.fieldChanged', { field, before, after });
}

function l(text: { en: string; 'zh-Hant': string }, locale: Locale): string {
  return text[locale];
}

/** The name a person knows a node by: its canvas label, else its type's label. */
export function nodeName(node: NodeInstance, catalogue: Catalogue, locale: Locale): string {
  if (node.label) return node.label;
  const def = catalogue.get(node.type, node.version) ?? catalogue.get(node.type);
  return def ? def.label[locale] : node.type;
}
