import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AppRouter, type RunningServer, startServer } from '@omniflow/api';
import { lineSignature } from '@omniflow/engine';
import { createTRPCClient, httpLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LineServer, startLineServer } from './servers.ts';

// The whole product path on LINE: an admin connects a LINE channel (pointing at the local LINE server),
// publishes the keyword bot, and a signed "hello" webhook to the api reaches the engine, whose reply goes
// out with the webhook's reply token and its menu as a push. Deliveries are recorded as sent with
// LINE's message ids; tapping a menu button is a click on that send in runs.nodeMetrics.

const here = dirname(fileURLToPath(import.meta.url));
const BOT = JSON.parse(readFileSync(join(here, '../../examples/flows/keyword-bot.chatbot.json'), 'utf8'));
const TOKEN = 'e2e-line-access-token-abcdef';
const SECRET = 'e2e-line-channel-secret-123456';
const USER = 'U00001111222233334444555566667777';

let line: LineServer;
let server: RunningServer;
let dataDir: string;
beforeAll(async () => {
  line = await startLineServer({ accessToken: TOKEN });
  dataDir = mkdtempSync(join(tmpdir(), 'omniflow-api-line-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await line?.close();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const settled = () => server.engine!.engine.idle();

/** A tRPC client that keeps the session cookie, as the studio's browser does. */
function signedInClient(baseUrl: string) {
  let cookie = '';
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl}/trpc`,
        headers: () => (cookie ? { cookie } : {}),
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          const set = res.headers.getSetCookie()[0];
          if (set) cookie = set.split(';')[0]!;
          return res;
        },
      }),
    ],
  });
}

async function postWebhook(connectionId: string, events: Record<string, unknown>[]) {
  const body = JSON.stringify({ destination: 'U8e742f61d673b39c7fff3cecb7536ef0', events });
  const res = await fetch(`${server.url}/webhooks/line/${connectionId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-line-signature': lineSignature(body, SECRET) },
    body,
  });
  expect(res.status).toBe(200);
  return res.json() as Promise<{ accepted: number; duplicates: number }>;
}

const common = (id: string) => ({
  webhookEventId: id,
  timestamp: Date.now(),
  mode: 'active',
  source: { type: 'user', userId: USER },
  deliveryContext: { isRedelivery: false },
});

describe('api + LINE: keyword bot end to end', () => {
  it('webhook in → engine → reply and push to LINE, deliveries recorded, a button tap counted as a click', async () => {
    const admin = signedInClient(server.url);
    await admin.auth.signIn.mutate({ email: server.firstAdmin!.email, password: server.firstAdmin!.password });
    const connection = await admin.channels.create.mutate({
      kind: 'line',
      name: 'Shop OA',
      settings: { baseUrl: line.url },
      secrets: { channelAccessToken: TOKEN, channelSecret: SECRET },
    });
    await admin.attributes.define.mutate({ key: 'newsletter_email', type: 'text' });
    const flow = await admin.flows.create.mutate({ kind: 'chatbot', name: 'Shop bot', scope: 'line' });
    const saved = await admin.flows.saveDraft.mutate({ id: flow.id, baseRevision: flow.draftRevision, graph: BOT });
    const { version } = await admin.versions.publish.mutate({
      flowId: flow.id,
      baseRevision: saved.revision,
      notes: 'v1',
      confirmWarnings: true,
      inFlightPolicy: 'keep',
    });

    const replyToken = line.issueReplyToken();
    const hello = { ...common('01E2EHELLO000000000000000'), type: 'message', replyToken, message: { id: 'm1', type: 'text', text: 'hello' } };
    expect(await postWebhook(connection.id, [hello])).toMatchObject({ accepted: 1, duplicates: 0 });
    await settled();
    const toBot = line.sends.filter((s) => s.kind === 'reply' || s.to === USER);
    expect(toBot[0]).toMatchObject({ kind: 'reply', replyToken });
    const menuSend = toBot.find((s) => (s.messages[0] as { quickReply?: unknown }).quickReply);
    expect(menuSend?.kind).toBe('push');

    // Redelivered by LINE: dropped before the engine.
    expect(await postWebhook(connection.id, [{ ...hello, deliveryContext: { isRedelivery: true } }])).toMatchObject({ accepted: 0, duplicates: 1 });
    await settled();
    expect(line.sends).toHaveLength(toBot.length);

    const deliveries = await server.prisma.messageDelivery.findMany({ where: { flowId: flow.id }, orderBy: { sendingAt: 'asc' } });
    expect(deliveries.length).toBe(toBot.length);
    for (const d of deliveries) expect(d).toMatchObject({ status: 'sent', channel: 'line', versionId: version.id, connectionId: connection.id });
    expect(deliveries.every((d) => d.platformMessageId && /^\d+$/.test(d.platformMessageId))).toBe(true);

    // The customer taps the first quick reply: a postback naming the node → a click on that send.
    const menu = menuSend!.messages[0] as { quickReply: { items: { action: { data: string } }[] } };
    const tap = {
      ...common('01E2ETAP00000000000000000'),
      type: 'postback',
      replyToken: line.issueReplyToken(),
      postback: { data: menu.quickReply.items[0]!.action.data },
    };
    expect(await postWebhook(connection.id, [tap])).toMatchObject({ accepted: 1 });
    await settled();
    // The tap resumed the waiting session: the opening-hours module answers with the tap's reply token.
    const hours = line.sends.at(-1)!;
    expect(hours.kind).toBe('reply');
    expect(hours.messages[0]).toMatchObject({ type: 'template', template: { type: 'buttons', text: 'We are open 10:00–21:00 every day.' } });
    const metrics = await admin.runs.nodeMetrics.query({ flowId: flow.id, versionId: version.id });
    const menuNode = deliveries.find((d) => d.platformMessageId && d.nodeType === 'message.quick_reply')?.nodeId;
    expect(menuNode).toBeDefined();
    expect(metrics.nodes[menuNode!]).toMatchObject({
      successful: 1,
      successRate: { numerator: 1, denominator: 1, rate: 1 },
      clickRate: { numerator: 1, denominator: 1 },
      responseRate: { h12: { numerator: 1, denominator: 1 } },
    });
  }, 60_000);
});
