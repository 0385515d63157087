import { validateFlexContainer } from '@omniflow/nodes';
import { type ChannelFailure, failure, graphemes } from './common.ts';

// Turns a channel-neutral outbound message (a node's rendered content) into LINE message objects,
// checked against the Messaging API limits of PLATFORMS.md §1.2–1.3. A violation is a non-retryable
// `invalid_message` failure: LINE would answer 400 anyway, and retrying cannot help.

export type LineAction =
  | { type: 'postback'; label: string; data: string; displayText?: string }
  | { type: 'uri'; label: string; uri: string }
  | { type: 'message'; label: string; text: string };

export interface LineQuickReply {
  items: { type: 'action'; action: LineAction }[];
}

export type LineMessage = Record<string, unknown> & { type: string; quickReply?: LineQuickReply };

export const LINE_LIMITS = {
  messagesPerRequest: 5,
  text: 5000,
  quickReplyItems: 13,
  altText: 1500,
  label: 20,
  buttonsTitle: 40,
  buttonsText: 160,
  buttonsTextWithTitleOrImage: 60,
  buttonsActions: 4,
  carouselColumns: 10,
  carouselActions: 3,
  carouselText: 120,
  carouselTextWithTitleOrImage: 60,
  postbackData: 300,
  uri: 1000,
} as const;

export interface PostbackRef {
  flowId: string;
  nodeId: string;
}

/** Postback data that carries the button id back to the engine: `f=<flow>&n=<node>&b=<button>`. */
export function postbackData(ref: PostbackRef, buttonId: string): string {
  return new URLSearchParams({ f: ref.flowId, n: ref.nodeId, b: buttonId }).toString();
}

/** Reads postback data written by `postbackData`; other data comes back as `{ data }` only. */
export function parsePostbackData(data: string): { flowId?: string; nodeId?: string; buttonId?: string } {
  const p = new URLSearchParams(data);
  const b = p.get('b');
  if (!b) return {};
  return { buttonId: b, ...(p.get('f') ? { flowId: p.get('f')! } : {}), ...(p.get('n') ? { nodeId: p.get('n')! } : {}) };
}

interface Button {
  id: string;
  label: string;
  action?: { kind?: string; url?: string; module?: string };
}

class Problems {
  readonly list: string[] = [];
  max(what: string, value: number, limit: number): void {
    if (value > limit) this.list.push(`${what} is ${value}, LINE allows at most ${limit}`);
  }
  need(ok: boolean, message: string): void {
    if (!ok) this.list.push(message);
  }
}

function action(b: Button, ref: PostbackRef, p: Problems, where: string): LineAction {
  p.need(typeof b.label === 'string' && b.label.length > 0, `${where}: label is required`);
  p.max(`${where} label (graphemes)`, graphemes(b.label ?? ''), LINE_LIMITS.label);
  if (b.action?.kind === 'url' && typeof b.action.url === 'string') {
    p.max(`${where} uri`, b.action.url.length, LINE_LIMITS.uri);
    p.need(/^(https?|line|tel):/i.test(b.action.url), `${where}: uri must use http, https, line or tel`);
    return { type: 'uri', label: b.label, uri: b.action.url };
  }
  const data = postbackData(ref, b.id);
  p.max(`${where} postback data`, data.length, LINE_LIMITS.postbackData);
  return { type: 'postback', label: b.label, data, displayText: b.label };
}

function textMessage(text: unknown, p: Problems): LineMessage {
  const t = typeof text === 'string' ? text : '';
  p.need(t.length > 0, 'text is required');
  p.max('text (UTF-16 units)', t.length, LINE_LIMITS.text);
  return { type: 'text', text: t };
}

function altTextOf(text: string): string {
  return text.length > LINE_LIMITS.altText ? `${text.slice(0, LINE_LIMITS.altText - 1)}…` : text;
}

/**
 * The LINE messages for one outbound message. `content` is the node's rendered content; `nodeType`
 * chooses the shape. Returns the messages or a typed failure listing every problem.
 */
