import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../auth/session-token.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { WebChatTestClient } from './ws-test-client.ts';

// The web chat channel end to end on a real server (real SQLite files, real WebSocket clients): a
// visitor talks to the published example keyword bot, a journey's message waits in the offline queue
// until the visitor is back, bad frames get typed errors, and the studio simulator runs drafts.

let t: TestServer;
let ws: string;
beforeAll(async () => {
  t = await startTestServer();
  ws = t.server.url.replace('http:', 'ws:');
  // The example bot saves the newsletter answer here.
  await t.as.admin.trpc.attributes.define.mutate({ key: 'newsletter_email', type: 'text' });
});
afterAll(async () => t?.close());

const exampleBot = JSON.parse(readFileSync(new URL('../../../examples/flows/keyword-bot.chatbot.json', import.meta.url), 'utf8'));
/** The example bot, scoped to the web. */
const webBot = {
  ...exampleBot,
  bot: { ...exampleBot.bot, scope: 'web' },
  triggers: exampleBot.triggers.map((tr: { type: string; config: Record<string, unknown> }) =>
    tr.type === 'trigger.welcome' ? { ...tr, config: { ...tr.config, channels: ['webchat'] } } : tr,
  ),
};

const send = (id: string, text: string) => ({
  id,
  type: 'message.send',
  version: 1,
  config: { channelStrategy: { mode: 'trigger' }, content: { kind: 'text', text } },
});
/** promo tag → message → wait a day → message → exit. */
const promoJourney = {
  formatVersion: 2,
  kind: 'journey',
  channels: ['webchat'],
  triggers: [{ id: 'tagged', type: 'trigger.tag_applied', version: 1, config: { tags: ['promo'] } }],
  nodes: [
    send('first', 'Your coupon: SPRING10'),
    { id: 'wait', type: 'wait.wait', version: 1, config: { mode: { kind: 'duration', days: 1, hours: 0, minutes: 0 } } },
    send('second', 'Your coupon expires tonight'),
    { id: 'done', type: 'flow.exit', version: 1, config: {} },
  ],
  edges: [
    { id: 'e1', source: 'tagged', sourcePort: 'next', target: 'first' },
    { id: 'e2', source: 'first', sourcePort: 'sent', target: 'wait' },
    { id: 'e3', source: 'wait', sourcePort: 'next', target: 'second' },
    { id: 'e4', source: 'second', sourcePort: 'sent', target: 'done' },
  ],
};

async function createDraft(kind: 'chatbot' | 'journey', graph: unknown): Promise<{ id: string; revision: number }> {
  const admin = t.as.admin.trpc;
  const flow =
    kind === 'chatbot'
      ? await admin.flows.create.mutate({ kind: 'chatbot', name: `bot ${Math.random()}`, scope: 'web' })
      : await admin.flows.create.mutate({ kind: 'journey', name: `journey ${Math.random()}`, channels: ['webchat'] });
  const saved = await admin.flows.saveDraft.mutate({ id: flow.id, baseRevision: flow.draftRevision, graph });
  return { id: flow.id, revision: saved.revision };
}

async function publish(kind: 'chatbot' | 'journey', graph: unknown): Promise<string> {
  const draft = await createDraft(kind, graph);
  await t.as.admin.trpc.versions.publish.mutate({ flowId: draft.id, baseRevision: draft.revision, notes: 'v1', confirmWarnings: true, inFlightPolicy: 'keep' });
  return draft.id;
}

