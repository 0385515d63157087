import { z } from 'zod';

// The web chat wire protocol: JSON frames over one WebSocket. The embeddable widget, the studio's
// simulator and the server all parse frames with these schemas, so a malformed frame is answered with
// a typed `error` frame naming the field, never acted on.
//
// Endpoints (served by the api process):
//   /webchat/socket?channelId=…            live chat with the team's published bots (the widget)
//   /webchat/simulate?flowId=…             the studio simulator: the flow's current draft on a
//                                          sandboxed engine with a virtual clock (needs a session)

const Id = z.string().min(1).max(200);
const ShortText = z.string().max(2000);

/** A button or quick reply the visitor can press; `payload` goes back in a `postback` frame. */
export const WebChatAction = z.object({
  label: z.string().max(200),
  kind: z.enum(['postback', 'url', 'phone']),
  payload: z.string().max(2000).optional(),
  url: z.string().max(2000).optional(),
});
export type WebChatAction = z.infer<typeof WebChatAction>;

/** One card of a carousel. */
export const WebChatCard = z.object({
  title: z.string().max(400).optional(),
  text: z.string().max(4000).optional(),
  imageUrl: z.string().max(2000).optional(),
  actions: z.array(WebChatAction).max(20).default([]),
});
export type WebChatCard = z.infer<typeof WebChatCard>;

/** A bot message already rendered for web chat (what the widget draws without knowing node types). */
export const WebChatBotMessage = z.object({
  id: Id,
  at: z.string(),
  nodeType: z.string().max(200),
  text: z.string().max(20_000).optional(),
  imageUrl: z.string().max(2000).optional(),
  fileUrl: z.string().max(2000).optional(),
  /** The file's display name (file messages). */
  fileName: z.string().max(255).optional(),
  videoUrl: z.string().max(2000).optional(),
  /** A still shown before a video plays. */
  previewImageUrl: z.string().max(2000).optional(),
  cards: z.array(WebChatCard).max(20).default([]),
  buttons: z.array(WebChatAction).max(20).default([]),
  quickReplies: z.array(WebChatAction).max(20).default([]),
});
export type WebChatBotMessage = z.infer<typeof WebChatBotMessage>;

/** Frames the browser sends. */
export const WebChatClientFrame = z.discriminatedUnion('type', [
  /** First frame: resume a visitor (cookie/localStorage id) or start a new one. */
  z.object({
    type: z.literal('hello'),
    visitorId: Id.optional(),
    name: z.string().max(200).optional(),
    /** Simulator only: the test contact's tags and attributes (journeys' conditions read them). */
    testContact: z
      .object({
        tags: z.array(z.string().min(1).max(100)).max(100).default([]),
        attributes: z.record(z.string().min(1).max(100), z.union([z.string().max(1000), z.number(), z.boolean()])).default({}),
      })
      .optional(),
  }),
  z.object({ type: z.literal('text'), text: ShortText.min(1), clientMessageId: Id }),
  z.object({ type: z.literal('postback'), payload: z.string().max(2000), label: z.string().max(200), clientMessageId: Id }),
  /** The widget drew these bot messages: the server stops re-sending them on reconnect. */
  z.object({ type: z.literal('received'), messageIds: z.array(Id).min(1).max(100) }),
  /** Simulator only: move the virtual clock to the next due timer (or by `minutes`). */
  z.object({ type: z.literal('fastForward'), minutes: z.number().int().min(1).max(525_600).optional() }),
  /** Simulator only: start over with a fresh test contact. */
  z.object({ type: z.literal('restart') }),
]);
export type WebChatClientFrame = z.infer<typeof WebChatClientFrame>;

/** One executed step, streamed by the simulator so the canvas can light up the path. */
export const WebChatStep = z.object({
  nodeId: z.string(),
  /** Chatbots: the module the card belongs to. */
  moduleId: z.string().optional(),
  outcome: z.string(),
  port: z.string().optional(),
  explanation: z.string().optional(),
  error: z.string().optional(),
  at: z.string(),
});
export type WebChatStep = z.infer<typeof WebChatStep>;

/** Frames the server sends. */
export const WebChatServerFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), visitorId: Id, sessionId: Id, simulation: z.boolean() }),
  z.object({ type: z.literal('ack'), clientMessageId: Id }),
  z.object({ type: z.literal('message'), message: WebChatBotMessage }),
  z.object({ type: z.literal('typing') }),
  /** The conversation was handed to a human agent; the bot stays silent until released. */
  z.object({ type: z.literal('handoff'), message: z.string().optional() }),
  z.object({ type: z.literal('step'), step: WebChatStep }),
  /** Simulator: the virtual clock after a fast-forward. */
  z.object({ type: z.literal('clock'), now: z.string() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string(), field: z.string().optional() }),
]);
export type WebChatServerFrame = z.infer<typeof WebChatServerFrame>;
