// bench:channels — adapter throughput against the local platform servers (LINE, Messenger, WhatsApp), and
// webhook-in → trigger latency through the embedded engine. The last line is one JSON object.
//   sends_per_s: pushes/s through LineAdapter.deliver (concurrency 64) to tests/platforms' LINE server
//     (kept as the headline figure; line_/messenger_/whatsapp_sends_per_s give each platform).
//   messenger_sends_per_s / whatsapp_sends_per_s: the same through MessengerAdapter (Send API, window check,
//     sent ledger) and WhatsAppAdapter (Cloud API) to tests/platforms/meta-servers.ts.
//   webhook_to_trigger_p95_ms: signed webhook POST → verified, parsed, contact resolved, trigger event in
//     the engine's durable inbox (the HTTP 200).
//   webhook_to_first_send_p95_ms: the same POST → the journey the event started hands its first message to
//     the EffectHandler (trigger matched, run created, first node executed, outbox delivery begun).
//   meta_webhook_to_trigger_p95_ms / whatsapp_webhook_to_trigger_p95_ms: signed (X-Hub-Signature-256)
//     Messenger / WhatsApp webhook POST → verified, parsed, trigger event in the engine's inbox.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createEmbeddedEngine,
  type Effect,
  LineAdapter,
  LineWebhookHandler,
  lineSignature,
  MemoryContactStore,
  MemorySentLedger,
  MessengerAdapter,
  MetaWebhookHandler,
  parseWhatsAppWebhook,
  WhatsAppAdapter,
  whatsAppTriggerEvent,
} from '@omniflow/engine';
import { builtinCatalogue } from '@omniflow/nodes';
import { Customer } from '@omniflow/schemas';
import { signedWebhook, startMessengerServer, startWhatsAppServer } from '../../tests/platforms/meta-servers.ts';
import { startLineServer } from '../../tests/platforms/servers.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SENDS = Number(process.env.SENDS ?? 5000);
const WEBHOOKS = Number(process.env.WEBHOOKS ?? 500);
const TOKEN = 'bench-token';
const SECRET = 'bench-secret';

const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? 0;
};
const round = (x: number) => Math.round(x * 100) / 100;
const userId = (i: number) => `U${i.toString(16).padStart(32, '0')}`;

async function sendsPerSecond(): Promise<number> {
  const line = await startLineServer({ accessToken: TOKEN });
  const customers = Array.from({ length: 100 }, (_, i) =>
    Customer.parse({ id: `c${i}`, createdAt: '2025-01-01T00:00:00Z', identities: [{ channel: 'line', channelId: 'ch', externalUserId: userId(i) }] }),
  );
  const adapter = new LineAdapter({
    channels: [{ channelId: 'ch', accessToken: TOKEN, channelSecret: SECRET, baseUrl: line.url }],
    contacts: new MemoryContactStore(customers),
  });
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < SENDS) {
      const i = next++;
      const r = await adapter.deliver({
        idempotencyKey: `run_${i}:n:1:0`,
        kind: 'send',
        runId: `run_${i}`,
        flowId: 'f',
        customerId: `c${i % 100}`,
        nodeId: 'n',
        attempt: 1,
        payload: { channel: 'line', nodeType: 'message.text', purpose: 'marketing', content: { text: `Hello ${i}`, buttons: [] } },
      });
      if (!r.ok) failed++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 64 }, worker));
  const s = (performance.now() - t0) / 1000;
  await line.close();
  if (failed) throw new Error(`${failed} sends failed`);
  if (line.sends.length !== SENDS) throw new Error(`server accepted ${line.sends.length} of ${SENDS}`);
  return SENDS / s;
}

/** Sends through an adapter with 64 concurrent workers; every send must be accepted. */
async function drive(deliver: (i: number) => Promise<{ ok: boolean }>): Promise<number> {
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < SENDS) {
      const i = next++;
      if (!(await deliver(i)).ok) failed++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 64 }, worker));
  const s = (performance.now() - t0) / 1000;
  if (failed) throw new Error(`${failed} sends failed`);
  return SENDS / s;
}

const sendEffect = (i: number, channel: string, content: Record<string, unknown>): Effect => ({
  idempotencyKey: `run_${i}:n:1:0`,
  kind: 'send',
  runId: `run_${i}`,
  flowId: 'f',
  customerId: `c${i % 100}`,
  nodeId: 'n',
  attempt: 1,
  payload: { channel, nodeType: 'message.text', purpose: 'conversational', content },
});

