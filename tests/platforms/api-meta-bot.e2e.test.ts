import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AppRouter, type RunningServer, startServer } from '@omniflow/api';
import { createTRPCClient, httpLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MessengerServer, signedWebhook, startMessengerServer, startWhatsAppServer, type WhatsAppServer } from './meta-servers.ts';

// Messenger and WhatsApp through the api: connections point at the local Graph servers, signed webhooks
// open the 24-hour window (the replies go out as RESPONSE / session messages), the bot's sends are
// recorded as deliveries, and WhatsApp's status webhook moves them to read in runs.nodeMetrics.

const here = dirname(fileURLToPath(import.meta.url));
const bot = (scope: 'fb_ig' | 'whatsapp', channel: string) => {
  const graph = JSON.parse(readFileSync(join(here, '../../examples/flows/keyword-bot.chatbot.json'), 'utf8'));
  graph.bot.scope = scope;
  for (const t of graph.triggers) if (t.type === 'trigger.welcome') t.config.channels = [channel];
  if (scope === 'whatsapp') {
    // No quick-reply card on WhatsApp (§4.0): the welcome module answers with its text card only.
    const welcome = graph.modules.find((m: { id: string }) => m.id === 'm_welcome');
    welcome.cards = welcome.cards.filter((c: { type: string }) => c.type !== 'message.quick_reply');
    graph.edges = graph.edges.filter((e: { source: string }) => e.source !== 'c_menu');
  }
  return graph;
};
const PAGE = '104512345678901';
const PSID = '7100000000000042';
const PAGE_TOKEN = 'EAAG-api-page-token-0001';
const PHONE_ID = '106540352242922';
const WA_TOKEN = 'EAAG-api-wa-token-0002';
const WA_ID = '16505551234';
const APP_SECRET = 'api-e2e-app-secret-77';

