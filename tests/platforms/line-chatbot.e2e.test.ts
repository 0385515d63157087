import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ChannelEffectHandler,
  createEmbeddedEngine,
  LineAdapter,
  LineWebhookHandler,
  lineSignature,
  MemoryContactStore,
  MemoryReplyTokenStore,
} from '@omniflow/engine';
import { builtinCatalogue } from '@omniflow/nodes';
import { Customer } from '@omniflow/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LineServer, startLineServer } from './servers.ts';

// The keyword bot example over LINE: a signed "hello" webhook starts the bot, which replies with the
// webhook's reply token (first card) and pushes the quick-reply menu; a redelivered webhook starts nothing;
// tapping a quick reply comes back as a postback that resumes the session and pushes the next module.

const here = dirname(fileURLToPath(import.meta.url));
const BOT = JSON.parse(readFileSync(join(here, '../../examples/flows/keyword-bot.chatbot.json'), 'utf8'));
const TOKEN = 'line-token-bot';
const SECRET = 'line-secret-bot';
const USER = 'U0000111122223333444455556666aaaa';

let line: LineServer;
beforeAll(async () => {
  line = await startLineServer({ accessToken: TOKEN });
});
afterAll(() => line.close());

function webhook(events: Record<string, unknown>[]) {
  const body = JSON.stringify({ destination: 'U8e742f61d673b39c7fff3cecb7536ef0', events });
  return { body, headers: { 'x-line-signature': lineSignature(body, SECRET) } };
}
const common = (id: string) => ({
  webhookEventId: id,
  timestamp: Date.now(),
  mode: 'active',
  source: { type: 'user', userId: USER },
  deliveryContext: { isRedelivery: false },
});

describe('LINE chatbot, webhook in → replies out', () => {
  it('reply token first, then pushes; redelivery deduped; postback resumes the session', async () => {
    const contacts = new MemoryContactStore([
      Customer.parse({
        id: 'c1',
        name: 'Ken',
        createdAt: '2025-01-01T00:00:00Z',
        identities: [{ channel: 'line', channelId: 'ch_line', externalUserId: USER, conversationState: 'pending_bot' }],
      }),
    ]);
    const replyTokens = new MemoryReplyTokenStore();
    const channel = { channelId: 'ch_line', accessToken: TOKEN, channelSecret: SECRET, baseUrl: line.url };
    const engine = createEmbeddedEngine({
      file: join(mkdtempSync(join(tmpdir(), 'omniflow-bot-')), 'engine.db'),
      catalogue: builtinCatalogue(),
      contacts,
      effects: new ChannelEffectHandler({ line: new LineAdapter({ channels: [channel], contacts, replyTokens }) }),
      onError: (e) => console.error(e),
    });
    engine.publish('bot', 'bot-v1', BOT);
    engine.start();
    const hook = new LineWebhookHandler({
      channel,
      resolveCustomer: async () => 'c1',
      ingest: (e) => engine.ingest(e),
      replyTokens,
    });
    try {
      const replyToken = line.issueReplyToken();
      const hello = webhook([{ ...common('01HELLO0000000000000000000'), type: 'message', replyToken, message: { id: 'm1', type: 'text', text: 'hello' } }]);
      await hook.handle(hello.body, hello.headers);
      await engine.idle();
      expect(line.sends.map((s) => [s.kind, s.messages[0]!.type])).toEqual([
        ['reply', 'text'],
        ['push', 'text'],
      ]);
      expect(line.sends[0]!.replyToken).toBe(replyToken);
      const menu = line.sends[1]!.messages[0] as { quickReply: { items: { action: { label: string; data: string } }[] } };
      expect(menu.quickReply.items.map((i) => i.action.label)).toEqual(['Opening hours', 'Newsletter', 'Talk to a person']);

      // LINE redelivers the same event: the engine's inbox drops it (same webhookEventId).
      const again = webhook([
        {
          ...common('01HELLO0000000000000000000'),
          deliveryContext: { isRedelivery: true },
          type: 'message',
          replyToken,
          message: { id: 'm1', type: 'text', text: 'hello' },
        },
      ]);
      await hook.handle(again.body, again.headers);
      await engine.idle();
      expect(line.sends).toHaveLength(2);
      expect(engine.runs({ flowId: 'bot' })).toHaveLength(1);

      // The customer taps "Opening hours": the postback carries the option id back.
      const tap = webhook([
        {
          ...common('01TAP00000000000000000000'),
          type: 'postback',
          replyToken: line.issueReplyToken(),
          postback: { data: menu.quickReply.items[0]!.action.data },
        },
      ]);
      await hook.handle(tap.body, tap.headers);
      await engine.idle();
      expect(line.sends).toHaveLength(3);
      const hours = line.sends[2]!;
      expect(hours.kind).toBe('reply');
      expect(hours.messages[0]).toMatchObject({ type: 'template', template: { type: 'buttons', text: 'We are open 10:00–21:00 every day.' } });
    } finally {
      await engine.stop();
    }
  });
});
