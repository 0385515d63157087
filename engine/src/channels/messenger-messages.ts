import { textLength } from '@omniflow/nodes';
import { type ChannelFailure, failure } from './common.ts';
import { type PostbackRef, postbackData } from './line-messages.ts';

// Turns a channel-neutral outbound message (a node's rendered content) into the `message` object of the
// Messenger Send API (also used for Instagram), checked against PLATFORMS.md §2. Buttons and quick
// replies carry the same `f=<flow>&n=<node>&b=<button>` payload as LINE postbacks, so a tap comes back to
// the card that sent it. A violation is a non-retryable `invalid_message`: Meta would answer 100.

export type MetaPlatform = 'messenger' | 'instagram';

export const MESSENGER_LIMITS = {
  /** "less than 2000 characters". */
  text: 1999,
  quickReplies: 13,
  quickReplyTitle: 20,
  payload: 1000,
  buttonTemplateText: 640,
  buttons: 3,
  buttonTitle: 20,
  genericElements: 10,
  genericTitle: 80,
  genericSubtitle: 80,
  url: 2000,
} as const;

export type MessengerButton = { type: 'postback'; title: string; payload: string } | { type: 'web_url'; title: string; url: string };

export type MessengerMessage =
  | { text: string; quick_replies?: { content_type: 'text'; title: string; payload: string }[] }
  | { attachment: { type: 'template'; payload: Record<string, unknown> }; quick_replies?: unknown[] }
  | { attachment: { type: 'image' | 'video' | 'file' | 'audio'; payload: { url: string; is_reusable?: boolean } } };

interface Button {
  id: string;
  label: string;
  action?: { kind?: string; url?: string };
}

class Problems {
  readonly list: string[] = [];
  constructor(readonly platform: MetaPlatform) {}
  max(what: string, value: number, limit: number): void {
    if (value > limit) this.list.push(`${what} is ${value}, ${this.platform === 'instagram' ? 'Instagram' : 'Messenger'} allows at most ${limit}`);
  }
  need(ok: boolean, message: string): void {
    if (!ok) this.list.push(message);
  }
}

const chars = (s: string) => textLength(s, 'codepoints');
const isHttpUrl = (u: unknown): u is string => typeof u === 'string' && /^https?:\/\/\S+$/i.test(u);

function button(b: Button, ref: PostbackRef, p: Problems, where: string): MessengerButton {
  const title = typeof b.label === 'string' ? b.label : '';
  p.need(title.length > 0, `${where}: title is required`);
  p.max(`${where} title (characters)`, chars(title), MESSENGER_LIMITS.buttonTitle);
  if (b.action?.kind === 'url') {
    p.need(isHttpUrl(b.action.url), `${where}: url must be an http(s) URL`);
    p.max(`${where} url`, (b.action.url ?? '').length, MESSENGER_LIMITS.url);
    return { type: 'web_url', title, url: b.action.url ?? '' };
  }
  const payload = postbackData(ref, b.id);
  p.max(`${where} payload`, payload.length, MESSENGER_LIMITS.payload);
  return { type: 'postback', title, payload };
}

function textOnly(text: unknown, p: Problems): { text: string } {
  const t = typeof text === 'string' ? text : '';
  p.need(t.length > 0, 'text is required');
  p.max('text (characters)', chars(t), MESSENGER_LIMITS.text);
  return { text: t };
}

function media(kind: 'image' | 'video' | 'file', url: unknown, p: Problems): MessengerMessage {
  p.need(isHttpUrl(url), `${kind} url must be an http(s) URL`);
  return { attachment: { type: kind, payload: { url: String(url ?? ''), is_reusable: true } } };
}

/**
 * The Send API `message` for one outbound message on Messenger or Instagram, or a typed failure listing
 * every problem. `nodeType` chooses the shape, `content` is the node's rendered content.
 */
