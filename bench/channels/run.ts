// bench:channels — LINE adapter throughput against the local LINE server, and webhook-in → trigger latency
// through the embedded engine. The last line is one JSON object.
//   sends_per_s: pushes/s through LineAdapter.deliver (concurrency 64) to tests/platforms' LINE server.
//   webhook_to_trigger_p95_ms: signed webhook POST → verified, parsed, contact resolved, trigger event in
//     the engine's durable inbox (the HTTP 200).
//   webhook_to_first_send_p95_ms: the same POST → the journey the event started hands its first message to
//     the EffectHandler (trigger matched, run created, first node executed, outbox delivery begun).
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmbeddedEngine, type Effect, LineAdapter, LineWebhookHandler, lineSignature, MemoryContactStore } from '@omniflow/engine';
import { builtinCatalogue } from '@omniflow/nodes';
import { Customer } from '@omniflow/schemas';
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
const latency = await webhookLatency();
console.log(`webhook → trigger p95 ${round(latency.trigger)} ms; webhook → first send p95 ${round(latency.firstSend)} ms (${WEBHOOKS} follows)`);
console.log(
  JSON.stringify({
    sends_per_s: round(sends),
    webhook_to_trigger_p95_ms: round(latency.trigger),
    webhook_to_first_send_p95_ms: round(latency.firstSend),
    sends: SENDS,
    webhooks: WEBHOOKS,
  }),
);
