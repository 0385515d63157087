import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChannelEffectHandler, createEmbeddedEngine, type Effect, ManualClock, MemoryContactStore, SqliteSentLedger, WhatsAppAdapter } from '@omniflow/engine';
import { builtinCatalogue } from '@omniflow/nodes';
import { Customer } from '@omniflow/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWhatsAppServer, type WhatsAppServer } from './meta-servers.ts';

// WhatsApp takes no retry key. The process dies after WhatsApp accepted a send but before the outbox
// recorded the answer; the restarted engine replays the effect and the adapter answers it from the SQLite
// sent ledger: one message on the wire, and the journey goes on.

const NOW = Date.parse('2026-11-25T09:00:00Z');
const PHONE_ID = '106540352242922';
const TOKEN = 'EAAJ-restart-token';
const WA_ID = '886911000077';

let wa: WhatsAppServer;
beforeAll(async () => {
  wa = await startWhatsAppServer({ phoneNumberId: PHONE_ID, accessToken: TOKEN, now: () => NOW });
  wa.inbound(WA_ID, NOW - 3_600_000);
});
afterAll(() => wa.close());

const JOURNEY = {
  formatVersion: 2,
  kind: 'journey',
  channels: ['whatsapp'],
  triggers: [{ id: 'api', type: 'trigger.api', version: 1, config: { triggerKey: 'ping' } }],
  nodes: [
    {
      id: 'send',
      type: 'message.send',
      version: 1,
      config: { content: { kind: 'text', text: 'Your order is ready' }, purpose: 'transactional', promotional: false, respectQuietHours: false },
    },
  ],
  edges: [{ id: 'e1', source: 'api', sourcePort: 'next', target: 'send' }],
  settings: { reentry: { mode: 'always' } },
};

describe('WhatsApp send across an engine restart', () => {
  it('is delivered once although the first process died before recording it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omniflow-wa-restart-'));
    const clock = new ManualClock(new Date(NOW));
    const contacts = new MemoryContactStore([
      Customer.parse({
        id: 'c1',
        createdAt: '2025-01-01T00:00:00Z',
        identities: [{ channel: 'whatsapp', channelId: 'ch_wa', externalUserId: WA_ID, customerLastInteractionAt: new Date(NOW - 3_600_000).toISOString() }],
      }),
    ]);
    const channels = [{ channelId: 'ch_wa', phoneNumberId: PHONE_ID, accessToken: TOKEN, appSecret: 's', baseUrl: wa.url }];
    const boot = (afterDeliver: (e: Effect) => void) => {
      const ledger = new SqliteSentLedger(join(dir, 'ledger.db'));
      const adapter = new WhatsAppAdapter({ channels, contacts, ledger, now: () => clock.now() });
      const engine = createEmbeddedEngine({
        file: join(dir, 'engine.db'),
        catalogue: builtinCatalogue(),
        contacts,
        effects: new ChannelEffectHandler({
          whatsapp: {
            deliver: async (e) => {
              const r = await adapter.deliver(e);
              afterDeliver(e);
              return r;
            },
          },
        }),
        clock,
        retryInitialMs: 1000,
        onError: () => {},
      });
      return { engine, ledger };
    };

    // First process: WhatsApp accepts the send, then the process "dies" before the outbox hears back.
    const first = boot(() => {
      throw new Error('process killed');
    });
    first.engine.publish('j', 'j-v1', JOURNEY);
    first.engine.start();
    first.engine.ingest({
      id: 'api_1',
      type: 'api.invoked',
      occurredAt: new Date(NOW).toISOString(),
      customerId: 'c1',
      channel: 'whatsapp',
      payload: { triggerKey: 'ping' },
      dedupeKey: 'api_1',
    });
    await first.engine.idle();
    await first.engine.stop();
    first.ledger.close();
    expect(wa.sends).toHaveLength(1);

    // Second process on the same files: the outbox replays the effect; the ledger answers it.
    const attempts: number[] = [];
    const second = boot((e) => attempts.push(e.attempt));
    second.engine.start();
    try {
      for (let i = 0; i < 5 && second.engine.runs({ flowId: 'j' })[0]?.status !== 'completed'; i++) {
        clock.advance(2000);
        await second.engine.idle();
      }
      const [run] = second.engine.runs({ flowId: 'j' });
      expect(run?.status).toBe('completed');
      expect(second.engine.runTimeline(run!.id).steps.map((s) => `${s.nodeId}:${s.port}`)).toEqual(['send:sent']);
      expect(attempts).toEqual([2]);
      expect(wa.sends).toHaveLength(1);
      expect(wa.duplicates()).toBe(0);
    } finally {
      await second.engine.stop();
      second.ledger.close();
    }
  });
});
