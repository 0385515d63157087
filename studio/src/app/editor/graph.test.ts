import { builtinCatalogue, validateGraph } from '@omniflow/nodes';
import { type JourneyGraph, JourneyGraph as JourneyGraphSchema } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import { addNode, connect, connectionProblem, historyOf, portsOf, record, redo, removeNodes, undo, updateConfig, updateLabel } from './graph.ts';

const catalogue = builtinCatalogue();
const empty: JourneyGraph = JourneyGraphSchema.parse({ formatVersion: 2, kind: 'journey', channels: ['line'], triggers: [], nodes: [], edges: [] });
const def = (type: string) => {
  const d = catalogue.get(type);
  if (!d) throw new Error(type);
  return d;
};

function twoNodes() {
  const a = addNode(empty, def('trigger.tag_applied'), { x: 0, y: 0 });
  const b = addNode(a.graph, def('action.tag'), { x: 300, y: 0.6 });
  return { graph: b.graph, trigger: a.id, action: b.id };
}

describe('journey graph edits', () => {
  it('places triggers in the trigger list and others in the node list, with fresh ids and default configs', () => {
    const { graph, trigger, action } = twoNodes();
    expect(graph.triggers.map((n) => n.id)).toEqual([trigger]);
    expect(graph.nodes).toEqual([{ id: action, type: 'action.tag', version: 1, config: { op: 'add', tags: [] }, position: { x: 300, y: 1 } }]);
    expect(addNode(graph, def('action.tag'), { x: 0, y: 0 }).id).toBe('tag_2');
    expect(JourneyGraphSchema.safeParse(graph).success).toBe(true);
  });

  it('allows only an existing output port to a non-trigger node', () => {
    const { graph, trigger, action } = twoNodes();
    expect(connectionProblem(graph, catalogue, { source: trigger, sourcePort: 'next', target: action })).toBeNull();
    expect(connectionProblem(graph, catalogue, { source: trigger, sourcePort: 'nope', target: action })).toBe('no_port');
    expect(connectionProblem(graph, catalogue, { source: action, sourcePort: 'next', target: trigger })).toBe('to_trigger');
    expect(connectionProblem(graph, catalogue, { source: action, sourcePort: 'next', target: action })).toBe('self');
    expect(connectionProblem(graph, catalogue, { source: 'ghost', sourcePort: 'next', target: action })).toBe('no_source');
  });

  it('gives a port one target: connecting again replaces the edge', () => {
    const { graph, trigger, action } = twoNodes();
    const other = addNode(graph, def('action.tag'), { x: 0, y: 0 });
    const once = connect(other.graph, { source: trigger, sourcePort: 'next', target: action });
    const twice = connect(once, { source: trigger, sourcePort: 'next', target: other.id });
    expect(twice.edges).toEqual([expect.objectContaining({ source: trigger, sourcePort: 'next', target: other.id })]);
    expect(validateGraph(twice, { catalogue }).issues.some((i) => i.code === 'port_multiple_targets')).toBe(false);
  });

  it('removing a node removes its connections', () => {
    const { graph, trigger, action } = twoNodes();
    const linked = connect(graph, { source: trigger, sourcePort: 'next', target: action });
    expect(removeNodes(linked, [action])).toMatchObject({ nodes: [], edges: [] });
  });

  it('derives ports from the config (one per split branch), falling back to the default config', () => {
    const split = def('logic.random_split');
    const ports = portsOf(split, split.defaultConfig, 'journey');
    expect(ports.length).toBeGreaterThan(1);
    expect(portsOf(split, { broken: true }, 'journey')).toEqual(ports);
    expect(portsOf(undefined, {}, 'journey')).toEqual([]);
  });

  it('sets and clears a node label and config', () => {
    const { graph, action } = twoNodes();
    const named = updateLabel(graph, action, 'Welcome tag');
    expect(named.nodes[0]?.label).toBe('Welcome tag');
    expect(updateLabel(named, action, ' ').nodes[0]).not.toHaveProperty('label');
    expect(updateConfig(graph, action, { op: 'remove', tags: ['x'] }).nodes[0]?.config).toEqual({ op: 'remove', tags: ['x'] });
  });
});

describe('undo history', () => {
  it('undoes and redoes, and a new change drops the redo branch', () => {
    let h = historyOf(1);
    h = record(h, 2);
    h = record(h, 3);
    h = undo(h);
    expect(h.present).toBe(2);
    h = redo(h);
    expect(h.present).toBe(3);
    h = undo(undo(h));
    h = record(h, 9);
    expect(h).toMatchObject({ past: [1], present: 9, future: [] });
    expect(undo(historyOf(1))).toEqual(historyOf(1));
    expect(redo(h)).toBe(h);
  });

  it('folds changes with the same key into one step (typing in one field)', () => {
    let h = historyOf('');
    for (const v of ['h', 'he', 'hel']) h = record(h, v, 'field:text');
    h = record(h, 'other', 'field:title');
    expect(h.past).toEqual(['', 'hel']);
    expect(undo(undo(h)).present).toBe('');
  });
});

describe('conflict comparison', () => {
  it('names nodes only on one side and nodes both sides changed differently', async () => {
    const { compareGraphs } = await import('./ConflictDialog.tsx');
    const { graph, action } = twoNodes();
    const mine = updateConfig(graph, action, { op: 'remove', tags: ['x'] });
    const theirs = removeNodes(graph, [graph.triggers[0]?.id ?? '']);
    const extra = addNode(theirs, def('wait.wait'), { x: 0, y: 0 }).graph;
    const cmp = compareGraphs(mine, extra);
    expect(cmp.onlyMine.map((n) => n.type)).toEqual(['trigger.tag_applied']);
    expect(cmp.onlyTheirs.map((n) => n.type)).toEqual(['wait.wait']);
    expect(cmp.changed.map((n) => n.id)).toEqual([action]);
  });
});
