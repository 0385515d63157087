import { validateFlexContainer } from '@omniflow/nodes';
import { type ChannelFailure, failure, graphemes } from './common.ts';

// Turns a channel-neutral outbound message (a node's rendered content) into LINE message objects,
// checked against the Messaging API limits of PLATFORMS.md §1.2–1.3. A violation is a non-retryable
// `invalid_message` failure: LINE would answer 400 anyway, and retrying cannot help.

export type LineAction =
  | { type: 'postback'; label?: string; data: string; displayText?: string }
  | { type: 'uri'; label?: string; uri: string }
  | { type: 'message'; label?: string; text: string };

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
  mediaUrl: 2000,
  imageCarouselColumns: 10,
  imageCarouselLabel: 12,
  imagemapActions: 50,
  imagemapActionLabel: 100,
  imagemapMessageText: 400,
  imagemapVideoLinkLabel: 30,
} as const;

/** What the adapter knows beyond the message: where imagemap assets are served from. */
export interface LineMessageOptions {
  /** The imagemap's base URL (serving /240, /300, /460, /700, /1040) for an asset id. */
  imagemapBaseUrl?: (assetId: string) => string | undefined;
  /**
   * Click tracking (§7): the tracking redirect for an http(s) link. Applied to every link a card opens
   * (buttons, image links, imagemap areas, Flex URI actions); a tracked URL longer than LINE's 1000
   * characters keeps the original link.
   */
  trackUrl?: (url: string) => string;
}

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

/** A media URL LINE will fetch: HTTPS and at most 2000 characters. */
function mediaUrl(url: unknown, what: string, p: Problems): string {
  const u = typeof url === 'string' ? url : '';
  p.need(u !== '', `${what} is required`);
  p.need(u === '' || /^https:\/\//i.test(u), `${what} must be an https URL`);
  p.max(`${what} length`, u.length, LINE_LIMITS.mediaUrl);
  return u;
}

function uriAction(url: string, p: Problems, where: string, label?: string): LineAction {
  p.max(`${where} uri`, url.length, LINE_LIMITS.uri);
  p.need(/^(https?|line|tel):/i.test(url), `${where}: uri must use http, https, line or tel`);
  return { type: 'uri', ...(label ? { label } : {}), uri: p.link(url) };
}

/** Flex contents with every URI action's `uri` and `altUri.desktop` passed through the click tracker. */
function trackFlexLinks(value: unknown, p: Problems): unknown {
  if (Array.isArray(value)) return value.map((v) => trackFlexLinks(v, p));
  if (!value || typeof value !== 'object') return value;
  const o = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, trackFlexLinks(v, p)])) as Record<string, unknown>;
  if (o.type === 'uri' && typeof o.uri === 'string') {
    o.uri = p.link(o.uri);
    const alt = o.altUri as { desktop?: unknown } | undefined;
    if (alt && typeof alt.desktop === 'string') o.altUri = { ...alt, desktop: p.link(alt.desktop) };
  }
  return o;
}

/** A template column or card with a single postback button (claim, upload, link, open…). */
function postbackTemplate(
  ref: PostbackRef,
  p: Problems,
  o: { buttonId: string; label: string; text: string; imageUrl?: string; title?: string; altText?: string },
): LineMessage {
  const rich = Boolean(o.imageUrl || o.title);
  p.need(o.text.length > 0, 'template text is required');
  p.max('buttons template text (graphemes)', graphemes(o.text), rich ? LINE_LIMITS.buttonsTextWithTitleOrImage : LINE_LIMITS.buttonsText);
  if (o.title) p.max('buttons template title (graphemes)', graphemes(o.title), LINE_LIMITS.buttonsTitle);
  return {
    type: 'template',
    altText: altTextOf(o.altText ?? o.text),
    template: {
      type: 'buttons',
      ...(o.imageUrl ? { thumbnailImageUrl: mediaUrl(o.imageUrl, 'thumbnail image', p) } : {}),
      ...(o.title ? { title: o.title } : {}),
      text: o.text,
      actions: [action({ id: o.buttonId, label: o.label }, ref, p, 'button')],
    },
  };
}

