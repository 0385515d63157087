import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChannelEffectHandler, createEmbeddedEngine, MemoryContactStore, MemorySentLedger, MessengerAdapter, MetaWebhookHandler } from '@omniflow/engine';
import { builtinCatalogue } from '@omniflow/nodes';
import { Customer } from '@omniflow/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MessengerServer, signedWebhook, startMessengerServer } from './meta-servers.ts';

// The keyword bot example on Messenger: a signed "hello" webhook refreshes the 24-hour window and starts
// the bot, which answers as RESPONSE (text, then the quick-reply menu); a redelivered webhook starts
// nothing; tapping a quick reply comes back as a message whose payload resumes the session, and the next
// module goes out as a button template.

const here = dirname(fileURLToPath(import.meta.url));
const BOT = JSON.parse(readFileSync(join(here, '../../examples/flows/keyword-bot.chatbot.json'), 'utf8'));
BOT.bot.scope = 'fb_ig';
for (const t of BOT.triggers) if (t.type === 'trigger.welcome') t.config.channels = ['messenger'];
const PAGE = '104512345678901';
const PSID = '7100000000000042';
const TOKEN = 'EAAG-bot-page-token';
const SECRET = 'bot-app-secret';

let fb: MessengerServer;
beforeAll(async () => {
  fb = await startMessengerServer({ pageId: PAGE, accessToken: TOKEN });
});
afterAll(() => fb.close());

const webhook = (mid: string, message: Record<string, unknown>) =>
  signedWebhook(
    {
      object: 'page',
      entry: [
        { id: PAGE, time: Date.now(), messaging: [{ sender: { id: PSID }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid, ...message } }] },
      ],
    },
    SECRET,
  );

describe('Messenger chatbot, webhook in → replies out', () => {
  it('answers inside the window as RESPONSE; redelivery deduped; a quick-reply tap resumes the session', async () => {
    const contacts = new MemoryContactStore([
      Customer.parse({
        id: 'c1',
        name: 'Ken',
        createdAt: '2025-01-01T00:00:00Z',
        identities: [{ channel: 'messenger', channelId: 'ch_fb', externalUserId: PSID, conversationState: 'pending_bot' }],
      }),
    ]);
    const adapter = new MessengerAdapter({
      channels: [{ channelId: 'ch_fb', pageId: PAGE, accessToken: TOKEN, appSecret: SECRET, baseUrl: fb.url }],
      contacts,
      ledger: new MemorySentLedger(),
    });
    const engine = createEmbeddedEngine({
      file: join(mkdtempSync(join(tmpdir(), 'omniflow-fbbot-')), 'engine.db'),
      catalogue: builtinCatalogue(),
      contacts,
      effects: new ChannelEffectHandler({ messenger: adapter }),
      onError: (e) => console.error(e),
    });
    engine.publish('bot', 'bot-v1', BOT);
    engine.start();
    // What the api does on every inbound event: record the time (it opens the 24-hour window) and resolve the contact.
    const hook = new MetaWebhookHandler({
      platform: 'messenger',
      channel: { channelId: 'ch_fb', appSecret: SECRET },
      resolveCustomer: async ({ at }) => {
        const c = (await contacts.get('c1'))!;
        contacts.put({ ...c, identities: c.identities.map((i) => ({ ...i, customerLastInteractionAt: at.toISOString() })) });
        fb.inbound(PSID, at.getTime());
        return 'c1';
      },
      ingest: (e) => engine.ingest(e),
    });
    try {
      const hello = webhook('m_hello', { text: 'hello' });
      expect(await hook.handle(hello.body, hello.headers)).toEqual({ accepted: 1, ignored: 0 });
      await engine.idle();
      expect(fb.sends.map((s) => s.messagingType)).toEqual(['RESPONSE', 'RESPONSE']);
      expect(fb.sends[0]!.message).toEqual({ text: "Hi Ken! I'm the Omniflow shop bot." });
      const menu = fb.sends[1]!.message as { text: string; quick_replies: { title: string; payload: string }[] };
      expect(menu.quick_replies.map((q) => q.title)).toEqual(['Opening hours', 'Newsletter', 'Talk to a person']);

      // Meta redelivers the same message (same mid): the engine's inbox drops it.
      await hook.handle(hello.body, hello.headers);
      await engine.idle();
      expect(fb.sends).toHaveLength(2);
      expect(engine.runs({ flowId: 'bot' })).toHaveLength(1);

      // The customer taps "Opening hours": Messenger sends a message carrying the quick reply's payload.
      const tap = webhook('m_tap', { text: 'Opening hours', quick_reply: { payload: menu.quick_replies[0]!.payload } });
      await hook.handle(tap.body, tap.headers);
      await engine.idle();
      expect(fb.sends).toHaveLength(3);
      expect(fb.sends[2]!.message).toMatchObject({
        attachment: {
          type: 'template',
          payload: {
            template_type: 'button',
            text: 'We are open 10:00–21:00 every day.',
            buttons: [
              { type: 'web_url', title: 'Find a store', url: 'https://shop.example.com/stores' },
              { type: 'postback', title: 'Back to menu' },
            ],
          },
        },
      });
      expect(fb.duplicates()).toBe(0);
    } finally {
      await engine.stop();
    }
  });
});