async function messengerSendsPerSecond(): Promise<number> {
  const PAGE = '104512345678901';
  const fb = await startMessengerServer({ pageId: PAGE, accessToken: TOKEN });
  const psid = (i: number) => String(7_000_000_000_000_000 + i);
  const recent = new Date(Date.now() - 3_600_000).toISOString();
  const customers = Array.from({ length: 100 }, (_, i) => {
    fb.inbound(psid(i), Date.now() - 3_600_000);
    return Customer.parse({
      id: `c${i}`,
      createdAt: '2025-01-01T00:00:00Z',
      identities: [{ channel: 'messenger', channelId: 'ch_fb', externalUserId: psid(i), customerLastInteractionAt: recent }],
    });
  });
  const adapter = new MessengerAdapter({
    channels: [{ channelId: 'ch_fb', pageId: PAGE, accessToken: TOKEN, appSecret: SECRET, baseUrl: fb.url }],
    contacts: new MemoryContactStore(customers),
    ledger: new MemorySentLedger(),
  });
  const buttons = [{ id: 'b1', label: 'Menu', action: { kind: 'module', tags: [] } }];
  const rate = await drive((i) => adapter.deliver(sendEffect(i, 'messenger', { text: `Hello ${i}`, buttons: i % 2 ? buttons : [] })));
  await fb.close();
  if (fb.sends.length !== SENDS) throw new Error(`Messenger server accepted ${fb.sends.length} of ${SENDS}`);
  return rate;
}

async function whatsAppSendsPerSecond(): Promise<number> {
  const PHONE_ID = '106540352242922';
  const wa = await startWhatsAppServer({ phoneNumberId: PHONE_ID, accessToken: TOKEN });
  const waId = (i: number) => String(886_911_000_000 + i);
  const recent = new Date(Date.now() - 3_600_000).toISOString();
  const customers = Array.from({ length: 100 }, (_, i) => {
    wa.inbound(waId(i), Date.now() - 3_600_000);
    return Customer.parse({
      id: `c${i}`,
      createdAt: '2025-01-01T00:00:00Z',
      identities: [{ channel: 'whatsapp', channelId: 'ch_wa', externalUserId: waId(i), customerLastInteractionAt: recent }],
    });
  });
  const adapter = new WhatsAppAdapter({
    channels: [{ channelId: 'ch_wa', phoneNumberId: PHONE_ID, accessToken: TOKEN, appSecret: SECRET, baseUrl: wa.url }],
    contacts: new MemoryContactStore(customers),
    ledger: new MemorySentLedger(),
  });
  const buttons = [{ id: 'yes', label: 'Yes', action: { kind: 'module', tags: [] } }];
  const rate = await drive((i) => adapter.deliver(sendEffect(i, 'whatsapp', { text: `Hello ${i}`, buttons: i % 2 ? buttons : [] })));
  await wa.close();
  if (wa.sends.length !== SENDS) throw new Error(`WhatsApp server accepted ${wa.sends.length} of ${SENDS}`);
  return rate;
}

/** Signed Messenger and WhatsApp webhooks over HTTP → verified, parsed, trigger event in the engine's inbox. */
async function metaWebhookLatency(): Promise<{ messenger: number; whatsapp: number }> {
  const contacts = new MemoryContactStore([]);
  const engine = createEmbeddedEngine({
    file: join(mkdtempSync(join(tmpdir(), 'omniflow-bench-meta-')), 'engine.db'),
    catalogue: builtinCatalogue(),
    contacts,
    effects: { deliver: async (e: Effect) => ({ ok: true as const, messageId: `m_${e.idempotencyKey}`, channel: 'messenger' as const }) },
    onError: (e) => console.error(e),
  });
  engine.start();
  const resolve = async (channel: 'messenger' | 'whatsapp', externalUserId: string) => {
    const id = `cust_${channel}_${externalUserId}`;
    if (!(await contacts.get(id))) {
      contacts.put(Customer.parse({ id, createdAt: new Date().toISOString(), identities: [{ channel, channelId: `ch_${channel}`, externalUserId }] }));
    }
    return id;
  };
  const fbHandler = new MetaWebhookHandler({
    platform: 'messenger',
    channel: { channelId: 'ch_messenger', appSecret: SECRET },
    resolveCustomer: ({ externalUserId }) => resolve('messenger', externalUserId),
    ingest: (e) => engine.ingest(e),
  });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const work =
        req.url === '/webhooks/whatsapp'
          ? (async () => {
              const parsed = parseWhatsAppWebhook(raw, req.headers, SECRET);
              for (const m of parsed.messages) engine.ingest(whatsAppTriggerEvent(m, await resolve('whatsapp', m.from), 'ch_whatsapp'));
            })()
          : fbHandler.handle(raw, req.headers);
      work.then(
        () => res.writeHead(200).end('EVENT_RECEIVED'),
        () => res.writeHead(401).end(),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (path: string, payload: unknown) => {
    const { body, headers } = signedWebhook(payload, SECRET);
    const t0 = performance.now();
    const res = await fetch(`${base}${path}`, { method: 'POST', headers, body });
    await res.text();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    return performance.now() - t0;
  };
  const fb: number[] = [];
  const wa: number[] = [];
  for (let i = 0; i < WEBHOOKS; i++) {
    const psid = String(8_000_000_000_000_000 + i);
    const now = Date.now();
    fb.push(
      await post('/webhooks/messenger', {
        object: 'page',
        entry: [
          {
            id: '104512345678901',
            time: now,
            messaging: [{ sender: { id: psid }, recipient: { id: '104512345678901' }, timestamp: now, message: { mid: `m_bench_${i}`, text: 'hello' } }],
          },
        ],
      }),
    );
    wa.push(
      await post('/webhooks/whatsapp', {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
                  contacts: [{ profile: { name: 'Bench' }, wa_id: String(886_922_000_000 + i) }],
                  messages: [
                    {
                      from: String(886_922_000_000 + i),
                      id: `wamid.bench${i}`,
                      timestamp: String(Math.floor(now / 1000)),
                      type: 'text',
                      text: { body: 'hello' },
                    },
                  ],
                },
              },
            ],
          },
        ],
      }),
    );
  }
  server.close();
  await engine.stop();
  return { messenger: p95(fb), whatsapp: p95(wa) };
}

