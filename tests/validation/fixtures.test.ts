import { readFileSync } from 'node:fs';
import { builtinCatalogue, validateGraph } from '@omniflow/nodes';
import { type AttributeDefinition, type FlowGraph, parseStoredGraph } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';

// The seeded example flows, validated with the full built-in catalogue, and realistic edits a
// marketer makes to them, each producing the one issue a marketer should see.

const load = (name: string): FlowGraph => {
  const parsed = parseStoredGraph(JSON.parse(readFileSync(new URL(`../../examples/flows/${name}`, import.meta.url), 'utf8')));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.graph;
};
const catalogue = builtinCatalogue();
const attributes: AttributeDefinition[] = [
  { key: 'member_tier', type: 'text', status: 'active' },
  { key: 'newsletter_email', type: 'text', status: 'active' },
];
const validate = (g: unknown) => validateGraph(g, { catalogue, attributes });
const summary = (g: unknown) => validate(g).issues.map((i) => `${i.severity}:${i.code}:${i.nodeId ?? i.moduleId ?? ''}:${i.path.join('.')}`);

describe('abandoned-cart journey (tag → wait → split → LINE Flex coupon → Meta CAPI)', () => {
  const graph = load('abandoned-cart.journey.json');

  it('is valid with no issues at all', () => expect(summary(graph)).toEqual([]));

  it('flags a Flex coupon put on Messenger: Flex is LINE-only', () => {
    const g = structuredClone(graph);
    if (g.kind !== 'journey') throw new Error();
    g.channels = ['messenger'];
    expect(summary(g)).toContain('error:channel_unsupported:coupon:');
  });

  it('flags an over-long Flex alt text with LINE’s limit', () => {
    const g = structuredClone(graph) as FlowGraph & { kind: 'journey' };
    const coupon = g.nodes.find((n) => n.id === 'coupon');
    if (!coupon) throw new Error();
    coupon.config.altText = 'x'.repeat(1501);
    expect(validate(g).issues).toEqual([expect.objectContaining({ nodeId: 'coupon', code: 'too_long', path: ['config', 'altText'] })]);
  });

  it('flags a loop back to the split without passing the wait', () => {
    const g = structuredClone(graph) as FlowGraph & { kind: 'journey' };
    g.edges = g.edges.filter((e) => e.id !== 'e6');
    g.edges.push({ id: 'loop', source: 'capi', sourcePort: 'sent', target: 'bought_yet' });
    expect(summary(g)).toEqual(expect.arrayContaining(['error:cycle_without_wait:capi:', 'error:cycle_without_wait:bought_yet:']));
  });
});

describe('new-follower journey (welcome → wait 1 day → call an API → tag)', () => {
  const graph = load('new-follower.journey.json');

  it('is valid with no issues at all', () => {
    expect(summary(graph)).toEqual([]);
  });

  it('refuses a literal Authorization header: secrets belong in the auth setting', () => {
    const g = structuredClone(graph) as FlowGraph & { kind: 'journey' };
    const crm = g.nodes.find((n) => n.id === 'crm');
    if (!crm) throw new Error();
    (crm.config.headers as unknown[]).push({ name: 'Authorization', value: 'Bearer abc123' });
    expect(
      validate(g)
        .issues.filter((i) => i.severity === 'error')
        .map((i) => i.nodeId),
    ).toEqual(['crm']);
  });

  it('refuses a placeholder naming an unknown attribute', () => {
    const g = structuredClone(graph) as FlowGraph & { kind: 'journey' };
    const welcome = g.nodes.find((n) => n.id === 'welcome');
    if (!welcome) throw new Error();
    welcome.config.content = { kind: 'text', text: 'Hi {{attr:favourite_colour}}' };
    expect(summary(g)).toEqual(['error:unknown_placeholder:welcome:config.content.text']);
  });
});

describe('keyword chatbot (modules, quick replies, user input, condition split, hand-off)', () => {
  const graph = load('keyword-bot.chatbot.json');

  it('is valid with no issues at all', () => expect(summary(graph)).toEqual([]));

  it('enforces "quick reply must be the last card" (P1)', () => {
    const g = structuredClone(graph) as FlowGraph & { kind: 'chatbot' };
    const welcome = g.modules.find((m) => m.id === 'm_welcome');
    if (!welcome) throw new Error();
    welcome.cards.reverse();
    expect(summary(g)).toContain('error:must_be_last:c_menu:');
  });

  it('enforces "the live-agent module allows no other cards" (P4)', () => {
    const g = structuredClone(graph) as FlowGraph & { kind: 'chatbot' };
    const agent = g.modules.find((m) => m.id === 'm_agent');
    if (!agent) throw new Error();
    agent.cards.push({ id: 'c_extra', type: 'message.text', version: 1, config: { text: 'One moment', buttons: [] } });
    expect(summary(g)).toContain('error:must_be_alone:c_handoff:');
  });

  it('reports a quick-reply option whose module link was deleted, and the module left unreachable', () => {
    const g = structuredClone(graph) as FlowGraph & { kind: 'chatbot' };
    g.edges = g.edges.filter((e) => e.id !== 'e1');
    expect(summary(g)).toEqual(['error:missing_target:c_menu:ports.option:opening', 'warning:unreachable:m_hours:']);
  });

  it('refuses a LINE-only card in a Messenger/Instagram bot', () => {
    const g = structuredClone(graph) as FlowGraph & { kind: 'chatbot' };
    g.bot.scope = 'fb_ig';
    g.modules[0]?.cards.push({ id: 'c_map', type: 'message.imagemap', version: 1, config: {} });
    expect(summary(g)).toContain('error:scope_unsupported:c_map:');
  });

  it('checks the user-input attribute against the team’s attributes', () => {
    const result = validateGraph(graph, { catalogue, attributes: [{ key: 'newsletter_email', type: 'number', status: 'active' }] });
    expect(result.issues.map((i) => [i.nodeId, i.code])).toEqual([['c_email', expect.stringMatching(/attribute/)]]);
  });
});
