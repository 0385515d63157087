import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GRAPH_FORMAT_VERSION } from './graph.ts';
import { parseStoredGraph } from './upgrade.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));

describe('parseStoredGraph', () => {
  it('upgrades the committed v1 journey fixture to the current format', () => {
    const result = parseStoredGraph(fixture('journey-v1.json'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.upgradedFrom).toBe(1);
    const g = result.graph;
    expect(g.formatVersion).toBe(GRAPH_FORMAT_VERSION);
    if (g.kind !== 'journey') throw new Error('expected a journey');
    expect(g.triggers).toEqual([
      { id: 't1', type: 'trigger.tag_applied', version: 1, config: { tags: ['cart_abandoned'], match: 'any' }, position: { x: 0, y: 0 } },
    ]);
    expect(g.nodes.map((n) => [n.id, n.version, n.position])).toEqual([
      ['w1', 1, { x: 0, y: 120 }],
      ['tag1', 1, { x: 0, y: 240 }],
    ]);
    expect(g.edges).toEqual([
      { id: 'e1', source: 't1', sourcePort: 'next', target: 'w1' },
      { id: 'e2', source: 'w1', sourcePort: 'next', target: 'tag1' },
    ]);
    expect(g.settings.reentry).toEqual({ mode: 'never' });
    expect(g.settings.maxConcurrentRunsPerContact).toBe(1);
  });

  it('upgrades the committed v1 chatbot fixture, moving scope and entry into the bot', () => {
    const result = parseStoredGraph(fixture('chatbot-v1.json'));
    expect(result.ok).toBe(true);
    if (!result.ok || result.graph.kind !== 'chatbot') throw new Error('expected a chatbot');
    const g = result.graph;
    expect(g.bot).toEqual({ scope: 'line', purpose: 'general', postReplyModuleIds: [] });
    expect(g.entryModuleId).toBe('m1');
    expect(g.triggers[0]?.type).toBe('trigger.keyword');
    expect(g.modules[0]?.cards[0]?.config).toMatchObject({ text: 'Hi!' });
    expect(g.edges[1]).toEqual({ id: 'e2', source: 'c1', sourcePort: 'button:b1', target: 'm2' });
  });

  it('reads a current-format graph unchanged and without upgrade', () => {
    const first = parseStoredGraph(fixture('journey-v1.json'));
    if (!first.ok) throw new Error('fixture');
    const again = parseStoredGraph(JSON.parse(JSON.stringify(first.graph)));
    expect(again).toEqual({ ok: true, graph: first.graph });
  });

  it('refuses graphs from the future and graphs without a version, naming the field', () => {
    expect(parseStoredGraph({ formatVersion: GRAPH_FORMAT_VERSION + 1, kind: 'journey' })).toMatchObject({ ok: false, error: [{ path: ['formatVersion'] }] });
    expect(parseStoredGraph({ kind: 'journey' })).toMatchObject({ ok: false, error: [{ path: ['formatVersion'] }] });
    expect(parseStoredGraph(null)).toMatchObject({ ok: false });
    expect(parseStoredGraph('nope')).toMatchObject({ ok: false });
  });

  it('reports malformed v1 content as an error instead of throwing', () => {
    const broken = { version: 1, kind: 'journey', channels: ['line'], nodes: [{ type: 'action.tag' }], connections: [] };
    const result = parseStoredGraph(broken);
    expect(result.ok).toBe(false);
  });

  it('names the path of a structural error', () => {
    const result = parseStoredGraph({
      formatVersion: 2,
      kind: 'journey',
      channels: ['line'],
      triggers: [],
      nodes: [{ id: 'a b', type: 'action.tag', version: 1, config: {} }],
      edges: [],
    });
    expect(result).toMatchObject({ ok: false, error: [{ path: ['nodes', 0, 'id'] }] });
  });
});
