import { FlowGraph, type TriggerEvent } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import { CompiledFlow } from '../interpreter/compiled-flow.ts';
import { TriggerIndex } from './trigger-index.ts';

// §3.3, §3.7, §3.9, §3.11, §3.14 triggers matched through the TriggerIndex.

const journey = (id: string, triggers: { id: string; type: string; config: Record<string, unknown> }[]) =>
  new CompiledFlow(
    id,
    `${id}-v1`,
    FlowGraph.parse({
      formatVersion: 2,
      kind: 'journey',
      channels: ['line', 'messenger', 'instagram'],
      triggers: triggers.map((t) => ({ ...t, version: 1 })),
      nodes: [{ id: 'n', type: 'flow.exit', version: 1, config: {} }],
      edges: triggers.map((t) => ({ id: `e_${t.id}`, source: t.id, sourcePort: 'next', target: 'n' })),
      settings: { timeZone: 'Asia/Taipei' },
    }),
  );

let n = 0;
const event = (type: TriggerEvent['type'], payload: Record<string, unknown>, extra: Partial<TriggerEvent> = {}): TriggerEvent => ({
  id: `e${++n}`,
  type,
  occurredAt: '2025-03-03T02:00:00Z',
  customerId: 'c1',
  payload,
  dedupeKey: `d${n}`,
  ...extra,
});
const flows = (matches: { flow: CompiledFlow }[]) => matches.map((m) => m.flow.flowId);

const NOW = Date.parse('2025-03-03T02:00:00Z');
const visit = (url: string, minutesAgo = 0) => ({ url, at: NOW - minutesAgo * 60_000 });

describe('website visit rules (§3.7)', () => {
  const published = new Map([
    ['any3', Date.parse('2025-03-01T00:00:00Z')],
    ['pricing', Date.parse('2025-03-01T00:00:00Z')],
    ['products', Date.parse('2025-03-01T00:00:00Z')],
    ['dwell', Date.parse('2025-03-01T00:00:00Z')],
  ]);
  const index = new TriggerIndex(
    [
      journey('any3', [{ id: 't', type: 'trigger.website_visit', config: { pages: { kind: 'any' }, visitCount: { mode: 'atLeast', n: 3 } } }]),
      journey('pricing', [
        {
          id: 't',
          type: 'trigger.website_visit',
          config: { pages: { kind: 'specific', rules: [{ op: 'urlIs', value: 'https://shop.example.com/pricing' }] }, visitCount: { mode: 'exactly', n: 2 } },
        },
      ]),
      journey('products', [
        {
          id: 't',
          type: 'trigger.website_visit',
          config: {
            pages: {
              kind: 'specific',
              rules: [
                { op: 'urlContains', value: '/products/' },
                { op: 'urlNotContains', value: 'gift-card' },
              ],
            },
            visitCount: { mode: 'atLeast', n: 1 },
            excludedPages: [{ op: 'urlContains', value: '/checkout/complete' }],
          },
        },
      ]),
      journey('dwell', [
        {
          id: 't',
          type: 'trigger.website_visit',
          config: { pages: { kind: 'specific', rules: [{ op: 'urlContains', value: '/blog/' }] }, dwellSeconds: 30 },
        },
      ]),
    ],
    { firstPublishedAt: published },
  );
  const match = (url: string, visits: { url: string; at: number }[], dwellSeconds = 0) =>
    index.match(event('website.visited', { url, dwellSeconds }), { visits });

  it('matches specific pages through the index, honouring "does not contain"', () => {
    expect(flows(match('https://shop.example.com/products/shoe', [visit('https://shop.example.com/products/shoe')]))).toEqual(['products']);
    expect(flows(match('https://shop.example.com/products/gift-card', [visit('https://shop.example.com/products/gift-card')]))).toEqual([]);
    // Path case matters: /Products/ is another page.
    expect(flows(match('https://shop.example.com/Products/shoe', [visit('https://shop.example.com/Products/shoe')]))).toEqual([]);
  });

  it('"exactly N" fires only on the N-th visit of the page; "N or more" from the N-th on', () => {
    const p = 'https://shop.example.com/pricing';
    expect(flows(match(p, [visit(p)]))).toEqual([]);
    expect(flows(match(`${p}/`, [visit(p, 5), visit(`${p}/`)]))).toEqual(['pricing']);
    // Third visit: exactly-2 no longer fires, and any-page ≥3 now does (specific beats any only when both fire).
    expect(flows(match(p, [visit(p, 9), visit(p, 5), visit(p)]))).toEqual(['any3']);
    const other = 'https://shop.example.com/about';
    expect(flows(match(other, [visit(other, 9), visit(other, 5), visit(other)]))).toEqual(['any3']);
    expect(flows(match(other, [visit(other, 9), visit(other, 5), visit(other, 4), visit(other)]))).toEqual(['any3']);
  });

  it('a specific-page rule beats an any-page rule on the same page view', () => {
    const shoe = 'https://shop.example.com/products/shoe';
    const matches = match(shoe, [visit(shoe, 9), visit(shoe, 5), visit(shoe)]);
    expect(flows(matches)).toEqual(['products']);
    expect(matches[0]!.explanation).toContain('page rules matched, visit 3 (at least 1)');
  });

  it('counts only visits since the campaign started, and an excluded page blocks the visitor', () => {
    const shoe = 'https://shop.example.com/products/shoe';
    const old = { url: 'https://shop.example.com/about', at: Date.parse('2025-02-20T00:00:00Z') };
    expect(flows(match('https://shop.example.com/about', [old, old, visit('https://shop.example.com/about')]))).toEqual([]);
    expect(flows(match(shoe, [visit('https://shop.example.com/checkout/complete', 30), visit(shoe)]))).toEqual([]);
  });

  it('waits for the dwell time: the same page view fires once the visitor stayed long enough', () => {
    const blog = 'https://shop.example.com/blog/post-1';
    expect(flows(match(blog, [visit(blog)], 5))).toEqual([]);
    const later = match(blog, [visit(blog)], 31);
    expect(flows(later)).toEqual(['dwell']);
    expect(later[0]!.explanation).toContain('stayed 31s ≥ 30s');
  });
});

