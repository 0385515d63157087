import { type ChannelFailure, failure, postbackData } from '@omniflow/engine';
import type { WebChatAction, WebChatBotMessage, WebChatCard } from '@omniflow/schemas';
import { z } from 'zod';

// Turns a node's channel-neutral OutboundMessage (its rendered content, shaped by its config in
// nodes/src/node-types/message/*.ts) into a WebChatBotMessage the widget draws without knowing node
// types. Buttons that route in the flow become postbacks carrying `f=<flow>&n=<node>&b=<button>` (the
// encoding LINE postbacks use), so the engine routes a web chat click exactly like a LINE one.

export interface PostbackRef {
  flowId: string;
  nodeId: string;
}

const Text = z.string().max(20_000);
const Url = z.string().max(2000);
const ButtonContent = z.object({
  id: z.string().min(1).max(200),
  label: z.string().max(200),
  action: z.object({ kind: z.string(), url: z.string().optional() }).optional(),
});
type ButtonContent = z.infer<typeof ButtonContent>;
const Buttons = z.array(ButtonContent).max(20).default([]);

type Draw<S extends z.ZodType> = (
  content: z.output<S>,
  base: WebChatBotMessage,
  actions: (buttons: readonly ButtonContent[]) => WebChatAction[],
  ref: PostbackRef,
) => WebChatBotMessage;
interface Renderer {
  schema: z.ZodType;
  draw: Draw<z.ZodType>;
}
const renderer = <S extends z.ZodType>(schema: S, draw: Draw<S>): Renderer => ({ schema, draw: draw as Draw<z.ZodType> });

const RENDERERS: Readonly<Record<string, Renderer>> = {
  'message.text': renderer(z.object({ text: Text, buttons: Buttons }), (c, base, actions) => ({ ...base, text: c.text, buttons: actions(c.buttons) })),
  'message.quick_reply': renderer(z.object({ title: Text, options: Buttons }), (c, base, actions) => ({
    ...base,
    text: c.title,
    quickReplies: actions(c.options),
  })),
  'message.options_list': renderer(
    z.object({
      body: Text,
      header: z.string().max(1000).optional(),
      footer: z.string().max(1000).optional(),
      options: z.array(z.object({ id: z.string().min(1).max(200), title: z.string().max(200) })).max(20),
    }),
    (c, base, _actions, ref) => ({
      ...base,
      text: [c.header, c.body, c.footer].filter((s) => s && s.length > 0).join('\n\n'),
      quickReplies: c.options.map((o) => ({ label: o.title, kind: 'postback' as const, payload: postbackData(ref, o.id) })),
    }),
  ),
  // Journeys' "send a message": text content only on web chat (templates are WhatsApp's, modules are expanded upstream).
  'message.send': renderer(z.object({ kind: z.literal('text'), text: Text }), (c, base) => ({ ...base, text: c.text })),
  'message.image': renderer(z.object({ url: Url, caption: z.string().max(4096).optional() }), (c, base) => ({
    ...base,
    imageUrl: c.url,
    ...(c.caption ? { text: c.caption } : {}),
  })),
  'message.file': renderer(z.object({ url: Url, fileName: z.string().max(255).optional() }), (c, base) => ({
    ...base,
    fileUrl: c.url,
    ...(c.fileName ? { fileName: c.fileName } : {}),
  })),
  'message.video': renderer(z.object({ url: Url, previewImageUrl: Url.optional() }), (c, base) => ({
    ...base,
    videoUrl: c.url,
    ...(c.previewImageUrl ? { previewImageUrl: c.previewImageUrl } : {}),
  })),
  'message.carousel': renderer(
    z.object({
      columns: z
        .array(z.object({ imageUrl: Url.optional(), title: z.string().max(400).optional(), subtitle: z.string().max(4000).optional(), buttons: Buttons }))
        .min(1)
        .max(20),
    }),
    (c, base, actions) => ({
      ...base,
      cards: c.columns.map(
        (col): WebChatCard => ({
          ...(col.title ? { title: col.title } : {}),
          ...(col.subtitle ? { text: col.subtitle } : {}),
          ...(col.imageUrl ? { imageUrl: col.imageUrl } : {}),
          actions: actions(col.buttons),
        }),
      ),
    }),
  ),
  'message.image_carousel': renderer(
    z.object({
      altText: z.string().max(5000).optional(),
      images: z
        .array(z.object({ id: z.string().min(1).max(200), imageUrl: Url, label: z.string().max(200).optional(), action: ButtonContent.shape.action }))
        .min(1)
        .max(20),
    }),
    (c, base, actions) => ({
      ...base,
      ...(c.altText ? { text: c.altText } : {}),
      cards: c.images.map(
        (img): WebChatCard => ({
          imageUrl: img.imageUrl,
          actions: img.label ? actions([{ id: img.id, label: img.label, ...(img.action ? { action: img.action } : {}) }]) : [],
        }),
      ),
    }),
  ),
  // Web chat has no Flex renderer: the notification text stands in for the bubble.
  'message.line_flex': renderer(z.object({ altText: z.string().min(1).max(2000) }), (c, base) => ({ ...base, text: c.altText })),
};

/** Node types this renderer draws on web chat; others are a typed `unsupported_content` failure. */
export const WEBCHAT_MESSAGE_TYPES: readonly string[] = Object.keys(RENDERERS);

function action(b: ButtonContent, ref: PostbackRef): WebChatAction {
  if (b.action?.kind === 'url' && b.action.url) return { label: b.label, kind: 'url', url: b.action.url };
  return { label: b.label, kind: 'postback', payload: postbackData(ref, b.id) };
}

/**
 * The web chat message for one outbound message, or why it cannot be shown. `id`/`at` are the caller's
 * (the id is stable per effect, so a widget drops a redelivered message by id).
 */
export function toWebChatMessage(
  outbound: { nodeType: string; content: Readonly<Record<string, unknown>> },
  ref: PostbackRef,
  meta: { id: string; at: string },
): WebChatBotMessage | ChannelFailure {
  const { nodeType } = outbound;
  const r = Object.hasOwn(RENDERERS, nodeType) ? RENDERERS[nodeType] : undefined;
  if (!r) return failure('unsupported_content', `${nodeType} cannot be shown in web chat`, false);
  const parsed = r.schema.safeParse(outbound.content);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') || 'content';
    return failure('invalid_message', `${nodeType}: ${path}: ${issue?.message ?? 'invalid'}`, false);
  }
  const base: WebChatBotMessage = { id: meta.id, at: meta.at, nodeType, cards: [], buttons: [], quickReplies: [] };
  return r.draw(parsed.data, base, (buttons) => buttons.map((b) => action(b, ref)), ref);
}
