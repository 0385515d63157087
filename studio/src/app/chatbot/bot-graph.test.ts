import { readFileSync } from 'node:fs';
import { builtinCatalogue, validateGraph } from '@omniflow/nodes';
import { ChatbotGraph } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import {
  addCard,
  addModule,
  addTrigger,
  botPortsOf,
  cardTypesFor,
  duplicateModule,
  findCard,
  moveCard,
  moveModule,
  removeCard,
  removeModule,
  renameModule,
  setEntryModule,
  setTarget,
  targetOf,
  triggerTypesFor,
  updateNodeConfig,
} from './bot-graph.ts';

const catalogue = builtinCatalogue();
const example = () => ChatbotGraph.parse(JSON.parse(readFileSync(new URL('../../../../examples/flows/keyword-bot.chatbot.json', import.meta.url), 'utf8')));
const empty = (): ChatbotGraph =>
  ChatbotGraph.parse({
    formatVersion: 2,
    kind: 'chatbot',
    bot: { scope: 'web' },
    triggers: [],
    modules: [{ id: 'm_1', name: 'Start', cards: [] }],
    entryModuleId: 'm_1',
    edges: [],
  });

describe('chatbot graph edits', () => {
  it('builds a two-module keyword bot that validates: trigger → module, quick reply option → second module', () => {
    let g = empty();
    const second = addModule(g, 'Prices');
    g = second.graph;
    const qr = addCard(g, 'm_1', catalogue.get('message.quick_reply')!);
    g = updateNodeConfig(qr.graph, qr.id, { title: 'Pick one', options: [{ id: 'o1', label: 'Prices' }] });
    const text = addCard(g, second.id, catalogue.get('message.text')!);
    g = updateNodeConfig(text.graph, text.id, { text: 'Coffee is 3 €', buttons: [] });
    const kw = addTrigger(g, catalogue.get('trigger.keyword')!);
    g = updateNodeConfig(kw.graph, kw.id, { keywords: ['menu'], match: 'containsAny' });
    g = setTarget(g, kw.id, 'next', 'm_1');
    expect(botPortsOf(catalogue, findCard(g, qr.id)!.card).map((p) => p.id)).toContain('option:o1');
    g = setTarget(g, qr.id, 'option:o1', second.id);
    expect(targetOf(g, qr.id, 'option:o1')).toBe(second.id);
    expect(ChatbotGraph.safeParse(g).success).toBe(true);
    expect(validateGraph(g, { catalogue }).issues.filter((i) => i.severity === 'error')).toEqual([]);
    // One target per port: pointing it elsewhere replaces the edge; clearing removes it.
    g = setTarget(g, qr.id, 'option:o1', 'm_1');
    expect(g.edges.filter((e) => e.source === qr.id)).toHaveLength(1);
    expect(targetOf(setTarget(g, qr.id, 'option:o1', undefined), qr.id, 'option:o1')).toBeUndefined();
  });

  it('reorders modules and cards, and keeps the ends in place', () => {
    const g = example();
    const moved = moveModule(g, 'm_hours', -1);
    expect(moved.modules.map((m) => m.id).slice(0, 2)).toEqual(['m_hours', 'm_welcome']);
    expect(moveModule(g, 'm_welcome', -1)).toBe(g);
    const cards = moveCard(g, 'c_menu', -1);
    expect(cards.modules[0]?.cards.map((c) => c.id)).toEqual(['c_menu', 'c_hello']);
    expect(moveCard(g, 'c_menu', 1)).toBe(g);
  });

  it('removes a module with its cards and every edge to or from them; never the entry module', () => {
    const g = example();
    expect(removeModule(g, 'm_welcome')).toBe(g);
    const without = removeModule(g, 'm_agent');
    expect(without.modules.some((m) => m.id === 'm_agent')).toBe(false);
    expect(without.edges.some((e) => e.target === 'm_agent' || e.source === 'c_handoff')).toBe(false);
    const noCard = removeCard(g, 'c_menu');
    expect(noCard.edges.some((e) => e.source === 'c_menu')).toBe(false);
    expect(setEntryModule(g, 'm_hours').entryModuleId).toBe('m_hours');
    expect(setEntryModule(g, 'nope')).toBe(g);
    expect(renameModule(g, 'm_hours', '   ')).toBe(g);
    expect(renameModule(g, 'm_hours', 'Hours').modules.find((m) => m.id === 'm_hours')?.name).toBe('Hours');
  });

  it('duplicates a module after itself with fresh ids, keeping where its cards lead', () => {
    const g = example();
    const { graph: d, id } = duplicateModule(g, 'm_welcome');
    expect(d.modules.map((m) => m.id).slice(0, 2)).toEqual(['m_welcome', id]);
    const copy = d.modules[1];
    expect(copy?.name).toBe('Welcome (copy)');
    expect(copy?.cards.map((c) => c.type)).toEqual(['message.text', 'message.quick_reply']);
    const ids = new Set([...d.triggers.map((t) => t.id), ...d.modules.flatMap((m) => [m.id, ...m.cards.map((c) => c.id)]), ...d.edges.map((e) => e.id)]);
    expect(ids.size).toBe(d.triggers.length + d.modules.length + d.modules.reduce((n, m) => n + m.cards.length, 0) + d.edges.length);
    const menuCopy = copy?.cards[1]?.id ?? '';
    expect(targetOf(d, menuCopy, 'option:human')).toBe('m_agent');
    expect(validateGraph(d, { catalogue }).issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('offers the cards and triggers of the bot scope only', () => {
    const line = example();
    const web = empty();
    const lineCards = cardTypesFor(catalogue, line).map((d) => d.type);
    const webCards = cardTypesFor(catalogue, web).map((d) => d.type);
    expect(lineCards).toContain('message.imagemap');
    expect(webCards).not.toContain('message.imagemap');
    expect(lineCards.every((t) => !t.startsWith('trigger.'))).toBe(true);
    expect(triggerTypesFor(catalogue, web).map((d) => d.type)).toContain('trigger.keyword');
  });
});
