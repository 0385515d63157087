import { textLength } from '@omniflow/nodes';
import { type ChannelFailure, failure } from './common.ts';
import { type PostbackRef, postbackData } from './line-messages.ts';

// Channel-neutral outbound messages → WhatsApp Cloud API message objects (PLATFORMS.md §3): session
// messages (text, media, interactive reply buttons / CTA URL / list) and approved templates with their
// components (spec §4.2.2: numbered single-line parameters, button counts per type, Flow buttons).
// Reply-button ids, list-row ids and template quick-reply payloads carry `f=<flow>&n=<node>&b=<button>`,
// so a tap resumes the card that sent it. Violations are non-retryable `invalid_message` failures.

export const WHATSAPP_LIMITS = {
  text: 4096,
  caption: 1024,
  replyButtons: 3,
  replyButtonTitle: 20,
  replyButtonId: 256,
  buttonBody: 1024,
  footer: 60,
  listBody: 4096,
  listHeader: 60,
  listButton: 20,
  listSections: 10,
  listRows: 10,
  listSectionTitle: 24,
  listRowId: 200,
  listRowTitle: 24,
  listRowDescription: 72,
  ctaDisplayText: 20,
  templateButtons: 10,
  templateQuickReplies: 10,
  templateUrlButtons: 2,
  templatePhoneButtons: 1,
  templateName: 512,
} as const;

/** The type-specific part of a Cloud API send (the adapter adds messaging_product, recipient_type and to). */
export type WhatsAppMessage = { type: string } & Record<string, unknown>;

class Problems {
  readonly list: string[] = [];
  max(what: string, value: number, limit: number): void {
    if (value > limit) this.list.push(`${what} is ${value}, WhatsApp allows at most ${limit}`);
  }
  need(ok: boolean, message: string): void {
    if (!ok) this.list.push(message);
  }
}

const chars = (s: string) => textLength(s, 'codepoints');
const isHttpUrl = (u: unknown): u is string => typeof u === 'string' && /^https?:\/\/\S+$/i.test(u);
const s = (v: unknown): string => (typeof v === 'string' ? v : '');

interface Button {
  id: string;
  label: string;
  action?: { kind?: string; url?: string };
}

function body(text: string, limit: number, p: Problems): { text: string } {
  p.need(text.length > 0, 'body text is required');
  p.max('body text (characters)', chars(text), limit);
  return { text };
}

function replyButtons(text: string, items: { id: string; title: string }[], ref: PostbackRef, p: Problems): WhatsAppMessage {
  p.max('reply buttons', items.length, WHATSAPP_LIMITS.replyButtons);
  const titles = new Set<string>();
  const buttons = items.map((b, i) => {
    const id = postbackData(ref, b.id);
    p.need(b.title.length > 0, `button ${i + 1}: title is required`);
    p.max(`button ${i + 1} title (characters)`, chars(b.title), WHATSAPP_LIMITS.replyButtonTitle);
    p.max(`button ${i + 1} id`, id.length, WHATSAPP_LIMITS.replyButtonId);
    p.need(!titles.has(b.title), `button ${i + 1}: titles must be unique ("${b.title}" repeats)`);
    titles.add(b.title);
    return { type: 'reply', reply: { id, title: b.title } };
  });
  return { type: 'interactive', interactive: { type: 'button', body: body(text, WHATSAPP_LIMITS.buttonBody, p), action: { buttons } } };
}

