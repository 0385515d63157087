import { t } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Catalogue } from '../catalogue.ts';
import { defineNode, NEXT_PORT } from '../define.ts';
import { field } from '../form.ts';
import { tagAction } from '../node-types/action/tag.ts';
import { textMessage } from '../node-types/message/text.ts';
import { tagAppliedTrigger } from '../node-types/trigger/tag-applied.ts';
import { validateGraph } from './graph.ts';

// The validator's mechanics, on a small catalogue of real node types plus test-only ones, so each
// rule is exercised in isolation. Realistic fixtures run against the full catalogue in tests/.

const pause = defineNode({
  type: 'test.pause',
  version: 1,
  category: 'wait',
  flowKinds: ['journey'],
  channels: 'any',
  label: t('Pause', '暫停'),
  description: t('Test wait', '測試'),
  icon: 'clock',
  config: z.object({}),
  defaultConfig: {},
  examples: [{ name: 'x', config: {} }],
  ports: () => [NEXT_PORT],
  waits: true,
  needs: ['clock'],
});
const lineOnly = defineNode({ ...pause, type: 'test.line_only', waits: false, channels: ['line'], flowKinds: ['journey', 'chatbot'] });
const lastCard = defineNode({ ...pause, type: 'test.last', flowKinds: ['chatbot'], placement: { last: true, notWith: ['test.alone'] } });
const aloneCard = defineNode({ ...pause, type: 'test.alone', flowKinds: ['chatbot'], ports: () => [], terminal: true, placement: { alone: true } });
const cartCard = defineNode({
  ...pause,
  type: 'test.cart',
  flowKinds: ['chatbot'],
  ports: () => [],
  placement: { maxPerModule: 1, botPurpose: 'cart_remarketing' },
});
const v2Tag = defineNode({
  type: 'action.tag',
  version: 2,
  category: 'action',
  flowKinds: ['journey'],
  channels: 'any',
  label: t('Tags v2', '標籤 v2'),
  description: t('Test version 2', '測試'),
  icon: 'tags',
  config: z.object({ tags: field(z.array(z.string()).default([]), t('Tags', '標籤')) }),
  defaultConfig: {},
  examples: [{ name: 'x', config: { tags: ['a'] } }],
  ports: () => [NEXT_PORT],
  needs: ['tags'],
});

const catalogue = new Catalogue([textMessage, tagAppliedTrigger, tagAction, v2Tag, pause, lineOnly, lastCard, aloneCard, cartCard]);
const check = (graph: unknown, extra = {}) => validateGraph(graph, { catalogue, ...extra });
const codes = (graph: unknown, extra = {}) => check(graph, extra).issues.map((i) => `${i.severity}:${i.code}:${i.nodeId ?? i.moduleId ?? i.edgeId ?? ''}`);

function journey(overrides: Record<string, unknown> = {}) {
  return {
    formatVersion: 2,
    kind: 'journey',
    channels: ['line'],
    triggers: [{ id: 't1', type: 'trigger.tag_applied', version: 1, config: { tags: ['cart'] } }],
    nodes: [
      { id: 'w', type: 'test.pause', version: 1, config: {} },
      { id: 'tag', type: 'action.tag', version: 1, config: { op: 'add', tags: ['reminded'] } },
    ],
    edges: [
      { id: 'e1', source: 't1', sourcePort: 'next', target: 'w' },
      { id: 'e2', source: 'w', sourcePort: 'next', target: 'tag' },
    ],
    ...overrides,
  };
}

function chatbot(modules: unknown[], overrides: Record<string, unknown> = {}) {
  return { formatVersion: 2, kind: 'chatbot', bot: { scope: 'line' }, triggers: [], modules, entryModuleId: 'm1', edges: [], ...overrides };
}
const text = (id: string, buttons: unknown[] = []) => ({ id, type: 'message.text', version: 1, config: { text: 'Hello', buttons } });
const card = (id: string, type: string) => ({ id, type, version: 1, config: {} });