describe('post comments (§3.3)', () => {
  const index = new TriggerIndex([
    journey('all', [
      { id: 't', type: 'trigger.post_interaction', config: { channel: 'messenger', scope: { kind: 'all_posts' }, match: 'containsAny', keywords: ['+1'] } },
    ]),
    journey('one', [
      {
        id: 't',
        type: 'trigger.post_interaction',
        config: { channel: 'messenger', scope: { kind: 'post', postId: '100_200' }, match: 'containsAny', keywords: ['想要', 'Want'], minTaggedFriends: 2 },
      },
    ]),
    journey('newer-all', [
      {
        id: 't',
        type: 'trigger.post_interaction',
        config: { channel: 'messenger', scope: { kind: 'all_posts' }, match: 'exact', keywords: ['+1', 'ignored'] },
      },
    ]),
    journey('live', [
      { id: 't', type: 'trigger.post_interaction', config: { channel: 'instagram', scope: { kind: 'ig_live' }, match: 'exact', keywords: ['BUY'] } },
    ]),
  ]);
  const comment = (payload: Record<string, unknown>, channel: 'messenger' | 'instagram' = 'messenger') =>
    flows(index.match(event('post.commented', payload, { channel })));

  it('a rule on the single post beats "all posts"; among "all posts" rules the newest wins', () => {
    expect(comment({ postId: '100_200', text: '我想要 +1', taggedFriends: 2 })).toEqual(['one']);
    // Not enough tagged friends for the post rule: falls back to all posts, newest first (exact "+1" matches).
    expect(comment({ postId: '100_200', text: ' +1 ', taggedFriends: 0 })).toEqual(['newer-all']);
    expect(comment({ postId: '100_999', text: 'me +1 too' })).toEqual(['all']);
  });

  it('is case- and width-sensitive, unlike chat keywords', () => {
    expect(comment({ postId: '100_200', text: 'want', taggedFriends: 3 })).toEqual([]);
    expect(comment({ postId: '100_200', text: 'Ｗant', taggedFriends: 3 })).toEqual([]);
    expect(comment({ postId: '100_200', text: 'Want', taggedFriends: 3 })).toEqual(['one']);
    expect(comment({ scope: 'ig_live', text: 'buy' }, 'instagram')).toEqual([]);
    expect(comment({ scope: 'ig_live', text: 'BUY' }, 'instagram')).toEqual(['live']);
  });
});

