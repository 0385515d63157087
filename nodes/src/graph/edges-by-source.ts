import type { Edge } from '@omniflow/schemas';

/** Edges grouped by source node id, then by source port. */
export function edgesBySource(edges: readonly Edge[]): Map<string, Map<string, Edge[]>> {
  const out = new Map<string, Map<string, Edge[]>>();
  for (const e of edges) {
    let ports = out.get(e.source);
    if (!ports) {
      ports = new Map();
      out.set(e.source, ports);
    }
    const list = ports.get(e.sourcePort);
    if (list) list.push(e);
    else ports.set(e.sourcePort, [e]);
  }
  return out;
}