describe('validateGraph', () => {
  it('accepts a valid journey, warning only about the open end', () => {
    expect(codes(journey())).toEqual(['warning:missing_output:tag']);
    expect(check(journey()).ok).toBe(true);
  });

  it.each([
    null,
    undefined,
    42,
    'x',
    [],
    {},
    { formatVersion: 2 },
    { formatVersion: 2, kind: 'journey', nodes: 'no' },
    { formatVersion: 1, kind: 'chatbot', modules: [7] },
  ])('never throws on malformed input %#, returning structural errors', (raw) => {
    const result = check(raw);
    expect(result.ok).toBe(false);
    expect(result.issues.length).toBeGreaterThan(0);
    for (const i of result.issues) expect(i.message.en).not.toMatch(/^\s*\[|ZodError/);
  });

  it('names the node of a structural error in the raw input', () => {
    const g = journey();
    (g.nodes as unknown[])[1] = { id: 'tag', type: 'action.tag', version: 'one', config: {} };
    expect(check(g).issues[0]).toMatchObject({
      code: 'invalid_graph',
      nodeId: 'tag',
      path: ['nodes', 1, 'version'],
      message: { en: "The flow's structure is invalid: nodes › #2 › version should be a number." },
    });
  });

  it('reports unknown node types and versions', () => {
    const g = journey();
    const nodes = g.nodes as { type: string; version: number }[];
    nodes[0]!.type = 'acme.mystery';
    nodes[1]!.version = 7;
    expect(codes(g)).toEqual(expect.arrayContaining(['error:unknown_node_type:w', 'error:unknown_node_version:tag']));
  });

  it('validates configs with the node type version the graph was saved with', () => {
    const g = journey();
    const tag = (g.nodes as { version: number; config: unknown }[])[1]!;
    tag.version = 2;
    tag.config = { tags: ['x'] };
    expect(check(g).ok).toBe(true);
    tag.version = 1;
    expect(check(g).ok).toBe(true); // v1 also has defaults for op
  });

  it('reports config errors with node id, config path and a marketer message', () => {
    const g = journey();
    (g.nodes as { config: unknown }[])[1]!.config = { op: 'explode', tags: [] };
    const issues = check(g).issues.filter((i) => i.nodeId === 'tag' && i.severity === 'error');
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'invalid_config',
        path: ['config', 'op'],
        message: expect.objectContaining({ en: 'Action must be one of: "add", "remove".' }),
      }),
    ]);
    (g.nodes as { config: unknown }[])[1]!.config = { op: 'add', tags: [] };
    expect(check(g).issues.find((i) => i.nodeId === 'tag' && i.severity === 'error')).toMatchObject({
      code: 'required',
      path: ['config', 'tags'],
      message: { en: 'Tags: add at least one.' },
    });
  });

  it('reports dangling connections, unknown ports and doubly used ports', () => {
    const g = journey({
      edges: [
        { id: 'e1', source: 't1', sourcePort: 'next', target: 'w' },
        { id: 'e2', source: 'w', sourcePort: 'next', target: 'tag' },
        { id: 'e3', source: 'w', sourcePort: 'next', target: 'w' },
        { id: 'e4', source: 'ghost', sourcePort: 'next', target: 'tag' },
        { id: 'e5', source: 'tag', sourcePort: 'next', target: 'nowhere' },
        { id: 'e6', source: 'tag', sourcePort: 'sideways', target: 'w' },
      ],
    });
    expect(codes(g)).toEqual(
      expect.arrayContaining(['error:port_multiple_targets:w', 'error:dangling_edge:e4', 'error:dangling_edge:tag', 'error:unknown_port:tag']),
    );
  });

  it('requires a connected trigger and warns about unreachable nodes', () => {
    expect(codes(journey({ triggers: [] }))).toEqual(expect.arrayContaining(['error:no_trigger:', 'warning:unreachable:w', 'warning:unreachable:tag']));
    expect(codes(journey({ edges: [] }))).toEqual(expect.arrayContaining(['error:trigger_not_connected:t1', 'warning:unreachable:w']));
  });

  it('refuses a journey loop without a wait, and accepts one through a wait', () => {
    const loop = journey({
      nodes: [
        { id: 'a', type: 'action.tag', version: 1, config: { tags: ['a'] } },
        { id: 'b', type: 'action.tag', version: 1, config: { tags: ['b'] } },
      ],
      edges: [
        { id: 'e1', source: 't1', sourcePort: 'next', target: 'a' },
        { id: 'e2', source: 'a', sourcePort: 'next', target: 'b' },
        { id: 'e3', source: 'b', sourcePort: 'next', target: 'a' },
      ],
    });
    expect(codes(loop)).toEqual(['error:cycle_without_wait:b', 'error:cycle_without_wait:a']);
    const self = journey({ edges: [...journey().edges, { id: 'e3', source: 'tag', sourcePort: 'next', target: 'tag' }] });
    expect(codes(self)).toContain('error:cycle_without_wait:tag');
    const waited = journey({ edges: [...journey().edges, { id: 'e3', source: 'tag', sourcePort: 'next', target: 'w' }] });
    expect(check(waited).ok).toBe(true);
  });

  it('refuses node types a journey channel cannot carry, and triggers placed as nodes', () => {
    const g = journey({ channels: ['messenger'] });
    (g.nodes as unknown[]).push({ id: 'flex', type: 'test.line_only', version: 1, config: {} });
    (g.nodes as unknown[]).push({ id: 'trg', type: 'trigger.tag_applied', version: 1, config: { tags: ['x'] } });
    expect(codes(g)).toEqual(expect.arrayContaining(['error:channel_unsupported:flex', 'error:trigger_misplaced:trg']));
  });

  it('forbids placeholders outside the fields that allow them, and checks them where allowed', () => {
    const g = journey();
    (g.nodes as { config: unknown }[])[1]!.config = { op: 'add', tags: ['{{attr:tier}}'] };
    expect(check(g).issues.find((i) => i.nodeId === 'tag')).toMatchObject({ code: 'placeholder_not_allowed', path: ['config', 'tags', 0] });
    const bot = chatbot([{ id: 'm1', name: 'Hi', cards: [{ ...text('c1'), config: { text: 'Hi {{attr:tier}} {{system:customer_name' } }] }]);
    expect(codes(bot)).toEqual(['error:malformed_placeholder:c1']);
    const bot2 = chatbot([{ id: 'm1', name: 'Hi', cards: [{ ...text('c1'), config: { text: 'Hi {{attr:tier}}' } }] }]);
    expect(codes(bot2, { attributes: [] })).toEqual(['error:unknown_placeholder:c1']);
    expect(codes(bot2, { attributes: [{ key: 'tier', type: 'text', status: 'active' }] })).toEqual([]);
  });

  it('checks journey settings: conditions, quiet hours, re-entry', () => {
    const g = journey({
      settings: {
        exitConditions: [
          {
            id: 'x1',
            label: 'Bought',
            when: { kind: 'condition', condition: { op: 'and', items: [{ criterion: 'attribute', key: 'ltv', type: 'number', op: 'gt' }] } },
          },
        ],
        quietHours: { start: '22:00', end: '22:00' },
        reentry: { mode: 'afterCooldown', cooldown: { amount: 0, unit: 'days' } },
      },
    });
    const issues = check(g, { attributes: [] }).issues.filter((i) => i.severity === 'error');
    expect(issues.map((i) => [i.code, i.path.join('.')])).toEqual([
      ['unknown_attribute', 'settings.exitConditions.0.when.condition.items.0.key'],
      ['incomplete_condition', 'settings.exitConditions.0.when.condition.items.0.value'],
      ['invalid_settings', 'settings.quietHours.end'],
      ['invalid_settings', 'settings.reentry.cooldown.amount'],
    ]);
  });

  it('reports duplicate ids and very large flows', () => {
    const g = journey();
    (g.nodes as { id: string }[])[1]!.id = 'w';
    expect(codes(g)).toContain('error:duplicate_id:w');
    expect(codes(journey(), { largeFlowWarning: 1 })).toContain('warning:large_flow:');
  });
});