async function webhookLatency(): Promise<{ trigger: number; firstSend: number }> {
  const contacts = new MemoryContactStore([]);
  const firstSend = new Map<string, (t: number) => void>();
  const effects = {
    deliver: async (e: Effect) => {
      firstSend.get(e.customerId)?.(performance.now());
      return { ok: true as const, messageId: `m_${e.idempotencyKey}`, channel: 'line' as const };
    },
  };
  const engine = createEmbeddedEngine({
    file: join(mkdtempSync(join(tmpdir(), 'omniflow-bench-channels-')), 'engine.db'),
    catalogue: builtinCatalogue(),
    contacts,
    effects,
    onError: (e) => console.error(e),
  });
  engine.publish('welcome', 'v1', JSON.parse(readFileSync(join(here, '../../examples/flows/new-follower.journey.json'), 'utf8')));
  engine.start();
  const handler = new LineWebhookHandler({
    channel: { channelId: 'ch', accessToken: TOKEN, channelSecret: SECRET },
    // The api creates the contact of a new follower and emits contact.created; the bench does the same.
    resolveCustomer: async ({ externalUserId }) => {
      const id = `cust_${externalUserId}`;
      if (!(await contacts.get(id))) {
        contacts.put(
          Customer.parse({
            id,
            createdAt: new Date().toISOString(),
            identities: [{ channel: 'line', channelId: 'ch', externalUserId, subscriptionStatus: 'subscribed' }],
          }),
        );
      }
      return id;
    },
    ingest: (e) => engine.ingest(e.type === 'contact.followed' ? { ...e, type: 'contact.created' } : e),
  });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handler.handle(Buffer.concat(chunks), req.headers).then(
        () => res.writeHead(200).end('{}'),
        () => res.writeHead(401).end(),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/line`;
  const toTrigger: number[] = [];
  const toSend: number[] = [];
  for (let i = 0; i < WEBHOOKS; i++) {
    const user = userId(1_000_000 + i);
    const body = JSON.stringify({
      destination: 'U8e742f61d673b39c7fff3cecb7536ef0',
      events: [
        {
          type: 'follow',
          webhookEventId: `01BENCH${String(i).padStart(19, '0')}`,
          timestamp: Date.now(),
          mode: 'active',
          replyToken: `rt${i}`,
          source: { type: 'user', userId: user },
          deliveryContext: { isRedelivery: false },
          follow: { isUnblocked: false },
        },
      ],
    });
    const sent = new Promise<number>((resolve) => firstSend.set(`cust_${user}`, resolve));
    const t0 = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-line-signature': lineSignature(body, SECRET) }, body });
    await res.text();
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    toTrigger.push(performance.now() - t0);
    toSend.push((await sent) - t0);
  }
  server.close();
  await engine.stop();
  return { trigger: p95(toTrigger), firstSend: p95(toSend) };
}

const sends = await sendsPerSecond();
console.log(`LINE adapter → local server: ${SENDS} pushes, ${round(sends)} sends/s`);
const messengerSends = await messengerSendsPerSecond();
console.log(`Messenger adapter → local Send API: ${SENDS} sends, ${round(messengerSends)} sends/s`);
const whatsAppSends = await whatsAppSendsPerSecond();
console.log(`WhatsApp adapter → local Cloud API: ${SENDS} sends, ${round(whatsAppSends)} sends/s`);
const latency = await webhookLatency();
console.log(`webhook → trigger p95 ${round(latency.trigger)} ms; webhook → first send p95 ${round(latency.firstSend)} ms (${WEBHOOKS} follows)`);
const meta = await metaWebhookLatency();
console.log(`Messenger webhook → trigger p95 ${round(meta.messenger)} ms; WhatsApp webhook → trigger p95 ${round(meta.whatsapp)} ms (${WEBHOOKS} each)`);
console.log(
  JSON.stringify({
    sends_per_s: round(sends),
    webhook_to_trigger_p95_ms: round(latency.trigger),
    webhook_to_first_send_p95_ms: round(latency.firstSend),
    line_sends_per_s: round(sends),
    messenger_sends_per_s: round(messengerSends),
    whatsapp_sends_per_s: round(whatsAppSends),
    meta_webhook_to_trigger_p95_ms: round(meta.messenger),
    whatsapp_webhook_to_trigger_p95_ms: round(meta.whatsapp),
    sends: SENDS,
    webhooks: WEBHOOKS,
  }),
);
