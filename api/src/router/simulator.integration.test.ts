import { readFileSync } from 'node:fs';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

// simulator.run over real HTTP against a real server: the example flows as drafts and as a published
// version, a contact fixture, scripted replies, and a journey fast-forwarded one wait at a time.

const example = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../examples/flows/${name}`, import.meta.url), 'utf8'));

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.close());

async function draftOf(kind: 'chatbot' | 'journey', file: string, name: string) {
  const admin = t.as.admin.trpc;
  const flow =
    kind === 'chatbot' ? await admin.flows.create.mutate({ kind, name, scope: 'line' }) : await admin.flows.create.mutate({ kind, name, channels: ['line'] });
  const graph = example(file) as { attributes?: unknown };
  const saved = await admin.flows.saveDraft.mutate({ id: flow.id, baseRevision: flow.draftRevision, graph });
  return { id: flow.id, revision: saved.revision };
}

describe('simulator.run', () => {
  it('chats with the example bot from its entry to the hand-off, with modules and readable effects', async () => {
    const bot = await draftOf('chatbot', 'keyword-bot.chatbot.json', 'Sim bot');
    const result = await t.as.admin.trpc.simulator.run.mutate({
      flowId: bot.id,
      contact: { name: 'Ada', tags: [] },
      inputs: [{ kind: 'button', buttonId: 'human' }],
    });
    expect(result.steps.map((s) => s.nodeId)).toEqual(expect.arrayContaining(['c_hello', 'c_menu', 'c_handoff']));
    expect(result.steps.find((s) => s.nodeId === 'c_menu')?.moduleId).toBe('m_welcome');
    expect(result.steps.find((s) => s.nodeId === 'c_handoff')?.moduleId).toBe('m_agent');
    expect(result.steps.every((s) => typeof s.explanation === 'string')).toBe(true);
    expect(result.effects[0]).toMatchObject({
      nodeId: 'c_hello',
      kind: 'send',
      summary: expect.stringContaining('Hi Ada!'),
      message: { text: expect.stringContaining('Hi Ada!') },
    });
  });

  it('draws sends as web chat messages whose postbacks route the next run, prefix-stable for the studio', async () => {
    const bot = await draftOf('chatbot', 'keyword-bot.chatbot.json', 'Sim bot drawn');
    const startAt = '2025-01-06T09:00:00.000Z';
    const first = await t.as.admin.trpc.simulator.run.mutate({ flowId: bot.id, startAt, until: startAt });
    expect(first.state).toBe('waiting');
    const menu = first.effects.find((e) => e.nodeId === 'c_menu')?.message;
    expect(menu?.quickReplies.map((q) => q.label)).toEqual(['Opening hours', 'Newsletter', 'Talk to a person']);
    const hours = menu?.quickReplies[0];
    if (!hours?.payload) throw new Error('no postback payload');
    const second = await t.as.admin.trpc.simulator.run.mutate({
      flowId: bot.id,
      startAt,
      until: startAt,
      inputs: [{ kind: 'postback', payload: hours.payload, label: hours.label }],
    });
    // The same run again, one answer further: the earlier messages are unchanged, the new ones follow.
    expect(second.effects.slice(0, first.effects.length)).toEqual(first.effects);
    expect(second.effects.at(-1)?.message).toMatchObject({
      text: 'We are open 10:00–21:00 every day.',
      buttons: [expect.objectContaining({ label: 'Find a store', kind: 'url' }), expect.objectContaining({ label: 'Back to menu', kind: 'postback' })],
    });
  });

  it('follows a button of a card that does not wait: the next segment starts at the module it leads to', async () => {
    const bot = await draftOf('chatbot', 'keyword-bot.chatbot.json', 'Sim bot segments');
    const result = await t.as.admin.trpc.simulator.run.mutate({
      flowId: bot.id,
      contact: { name: 'Ada' },
      inputs: [
        { kind: 'button', buttonId: 'opening' },
        { kind: 'button', buttonId: 'back', nodeId: 'c_hours' },
        { kind: 'button', buttonId: 'human' },
      ],
    });
    expect(result.steps.map((s) => s.nodeId)).toEqual(['c_hello', 'c_menu', 'c_menu', 'c_hours', 'c_hello', 'c_menu', 'c_menu', 'c_handoff']);
    expect(result.steps.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(result.effects.filter((e) => e.nodeId === 'c_menu')).toHaveLength(2);
    // An input nothing listens for is dropped, as in a real chat.
    const ignored = await t.as.admin.trpc.simulator.run.mutate({
      flowId: bot.id,
      startNodeId: 'c_thanks',
      inputs: [{ kind: 'button', buttonId: 'nope', nodeId: 'c_thanks' }],
    });
    expect(ignored.steps.map((s) => s.nodeId)).toEqual(['c_thanks']);
  });

  it('uses the contact fixture: a VIP tag takes the condition split to the agent', async () => {
    const bot = await draftOf('chatbot', 'keyword-bot.chatbot.json', 'Sim bot 2');
    const run = (tags: string[]) =>
      t.as.admin.trpc.simulator.run.mutate({ flowId: bot.id, startNodeId: 'c_email', contact: { tags }, inputs: [{ kind: 'text', text: 'a@example.com' }] });
    const vip = await run(['vip']);
    const plain = await run([]);
    expect(vip.steps.find((s) => s.nodeId === 'c_vip')?.port).toBe('met');
    expect(plain.steps.find((s) => s.nodeId === 'c_vip')?.port).toBe('notMet');
    expect(plain.contact.attributes.newsletter_email).toBe('a@example.com');
  });

  it('fast-forwards a journey one wait at a time with until, and reports the next timer', async () => {
    const journey = await draftOf('journey', 'abandoned-cart.journey.json', 'Sim cart');
    const startAt = '2025-03-03T02:00:00.000Z';
    const first = await t.as.admin.trpc.simulator.run.mutate({ flowId: journey.id, startAt, until: startAt });
    expect(first.state).toBe('waiting');
    expect(first.currentNodeId).toBe('wait_1h');
    expect(first.nextTimerAt).toBe('2025-03-03T03:00:00.000Z');
    expect(first.effects).toEqual([]);
    const second = await t.as.admin.trpc.simulator.run.mutate({ flowId: journey.id, startAt, until: first.nextTimerAt });
    expect(second.endedAt).toBe('2025-03-03T03:00:00.000Z');
    expect(second.status).toBe('completed');
    expect(second.effects.map((e) => e.kind)).toEqual(['send', 'capi']);
    expect(second.effects[1]?.summary).toMatch(/Conversions API event/);
  });

  it('runs a published version by number, and refuses unknown nodes and other roles', async () => {
    const bot = await draftOf('chatbot', 'keyword-bot.chatbot.json', 'Sim bot 3');
    await t.as.admin.trpc.attributes.define.mutate({ key: 'newsletter_email', type: 'text' });
    await t.as.admin.trpc.versions.publish.mutate({ flowId: bot.id, baseRevision: bot.revision, confirmWarnings: true });
    const v1 = await t.as.admin.trpc.simulator.run.mutate({ flowId: bot.id, version: 1, startNodeId: 'c_thanks' });
    expect(v1.steps.map((s) => s.nodeId)).toEqual(['c_thanks']);
    await expect(t.as.admin.trpc.simulator.run.mutate({ flowId: bot.id, startNodeId: 'nope' })).rejects.toThrow(/startNodeId "nope"/);
    const refused = await t.as.cs_agent.trpc.simulator.run.mutate({ flowId: bot.id }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect(refused).toMatchObject({ data: { code: 'FORBIDDEN' } });
  });
});
