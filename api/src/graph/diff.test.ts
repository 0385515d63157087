import { FlowGraph } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import { diffGraphs, diffValues } from './diff.ts';

const journey = (patch: Record<string, unknown> = {}) =>
  FlowGraph.parse({
    formatVersion: 2,
    kind: 'journey',
    channels: ['line'],
    triggers: [{ id: 't1', type: 'trigger.tag_applied', version: 1, config: { tags: ['x'] } }],
    nodes: [
      { id: 'tag', type: 'action.tag', version: 1, config: { op: 'add', tags: ['y'] } },
      { id: 'msg', type: 'message.text', version: 1, config: { text: 'Hi', buttons: [] } },
    ],
    edges: [
      { id: 'e1', source: 't1', sourcePort: 'next', target: 'tag' },
      { id: 'e2', source: 'tag', sourcePort: 'next', target: 'msg' },
    ],
    ...patch,
  });

const card = (id: string, text = 'Hello') => ({ id, type: 'message.text', version: 1, config: { text, buttons: [] } });
const chatbot = (modules: unknown[], patch: Record<string, unknown> = {}) =>
  FlowGraph.parse({ formatVersion: 2, kind: 'chatbot', bot: { scope: 'line' }, triggers: [], modules, entryModuleId: 'm1', edges: [], ...patch });

const reverseKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseKeys(v)]),
  );
};

describe('diffGraphs', () => {
  it('reports nothing for equal graphs, whatever their key order', () => {
    const a = journey();
    const b = reverseKeys(a) as FlowGraph;
    const diff = diffGraphs(a, b);
    expect(diff.identical).toBe(true);
    expect(diff.nodes).toEqual({ added: [], removed: [], changed: [] });
  });

  it('finds added, removed and changed journey nodes down to the config field', () => {
    const before = journey();
    const after = journey({
      nodes: [
        { id: 'tag', type: 'action.tag', version: 1, config: { op: 'remove', tags: ['y', 'z'] }, label: 'Untag' },
        { id: 'exit', type: 'flow.exit', version: 1, config: {} },
      ],
      edges: [{ id: 'e1', source: 't1', sourcePort: 'next', target: 'tag' }],
    });
    const diff = diffGraphs(before, after);
    expect(diff.identical).toBe(false);
    expect(diff.nodes.added).toEqual([{ id: 'exit', type: 'flow.exit', place: 'node' }]);
    expect(diff.nodes.removed).toEqual([{ id: 'msg', type: 'message.text', place: 'node' }]);
    expect(diff.nodes.changed).toEqual([
      {
        id: 'tag',
        type: 'action.tag',
        label: 'Untag',
        place: 'node',
        changes: [
          { path: ['config', 'op'], change: 'changed', before: 'add', after: 'remove' },
          { path: ['config', 'tags', 1], change: 'added', after: 'z' },
          { path: ['label'], change: 'added', after: 'Untag' },
        ],
      },
    ]);
    expect(diff.edges.removed.map((e) => e.id)).toEqual(['e2']);
  });

  it('reports a retargeted edge, a changed trigger and flow-level fields', () => {
    const before = journey();
    const after = journey({
      channels: ['line', 'whatsapp'],
      triggers: [{ id: 't1', type: 'trigger.tag_applied', version: 1, config: { tags: ['x'], match: 'all' } }],
      edges: [
        { id: 'e1', source: 't1', sourcePort: 'next', target: 'msg' },
        { id: 'e2', source: 'tag', sourcePort: 'next', target: 'msg' },
      ],
    });
    const diff = diffGraphs(before, after);
    expect(diff.edges.changed).toEqual([{ id: 'e1', changes: [{ path: ['target'], change: 'changed', before: 'tag', after: 'msg' }] }]);
    expect(diff.nodes.changed).toEqual([
      { id: 't1', type: 'trigger.tag_applied', place: 'trigger', changes: [{ path: ['config', 'match'], change: 'added', after: 'all' }] },
    ]);
    expect(diff.flow).toEqual([{ path: ['channels', 1], change: 'added', after: 'whatsapp' }]);
  });

  it('follows chatbot modules: renamed, added, cards reordered and moved between modules', () => {
    const before = chatbot([
      { id: 'm1', name: 'Welcome', cards: [card('c1'), card('c2')] },
      { id: 'm2', name: 'Menu', cards: [card('c3')] },
    ]);
    const after = chatbot(
      [
        { id: 'm1', name: 'Hello', cards: [card('c2'), card('c1', 'Hi!')] },
        { id: 'm2', name: 'Menu', cards: [] },
        { id: 'm3', name: 'Help', cards: [card('c3')] },
      ],
      { entryModuleId: 'm3' },
    );
    const diff = diffGraphs(before, after);
    expect(diff.modules.added).toEqual([{ id: 'm3', name: 'Help' }]);
    expect(diff.modules.changed).toEqual([
      {
        id: 'm1',
        name: 'Hello',
        changes: [
          { path: ['cards', 0], change: 'changed', before: 'c1', after: 'c2' },
          { path: ['cards', 1], change: 'changed', before: 'c2', after: 'c1' },
          { path: ['name'], change: 'changed', before: 'Welcome', after: 'Hello' },
        ],
      },
      { id: 'm2', name: 'Menu', changes: [{ path: ['cards', 0], change: 'removed', before: 'c3' }] },
    ]);
    expect(diff.nodes.changed).toEqual([
      {
        id: 'c1',
        type: 'message.text',
        place: 'card',
        moduleId: 'm1',
        changes: [{ path: ['config', 'text'], change: 'changed', before: 'Hello', after: 'Hi!' }],
      },
      { id: 'c3', type: 'message.text', place: 'card', moduleId: 'm3', changes: [{ path: ['moduleId'], change: 'changed', before: 'm2', after: 'm3' }] },
    ]);
    expect(diff.flow).toEqual([{ path: ['entryModuleId'], change: 'changed', before: 'm1', after: 'm3' }]);
  });
});

describe('diffValues', () => {
  it('walks objects by key and arrays by position', () => {
    expect(diffValues({ a: [1, 2], b: { c: 1 } }, { a: [1], b: { c: 2, d: null } })).toEqual([
      { path: ['a', 1], change: 'removed', before: 2 },
      { path: ['b', 'c'], change: 'changed', before: 1, after: 2 },
      { path: ['b', 'd'], change: 'added', after: null },
    ]);
  });

  it('reports a change of shape as one change', () => {
    expect(diffValues({ a: [1] }, { a: { 0: 1 } })).toEqual([{ path: ['a'], change: 'changed', before: [1], after: { 0: 1 } }]);
  });
});