function textMessage(text: unknown, p: Problems): WhatsAppMessage {
  const t = s(text);
  p.need(t.length > 0, 'text is required');
  p.max('text body (characters)', chars(t), WHATSAPP_LIMITS.text);
  return { type: 'text', text: { body: t, preview_url: /https?:\/\//i.test(t) } };
}

function media(kind: 'image' | 'video' | 'document', c: Readonly<Record<string, unknown>>, p: Problems): WhatsAppMessage {
  p.need(isHttpUrl(c.url), `${kind} link must be an http(s) URL`);
  const caption = s(c.caption);
  p.max(`${kind} caption (characters)`, chars(caption), WHATSAPP_LIMITS.caption);
  const fileName = s(c.fileName);
  return {
    type: kind,
    [kind]: { link: s(c.url), ...(caption ? { caption } : {}), ...(kind === 'document' && fileName ? { filename: fileName } : {}) },
  };
}

/** Session messages (inside the 24-hour window). Templates go through `toWhatsAppTemplate`. */
export function toWhatsAppMessage(nodeType: string, content: Readonly<Record<string, unknown>>, ref: PostbackRef): WhatsAppMessage | ChannelFailure {
  const p = new Problems();
  let message: WhatsAppMessage;
  switch (nodeType) {
    case 'message.text': {
      const text = s(content.text);
      const buttons = (Array.isArray(content.buttons) ? content.buttons : []) as Button[];
      if (buttons.length === 0) {
        message = textMessage(text, p);
        break;
      }
      const urls = buttons.filter((b) => b.action?.kind === 'url');
      if (urls.length > 0) {
        // Reply buttons cannot open links; one link button is the cta_url interactive message.
        p.need(buttons.length === 1, 'WhatsApp cannot mix link buttons with reply buttons, and sends one link button at most');
        const b = urls[0]!;
        p.need(isHttpUrl(b.action?.url), 'button 1: url must be an http(s) URL');
        p.max('link button text (characters)', chars(b.label ?? ''), WHATSAPP_LIMITS.ctaDisplayText);
        message = {
          type: 'interactive',
          interactive: {
            type: 'cta_url',
            body: body(text, WHATSAPP_LIMITS.buttonBody, p),
            action: { name: 'cta_url', parameters: { display_text: b.label ?? '', url: b.action?.url ?? '' } },
          },
        };
        break;
      }
      message = replyButtons(
        text,
        buttons.map((b) => ({ id: b.id, title: s(b.label) })),
        ref,
        p,
      );
      break;
    }
    case 'message.quick_reply': {
      const options = (Array.isArray(content.options) ? content.options : []) as Button[];
      p.need(options.length > 0, 'quick replies need at least one option');
      message = replyButtons(
        s(content.title),
        options.map((o) => ({ id: o.id, title: s(o.label) })),
        ref,
        p,
      );
      break;
    }
    case 'message.options_list': {
      const options = (Array.isArray(content.options) ? content.options : []) as { id: string; title?: string; description?: string }[];
      const header = s(content.header);
      const footer = s(content.footer);
      const button = s(content.buttonText);
      p.need(options.length > 0, 'a list needs at least one row');
      p.max('list rows', options.length, WHATSAPP_LIMITS.listRows);
      p.need(button.length > 0, 'the list button text is required');
      p.max('list button text (characters)', chars(button), WHATSAPP_LIMITS.listButton);
      p.max('header text (characters)', chars(header), WHATSAPP_LIMITS.listHeader);
      p.max('footer text (characters)', chars(footer), WHATSAPP_LIMITS.footer);
      const rows = options.map((o, i) => {
        const id = postbackData(ref, o.id);
        const title = s(o.title);
        const description = s(o.description);
        p.need(title.length > 0, `row ${i + 1}: title is required`);
        p.max(`row ${i + 1} title (characters)`, chars(title), WHATSAPP_LIMITS.listRowTitle);
        p.max(`row ${i + 1} description (characters)`, chars(description), WHATSAPP_LIMITS.listRowDescription);
        p.max(`row ${i + 1} id`, id.length, WHATSAPP_LIMITS.listRowId);
        return { id, title, ...(description ? { description } : {}) };
      });
      message = {
        type: 'interactive',
        interactive: {
          type: 'list',
          ...(header ? { header: { type: 'text', text: header } } : {}),
          body: body(s(content.body), WHATSAPP_LIMITS.listBody, p),
          ...(footer ? { footer: { text: footer } } : {}),
          // One section: its title is optional (required only with several sections).
          action: { button, sections: [{ rows }] },
        },
      };
      break;
    }
    case 'message.send': {
      if (content.kind === 'whatsapp_template') return toWhatsAppTemplate(content, ref);
      if (content.kind !== 'text') return failure('unsupported_content', `WhatsApp cannot send "${String(content.kind)}" content directly`, false);
      message = textMessage(content.text, p);
      break;
    }
    case 'message.whatsapp_template':
      return toWhatsAppTemplate(content, ref);
    case 'message.whatsapp_flow': {
      // Interactive Flow message (Cloud API "flow" interactive object). The flow_token names this card, so
      // the customer's submission (an nfm_reply echoing the token) comes back to it.
      const button = (content.button ?? {}) as { name?: unknown; flowId?: unknown };
      const header = (content.header ?? { kind: 'none' }) as { kind?: string; text?: unknown; media?: { url?: unknown } };
      const flowId = s(button.flowId);
      const cta = s(button.name);
      const footer = s(content.footer);
      p.need(flowId.length > 0, 'the Flow id is required');
      p.need(cta.length > 0, 'the Flow button text is required');
      p.max('Flow button text (characters)', chars(cta), WHATSAPP_LIMITS.ctaDisplayText);
      p.max('footer text (characters)', chars(footer), WHATSAPP_LIMITS.footer);
      if (header.kind === 'text') p.max('header text (characters)', chars(s(header.text)), WHATSAPP_LIMITS.listHeader);
      if (header.kind === 'image' || header.kind === 'video') p.need(isHttpUrl(header.media?.url), 'header media: url must be an http(s) URL');
      const headerObject =
        header.kind === 'text'
          ? { type: 'text', text: s(header.text) }
          : header.kind === 'image' || header.kind === 'video'
            ? { type: header.kind, [header.kind]: { link: s(header.media?.url) } }
            : undefined;
      message = {
        type: 'interactive',
        interactive: {
          type: 'flow',
          ...(headerObject ? { header: headerObject } : {}),
          body: body(s(content.body), WHATSAPP_LIMITS.buttonBody, p),
          ...(footer ? { footer: { text: footer } } : {}),
          action: {
            name: 'flow',
            parameters: { flow_message_version: '3', flow_token: postbackData(ref, `flow:${flowId}`), flow_id: flowId, flow_cta: cta, flow_action: 'navigate' },
          },
        },
      };
      break;
    }
    case 'message.image':
      message = media('image', content, p);
      break;
    case 'message.video':
      message = media('video', content, p);
      break;
    case 'message.file':
      message = media('document', content, p);
      break;
    default:
      return failure('unsupported_content', `${nodeType} cannot be sent on WhatsApp`, false);
  }
  if (p.list.length) return failure('invalid_message', p.list.join('; '), false);
  return message;
}

/** Whether an outbound message is a template (allowed outside the 24-hour window). */
export function isWhatsAppTemplate(nodeType: string, content: Readonly<Record<string, unknown>>): boolean {
  return nodeType === 'message.whatsapp_template' || (nodeType === 'message.send' && content.kind === 'whatsapp_template');
}

/** §4.2.2 single-line rule, plus Cloud API 132018: no tabs or newlines, at most 4 spaces in a row. */
function checkParameter(value: string, what: string, p: Problems): void {
  p.need(value.trim().length > 0, `${what} is empty`);
  p.need(!/[\r\n]/.test(value), `${what} must be a single line`);
  p.need(!value.includes('\t'), `${what} cannot contain tabs`);
  p.need(!/ {5,}/.test(value), `${what} cannot have more than 4 spaces in a row`);
}

type TemplateButton =
  | { type: 'quick_reply'; id: string; text?: string; action?: string }
  | { type: 'url'; id: string; text?: string; urlParameter?: string }
  | { type: 'phone'; id: string; text?: string }
  | { type: 'go_to_order'; id: string; text?: string };

/**
 * A `type: "template"` message from the whatsapp-template node's rendered content (or the send node's
 * `{ kind: "whatsapp_template", template, parameters }`). Buttons are indexed in template order; the
 * Flow button, when there is one, comes last.
 */
export function toWhatsAppTemplate(content: Readonly<Record<string, unknown>>, ref: PostbackRef): WhatsAppMessage | ChannelFailure {
  const p = new Problems();
  const t = (content.template ?? {}) as { name?: string; language?: string; category?: string; bodyParameterCount?: number };
  const name = s(t.name);
  const language = s(t.language);
  p.need(/^[a-z0-9_]+$/.test(name), 'template name must be lowercase letters, digits and "_"');
  p.max('template name (characters)', name.length, WHATSAPP_LIMITS.templateName);
  p.need(/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/.test(language), `template language "${language}" is not a language code like en or zh_TW`);
  p.need(t.category !== 'system_notification', 'system-notification templates cannot be sent from journeys, broadcasts or 1:1 chats (§4.2.2)');
  const values = (Array.isArray(content.parameters) ? content.parameters : []).map(s);
  const expected = typeof t.bodyParameterCount === 'number' ? t.bodyParameterCount : values.length;
  p.need(values.length === expected, `the template body has ${expected} parameter(s) but ${values.length} value(s) were given`);
  values.forEach((v, i) => {
    checkParameter(v, `parameter {{${i + 1}}}`, p);
  });

  const components: Record<string, unknown>[] = [];
  const header = (content.header ?? { kind: 'none' }) as { kind?: string; parameter?: string; media?: { url?: string }; filename?: string };
  if (header.kind === 'text' && header.parameter !== undefined) {
    checkParameter(header.parameter, 'the header parameter', p);
    components.push({ type: 'header', parameters: [{ type: 'text', text: header.parameter }] });
  } else if (header.kind === 'image' || header.kind === 'video' || header.kind === 'document') {
    const link = header.media?.url;
    p.need(isHttpUrl(link), `the header ${header.kind} link must be an http(s) URL`);
    const mediaObject = { link: s(link), ...(header.kind === 'document' && header.filename ? { filename: header.filename } : {}) };
    components.push({ type: 'header', parameters: [{ type: header.kind, [header.kind]: mediaObject }] });
  }
  if (values.length) components.push({ type: 'body', parameters: values.map((text) => ({ type: 'text', text })) });

  const buttons = (Array.isArray(content.buttons) ? content.buttons : []) as TemplateButton[];
  const flow = content.flowButton as { text?: string; flowId?: string; flowStatus?: string } | undefined;
  const count = (type: TemplateButton['type']) => buttons.filter((b) => b.type === type).length;
  p.max('template buttons', buttons.length + (flow ? 1 : 0), WHATSAPP_LIMITS.templateButtons);
  p.max('quick-reply buttons', count('quick_reply'), WHATSAPP_LIMITS.templateQuickReplies);
  p.max('"visit website" buttons', count('url'), WHATSAPP_LIMITS.templateUrlButtons);
  p.max('"call phone" buttons', count('phone'), WHATSAPP_LIMITS.templatePhoneButtons);
  p.need(count('go_to_order') === 0, '"go to order" buttons exist only on system-notification templates');
  buttons.forEach((b, index) => {
    if (b.type === 'quick_reply') {
      components.push({ type: 'button', sub_type: 'quick_reply', index: String(index), parameters: [{ type: 'payload', payload: postbackData(ref, b.id) }] });
    } else if (b.type === 'url' && b.urlParameter !== undefined) {
      checkParameter(b.urlParameter, `button ${index + 1} link parameter`, p);
      components.push({ type: 'button', sub_type: 'url', index: String(index), parameters: [{ type: 'text', text: b.urlParameter }] });
    }
  });
  if (flow) {
    p.need(
      !buttons.some((b) => b.type === 'url' || b.type === 'phone' || b.type === 'go_to_order'),
      'a Flow button cannot be combined with other call-to-action buttons',
    );
    p.need(
      flow.flowStatus === 'published' || flow.flowStatus === 'restricted',
      `the Flow is ${String(flow.flowStatus)}: only published or restricted Flows can be sent`,
    );
    p.max('Flow button name (CJK counts 3)', textLength(s(flow.text), 'cjk3'), 20);
    components.push({
      type: 'button',
      sub_type: 'flow',
      index: String(buttons.length),
      parameters: [{ type: 'action', action: { flow_token: postbackData(ref, `flow:${s(flow.flowId)}`) } }],
    });
  }
  if (p.list.length) return failure('invalid_message', p.list.join('; '), false);
  return {
    type: 'template',
    template: { name, language: { policy: 'deterministic', code: language }, ...(components.length ? { components } : {}) },
  };
}
