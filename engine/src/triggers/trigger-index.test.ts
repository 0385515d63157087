import { FlowGraph, type TriggerEvent } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import { CompiledFlow } from '../interpreter/compiled-flow.ts';
import { TriggerIndex } from './trigger-index.ts';

const journey = (id: string, triggers: { id: string; type: string; config: Record<string, unknown> }[]) =>
  new CompiledFlow(
    id,
    `${id}-v1`,
    FlowGraph.parse({
      formatVersion: 2,
      kind: 'journey',
      channels: ['line'],
      triggers: triggers.map((t) => ({ ...t, version: 1 })),
      nodes: [{ id: 'n', type: 'flow.exit', version: 1, config: {} }],
      edges: triggers.map((t) => ({ id: `e_${t.id}`, source: t.id, sourcePort: 'next', target: 'n' })),
    }),
  );

let n = 0;
const event = (type: TriggerEvent['type'], payload: Record<string, unknown>, extra: Partial<TriggerEvent> = {}): TriggerEvent => ({
  id: `e${++n}`,
  type,
  occurredAt: '2025-03-03T02:00:00Z',
  customerId: 'c1',
  channel: 'line',
  payload,
  dedupeKey: `d${n}`,
  ...extra,
});

const index = new TriggerIndex([
  journey('tags', [
    { id: 'applied', type: 'trigger.tag_applied', config: { tags: ['vip'], excludeSources: ['import'] } },
    { id: 'removed', type: 'trigger.tag_removed', config: { tags: ['vip'] } },
  ]),
  journey('reapply', [{ id: 't', type: 'trigger.tag_applied', config: { tags: ['vip'], includeReapply: false } }]),
  journey('tier', [
    {
      id: 't',
      type: 'trigger.attribute_changed',
      config: {
        attributeKey: 'tier',
        condition: { criterion: 'attribute', key: 'tier', type: 'text', op: 'equals', value: 'gold' },
        sources: ['manual', 'bot'],
      },
    },
  ]),
  journey('newbie', [{ id: 't', type: 'trigger.new_contact', config: { channels: ['line'], sources: ['click_to_message_ad'] } }]),
  journey('api', [{ id: 't', type: 'trigger.api', config: { triggerKey: 'order-shipped' } }]),
  journey('system', [{ id: 't', type: 'trigger.system', config: {} }]),
  journey('kw', [
    { id: 'k1', type: 'trigger.keyword', config: { keywords: ['coupon'], match: 'containsAny' } },
    { id: 'k2', type: 'trigger.keyword', config: { keywords: ['coupon'], match: 'containsAny' } },
  ]),
  journey('kw2', [{ id: 'k', type: 'trigger.keyword', config: { keywords: ['coupon'], match: 'containsAny', conversationStates: ['pending_bot'] } }]),
]);

const flows = (e: TriggerEvent, state?: string) =>
  index
    .match(e, { conversationState: state })
    .map((m) => `${m.flow.flowId}/${m.triggerId}`)
    .sort();

describe('trigger index', () => {
  it('tag applied / removed: by tag name, with source filters, re-apply and own-journey exclusion', () => {
    expect(flows(event('tag.applied', { tags: ['vip', 'x'] }, { source: 'manual' }))).toEqual(['reapply/t', 'tags/applied']);
    expect(flows(event('tag.applied', { tags: ['vip'] }, { source: 'import' }))).toEqual(['reapply/t']);
    expect(flows(event('tag.applied', { tags: ['vip'], reapplied: true }, { source: 'manual' }))).toEqual(['tags/applied']);
    expect(flows(event('tag.applied', { tags: ['vip'], sourceFlowId: 'tags' }, { source: 'journey' }))).toEqual(['reapply/t']);
    expect(flows(event('tag.applied', { tags: ['other'] }))).toEqual([]);
    expect(flows(event('tag.removed', { tags: ['vip'] }))).toEqual(['tags/removed']);
  });

  it('attribute changed: key, value condition, sources, and no change on the same value', () => {
    expect(flows(event('attribute.changed', { key: 'tier', value: 'gold', previous: 'silver' }, { source: 'manual' }))).toEqual(['tier/t']);
    expect(flows(event('attribute.changed', { key: 'tier', value: 'silver', previous: 'gold' }, { source: 'manual' }))).toEqual([]);
    expect(flows(event('attribute.changed', { key: 'tier', value: 'gold', previous: 'silver' }, { source: 'import' }))).toEqual([]);
    expect(flows(event('attribute.changed', { key: 'tier', value: 'gold', previous: 'gold' }, { source: 'manual' }))).toEqual([]);
  });

  it('new contact: channel and source filters', () => {
    expect(flows(event('contact.created', { source: 'click_to_message_ad' }))).toEqual(['newbie/t']);
    expect(flows(event('contact.created', { source: 'manual_add' }))).toEqual([]);
    expect(flows(event('contact.created', { source: 'click_to_message_ad' }, { channel: 'whatsapp' }))).toEqual([]);
  });

  it('api and system triggers: by trigger key and by journey id', () => {
    expect(flows(event('api.invoked', { triggerKey: 'order-shipped' }))).toEqual(['api/t']);
    expect(flows(event('api.invoked', { triggerKey: 'nope' }))).toEqual([]);
    expect(flows(event('journey.invoked', { journeyId: 'system' }))).toEqual(['system/t']);
  });

  it('journey keyword triggers: at most one per journey, filtered by conversation state', () => {
    expect(flows(event('message.received', { text: 'Any COUPON today?' }), 'pending_bot')).toEqual(['kw/k2', 'kw2/k']);
    // Rules that leave the states out take the keyword trigger's default, which leaves out in_progress (§1.10).
    expect(flows(event('message.received', { text: 'coupon' }), 'in_progress')).toEqual([]);
    expect(flows(event('message.received', { text: 'coupon' }), 'pending_human')).toEqual(['kw/k2']);
  });
});