/** Collects every limit a message breaks, and applies click tracking to the links it builds. */
class Problems {
  readonly list: string[] = [];
  constructor(private readonly trackUrl?: (url: string) => string) {}
  /** The link a button opens: the tracking redirect for http(s) links, others (tel:, line:) as they are. */
  link(url: string): string {
    if (!this.trackUrl || !/^https?:\/\//i.test(url)) return url;
    const tracked = this.trackUrl(url);
    return tracked.length <= LINE_LIMITS.uri ? tracked : url;
  }
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
  if (b.action?.kind === 'url' && typeof b.action.url === 'string') return uriAction(b.action.url, p, where, b.label);
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
export function toLineMessages(
  nodeType: string,
  content: Readonly<Record<string, unknown>>,
  ref: PostbackRef,
  options: LineMessageOptions = {},
): LineMessage[] | ChannelFailure {
  const p = new Problems(options.trackUrl);
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
      messages = [{ type: 'flex', altText, contents: trackFlexLinks(content.contents, p) }];
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
          ...(c.imageUrl ? { thumbnailImageUrl: mediaUrl(c.imageUrl, `column ${i + 1} image`, p) } : {}),
          ...(c.title ? { title: c.title } : {}),
          text,
          // A tap on the image opens its link (LINE: the column's default action).
          ...(c.imageClickUrl ? { defaultAction: uriAction(c.imageClickUrl, p, `column ${i + 1} image link`, 'View') } : {}),
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
    case 'message.image': {
      const url = mediaUrl(content.url, 'image url', p);
      messages = [{ type: 'image', originalContentUrl: url, previewImageUrl: typeof content.previewImageUrl === 'string' ? content.previewImageUrl : url }];
      break;
    }
    case 'message.video': {
      const url = mediaUrl(content.url, 'video url', p);
      const preview = mediaUrl(content.previewImageUrl, 'video preview image', p);
      messages = [{ type: 'video', originalContentUrl: url, previewImageUrl: preview }];
      break;
    }
    case 'message.image_carousel': {
      const images = (Array.isArray(content.images) ? content.images : []) as (Button & { imageUrl?: string })[];
      p.need(images.length > 0, 'an image carousel needs at least one image');
      p.max('image carousel columns', images.length, LINE_LIMITS.imageCarouselColumns);
      const columns = images.map((img, i) => {
        const where = `image ${i + 1}`;
        const label = img.label ? img.label : undefined;
        if (label) p.max(`${where} label (graphemes)`, graphemes(label), LINE_LIMITS.imageCarouselLabel);
        let act: LineAction;
        if (img.action?.kind === 'url' && typeof img.action.url === 'string') act = uriAction(img.action.url, p, where, label);
        else {
          const data = postbackData(ref, img.id);
          p.max(`${where} postback data`, data.length, LINE_LIMITS.postbackData);
          act = { type: 'postback', ...(label ? { label, displayText: label } : {}), data };
        }
        return { imageUrl: mediaUrl(img.imageUrl, `${where} url`, p), action: act };
      });
      const altText = typeof content.altText === 'string' && content.altText !== '' ? content.altText : 'Images';
      p.max('altText', altText.length, LINE_LIMITS.altText);
      messages = [{ type: 'template', altText, template: { type: 'image_carousel', columns } }];
      break;
    }
    case 'message.imagemap': {
      const assetId = typeof content.assetId === 'string' ? content.assetId : '';
      const baseUrl = typeof content.baseUrl === 'string' ? content.baseUrl : options.imagemapBaseUrl?.(assetId);
      if (!baseUrl) return failure('invalid_message', `Imagemap asset "${assetId}" has no base URL`, false);
      mediaUrl(baseUrl, 'imagemap baseUrl', p);
      const altText = typeof content.altText === 'string' ? content.altText : '';
      p.need(altText.length > 0, 'altText is required');
      p.max('altText', altText.length, LINE_LIMITS.altText);
      const baseSize = (content.baseSize ?? { width: 1040, height: 1040 }) as { width: number; height: number };
      p.need(baseSize.width === 1040, `imagemap baseSize.width must be 1040, not ${baseSize.width}`);
      type Area = { id: string; label?: string; bounds: { x: number; y: number; width: number; height: number }; action: Record<string, unknown> };
      const areas = (Array.isArray(content.areas) ? content.areas : []) as Area[];
      const videos = areas.filter((a) => a.action.kind === 'video');
      p.max('imagemap videos', videos.length, 1);
      const actions = areas
        .filter((a) => a.action.kind !== 'video')
        .map((a, i) => {
          const where = `area ${i + 1}`;
          const label = a.label ? { label: a.label } : {};
          if (a.label) p.max(`${where} label`, a.label.length, LINE_LIMITS.imagemapActionLabel);
          const area = { x: a.bounds.x, y: a.bounds.y, width: a.bounds.width, height: a.bounds.height };
          if (a.action.kind === 'url') {
            const uri = String(a.action.url ?? '');
            p.max(`${where} linkUri`, uri.length, LINE_LIMITS.uri);
            p.need(/^(https?|line|tel):/i.test(uri), `${where}: linkUri must use http, https, line or tel`);
            return { type: 'uri', linkUri: p.link(uri), area, ...label };
          }
          // Imagemaps have no postback: a module area sends its name (or id) as the customer's text, which
          // the waiting session or the bot's keywords route.
          const text = a.action.kind === 'text' ? String(a.action.text ?? '') : a.label || a.id;
          p.need(text.length > 0, `${where}: message text is required`);
          p.max(`${where} message text`, text.length, LINE_LIMITS.imagemapMessageText);
          return { type: 'message', text, area, ...label };
        });
      p.need(actions.length > 0 || videos.length > 0, 'an imagemap needs at least one area');
      p.max('imagemap actions', actions.length, LINE_LIMITS.imagemapActions);
      const video = videos[0];
      let videoPart = {};
      if (video) {
        const v = video.action as { videoUrl?: string; previewImageUrl?: string; linkUrl?: string; linkLabel?: string };
        const link = v.linkUrl ? { externalLink: { linkUri: p.link(v.linkUrl), label: v.linkLabel ?? 'More' } } : {};
        if (v.linkUrl) p.max('video link label', (v.linkLabel ?? 'More').length, LINE_LIMITS.imagemapVideoLinkLabel);
        videoPart = {
          video: {
            originalContentUrl: mediaUrl(v.videoUrl, 'imagemap video url', p),
            previewImageUrl: mediaUrl(v.previewImageUrl, 'imagemap video preview', p),
            area: { ...video.bounds },
            ...link,
          },
        };
      }
      messages = [{ type: 'imagemap', baseUrl, altText, baseSize: { width: baseSize.width, height: baseSize.height }, actions, ...videoPart }];
      break;
    }
    case 'message.coupon': {
      const image = content.image as { url?: string } | undefined;
      const label = typeof content.redeemButtonText === 'string' && content.redeemButtonText !== '' ? content.redeemButtonText : '立即領取';
      const text = typeof content.text === 'string' && content.text !== '' ? content.text : `${label}!`;
      messages = [postbackTemplate(ref, p, { buttonId: 'claim', label, text, ...(image?.url ? { imageUrl: image.url } : {}) })];
      break;
    }
    case 'message.omnilink': {
      const image = content.image as { url?: string } | undefined;
      messages = [
        postbackTemplate(ref, p, {
          buttonId: 'omnilink',
          label: String(content.buttonName ?? ''),
          text: String(content.content ?? ''),
          ...(image?.url ? { imageUrl: image.url } : {}),
        }),
      ];
      break;
    }
    case 'message.invoice': {
      const name = typeof content.campaignName === 'string' ? content.campaignName : '';
      messages = [postbackTemplate(ref, p, { buttonId: 'invoice', label: '上傳發票', text: name ? `${name}:上傳發票參加活動` : '上傳發票參加活動' })];
      break;
    }
    case 'flow.system_module': {
      const NAMES: Record<string, { text: string; label: string }> = {
        member_center: { text: '會員中心', label: '開啟會員中心' },
        coupon_wallet: { text: '優惠券夾', label: '查看優惠券' },
        phone_binding: { text: '綁定手機,享會員服務', label: '綁定手機' },
        '91app_member_card': { text: '我的會員卡', label: '查看會員卡' },
        '91app_shipping': { text: '出貨進度', label: '查詢出貨' },
        '91app_hot_products': { text: '熱銷商品', label: '看熱銷商品' },
      };
      const module = String(content.module ?? '');
      const name = NAMES[module];
      if (!name) return failure('unsupported_content', `System module "${module}" is not available on LINE`, false);
      messages = [postbackTemplate(ref, p, { buttonId: `system:${module}`, label: name.label, text: name.text })];
      break;
    }
    case 'message.cart_items': {
      type Item = { name?: string; title?: string; price?: number | string; imageUrl?: string; url?: string };
      const items = (Array.isArray(content.items) ? content.items : []) as Item[];
      p.need(items.length > 0, 'the cart is empty');
      p.max('cart items', items.length, LINE_LIMITS.carouselColumns);
      const columns = items.map((it, i) => {
        const title = String(it.name ?? it.title ?? `#${i + 1}`).slice(0, LINE_LIMITS.buttonsTitle);
        const text = it.price !== undefined ? String(it.price) : ' ';
        return {
          ...(it.imageUrl ? { thumbnailImageUrl: mediaUrl(it.imageUrl, `item ${i + 1} image`, p) } : {}),
          title,
          text,
          actions: [it.url ? uriAction(it.url, p, `item ${i + 1}`, '查看商品') : { type: 'postback', label: '查看商品', data: postbackData(ref, `item:${i}`) }],
        };
      });
      messages = [{ type: 'template', altText: altTextOf(`購物車還有 ${items.length} 件商品`), template: { type: 'carousel', columns } }];
      break;
    }
    case 'message.file':
      return failure('unsupported_content', 'LINE bots cannot send files', false);
    default:
      return failure('unsupported_content', `${nodeType} cannot be sent on LINE yet`, false);
  }
  if (p.list.length) return failure('invalid_message', p.list.join('; '), false);
  return messages;
}
