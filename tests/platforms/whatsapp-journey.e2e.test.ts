import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChannelEffectHandler, createEmbeddedEngine, ManualClock, MemoryContactStore, SqliteSentLedger, WhatsAppAdapter } from '@omniflow/engine';
import { builtinCatalogue } from '@omniflow/nodes';
import { Customer } from '@omniflow/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWhatsAppServer, type WhatsAppServer } from './meta-servers.ts';

// §6.1 engine policy on WhatsApp through the embedded engine: a journey sends plain text, which only
// reaches contacts inside the 24-hour window; outside it the send node takes `skipped` (window_closed) and
// the journey falls back to an approved template. Nothing is sent that the platform would refuse.

const NOW = Date.parse('2026-11-25T09:00:00Z');
const H = 3_600_000;
const PHONE_ID = '106540352242922';
const TOKEN = 'EAAJ-journey-token';

let wa: WhatsAppServer;
beforeAll(async () => {
  wa = await startWhatsAppServer({
    phoneNumberId: PHONE_ID,
    accessToken: TOKEN,
    now: () => NOW,
    templates: [{ name: 'restock_alert', language: 'en', bodyParameters: 1 }],
  });
  wa.inbound('886911000010', NOW - 3 * H);
  wa.inbound('886911000020', NOW - 3 * 24 * H);
});
afterAll(() => wa.close());

const node = (id: string, type: string, config: Record<string, unknown>) => ({ id, type, version: 1, config });
const JOURNEY = {
  formatVersion: 2,
  kind: 'journey',
  channels: ['whatsapp'],
  triggers: [node('api', 'trigger.api', { triggerKey: 'restock' })],
  nodes: [
    node('text', 'message.send', {
      content: { kind: 'text', text: 'Hi {{system:customer_name}}, it is back in stock!' },
      purpose: 'transactional',
      promotional: false,
      respectQuietHours: false,
    }),
    node('template', 'message.send', {
      content: {
        kind: 'whatsapp_template',
        template: { name: 'restock_alert', language: 'en', category: 'utility', bodyParameterCount: 1 },
        parameters: ['{{system:customer_name}}'],
      },
      purpose: 'transactional',
      promotional: false,
      respectQuietHours: false,
    }),
  ],
  edges: [
    { id: 'e1', source: 'api', sourcePort: 'next', target: 'text' },
    { id: 'e2', source: 'text', sourcePort: 'skipped', target: 'template' },
  ],
  settings: { reentry: { mode: 'always' } },
};

const customer = (id: string, name: string, waId: string, lastInbound: number) =>
  Customer.parse({
    id,
    name,
    createdAt: '2025-01-01T00:00:00Z',
    identities: [{ channel: 'whatsapp', channelId: 'ch_wa', externalUserId: waId, customerLastInteractionAt: new Date(lastInbound).toISOString() }],
  });

describe('WhatsApp journey: text inside the window, template fallback outside', () => {
  it('sends text to the recent contact and the approved template to the other', async () => {
    const clock = new ManualClock(new Date(NOW));
    const contacts = new MemoryContactStore([
      customer('recent', 'Ken', '886911000010', NOW - 3 * H),
      customer('lapsed', 'Mei', '886911000020', NOW - 3 * 24 * H),
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'omniflow-wa-journey-'));
    const ledger = new SqliteSentLedger(join(dir, 'ledger.db'));
    const engine = createEmbeddedEngine({
      file: join(dir, 'engine.db'),
      catalogue: builtinCatalogue(),
      contacts,
      effects: new ChannelEffectHandler({
        whatsapp: new WhatsAppAdapter({
          channels: [{ channelId: 'ch_wa', phoneNumberId: PHONE_ID, accessToken: TOKEN, appSecret: 's', baseUrl: wa.url }],
          contacts,
          ledger,
          now: () => clock.now(),
        }),
      }),
      clock,
      onError: (e) => console.error(e),
    });
    engine.start();
    try {
      engine.publish('restock', 'restock-v1', JOURNEY);
      for (const id of ['recent', 'lapsed']) {
        engine.ingest({
          id: `api_${id}`,
          type: 'api.invoked',
          occurredAt: new Date(NOW).toISOString(),
          customerId: id,
          channel: 'whatsapp',
          payload: { triggerKey: 'restock' },
          dedupeKey: `api_${id}`,
        });
      }
      await engine.idle();
      const ports = Object.fromEntries(
        engine.runs({ flowId: 'restock' }).map((r) => [r.customerId, engine.runTimeline(r.id).steps.map((s) => `${s.nodeId}:${s.port ?? ''}`)]),
      );
      expect(ports.recent).toEqual(['text:sent']);
      expect(ports.lapsed).toEqual(['text:skipped', 'template:sent']);
      expect(wa.sends.map((s) => [s.to, s.type])).toEqual([
        ['886911000010', 'text'],
        ['886911000020', 'template'],
      ]);
      expect(wa.sends[1]!.body).toMatchObject({
        template: { name: 'restock_alert', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Mei' }] }] },
      });
      // Only accepted sends reach the server: no 131047 was ever answered.
      expect(wa.requests.every((r) => r.status === 200)).toBe(true);
    } finally {
      await engine.stop();
      ledger.close();
    }
  });
});
