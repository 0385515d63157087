import type { GraphDiff } from '@omniflow/api';
import { builtinCatalogue } from '@omniflow/nodes';
import { JourneyGraph } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import { translate } from '../i18n.tsx';
import { describeFlowChanges, describeNodeChanges, diffCanvas, fieldPathLabel, valueText } from './diff-model.ts';

const catalogue = builtinCatalogue();
const en = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate('en', key, vars);
const zh = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate('zh-Hant', key, vars);

const trigger = { id: 't1', type: 'trigger.tag_applied', version: 1, config: { tags: ['vip'] } };
const tag = { id: 'tag_1', type: 'action.tag', version: 1, config: { op: 'add', tags: ['a'] } };
const wait = { id: 'wait_1', type: 'wait.wait', version: 1, config: {} };
const exit = { id: 'exit_1', type: 'flow.exit', version: 1, config: {} };
const before = JourneyGraph.parse({
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [trigger],
  nodes: [tag, wait],
  edges: [
    { id: 'e1', source: 't1', sourcePort: 'next', target: 'tag_1' },
    { id: 'e2', source: 'tag_1', sourcePort: 'next', target: 'wait_1' },
  ],
});
const after = JourneyGraph.parse({
  ...before,
  nodes: [{ ...tag, config: { op: 'add', tags: ['a', 'b'] } }, exit],
  edges: [
    { id: 'e1', source: 't1', sourcePort: 'next', target: 'tag_1' },
    { id: 'e3', source: 'tag_1', sourcePort: 'next', target: 'exit_1' },
  ],
});
const ref = (n: { id: string; type: string }) => ({ id: n.id, type: n.type, place: 'node' as const });
const diff: GraphDiff = {
  identical: false,
  nodes: {
    added: [ref(exit)],
    removed: [ref(wait)],
    changed: [{ ...ref(tag), changes: [{ path: ['config', 'tags', 1], change: 'added', after: 'b' }] }],
  },
  modules: { added: [], removed: [], changed: [] },
  edges: { added: [after.edges[1] as never], removed: [before.edges[1] as never], changed: [] },
  flow: [],
};

describe('diffCanvas', () => {
  it('draws the newer graph plus the removed nodes and edges, each marked', () => {
    const canvas = diffCanvas(before, after, diff);
    expect(canvas.nodes.map((n) => [n.node.id, n.mark, n.trigger])).toEqual([
      ['t1', 'same', true],
      ['tag_1', 'changed', false],
      ['exit_1', 'added', false],
      ['wait_1', 'removed', false],
    ]);
    expect(canvas.edges.map((e) => [e.key, e.mark])).toEqual([
      ['e1', 'same'],
      ['e3', 'added'],
      ['removed:e2', 'removed'],
    ]);
    expect(canvas.counts).toEqual({ added: 1, removed: 1, changed: 1, edgesAdded: 1, edgesRemoved: 1 });
  });

  it('shows an edge re-pointed under the same id as one added and one removed, with distinct keys', () => {
    const moved = JourneyGraph.parse({ ...after, edges: [{ id: 'e2', source: 'tag_1', sourcePort: 'next', target: 'exit_1' }] });
    const d = { ...diff, edges: { added: [], removed: [], changed: [{ id: 'e2', changes: [{ path: ['target'], change: 'changed' as const }] }] } };
    const canvas = diffCanvas(before, moved, d);
    expect(canvas.edges.map((e) => [e.key, e.mark, e.edge.target])).toEqual([
      ['e2', 'added', 'exit_1'],
      ['removed:e2', 'removed', 'wait_1'],
    ]);
  });
});

describe('changes in words', () => {
  it('names config fields with the catalogue form labels, in both languages', () => {
    const def = catalogue.get('action.tag');
    expect(fieldPathLabel(def, ['tags'], 'en')).toBe('Tags');
    expect(fieldPathLabel(def, ['tags'], 'zh-Hant')).toBe('標籤');
    const lines = describeNodeChanges([{ path: ['config', 'tags', 1], change: 'added', after: 'b' }], def, en, 'en');
    expect(lines).toEqual(['Tags › #2: set to “b”']);
    const zhLines = describeNodeChanges([{ path: ['config', 'tags', 1], change: 'added', after: 'b' }], def, zh, 'zh-Hant');
    expect(zhLines[0]).toMatch(/^標籤 › #2:設為 “b”$/);
  });

  it('never prints JSON: objects become "changed", moves collapse into one line, booleans read on/off', () => {
    const def = catalogue.get('wait.wait');
    const lines = describeNodeChanges(
      [
        { path: ['position', 'x'], change: 'changed', before: 0, after: 10 },
        { path: ['position', 'y'], change: 'changed', before: 0, after: 10 },
        { path: ['config', 'mode'], change: 'changed', before: { kind: 'duration' }, after: { kind: 'until' } },
        { path: ['config', 'respectQuietHours'], change: 'changed', before: true, after: false },
        { path: ['label'], change: 'added', after: 'Cool down' },
      ],
      def,
      en,
      'en',
    );
    for (const line of lines) expect(line).not.toMatch(/[{}[\]]/);
    expect(lines).toContain('Moved on the canvas');
    expect(lines).toContain('Name on the canvas: set to “Cool down”');
    expect(lines.some((l) => /: on → off$/.test(l))).toBe(true);
    expect(lines.filter((l) => l === 'Moved on the canvas')).toHaveLength(1);
  });

  it('describes flow settings and lists of things', () => {
    expect(describeFlowChanges([{ path: ['channels'], change: 'changed', before: ['line'], after: ['line', 'whatsapp'] }], en, 'en')).toEqual([
      'Channels: “line” → “line, whatsapp”',
    ]);
    expect(valueText([{ a: 1 }, { a: 2 }], en)).toBe('2 item(s)');
    expect(valueText('', en)).toBe('(empty)');
    expect(valueText('x'.repeat(100), en)?.length).toBeLessThan(70);
  });
});