describe('chatbot keyword rules answer only on the channels of the bot scope (§2.1)', () => {
  const bot = (id: string, scope: 'line' | 'all' | 'web', channels: string[] = []) =>
    new CompiledFlow(
      id,
      `${id}-v1`,
      FlowGraph.parse({
        formatVersion: 2,
        kind: 'chatbot',
        bot: { scope },
        triggers: [{ id: 'k', type: 'trigger.keyword', version: 1, config: { keywords: ['menu'], match: 'containsAny', channels } }],
        modules: [{ id: 'm', name: 'Menu', cards: [{ id: 'c', type: 'message.text', version: 1, config: { text: 'hi' } }] }],
        entryModuleId: 'm',
        edges: [{ id: 'e', source: 'k', sourcePort: 'next', target: 'm' }],
      }),
    );
  const botFor = (flows: CompiledFlow[], channel: string) =>
    new TriggerIndex(flows).botKeyword(event('message.received', { text: 'menu please' }, { channel: channel as TriggerEvent['channel'] }))?.flow.flowId;

  it('a LINE-scoped bot answers on LINE but not on web chat, Messenger or WhatsApp', () => {
    const flows = [bot('lineBot', 'line')];
    expect(botFor(flows, 'line')).toBe('lineBot');
    expect(botFor(flows, 'webchat')).toBeUndefined();
    expect(botFor(flows, 'messenger')).toBeUndefined();
    expect(botFor(flows, 'whatsapp')).toBeUndefined();
  });

  it('a rule channel outside the scope is dropped; an all-platform bot skips WhatsApp', () => {
    expect(botFor([bot('webOnly', 'web', ['line'])], 'line')).toBeUndefined();
    expect(botFor([bot('webOnly', 'web', ['line', 'webchat'])], 'webchat')).toBe('webOnly');
    expect(botFor([bot('everywhere', 'all')], 'instagram')).toBe('everywhere');
    expect(botFor([bot('everywhere', 'all')], 'whatsapp')).toBeUndefined();
  });

  it('a LINE-scoped bot’s welcome message greets LINE followers only', () => {
    const welcomeBot = new CompiledFlow(
      'welcomeBot',
      'welcomeBot-v1',
      FlowGraph.parse({
        formatVersion: 2,
        kind: 'chatbot',
        bot: { scope: 'line' },
        triggers: [{ id: 'w', type: 'trigger.welcome', version: 1, config: {} }],
        modules: [{ id: 'm', name: 'Hi', cards: [{ id: 'c', type: 'message.text', version: 1, config: { text: 'hi' } }] }],
        entryModuleId: 'm',
        edges: [{ id: 'e', source: 'w', sourcePort: 'next', target: 'm' }],
      }),
    );
    const welcomed = (channel: string) =>
      new TriggerIndex([welcomeBot]).match(event('contact.followed', {}, { channel: channel as TriggerEvent['channel'] })).map((m) => m.flow.flowId);
    expect(welcomed('line')).toEqual(['welcomeBot']);
    expect(welcomed('webchat')).toEqual([]);
  });

  it('a web-chat message reaches the web bot even when an older LINE bot has the same keyword', () => {
    expect(botFor([bot('lineBot', 'line'), bot('webBot', 'web')], 'webchat')).toBe('webBot');
  });
});
