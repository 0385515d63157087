import { describe, expect, it } from 'vitest';
import { runNode } from '../../testing/fake-run-context.ts';
import { callApiAction, jsonPath } from './call-api.ts';
import { capiEventAction } from './capi-event.ts';
import { handoffAction } from './handoff.ts';
import { pointsAction } from './points.ts';
import { setAttributeAction } from './set-attribute.ts';
import { subscriptionAction } from './subscription.ts';
import { tagAction } from './tag.ts';

describe('action runs', () => {
  it('tag: applies with the journey source, or removes', async () => {
    const add = await runNode(tagAction, { op: 'add', tags: ['vip', 'gold'] });
    expect(add.outcome).toMatchObject({ kind: 'next', port: 'next' });
    expect(add.calls.tags).toEqual([{ op: 'apply', tags: ['vip', 'gold'], source: 'journey' }]);
    const remove = await runNode(tagAction, { op: 'remove', tags: ['cart'] });
    expect(remove.calls.tags).toEqual([{ op: 'remove', tags: ['cart'] }]);
  });

  it('set attribute: set (rendered), clear, now, increment, and invalid values', async () => {
    const set = await runNode(setAttributeAction, { attributeKey: 'greeting', op: 'set', value: 'Hi {{system:customer_name}}' });
    expect(set.calls.attributes).toEqual([{ key: 'greeting', value: 'Hi Amy' }]);
    expect(set.outcome).toMatchObject({ port: 'next' });
    const clear = await runNode(setAttributeAction, { attributeKey: 'x', op: 'clear', value: '' });
    expect(clear.calls.attributes).toEqual([{ key: 'x', value: null }]);
    const now = await runNode(setAttributeAction, { attributeKey: 'at', op: 'now', value: '' });
    expect(now.calls.attributes).toEqual([{ key: 'at', value: '2025-03-03T02:00:00.000Z' }]);
    const inc = await runNode(setAttributeAction, { attributeKey: 'visits', op: 'increment', value: '2' }, { contact: { attributes: { visits: 5 } } });
    expect(inc.calls.attributes).toEqual([{ key: 'visits', value: 7 }]);
    const bad = await runNode(setAttributeAction, { attributeKey: 'visits', op: 'increment', value: 'two' });
    expect(bad.outcome).toMatchObject({ port: 'invalid' });
    const rejected = await runNode(setAttributeAction, { attributeKey: 'born', op: 'set', value: 'soon' }, { attributeResult: 'invalid_format' });
    expect(rejected.outcome).toMatchObject({ port: 'invalid' });
  });

  it('points: next, insufficient, no_phone', async () => {
    expect((await runNode(pointsAction, { op: 'add', amount: 50, reason: 'Survey' })).outcome).toMatchObject({ port: 'next' });
    expect(
      (await runNode(pointsAction, { op: 'deduct', amount: 500, reason: 'Gift' }, { points: { ok: false, reason: 'insufficient' } })).outcome,
    ).toMatchObject({
      port: 'insufficient',
    });
    expect((await runNode(pointsAction, { op: 'add', amount: 5, reason: 'x' }, { points: { ok: false, reason: 'no_phone' } })).outcome).toMatchObject({
      port: 'no_phone',
    });
  });

  it('subscription: continues in a journey, ends the bot session in a chatbot', async () => {
    const j = await runNode(subscriptionAction, { op: 'unsubscribe' }, { flowKind: 'journey' });
    expect(j.outcome).toMatchObject({ kind: 'next', port: 'next' });
    expect(j.calls.subscriptions).toEqual(['unsubscribed']);
    const c = await runNode(subscriptionAction, { op: 'subscribe' }, { flowKind: 'chatbot' });
    expect(c.outcome).toMatchObject({ kind: 'end', status: 'completed' });
  });

  it('handoff: tags, assigns or reports nobody online, per flow kind', async () => {
    const config = { assignTo: { kind: 'role', role: 'cs' }, tag: 'needs_human', note: 'VIP {{system:customer_name}}' };
    const j = await runNode(handoffAction, config, { flowKind: 'journey' });
    expect(j.outcome).toMatchObject({ port: 'assigned' });
    expect(j.calls.tags[0]).toMatchObject({ tags: ['needs_human'], source: 'journey' });
    expect(j.calls.handOffs[0]).toMatchObject({ note: 'VIP Amy' });
    expect((await runNode(handoffAction, config, { flowKind: 'journey', assigned: false })).outcome).toMatchObject({ port: 'noAgent' });
    expect((await runNode(handoffAction, config, { flowKind: 'chatbot' })).outcome).toMatchObject({ kind: 'end', reason: 'handoff' });
    expect((await runNode(handoffAction, config, { flowKind: 'chatbot', assigned: false })).outcome).toMatchObject({ port: 'noAgent' });
    expect((await runNode(handoffAction, { assignTo: { kind: 'pending' } }, { flowKind: 'chatbot', assigned: false })).outcome).toMatchObject({ kind: 'end' });
  });

  it('capi event: uses the step key as event id; no identity takes no_identity', async () => {
    const config = { datasetId: '123', eventName: 'Lead', actionSource: 'business_messaging', messagingChannel: 'messenger' };
    const sent = await runNode(capiEventAction, config);
    expect(sent.outcome).toMatchObject({ port: 'sent' });
    expect(sent.calls.capi[0]).toMatchObject({ eventId: 'r1:n1:0', eventName: 'Lead' });
    expect((await runNode(capiEventAction, config, { contact: { identities: [] } })).outcome).toMatchObject({ port: 'no_identity' });
  });
});

