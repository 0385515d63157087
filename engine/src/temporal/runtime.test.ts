import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinCatalogue } from '@omniflow/nodes';
import { describe, expect, it } from 'vitest';
import { MemoryContactStore } from '../contacts/contact-store.ts';
import { RecordingEffectHandler } from '../effects.ts';
import { contact, messageEvent, tagEvent } from '../testing/fixtures.ts';
import { createActivities } from './activities.ts';
import { parseTemporalConfig } from './config.ts';
import { InProcessGateway, settle, VirtualWorkflowTime } from './in-process.ts';
import { RunLedger } from './ledger.ts';
import { runWorkflowId, TemporalRuntime } from './runtime.ts';

// The runtime facade the api talks to, end to end: trigger matching over the ledger's active versions,
// one workflow per run started with its first event, dedupe by workflow id, re-entry rules, inbound
// events signalled to the contact's runs, publish policies and ending a flow. The workflows run in
// process (InProcessGateway: the real workflow body and activities) because no Temporal server can be
// obtained here; tests/temporal runs the same facade against a real server.

const MIN = 60_000;
const START = Date.parse('2025-03-03T02:00:00Z');
const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, version: 1, config });
const edge = (source: string, sourcePort: string, target: string) => ({
  id: `${source}-${sourcePort.replace(/[^A-Za-z0-9_-]/g, '_')}`,
  source,
  sourcePort,
  target,
});
const send = (text: string) => ({ content: { kind: 'text', text }, purpose: 'transactional' });

/** tag "go" → send → wait for a reply (1 h) → thanks | nudge */
const replyJourney = (settings: Record<string, unknown> = {}, extra: { nodes?: unknown[]; edges?: unknown[] } = {}) => ({
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [node('t', 'trigger.tag_applied', { tags: ['go'] })],
  nodes: [
    node('hello', 'message.send', send('Hello')),
    node('ask', 'wait.wait', { mode: { kind: 'forEvent', event: { event: 'reply' }, timeout: { amount: 1, unit: 'hours' } } }),
    node('thanks', 'message.send', send('Thanks')),
    node('nudge', 'message.send', send('Still there?')),
    ...(extra.nodes ?? []),
  ],
  edges: [edge('t', 'next', 'hello'), edge('hello', 'sent', 'ask'), edge('ask', 'event', 'thanks'), edge('ask', 'timeout', 'nudge'), ...(extra.edges ?? [])],
  settings: { timeZone: 'Asia/Taipei', ...settings },
});

function setup() {
  const time = new VirtualWorkflowTime(START);
  const gateway = new InProcessGateway(time);
  const ledger = new RunLedger(':memory:');
  const contacts = new MemoryContactStore([contact('c1'), contact('c2')]);
  const effects = new RecordingEffectHandler();
  const config = parseTemporalConfig({ address: 'localhost:7233', dataDir: '/nonexistent' });
  const runtime = new TemporalRuntime({
    config,
    catalogue: builtinCatalogue(),
    contacts,
    gateway,
    ledger,
    now: () => time.now(),
    onError: (e) => console.error(e),
  });
  gateway.activities = createActivities({ catalogue: builtinCatalogue(), contacts, effects, ledger, runtime });
  /** Until the facade has handed everything out and every run is ended or waiting. */
  const rest = async () => {
    for (let i = 0; i < 20; i++) {
      await runtime.idle();
      await settle(() => gateway.atRest());
      await new Promise((r) => setImmediate(r));
      if (gateway.atRest()) {
        await runtime.idle();
        if (gateway.atRest()) return;
      }
    }
  };
  return { time, gateway, ledger, contacts, effects, runtime, rest };
}