export function toLineMessages(nodeType: string, content: Readonly<Record<string, unknown>>, ref: PostbackRef): LineMessage[] | ChannelFailure {
  const p = new Problems();
  let messages: LineMessage[];
  switch (nodeType) {
    case 'message.text': {
      const text = typeof content.text === 'string' ? content.text : '';
      const buttons = (Array.isArray(content.buttons) ? content.buttons : []) as Button[];
      if (buttons.length === 0) {
        messages = [textMessage(text, p)];
        break;
      }
      p.need(text.length > 0, 'text is required');
      p.max('buttons template text (graphemes)', graphemes(text), LINE_LIMITS.buttonsText);
      p.max('buttons template actions', buttons.length, LINE_LIMITS.buttonsActions);
      messages = [
        {
          type: 'template',
          altText: altTextOf(text),
          template: { type: 'buttons', text, actions: buttons.map((b, i) => action(b, ref, p, `button ${i + 1}`)) },
        },
      ];
      break;
    }
    case 'message.send': {
      if (content.kind !== 'text') return failure('unsupported_content', `LINE cannot send "${String(content.kind)}" content directly`, false);
      messages = [textMessage(content.text, p)];
      break;
    }
    case 'message.quick_reply': {
      const options = (Array.isArray(content.options) ? content.options : []) as Button[];
      const msg = textMessage(content.title, p);
      p.max('quick reply items', options.length, LINE_LIMITS.quickReplyItems);
      msg.quickReply = { items: options.map((o, i) => ({ type: 'action', action: action(o, ref, p, `quick reply ${i + 1}`) })) };
      messages = [msg];
      break;
    }
    case 'message.line_flex': {
      const altText = typeof content.altText === 'string' ? content.altText : '';
      p.need(altText.length > 0, 'altText is required');
      p.max('altText', altText.length, LINE_LIMITS.altText);
      const errors = validateFlexContainer(content.contents, ['contents']).filter((i) => i.severity !== 'warning');
      for (const e of errors) p.list.push(`${e.path.join('.')}: ${e.message.en}`);
      messages = [{ type: 'flex', altText, contents: content.contents }];
      break;
    }
    case 'message.carousel': {
      const columns = (Array.isArray(content.columns) ? content.columns : []) as {
        imageUrl?: string;
        title?: string;
        subtitle?: string;
        buttons?: Button[];
      }[];
      p.need(columns.length > 0, 'a carousel needs at least one column');
      p.max('carousel columns', columns.length, LINE_LIMITS.carouselColumns);
      const counts = new Set(columns.map((c) => c.buttons?.length ?? 0));
      p.need(counts.size <= 1, 'every carousel column must have the same number of actions');
      const mapped = columns.map((c, i) => {
        const buttons = c.buttons ?? [];
        const text = c.subtitle || c.title || ' ';
        const rich = Boolean(c.imageUrl || c.title);
        p.max(`column ${i + 1} title (graphemes)`, graphemes(c.title ?? ''), LINE_LIMITS.buttonsTitle);
        p.max(`column ${i + 1} text (graphemes)`, graphemes(text), rich ? LINE_LIMITS.carouselTextWithTitleOrImage : LINE_LIMITS.carouselText);
        p.need(buttons.length >= 1, `column ${i + 1}: LINE needs at least one action per column`);
        p.max(`column ${i + 1} actions`, buttons.length, LINE_LIMITS.carouselActions);
        return {
          ...(c.imageUrl ? { thumbnailImageUrl: c.imageUrl } : {}),
          ...(c.title ? { title: c.title } : {}),
          text,
          actions: buttons.map((b, j) => action(b, ref, p, `column ${i + 1} button ${j + 1}`)),
        };
      });
      messages = [
        {
          type: 'template',
          altText: altTextOf(
            columns
              .map((c) => c.title)
              .filter(Boolean)
              .join(' / ') || 'Carousel',
          ),
          template: { type: 'carousel', columns: mapped, imageAspectRatio: content.imageAspectRatio === 'square' ? 'square' : 'rectangle' },
        },
      ];
      break;
    }
    default:
      return failure('unsupported_content', `${nodeType} cannot be sent on LINE yet`, false);
  }
  if (p.list.length) return failure('invalid_message', p.list.join('; '), false);
  return messages;
}