let fb: MessengerServer;
let wa: WhatsAppServer;
let server: RunningServer;
let dataDir: string;
beforeAll(async () => {
  fb = await startMessengerServer({ pageId: PAGE, accessToken: PAGE_TOKEN });
  wa = await startWhatsAppServer({ phoneNumberId: PHONE_ID, accessToken: WA_TOKEN });
  dataDir = mkdtempSync(join(tmpdir(), 'omniflow-api-meta-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await fb?.close();
  await wa?.close();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

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

async function post(path: string, payload: unknown) {
  const { body, headers } = signedWebhook(payload, APP_SECRET);
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
  expect(res.status).toBe(200);
  return res.json() as Promise<Record<string, number>>;
}
const settled = () => server.engine!.engine.idle();

describe('api + Meta platforms: keyword bot end to end', () => {
  it('Messenger: webhook in opens the window, replies go out as RESPONSE and are recorded as sent', async () => {
    const admin = signedInClient(server.url);
    await admin.auth.signIn.mutate({ email: server.firstAdmin!.email, password: server.firstAdmin!.password });
    await admin.attributes.define.mutate({ key: 'newsletter_email', type: 'text' });
    const page = await admin.channels.create.mutate({
      kind: 'messenger',
      name: 'Shop page',
      settings: { pageId: PAGE, baseUrl: fb.url },
      secrets: { pageAccessToken: PAGE_TOKEN, appSecret: APP_SECRET, verifyToken: 'verify-me-please' },
    });
    const flow = await admin.flows.create.mutate({ kind: 'chatbot', name: 'FB bot', scope: 'fb_ig' });
    const saved = await admin.flows.saveDraft.mutate({ id: flow.id, baseRevision: flow.draftRevision, graph: bot('fb_ig', 'messenger') });
    const { version } = await admin.versions.publish.mutate({
      flowId: flow.id,
      baseRevision: saved.revision,
      notes: 'v1',
      confirmWarnings: true,
      inFlightPolicy: 'keep',
    });

    const now = Date.now();
    fb.inbound(PSID, now); // what Meta itself knows: the person just wrote
    const hello = {
      object: 'page',
      entry: [
        { id: PAGE, time: now, messaging: [{ sender: { id: PSID }, recipient: { id: PAGE }, timestamp: now, message: { mid: 'm_api_hello', text: 'hello' } }] },
      ],
    };
    expect(await post(`/webhooks/meta/${page.id}`, hello)).toMatchObject({ accepted: 1 });
    await settled();
    expect(fb.sends.length).toBeGreaterThanOrEqual(2);
    expect(fb.sends.every((s) => s.messagingType === 'RESPONSE')).toBe(true);
    expect(fb.duplicates()).toBe(0);

    const deliveries = await server.prisma.messageDelivery.findMany({ where: { flowId: flow.id } });
    expect(deliveries.map((d) => d.status)).toEqual(deliveries.map(() => 'sent'));
    expect(new Set(deliveries.map((d) => d.platformMessageId))).toEqual(new Set(fb.sends.map((s) => s.messageId)));

    // Messenger's read receipt covers everything sent before its watermark.
    await post(`/webhooks/meta/${page.id}`, {
      object: 'page',
      entry: [
        { id: PAGE, time: Date.now(), messaging: [{ sender: { id: PSID }, recipient: { id: PAGE }, timestamp: Date.now(), read: { watermark: Date.now() } }] },
      ],
    });
    const metrics = await admin.runs.nodeMetrics.query({ flowId: flow.id, versionId: version.id });
    const nodes = Object.values(metrics.nodes);
    expect(nodes.length).toBe(deliveries.length);
    for (const n of nodes) expect(n).toMatchObject({ successful: 1, readRate: { numerator: 1, denominator: 1 } });
  }, 60_000);

  it('WhatsApp: session replies inside the window; delivered and read statuses reach the deliveries', async () => {
    const admin = signedInClient(server.url);
    await admin.auth.signIn.mutate({ email: server.firstAdmin!.email, password: server.firstAdmin!.password });
    const number = await admin.channels.create.mutate({
      kind: 'whatsapp',
      name: 'Shop number',
      settings: { phoneNumberId: PHONE_ID, baseUrl: wa.url },
      secrets: { accessToken: WA_TOKEN, appSecret: APP_SECRET, verifyToken: 'verify-me-too' },
    });
    const flow = await admin.flows.create.mutate({ kind: 'chatbot', name: 'WA bot', scope: 'whatsapp' });
    const saved = await admin.flows.saveDraft.mutate({ id: flow.id, baseRevision: flow.draftRevision, graph: bot('whatsapp', 'whatsapp') });
    const { version } = await admin.versions.publish.mutate({
      flowId: flow.id,
      baseRevision: saved.revision,
      notes: 'v1',
      confirmWarnings: true,
      inFlightPolicy: 'keep',
    });

    const now = Date.now();
    wa.inbound(WA_ID, now);
    const change = (value: Record<string, unknown>) => ({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_ID }, ...value },
            },
          ],
        },
      ],
    });
    const hello = change({
      contacts: [{ profile: { name: 'Sheena' }, wa_id: WA_ID }],
      messages: [{ from: WA_ID, id: 'wamid.API_HELLO', timestamp: String(Math.floor(now / 1000)), type: 'text', text: { body: 'hello' } }],
    });
    expect(await post(`/webhooks/whatsapp/${number.id}`, hello)).toMatchObject({ accepted: 1 });
    await settled();
    expect(wa.sends.length).toBeGreaterThanOrEqual(1);
    expect(wa.sends.every((s) => s.type !== 'template')).toBe(true);

    const first = wa.sends[0]!;
    const ts = String(Math.floor(Date.now() / 1000));
    const statuses = await post(
      `/webhooks/whatsapp/${number.id}`,
      change({
        statuses: [
          { id: first.messageId, status: 'delivered', timestamp: ts, recipient_id: WA_ID },
          { id: first.messageId, status: 'read', timestamp: ts, recipient_id: WA_ID },
        ],
      }),
    );
    expect(statuses).toMatchObject({ statuses: 2 });
    const row = await server.prisma.messageDelivery.findFirstOrThrow({ where: { platformMessageId: first.messageId } });
    expect(row).toMatchObject({ status: 'read', channel: 'whatsapp', flowId: flow.id, versionId: version.id });
    const metrics = await admin.runs.nodeMetrics.query({ flowId: flow.id, versionId: version.id });
    expect(metrics.nodes[row.nodeId]).toMatchObject({ readRate: { numerator: 1, denominator: 1 } });
  }, 60_000);
});