describe('forms, OmniLink, imports, carts, schedules', () => {
  const index = new TriggerIndex([
    journey('form', [
      {
        id: 't',
        type: 'trigger.form_submitted',
        config: {
          flowId: 'wa_flow_1',
          filters: [
            { field: 'store', op: 'equals', value: 'taipei_101' },
            { field: 'email', op: 'isSet', value: '' },
          ],
        },
      },
    ]),
    journey('ol-any', [{ id: 't', type: 'trigger.omnilink_success', config: { omnilinkIds: [] } }]),
    journey('ol-one', [{ id: 't', type: 'trigger.omnilink_success', config: { omnilinkIds: ['ol_fb_line'] } }]),
    journey('import-customers', [{ id: 't', type: 'trigger.import', config: { mode: 'customers', effects: ['tag_applied'] } }]),
    journey('import-social', [{ id: 't', type: 'trigger.import', config: { mode: 'social_contacts', effects: ['new_contact'] } }]),
    journey('cart', [{ id: 't', type: 'trigger.cart_abandoned', config: { channel: 'line', restartCycle: { amount: 7, unit: 'days' } } }]),
    journey('sched', [{ id: 's', type: 'trigger.schedule', config: { audienceId: 'aud', frequency: { kind: 'once', at: '2025-03-04T09:00' } } }]),
  ]);

  it('form submitted: only that WhatsApp Flow, only when every answer filter passes', () => {
    const submit = (answers: Record<string, unknown>, flowId = 'wa_flow_1') => flows(index.match(event('form.submitted', { flowId, answers })));
    expect(submit({ store: 'taipei_101', email: 'a@b.c' })).toEqual(['form']);
    expect(submit({ store: 'taipei_101' })).toEqual([]);
    expect(submit({ store: 'kaohsiung', email: 'a@b.c' })).toEqual([]);
    expect(submit({ store: 'taipei_101', email: 'a@b.c' }, 'wa_flow_2')).toEqual([]);
  });

  it('OmniLink success: rules for any card and for that card', () => {
    expect(flows(index.match(event('omnilink.succeeded', { omnilinkId: 'ol_fb_line' }))).sort()).toEqual(['ol-any', 'ol-one']);
    expect(flows(index.match(event('omnilink.succeeded', { omnilinkId: 'ol_other' })))).toEqual(['ol-any']);
  });

  it('import rows start journeys by import mode and row effect', () => {
    const row = (mode: string, effects: string[]) => flows(index.match(event('import.row_imported', { mode, effects, importJobId: 'job1' })));
    expect(row('customers', ['tag_applied', 'attribute_changed'])).toEqual(['import-customers']);
    expect(row('customers', ['attribute_changed'])).toEqual([]);
    expect(row('social_contacts', ['new_contact'])).toEqual(['import-social']);
  });

  it('cart: names the reminder channel; schedule: addressed by flow and trigger', () => {
    const [cart] = index.match(event('cart.item_added', { productName: 'Red shoes' }));
    expect(cart).toMatchObject({ triggerType: 'trigger.cart_abandoned', channel: 'line' });
    expect(cart!.explanation).toBe('Added to cart: Red shoes (reminders on line)');
    expect(flows(index.match(event('schedule.fired', { flowId: 'sched', triggerId: 's', occurrence: '2025-03-04T09:00' })))).toEqual(['sched']);
    expect(flows(index.match(event('schedule.fired', { flowId: 'form', triggerId: 't' })))).toEqual([]);
    expect(index.scheduleRules().map((r) => r.flow.flowId)).toEqual(['sched']);
  });
});
