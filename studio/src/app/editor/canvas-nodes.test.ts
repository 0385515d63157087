import { builtinCatalogue } from '@omniflow/nodes';
import { JourneyGraph } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import { type CanvasNodeCache, canvasNodes, onlyPositionsChanged } from './canvas-nodes.ts';
import { moveNode, updateConfig, updateLabel } from './graph.ts';

const catalogue = builtinCatalogue();
const graph = JourneyGraph.parse({
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [{ id: 't1', type: 'trigger.tag_applied', version: 1, config: { tags: ['vip'] }, position: { x: 0, y: 0 } }],
  nodes: [
    { id: 'a', type: 'action.tag', version: 1, config: { op: 'add', tags: ['x'] }, position: { x: 300, y: 0 } },
    { id: 'b', type: 'wait.wait', version: 1, config: {}, position: { x: 600, y: 0 } },
  ],
  edges: [{ id: 'e1', source: 't1', sourcePort: 'next', target: 'a' }],
});

describe('canvasNodes', () => {
  it('hands back the same node objects for unchanged nodes and the same data for a moved one', () => {
    const cache: CanvasNodeCache = new Map();
    const first = canvasNodes(graph, catalogue, new Map(), null, cache);
    expect(first.map((n) => [n.id, n.data.trigger])).toEqual([
      ['t1', true],
      ['a', false],
      ['b', false],
    ]);
    expect(first[1]?.data.ports.map((p) => p.id)).toEqual(['next']);
    expect(first[1]?.initialWidth).toBe(200);

    const moved = moveNode(graph, 'a', { x: 310, y: 5 });
    const second = canvasNodes(moved, catalogue, new Map(), null, cache);
    expect(second[0]).toBe(first[0]);
    expect(second[2]).toBe(first[2]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[1]?.position).toEqual({ x: 310, y: 5 });
    expect(second[1]?.data).toBe(first[1]?.data);
  });

  it('makes new data when the config, the label, the selection or the issues change', () => {
    const cache: CanvasNodeCache = new Map();
    const first = canvasNodes(graph, catalogue, new Map(), null, cache);
    const relabelled = canvasNodes(updateLabel(graph, 'a', 'Welcome'), catalogue, new Map(), null, cache);
    expect(relabelled[1]?.data.label).toBe('Welcome');
    expect(relabelled[1]?.data).not.toBe(first[1]?.data);
    const selected = canvasNodes(graph, catalogue, new Map(), 'b', cache);
    expect(selected[2]?.selected).toBe(true);
    const issue = { severity: 'error' as const, code: 'x', nodeId: 'b', message: { en: 'x', 'zh-Hant': 'x' } };
    const withIssue = canvasNodes(graph, catalogue, new Map([['b', [issue as never]]]), 'b', cache);
    expect(withIssue[2]?.data.errors).toBe(1);
  });
});

describe('onlyPositionsChanged', () => {
  it('is true for moves and false for any other edit', () => {
    expect(onlyPositionsChanged(graph, moveNode(graph, 'b', { x: 1, y: 1 }))).toBe(true);
    expect(onlyPositionsChanged(graph, updateConfig(graph, 'a', { op: 'remove', tags: ['x'] }))).toBe(false);
    expect(onlyPositionsChanged(graph, updateLabel(graph, 'a', 'Hi'))).toBe(false);
    expect(onlyPositionsChanged(graph, { ...graph, edges: [] })).toBe(false);
    expect(onlyPositionsChanged(graph, { ...graph, nodes: graph.nodes.slice(1) })).toBe(false);
  });
});