/** A session cookie of the first admin, as a browser holding the studio open would send it. */
async function adminCookie(): Promise<string> {
  const first = t.server.firstAdmin!;
  const res = await fetch(`${t.server.url}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: first.email, password: first.password }),
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!cookie) throw new Error(`sign-in gave no session cookie (HTTP ${res.status})`);
  return cookie.split(';')[0]!;
}

describe('web chat: live socket', () => {
  let visitorId: string;

  it('answers a keyword with the module, routes a quick reply and reaches the hand-off', async () => {
    await publish('chatbot', webBot);
    const chat = await WebChatTestClient.open(`${ws}/webchat/socket?channelId=site`);
    chat.send({ type: 'hello', name: 'Mei' });
    const welcome = await chat.next('welcome');
    expect(welcome.simulation).toBe(false);
    visitorId = welcome.visitorId;

    chat.send({ type: 'text', text: 'hi there', clientMessageId: 'm1' });
    await chat.next('ack', (f) => f.clientMessageId === 'm1');
    const hello = await chat.next('message', (f) => f.message.nodeType === 'message.text');
    expect(hello.message.text).toBe("Hi Mei! I'm the Omniflow shop bot.");
    const menu = await chat.next('message', (f) => f.message.nodeType === 'message.quick_reply');
    expect(menu.message.text).toBe('What can I do for you?');
    expect(menu.message.quickReplies.map((q) => q.label)).toEqual(['Opening hours', 'Newsletter', 'Talk to a person']);

    // "Opening hours": a text card with a URL button and a module button.
    const hours = menu.message.quickReplies[0]!;
    chat.send({ type: 'postback', payload: hours.payload, label: hours.label, clientMessageId: 'm2' });
    const hoursCard = await chat.next('message', (f) => f.message.text === 'We are open 10:00–21:00 every day.');
    expect(hoursCard.message.buttons).toEqual([
      { label: 'Find a store', kind: 'url', url: 'https://shop.example.com/stores' },
      expect.objectContaining({ label: 'Back to menu', kind: 'postback' }),
    ]);
    // "Back to menu" routes through the button's port to the welcome module again.
    const back = hoursCard.message.buttons[1]!;
    chat.send({ type: 'postback', payload: back.payload, label: back.label, clientMessageId: 'm3' });
    const menuAgain = await chat.next('message', (f) => f.message.nodeType === 'message.quick_reply');

    const human = menuAgain.message.quickReplies.find((q) => q.label === 'Talk to a person')!;
    chat.send({ type: 'postback', payload: human.payload, label: human.label, clientMessageId: 'm4' });
    await chat.next('handoff');
    // Nobody in the CS role is online: the bot says so.
    await chat.next('message', (f) => f.message.text === "Our team is offline right now; we'll reply as soon as we're back.");

    const identity = await t.server.prisma.contactIdentity.findFirstOrThrow({ where: { channel: 'webchat', externalUserId: visitorId } });
    expect(identity).toMatchObject({ channelId: 'site', conversationState: 'pending_human', displayName: 'Mei' });
    expect(identity.customerLastInteractionAt).not.toBeNull();
    await chat.close();
  });

  it('queues messages while the visitor is away and delivers them in order on reconnect until acknowledged', async () => {
    const journeyId = await publish('journey', promoJourney);
    const identity = await t.server.prisma.contactIdentity.findFirstOrThrow({ where: { channel: 'webchat', externalUserId: visitorId } });
    await t.as.admin.trpc.tags.add.mutate({ customerId: identity.customerId, tags: ['promo'] });
    await t.server.engine!.engine.idle();
    const runs = await t.as.admin.trpc.runs.list.query({ flowId: journeyId, customerId: identity.customerId });
    const run = runs.find((r) => r.currentNodeId === 'wait');
    expect(run?.status).toBe('waiting');
    // The send succeeded although nobody was connected: the channel holds the message.
    const timeline = await t.as.admin.trpc.runs.timeline.query({ runId: run!.id });
    expect(timeline.steps.find((s) => s.nodeId === 'first')).toMatchObject({ outcome: 'passed', port: 'sent' });

    const back = await WebChatTestClient.open(`${ws}/webchat/socket?channelId=site`);
    back.send({ type: 'hello', visitorId });
    expect((await back.next('welcome')).visitorId).toBe(visitorId);
    // Still handed off: the widget is told again.
    await back.next('handoff');
    const queued = await back.next('message', (f) => f.message.text === 'Your coupon: SPRING10');
    expect(queued.message.nodeType).toBe('message.send');
    // The first conversation's messages were never acknowledged, so they came again, before the coupon.
    const texts = back.all('message').map((f) => f.message.text);
    expect(texts.indexOf('What can I do for you?')).toBeGreaterThanOrEqual(0);
    expect(texts.at(-1)).toBe('Your coupon: SPRING10');
    back.send({ type: 'received', messageIds: back.all('message').map((f) => f.message.id) });
    await new Promise((r) => setTimeout(r, 100));
    await back.close();

    // Acknowledged: another reconnect gets nothing more.
    const again = await WebChatTestClient.open(`${ws}/webchat/socket?channelId=site`);
    again.send({ type: 'hello', visitorId });
    await again.next('welcome');
    await new Promise((r) => setTimeout(r, 200));
    expect(again.all('message')).toEqual([]);
    await again.close();
  });

  it('gives an unknown visitor id a new visitor rather than someone else’s conversation', async () => {
    const chat = await WebChatTestClient.open(`${ws}/webchat/socket?channelId=site`);
    chat.send({ type: 'hello', visitorId: 'v_made_up' });
    const welcome = await chat.next('welcome');
    expect(welcome.visitorId).not.toBe('v_made_up');
    expect(welcome.visitorId).toMatch(/^v_[A-Za-z0-9_-]{22}$/);
    await chat.close();
  });

  it('answers malformed frames with typed errors naming the field and keeps the socket open', async () => {
    const chat = await WebChatTestClient.open(`${ws}/webchat/socket?channelId=site`);
    chat.send({ type: 'text', text: 'too early', clientMessageId: 'x' });
    expect(await chat.next('error')).toMatchObject({ code: 'hello_required', field: 'type' });
    chat.send({ type: 'hello' });
    await chat.next('welcome');
    chat.send('{not json');
    expect(await chat.next('error')).toMatchObject({ code: 'invalid_json' });
    chat.send({ type: 'text', clientMessageId: 'a' });
    expect(await chat.next('error')).toMatchObject({ code: 'invalid_frame', field: 'text' });
    chat.send({ type: 'wave' });
    expect(await chat.next('error')).toMatchObject({ code: 'invalid_frame', field: 'type' });
    chat.send({ type: 'text', text: 'x'.repeat(20_000), clientMessageId: 'big' });
    expect(await chat.next('error')).toMatchObject({ code: 'frame_too_large' });
    chat.send({ type: 'fastForward' });
    expect(await chat.next('error')).toMatchObject({ code: 'simulator_only', field: 'type' });
    // Still open and working.
    chat.send({ type: 'text', text: 'hello', clientMessageId: 'ok' });
    await chat.next('ack', (f) => f.clientMessageId === 'ok');
    expect(chat.closed).toBe(false);
    await chat.close();
  });

  it('limits the frame rate per socket', async () => {
    const chat = await WebChatTestClient.open(`${ws}/webchat/socket?channelId=site`);
    chat.send({ type: 'hello' });
    await chat.next('welcome');
    for (let i = 0; i < 35; i++) chat.send({ type: 'restart' });
    await chat.next('error', (f) => f.code === 'rate_limited');
    expect(chat.closed).toBe(false);
    await chat.close();
  });

  it('refuses a socket without a valid channel id before upgrading', async () => {
    await expect(WebChatTestClient.open(`${ws}/webchat/socket`)).rejects.toThrow('HTTP 400');
    await expect(WebChatTestClient.open(`${ws}/webchat/socket?channelId=${encodeURIComponent('a b')}`)).rejects.toThrow('HTTP 400');
  });

  it('serves the widget script and a demo page embedding it', async () => {
    const widget = await fetch(`${t.server.url}/webchat/widget.js`);
    expect(widget.headers.get('content-type')).toMatch(/javascript/);
    expect(await widget.text()).toContain('/webchat/socket?channelId=');
    const demo = await fetch(`${t.server.url}/webchat/demo?channel=shop`);
    expect(await demo.text()).toContain('<script src="/webchat/widget.js" data-channel="shop"></script>');
  });
});

describe('web chat: studio simulator socket', () => {
  it('needs a studio session with permission to edit the flow', async () => {
    const draft = await createDraft('chatbot', webBot);
    await expect(WebChatTestClient.open(`${ws}/webchat/simulate?flowId=${draft.id}`)).rejects.toThrow('HTTP 401');
    const cookie = await adminCookie();
    await expect(WebChatTestClient.open(`${ws}/webchat/simulate?flowId=nope`, { cookie })).rejects.toThrow('HTTP 404');
    // Cross-site WebSocket hijacking: another origin's page cannot use the studio's cookie.
    await expect(WebChatTestClient.open(`${ws}/webchat/simulate?flowId=${draft.id}`, { cookie, origin: 'http://localhost:9999' })).rejects.toThrow('HTTP 403');
    const own = await WebChatTestClient.open(`${ws}/webchat/simulate?flowId=${draft.id}`, { cookie, origin: t.server.url });
    await own.close();
  });

  it('runs a chatbot draft, streams its steps and reaches the hand-off, touching no real contact', async () => {
    const contactsBefore = await t.server.prisma.customer.count();
    const draft = await createDraft('chatbot', webBot);
    const sim = await WebChatTestClient.open(`${ws}/webchat/simulate?flowId=${draft.id}`, { cookie: await adminCookie() });
    sim.send({ type: 'hello', name: 'Tester' });
    const first = await sim.next('welcome');
    expect(first.simulation).toBe(true);
    sim.send({ type: 'text', text: 'hello', clientMessageId: 's1' });
    await sim.next('ack');
    expect((await sim.next('message', (f) => f.message.nodeType === 'message.text')).message.text).toBe("Hi Tester! I'm the Omniflow shop bot.");
    const menu = await sim.next('message', (f) => f.message.nodeType === 'message.quick_reply');
    const stepHello = await sim.next('step', (f) => f.step.nodeId === 'c_hello');
    expect(stepHello.step).toMatchObject({ moduleId: 'm_welcome', outcome: 'passed', port: 'next' });
    expect((await sim.next('step', (f) => f.step.nodeId === 'c_menu')).step.outcome).toBe('waiting');

    const human = menu.message.quickReplies.find((q) => q.label === 'Talk to a person')!;
    sim.send({ type: 'postback', payload: human.payload, label: human.label, clientMessageId: 's2' });
    const chose = await sim.next('step', (f) => f.step.nodeId === 'c_menu' && f.step.outcome === 'passed');
    expect(chose.step).toMatchObject({ port: 'option:human', explanation: 'Chose "Talk to a person"' });
    await sim.next('step', (f) => f.step.nodeId === 'c_handoff' && f.step.moduleId === 'm_agent');
    await sim.next('handoff');

    // Restart: a fresh test contact and session.
    sim.send({ type: 'restart' });
    expect((await sim.next('welcome')).sessionId).not.toBe(first.sessionId);
    await sim.close();
    expect(await t.server.prisma.customer.count()).toBe(contactsBefore);
  });

  it('gives the test contact the tags of the hello, which conditions read', async () => {
    const draft = await createDraft('chatbot', webBot);
    const sim = await WebChatTestClient.open(`${ws}/webchat/simulate?flowId=${draft.id}`, { cookie: await adminCookie() });
    sim.send({ type: 'hello', testContact: { tags: ['vip'], attributes: {} } });
    await sim.next('welcome');
    sim.send({ type: 'text', text: 'hi', clientMessageId: 'v1' });
    const menu = await sim.next('message', (f) => f.message.nodeType === 'message.quick_reply');
    const news = menu.message.quickReplies.find((q) => q.label === 'Newsletter')!;
    sim.send({ type: 'postback', payload: news.payload, label: news.label, clientMessageId: 'v2' });
    await sim.next('message', (f) => f.message.text === 'What email should we send the newsletter to?');
    sim.send({ type: 'text', text: 'mei@example.com', clientMessageId: 'v3' });
    // A VIP goes to a person rather than to the thank-you module.
    expect((await sim.next('step', (f) => f.step.nodeId === 'c_vip')).step.port).toBe('met');
    await sim.next('handoff');
    await sim.close();
  });

  it('runs a journey draft and fast-forwards its wait on the virtual clock', async () => {
    const draft = await createDraft('journey', promoJourney);
    const sim = await WebChatTestClient.open(`${ws}/webchat/simulate?flowId=${draft.id}`, { cookie: await adminCookie() });
    sim.send({ type: 'hello' });
    await sim.next('welcome');
    const start = Date.parse((await sim.next('clock')).now);
    await sim.next('message', (f) => f.message.text === 'Your coupon: SPRING10');
    await sim.next('step', (f) => f.step.nodeId === 'wait' && f.step.outcome === 'waiting');
    expect(sim.all('message')).toHaveLength(1);

    sim.send({ type: 'fastForward' });
    await sim.next('message', (f) => f.message.text === 'Your coupon expires tonight');
    const clock = Date.parse((await sim.next('clock')).now);
    expect(clock - start).toBe(86_400_000);
    await sim.next('step', (f) => f.step.nodeId === 'done');

    // Nothing left to wait for.
    sim.send({ type: 'fastForward' });
    expect(await sim.next('error')).toMatchObject({ code: 'nothing_scheduled' });
    await sim.close();
  });

  it('starts a journey at any node', async () => {
    const draft = await createDraft('journey', promoJourney);
    const sim = await WebChatTestClient.open(`${ws}/webchat/simulate?flowId=${draft.id}&startNodeId=second`, { cookie: await adminCookie() });
    sim.send({ type: 'hello' });
    await sim.next('message', (f) => f.message.text === 'Your coupon expires tonight');
    expect(sim.all('message')).toHaveLength(1);
    await sim.close();
  });
});

describe('web chat: channel connections', () => {
  it('once a web chat channel is configured, only its id opens a socket, from its allowed origins', async () => {
    const channel = await t.as.admin.trpc.channels.create.mutate({
      kind: 'webchat',
      name: 'Shop site',
      settings: { allowedOrigins: ['https://shop.example.com'] },
    });
    await expect(WebChatTestClient.open(`${ws}/webchat/socket?channelId=site`)).rejects.toThrow('HTTP 404');
    await expect(WebChatTestClient.open(`${ws}/webchat/socket?channelId=${channel.id}`, { origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    const chat = await WebChatTestClient.open(`${ws}/webchat/socket?channelId=${channel.id}`, { origin: 'https://shop.example.com' });
    chat.send({ type: 'hello' });
    await chat.next('welcome');
    await chat.close();
  });
});