describe('call API run', () => {
  const base = {
    method: 'POST',
    url: 'https://crm.example.com/contacts?name={{system:customer_name}}',
    headers: [{ name: 'Content-Type', value: 'application/json' }],
    auth: { kind: 'bearer', secretRef: 'crm_token' },
    body: '{"name": "{{system:customer_name}}"}',
    responseMapping: [
      { id: 'm1', path: '$.data.tier', target: 'attribute', key: 'member_tier', type: 'text' },
      { id: 'm2', path: "$.items[1]['points']", target: 'run', key: 'points', type: 'number' },
    ],
  };
  it('renders the request, passes the secret reference and the idempotency key, maps the response', async () => {
    const r = await runNode(callApiAction, base, {
      contact: { name: 'Amy "A" Lee' },
      http: () => ({ ok: true, status: 201, headers: {}, body: '{"data":{"tier":"gold"},"items":[{},{"points":"42"}]}' }),
    });
    expect(r.outcome).toMatchObject({ kind: 'next', port: 'success', vars: { points: 42 } });
    expect(r.calls.attributes).toEqual([{ key: 'member_tier', value: 'gold' }]);
    const request = r.calls.http[0]!;
    expect(request.url).toBe('https://crm.example.com/contacts?name=Amy%20%22A%22%20Lee');
    expect(request.body).toBe('{"name": "Amy \\"A\\" Lee"}');
    expect(request.headers['Idempotency-Key']).toBe('r1:n1:0');
    expect(request.auth).toEqual({ kind: 'bearer', secretRef: 'crm_token' });
  });
  it('takes failure on a non-2xx or a failed success rule, timeout on a timeout', async () => {
    expect((await runNode(callApiAction, base, { http: () => ({ ok: true, status: 500, headers: {}, body: '' }) })).outcome).toMatchObject({ port: 'failure' });
    expect((await runNode(callApiAction, base, { http: () => ({ ok: false, reason: 'timeout', message: '10 s' }) })).outcome).toMatchObject({
      port: 'timeout',
    });
    expect((await runNode(callApiAction, base, { http: () => ({ ok: false, reason: 'blocked', message: 'private' }) })).outcome).toMatchObject({
      port: 'failure',
    });
    const rule = { ...base, successRule: { kind: 'jsonPath', path: '$.ok', op: 'isTrue' } };
    expect((await runNode(callApiAction, rule, { http: () => ({ ok: true, status: 200, headers: {}, body: '{"ok":false}' }) })).outcome).toMatchObject({
      port: 'failure',
    });
    expect((await runNode(callApiAction, rule, { http: () => ({ ok: true, status: 200, headers: {}, body: '{"ok":true}' }) })).outcome).toMatchObject({
      port: 'success',
    });
  });
  it('in a chatbot, replies with the message template and response values', async () => {
    const r = await runNode(
      callApiAction,
      { ...base, messageTemplate: 'Hi {{system:customer_name}}, you have {{response:data.list.1}} points' },
      { flowKind: 'chatbot', http: () => ({ ok: true, status: 200, headers: {}, body: '{"data":{"list":[3,7]}}' }) },
    );
    expect(r.calls.sends[0]?.content).toMatchObject({ text: 'Hi Amy, you have 7 points' });
  });
  it('jsonPath reads the validator’s subset', () => {
    const doc = { a: { 'b-c': [1, { d: true }] } };
    expect(jsonPath(doc, "$.a['b-c'][1].d")).toBe(true);
    expect(jsonPath(doc, 'a')).toEqual(doc.a);
    expect(jsonPath(doc, '$.x.y')).toBeUndefined();
    expect(jsonPath(doc, '$..d')).toBeUndefined();
  });
});
