import type { JourneyGraph, NodeInstance } from '@omniflow/schemas';

// The pure part of the statistics view: per-node counters as the engine keeps them for one
// version (runs.nodeStats), their totals, and the flow's funnel.

export interface NodeCounters {
  entered: number;
  waiting: number;
  failed: number;
  /** Runs that left through each output port. */
  ports: Record<string, number>;
}

export type VersionCounters = Record<string, NodeCounters>;

export const NO_COUNTS: NodeCounters = { entered: 0, waiting: 0, failed: 0, ports: {} };

export function passed(c: NodeCounters): number {
  let sum = 0;
  for (const n of Object.values(c.ports)) sum += n;
  return sum;
}

export interface FunnelStep {
  nodeId: string;
  entered: number;
}

export interface Funnel {
  /** Runs that entered the flow: what entered the nodes its triggers lead to. */
  entries: number;
  /** Every reachable node except goals, in walking order from the triggers (ports in their order). */
  steps: FunnelStep[];
  /** Runs that reached a goal node; null when the flow has none. */
  goal: number | null;
}

const GOAL_TYPE = 'flow.goal';

/** Entries → each step in the order a contact walks the flow → goal. */
export function funnel(graph: JourneyGraph, counters: VersionCounters): Funnel {
  const byId = new Map<string, NodeInstance>(graph.nodes.map((n) => [n.id, n]));
  const out = new Map<string, string[]>();
  for (const e of graph.edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const entered = (id: string) => counters[id]?.entered ?? 0;

  const starts = [...new Set(graph.triggers.flatMap((t) => out.get(t.id) ?? []))].filter((id) => byId.has(id));
  const entries = starts.reduce((sum, id) => sum + entered(id), 0);
  const seen = new Set<string>(starts);
  const queue = [...starts];
  const steps: FunnelStep[] = [];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i] as string;
    if (byId.get(id)?.type !== GOAL_TYPE) steps.push({ nodeId: id, entered: entered(id) });
    for (const next of out.get(id) ?? []) {
      if (!seen.has(next) && byId.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  const goals = graph.nodes.filter((n) => n.type === GOAL_TYPE);
  return { entries, steps, goal: goals.length ? goals.reduce((sum, n) => sum + entered(n.id), 0) : null };
}

/** A share as a percentage with one decimal ("42.5%"); "–" when there is nothing to divide by. */
export function percent(part: number, whole: number): string {
  if (whole <= 0) return '–';
  return `${Math.round((part / whole) * 1000) / 10}%`;
}