describe('validateGraph on chatbots', () => {
  it('requires every module button to lead to a module, and links to existing modules', () => {
    const bot = chatbot([
      {
        id: 'm1',
        name: 'Hi',
        cards: [
          text('c1', [
            { id: 'b1', label: 'Menu', action: { kind: 'module' } },
            { id: 'b2', label: 'Site', action: { kind: 'url', url: 'https://x.co' } },
          ]),
        ],
      },
    ]);
    expect(codes(bot)).toEqual(['error:missing_target:c1']);
    const linked = { ...bot, edges: [{ id: 'e1', source: 'c1', sourcePort: 'button:b1', target: 'm9' }] };
    expect(codes(linked)).toEqual(['error:dangling_edge:c1']);
  });

  it('enforces placement rules P1–P5', () => {
    const bot = chatbot([
      { id: 'm1', name: 'A', cards: [card('l1', 'test.last'), text('c1')] },
      { id: 'm2', name: 'B', cards: [card('a1', 'test.alone'), text('c2')] },
      { id: 'm3', name: 'C', cards: [card('k1', 'test.cart'), card('k2', 'test.cart')] },
      { id: 'm4', name: 'D', cards: [card('l2', 'test.last'), card('a2', 'test.alone')] },
    ]);
    const got = codes(bot).filter((c) => !c.includes('unreachable') && !c.includes('missing_target'));
    expect(got).toEqual([
      'error:must_be_last:l1',
      'error:must_be_alone:a1',
      'error:wrong_bot_purpose:k1',
      'error:too_many_in_module:k2',
      'error:wrong_bot_purpose:k2',
      'error:must_be_last:l2',
      'error:incompatible_cards:l2',
      'error:must_be_alone:a2',
    ]);
  });

  it('refuses cards the bot scope does not offer and a missing entry module', () => {
    const bot = chatbot([{ id: 'm1', name: 'A', cards: [card('x', 'test.line_only')] }], { bot: { scope: 'fb_ig' }, entryModuleId: 'zz' });
    expect(codes(bot)).toEqual(expect.arrayContaining(['error:missing_entry:', 'error:scope_unsupported:x']));
  });

  it('warns about unreachable and empty modules, and enforces single-card post replies (P6)', () => {
    const bot = chatbot(
      [
        { id: 'm1', name: 'A', cards: [text('c1')] },
        { id: 'm2', name: 'B', cards: [] },
        { id: 'm3', name: 'Post reply', cards: [text('c3'), text('c4')] },
      ],
      { bot: { scope: 'line', postReplyModuleIds: ['m3'] } },
    );
    expect(codes(bot)).toEqual(['warning:empty_module:m2', 'error:post_reply_single_card:m3', 'warning:unreachable:m2']);
  });

  it('applies the strictest channel of an all-scope bot (LINE buttons template text ≤ 160)', () => {
    const long = 'x'.repeat(161);
    const bot = chatbot(
      [
        {
          id: 'm1',
          name: 'A',
          cards: [
            {
              ...text('c1', [{ id: 'b', label: 'Go', action: { kind: 'url', url: 'https://x.co' } }]),
              config: { text: long, buttons: [{ id: 'b', label: 'Go', action: { kind: 'url', url: 'https://x.co' } }] },
            },
          ],
        },
      ],
      {
        bot: { scope: 'all' },
      },
    );
    expect(check(bot).issues).toEqual([expect.objectContaining({ code: 'too_long', channel: 'line', path: ['config', 'text'], nodeId: 'c1', moduleId: 'm1' })]);
    expect(check(bot).issues[0]?.message.en).toBe('Message text has 161 characters; LINE allows at most 160.');
  });
});
