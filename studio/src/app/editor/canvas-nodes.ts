import type { Catalogue } from '@omniflow/nodes';
import type { JourneyGraph, NodeInstance, ValidationIssue } from '@omniflow/schemas';
import { isTrigger, portsOf } from './graph.ts';
import type { FlowNode } from './NodeView.tsx';

// React Flow node objects for a graph, reused while their node is unchanged. Dragging one node of
// a 1,000-node journey makes a new graph every frame; handing React Flow the same objects for the
// other 999 keeps it (and the memoised NodeView) from redoing them, and ports are only derived
// again when a node's config changes.

interface CachedNode {
  instance: NodeInstance;
  errors: number;
  warnings: number;
  selected: boolean;
  trigger: boolean;
  node: FlowNode;
}

export type CanvasNodeCache = Map<string, CachedNode>;

const NO_ISSUES: ValidationIssue[] = [];

export function canvasNodes(
  graph: JourneyGraph,
  catalogue: Catalogue,
  issuesByNode: ReadonlyMap<string, ValidationIssue[]>,
  selectedId: string | null,
  cache: CanvasNodeCache,
): FlowNode[] {
  const seen = new Set<string>();
  const out: FlowNode[] = [];
  for (const n of [...graph.triggers, ...graph.nodes]) {
    seen.add(n.id);
    const issues = issuesByNode.get(n.id) ?? NO_ISSUES;
    const errors = issues.filter((i) => i.severity === 'error').length;
    const warnings = issues.filter((i) => i.severity === 'warning').length;
    const selected = n.id === selectedId;
    const trigger = isTrigger(graph, n.id);
    const hit = cache.get(n.id);
    if (hit && hit.instance === n && hit.errors === errors && hit.warnings === warnings && hit.selected === selected && hit.trigger === trigger) {
      out.push(hit.node);
      continue;
    }
    // Same content, new position: a new node object around the same data.
    const sameData =
      hit &&
      hit.instance.config === n.config &&
      hit.instance.label === n.label &&
      hit.instance.type === n.type &&
      hit.instance.version === n.version &&
      hit.errors === errors &&
      hit.warnings === warnings &&
      hit.trigger === trigger;
    const data = sameData ? hit.node.data : nodeData(n, catalogue, errors, warnings, trigger);
    // A size estimate until React Flow measures the node: with only the visible nodes drawn, the
    // others still count for zoom-to-fit and the minimap.
    const node: FlowNode = {
      id: n.id,
      type: 'omniflow',
      position: n.position ?? { x: 0, y: 0 },
      selected,
      data,
      initialWidth: 200,
      initialHeight: 34 + (data.label ? 16 : 0) + data.ports.length * 20,
    };
    cache.set(n.id, { instance: n, errors, warnings, selected, trigger, node });
    out.push(node);
  }
  for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id);
  return out;
}

function nodeData(n: NodeInstance, catalogue: Catalogue, errors: number, warnings: number, trigger: boolean): FlowNode['data'] {
  const def = catalogue.get(n.type, n.version) ?? catalogue.get(n.type);
  return {
    typeLabel: def?.label ?? { en: n.type, 'zh-Hant': n.type },
    label: n.label,
    icon: def?.icon ?? '',
    category: def?.category ?? 'unknown',
    trigger,
    ports: portsOf(def, n.config, 'journey'),
    errors,
    warnings,
    unknown: !def,
  };
}

/**
 * True when `next` differs from `previous` only in node positions (the same node configs, labels,
 * types and edges, by reference): validation does not look at positions, so its result stands.
 */
export function onlyPositionsChanged(previous: JourneyGraph, next: JourneyGraph): boolean {
  if (previous === next) return true;
  if (previous.edges !== next.edges || previous.channels !== next.channels || previous.settings !== next.settings) return false;
  const same = (a: NodeInstance[], b: NodeInstance[]) =>
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i] as NodeInstance;
      return x === y || (x.id === y.id && x.config === y.config && x.label === y.label && x.type === y.type && x.version === y.version);
    });
  return same(previous.triggers, next.triggers) && same(previous.nodes, next.nodes);
}