describe('Temporal runtime facade (workflows in process)', () => {
  it('starts one run per trigger with a workflow id from flow, contact and entry; a redelivered trigger starts nothing', async () => {
    const t = setup();
    t.runtime.publish('j', 'v1', replyJourney({ reentry: { mode: 'always' } }));
    const event = tagEvent('c1', ['go']);
    t.runtime.ingest(event);
    t.runtime.ingest(event);
    await t.rest();
    const runs = t.runtime.runs();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.id).toBe(runWorkflowId('j', 'c1', event.dedupeKey));
    expect(runs[0]).toMatchObject({ state: 'waiting', status: 'waiting', currentNodeId: 'ask', versionId: 'v1' });
    expect(t.effects.delivered.map((e) => e.idempotencyKey)).toEqual([`${runs[0]!.id}:hello:0:0`]);
    expect(await t.runtime.runState(runs[0]!.id)).toMatchObject({ status: 'waiting', nodeId: 'ask' });
  });

  it('signals a reply to the waiting run, which resumes through its event port', async () => {
    const t = setup();
    t.runtime.publish('j', 'v1', replyJourney());
    t.runtime.ingest(tagEvent('c1', ['go']));
    await t.rest();
    t.runtime.deliverInbound({ customerId: 'c1', kind: 'reply', channel: 'line', payload: { text: 'ok' } });
    await t.rest();
    const [run] = t.runtime.runs();
    expect(run).toMatchObject({ status: 'completed', state: 'done' });
    expect(t.effects.delivered.map((e) => e.nodeId)).toEqual(['hello', 'thanks']);
    expect(t.runtime.runTimeline(run!.id).steps.map((s) => `${s.seq}:${s.nodeId}:${s.outcome}:${s.port ?? ''}`)).toEqual([
      '0:hello:passed:sent',
      '1:ask:waiting:',
      '2:ask:passed:event',
      '3:thanks:passed:sent',
    ]);
    expect(t.runtime.nodeStats('j', 'v1')).toMatchObject({ ask: { entered: 1, waiting: 0, ports: { event: 1 } }, thanks: { entered: 1 } });
  });

  it('applies re-entry rules from the ledger: never enters twice, not while a run is active', async () => {
    const t = setup();
    t.runtime.publish('j', 'v1', replyJourney({ reentry: { mode: 'never' } }));
    t.runtime.ingest(tagEvent('c1', ['go']));
    await t.rest();
    t.runtime.ingest(tagEvent('c1', ['go']));
    await t.rest();
    expect(t.runtime.runs()).toHaveLength(1);
    t.time.advance(60 * MIN);
    await t.rest();
    t.runtime.ingest(tagEvent('c1', ['go']));
    await t.rest();
    expect(t.runtime.runs().map((r) => r.status)).toEqual(['completed']);
    // The trigger's counters, as the embedded engine keeps them: one entry, two refusals by reason.
    const trigger = t.runtime.nodeStats('j', 'v1').t;
    expect(trigger?.entered).toBe(1);
    expect(Object.values(trigger?.skipped ?? {}).reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('ending the flow cancels its runs; pausing stops new entries only', async () => {
    const t = setup();
    t.runtime.publish('j', 'v1', replyJourney({ reentry: { mode: 'always' } }));
    t.runtime.ingest(tagEvent('c1', ['go']));
    await t.rest();
    t.runtime.pause('j');
    t.runtime.ingest(tagEvent('c2', ['go']));
    await t.rest();
    expect(t.runtime.runs().map((r) => r.customerId)).toEqual(['c1']);
    t.runtime.end('j');
    await t.rest();
    expect(t.runtime.runs()).toEqual([expect.objectContaining({ status: 'cancelled', exitReason: 'flow_ended', state: 'done' })]);
  });

  it('publishing with move_at_next_wait moves waiting runs; cancel ends them', async () => {
    const t = setup();
    t.runtime.publish('j', 'v1', replyJourney({ reentry: { mode: 'always' } }));
    t.runtime.ingest(tagEvent('c1', ['go']));
    await t.rest();
    const [run] = t.runtime.runs();
    t.runtime.publish('j', 'v2', replyJourney({ reentry: { mode: 'always' } }), { inFlight: 'move_at_next_wait' });
    await t.rest();
    expect(t.runtime.getRun(run!.id)?.versionId).toBe('v2');
    expect((await t.runtime.runState(run!.id)).versionId).toBe('v2');
    t.runtime.publish('j', 'v3', replyJourney({ reentry: { mode: 'always' } }), { inFlight: 'cancel' });
    await t.rest();
    expect(t.runtime.getRun(run!.id)).toMatchObject({ status: 'cancelled', exitReason: 'new_version_published' });
  });

  it('a tag a journey applies triggers another journey, and a goal event ends a waiting run', async () => {
    const t = setup();
    const tagger = replyJourney({}, { nodes: [node('vip', 'action.tag', { op: 'add', tags: ['vip'] })], edges: [] });
    tagger.edges = [edge('t', 'next', 'vip'), edge('vip', 'next', 'hello'), edge('hello', 'sent', 'ask'), edge('ask', 'event', 'thanks')];
    t.runtime.publish('tagger', 'tagger-v1', tagger);
    const second = replyJourney({ goals: [{ id: 'replied', label: 'Replied', when: { kind: 'event', match: { event: 'reply' } } }] });
    second.triggers = [node('t', 'trigger.tag_applied', { tags: ['vip'] })];
    t.runtime.publish('second', 'second-v1', second);
    // Version ids are global: another flow cannot publish one that is taken.
    expect(() => t.runtime.publish('third', 'second-v1', second)).toThrow(/belongs to flow second/);
    t.runtime.ingest(tagEvent('c1', ['go']));
    await t.rest();
    const byFlow = () => Object.fromEntries(t.runtime.runs().map((r) => [r.flowId, r]));
    expect(byFlow().second).toMatchObject({ state: 'waiting', currentNodeId: 'ask' });
    t.runtime.deliverInbound({ customerId: 'c1', kind: 'reply', channel: 'line', payload: { text: 'hi' } });
    await t.rest();
    expect(byFlow().tagger).toMatchObject({ status: 'completed' });
    expect(byFlow().second).toMatchObject({ status: 'goal_reached', exitReason: 'goal:replied' });
  });

  it('a keyword starts a chatbot session', async () => {
    const t = setup();
    t.runtime.publish('bot', 'v1', {
      formatVersion: 2,
      kind: 'chatbot',
      bot: { scope: 'line' },
      entryModuleId: 'm1',
      triggers: [node('kw', 'trigger.keyword', { keywords: ['hello'], mode: 'contains' })],
      modules: [{ id: 'm1', name: 'Welcome', cards: [node('card', 'message.text', { text: 'Welcome!' })] }],
      edges: [edge('kw', 'next', 'm1')],
    });
    t.runtime.ingest(messageEvent('c1', 'hello there'));
    await t.rest();
    expect(t.runtime.runs()).toEqual([expect.objectContaining({ flowId: 'bot', status: 'completed' })]);
    expect(t.effects.delivered.map((e) => e.nodeId)).toEqual(['card']);
  });

  it('a worker sharing the ledger file sees flows the api published (its trigger index follows the revision)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'omniflow-ledger-')), 'temporal-ledger.db');
    const api = setup();
    const workerLedger = new RunLedger(file);
    const apiLedger = new RunLedger(file);
    const config = parseTemporalConfig({ address: 'localhost:7233' });
    const common = { config, catalogue: builtinCatalogue(), contacts: api.contacts, gateway: api.gateway, now: () => api.time.now() };
    const apiRuntime = new TemporalRuntime({ ...common, ledger: apiLedger });
    const workerRuntime = new TemporalRuntime({ ...common, ledger: workerLedger });
    api.gateway.activities = createActivities({
      catalogue: builtinCatalogue(),
      contacts: api.contacts,
      effects: api.effects,
      ledger: workerLedger,
      runtime: workerRuntime,
    });
    apiRuntime.publish('j', 'v1', replyJourney());
    // An event a run hands back reaches the worker's runtime, which must know the flow published elsewhere.
    await workerRuntime.publishEvents([
      { id: 'e1', type: 'tag.applied', kind: 'tagApplied', customerId: 'c1', channel: 'line', payload: { tags: ['go'] }, occurredAt: START },
    ]);
    await settle(() => api.gateway.atRest());
    expect(apiRuntime.runs()).toEqual([expect.objectContaining({ flowId: 'j', state: 'waiting' })]);
    apiLedger.close();
    workerLedger.close();
  });
});