export function toMessengerMessage(
  platform: MetaPlatform,
  nodeType: string,
  content: Readonly<Record<string, unknown>>,
  ref: PostbackRef,
): MessengerMessage | ChannelFailure {
  const p = new Problems(platform);
  let message: MessengerMessage;
  switch (nodeType) {
    case 'message.text': {
      const text = typeof content.text === 'string' ? content.text : '';
      const buttons = (Array.isArray(content.buttons) ? content.buttons : []) as Button[];
      if (buttons.length === 0) {
        message = textOnly(text, p);
        break;
      }
      p.need(text.length > 0, 'text is required');
      p.max('button template text (characters)', chars(text), MESSENGER_LIMITS.buttonTemplateText);
      p.max('button template buttons', buttons.length, MESSENGER_LIMITS.buttons);
      message = {
        attachment: {
          type: 'template',
          payload: { template_type: 'button', text, buttons: buttons.map((b, i) => button(b, ref, p, `button ${i + 1}`)) },
        },
      };
      break;
    }
    case 'message.send': {
      if (content.kind !== 'text') return failure('unsupported_content', `${platform} cannot send "${String(content.kind)}" content directly`, false);
      message = textOnly(content.text, p);
      break;
    }
    case 'message.quick_reply': {
      const options = (Array.isArray(content.options) ? content.options : []) as Button[];
      const base = textOnly(content.title, p);
      p.need(options.length > 0, 'quick replies need at least one option');
      p.max('quick replies', options.length, MESSENGER_LIMITS.quickReplies);
      message = {
        ...base,
        quick_replies: options.map((o, i) => {
          const title = typeof o.label === 'string' ? o.label : '';
          const payload = postbackData(ref, o.id);
          p.need(title.length > 0, `quick reply ${i + 1}: title is required`);
          p.max(`quick reply ${i + 1} title (characters)`, chars(title), MESSENGER_LIMITS.quickReplyTitle);
          p.max(`quick reply ${i + 1} payload`, payload.length, MESSENGER_LIMITS.payload);
          return { content_type: 'text' as const, title, payload };
        }),
      };
      break;
    }
    case 'message.carousel': {
      const columns = (Array.isArray(content.columns) ? content.columns : []) as {
        imageUrl?: string;
        title?: string;
        subtitle?: string;
        imageClickUrl?: string;
        buttons?: Button[];
      }[];
      p.need(columns.length > 0, 'a carousel needs at least one element');
      p.max('generic template elements', columns.length, MESSENGER_LIMITS.genericElements);
      const elements = columns.map((c, i) => {
        const title = c.title ?? '';
        const buttons = c.buttons ?? [];
        p.need(title.length > 0, `element ${i + 1}: title is required`);
        p.max(`element ${i + 1} title (characters)`, chars(title), MESSENGER_LIMITS.genericTitle);
        p.max(`element ${i + 1} subtitle (characters)`, chars(c.subtitle ?? ''), MESSENGER_LIMITS.genericSubtitle);
        p.max(`element ${i + 1} buttons`, buttons.length, MESSENGER_LIMITS.buttons);
        if (c.imageUrl) p.need(isHttpUrl(c.imageUrl), `element ${i + 1}: image_url must be an http(s) URL`);
        if (c.imageClickUrl) p.need(isHttpUrl(c.imageClickUrl), `element ${i + 1}: default_action url must be an http(s) URL`);
        return {
          title,
          ...(c.subtitle ? { subtitle: c.subtitle } : {}),
          ...(c.imageUrl ? { image_url: c.imageUrl } : {}),
          ...(c.imageClickUrl ? { default_action: { type: 'web_url', url: c.imageClickUrl } } : {}),
          ...(buttons.length ? { buttons: buttons.map((b, j) => button(b, ref, p, `element ${i + 1} button ${j + 1}`)) } : {}),
        };
      });
      message = {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'generic',
            ...(platform === 'messenger' ? { image_aspect_ratio: content.imageAspectRatio === 'square' ? 'square' : 'horizontal' } : {}),
            elements,
          },
        },
      };
      break;
    }
    case 'message.image':
      message = media('image', content.url, p);
      break;
    case 'message.video':
      // Spec §4.1.3: Instagram bots do not send video.
      if (platform === 'instagram') return failure('unsupported_content', 'Instagram cannot send video cards', false);
      message = media('video', content.url, p);
      break;
    case 'message.file':
      if (platform === 'instagram') return failure('unsupported_content', 'Instagram cannot send files', false);
      message = media('file', content.url, p);
      break;
    default:
      return failure('unsupported_content', `${nodeType} cannot be sent on ${platform}`, false);
  }
  if (p.list.length) return failure('invalid_message', p.list.join('; '), false);
  return message;
}
