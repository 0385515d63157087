import { journeyGraph } from '../api/graph.ts';

// The bench:api journey (tag → wait → split, repeated, to an exit; every port connected), laid
// out on a grid instead of one long column, so a viewport holds many nodes and edges at once, as
// a large real journey does after auto-layout.

const COLUMNS = 25;
const STEP_X = 300;
const STEP_Y = 160;

interface Positioned {
  id: string;
  position?: { x: number; y: number };
}

export function gridJourney(size: number): Record<string, unknown> {
  const graph = journeyGraph(size) as { triggers: Positioned[]; nodes: Positioned[] } & Record<string, unknown>;
  const place = (i: number) => ({ x: (i % COLUMNS) * STEP_X, y: Math.floor(i / COLUMNS) * STEP_Y });
  return {
    ...graph,
    triggers: graph.triggers.map((t) => ({ ...t, position: { x: -STEP_X, y: 0 } })),
    nodes: graph.nodes.map((n, i) => ({ ...n, position: place(i) })),
  };
}
