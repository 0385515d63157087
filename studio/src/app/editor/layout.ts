import type { JourneyGraph } from '@omniflow/schemas';
import elkModule from 'elkjs/lib/elk.bundled.js';
import { allNodes, type Point } from './graph.ts';

// elkjs is CommonJS: its constructor is the default export in some loaders and the module itself in others.
type ElkConstructor = typeof elkModule.default;
const ELK: ElkConstructor = (elkModule as unknown as { default?: ElkConstructor }).default ?? (elkModule as unknown as ElkConstructor);

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 90;

/** Left-to-right layered layout of the journey (elkjs); returns a position per node id. */
export async function autoLayout(graph: JourneyGraph): Promise<Map<string, Point>> {
  const elk = new ELK();
  const ids = new Set(allNodes(graph).map((n) => n.id));
  const result = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '80',
    },
    children: allNodes(graph).map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  return new Map((result.children ?? []).map((c): [string, Point] => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
}
