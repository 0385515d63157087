import { JourneyGraph } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import { funnel, passed, percent } from './stats-model.ts';

const node = (id: string, type: string) => ({ id, type, version: 1, config: {} });
const graph = JourneyGraph.parse({
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [node('t1', 'trigger.tag_applied')],
  nodes: [node('send', 'message.send'), node('split', 'logic.split'), node('goal', 'flow.goal'), node('exit', 'flow.exit'), node('orphan', 'action.tag')],
  edges: [
    { id: 'e1', source: 't1', sourcePort: 'next', target: 'send' },
    { id: 'e2', source: 'send', sourcePort: 'next', target: 'split' },
    { id: 'e3', source: 'split', sourcePort: 'branch:vip', target: 'goal' },
    { id: 'e4', source: 'split', sourcePort: 'else', target: 'exit' },
  ],
});

describe('funnel', () => {
  it('walks from the triggers in port order, counts entries at the first node and ends at the goal', () => {
    const f = funnel(graph, {
      send: { entered: 10, waiting: 0, failed: 1, ports: { next: 9 } },
      split: { entered: 9, waiting: 0, failed: 0, ports: { 'branch:vip': 4, else: 5 } },
      goal: { entered: 4, waiting: 0, failed: 0, ports: {} },
    });
    expect(f.entries).toBe(10);
    expect(f.steps).toEqual([
      { nodeId: 'send', entered: 10 },
      { nodeId: 'split', entered: 9 },
      { nodeId: 'exit', entered: 0 },
    ]);
    expect(f.goal).toBe(4);
  });

  it('says there is no goal when the flow has no goal node, and counts zero without stats', () => {
    const noGoal = { ...graph, nodes: graph.nodes.filter((n) => n.type !== 'flow.goal') };
    expect(funnel(noGoal, {})).toMatchObject({ entries: 0, goal: null });
  });
});

describe('counters', () => {
  it('sums the ports into "passed" and writes shares as percentages', () => {
    expect(passed({ entered: 9, waiting: 0, failed: 0, ports: { 'branch:vip': 4, else: 5 } })).toBe(9);
    expect(percent(4, 9)).toBe('44.4%');
    expect(percent(1, 0)).toBe('–');
  });
});
