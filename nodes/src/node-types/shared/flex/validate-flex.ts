import { textLength } from '../../../text-length.ts';
import { hasPlaceholderSyntax } from '../../../variables/template.ts';
import {
  ALLOWED_CHILDREN,
  BLOCK_STYLE_PROPS,
  BUBBLE_BLOCKS,
  BUBBLE_PROPS,
  COMPONENT_PROPS,
  COMPONENT_TYPES,
  type ComponentType,
  DATETIME_MODES,
  DEFAULT_BUBBLE_SIZE,
  FLEX_ACTION_TYPES,
  FLEX_LIMITS,
  GRADIENT_PROPS,
  NON_FLEX_ACTION_TYPES,
  POSTBACK_INPUT_OPTIONS,
  REQUIRED_PROPS,
  type Slot,
  URI_SCHEMES,
  type ValueRule,
  VIDEO_BUBBLE_SIZES,
} from './schema.ts';
import type { FlexIssue } from './types.ts';

// A validator for pasted Flex Message JSON: it walks the container the way LINE reads it and reports
// every problem with a path into the JSON, so the studio can point at the exact property. It never
// throws, whatever it is given. Strings may hold §5 placeholders; their format is checked after
// rendering (at send time), except for keywords such as `type` and `layout`, which must be literal.

type Path = (string | number)[];
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const dynamic = (v: unknown): boolean => typeof v === 'string' && hasPlaceholderSyntax(v);
const list = (values: readonly string[]) => values.join(', ');
const listZh = (values: readonly string[]) => values.join('、');

const PX = /^\d+(\.\d+)?px$/;
const PERCENT = /^\d+(\.\d+)?%$/;
const COLOR = /^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
const ASPECT = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/;
const ANGLE = /^-?\d+(\.\d+)?deg$/;

const SLOT_NAMES: Readonly<Record<Slot, { en: string; zh: string }>> = {
  horizontal: { en: 'a horizontal box', zh: '水平(horizontal)box' },
  vertical: { en: 'a vertical box', zh: '垂直(vertical)box' },
  baseline: { en: 'a baseline box', zh: '基線(baseline)box' },
  hero: { en: 'the hero block', zh: 'hero 區塊' },
  block: { en: 'a header, body or footer block', zh: 'header、body 或 footer 區塊' },
  altContent: { en: "a video's altContent", zh: '影片的 altContent' },
};

/** Bytes of the container as LINE receives it (UTF-8 JSON). */
export function flexJsonBytes(container: unknown): number {
  return new TextEncoder().encode(JSON.stringify(container) ?? '').length;
}

class FlexWalker {
  readonly issues: FlexIssue[] = [];
  private animated = 0;

  private add(path: Path, code: string, en: string, zh: string, severity?: 'warning'): void {
    this.issues.push({ path, code, message: { en, 'zh-Hant': zh }, ...(severity ? { severity } : {}) });
  }

  private required(path: Path, what: string): void {
    this.add(path, 'required', `"${what}" is required here.`, `此處必須設定「${what}」。`);
  }

  private tooLong(path: Path, what: string, size: number, max: number): void {
    this.add(path, 'too_long', `"${what}" has ${size} characters; LINE allows at most ${max}.`, `「${what}」目前 ${size} 字,LINE 最多允許 ${max} 字。`);
  }

  /** Checks a string's presence and length; returns the string when present. */
  private text(
    obj: Json,
    key: string,
    path: Path,
    opts: { required?: boolean; max?: number; count?: 'utf16' | 'graphemes'; min?: number },
  ): string | undefined {
    const value = obj[key];
    if (value === undefined || value === '') {
      if (opts.required) this.required([...path, key], key);
      return undefined;
    }
    if (typeof value !== 'string') {
      this.add([...path, key], 'invalid_value', `"${key}" must be text.`, `「${key}」必須是文字。`);
      return undefined;
    }
    if (opts.max !== undefined && !dynamic(value)) {
      const size = textLength(value, opts.count ?? 'utf16');
      if (size > opts.max) this.tooLong([...path, key], key, size, opts.max);
    }
    return value;
  }

  private unknownProp(path: Path, key: string, owner: string): void {
    this.add(
      path,
      'unknown_property',
      `"${key}" is not a property of ${owner}; LINE may reject it.`,
      `「${key}」不是 ${owner} 的屬性,LINE 可能會拒收。`,
      'warning',
    );
  }

  private value(rule: ValueRule, value: unknown, path: Path, key: string): void {
    const bad = (expected: string, expectedZh: string) =>
      this.add(
        path,
        'invalid_value',
        `"${key}" must be ${expected} (it is ${JSON.stringify(value)}).`,
        `「${key}」必須是${expectedZh}(目前為 ${JSON.stringify(value)})。`,
      );
    if (rule.kind === 'structure') return;
    if (rule.kind !== 'enum' && dynamic(value)) return;
    switch (rule.kind) {
      case 'enum':
        if (typeof value !== 'string' || !rule.values.includes(value)) bad(`one of ${list(rule.values)}`, `${listZh(rule.values)} 其中之一`);
        return;
      case 'size': {
        const ok = typeof value === 'string' && (rule.keywords.includes(value) || (rule.px && PX.test(value)) || (rule.percent && PERCENT.test(value)));
        if (ok) return;
        const forms = [
          ...(rule.keywords.length ? [list(rule.keywords)] : []),
          ...(rule.px ? ['a pixel value like "12px"'] : []),
          ...(rule.percent ? ['a percentage like "50%"'] : []),
        ];
        const formsZh = [
          ...(rule.keywords.length ? [listZh(rule.keywords)] : []),
          ...(rule.px ? ['像素值(如 "12px")'] : []),
          ...(rule.percent ? ['百分比(如 "50%")'] : []),
        ];
        bad(forms.join(' or '), formsZh.join(' 或 '));
        return;
      }
      case 'int':
        if (!Number.isInteger(value) || (value as number) < rule.min) bad(`a whole number ≥ ${rule.min}`, `不小於 ${rule.min} 的整數`);
        return;
      case 'bool':
        if (typeof value !== 'boolean') bad('true or false', 'true 或 false');
        return;
      case 'color':
        if (typeof value !== 'string' || !COLOR.test(value)) bad('a colour like "#1DB446" or "#1DB446CC"', '色碼(如 "#1DB446" 或 "#1DB446CC")');
        return;
      case 'string':
        if (typeof value !== 'string') bad('text', '文字');
        return;
      case 'angle':
        if (typeof value !== 'string' || !ANGLE.test(value)) bad('an angle like "90deg"', '角度(如 "90deg")');
        return;
      case 'mediaUrl':
        this.mediaUrl(value, path, key);
        return;
      case 'aspectRatio':
        this.aspectRatio(value, path, key, rule.capHeight);
        return;
    }
  }

  private mediaUrl(value: unknown, path: Path, key: string): void {
    if (value === '') return; // reported as required by the component
    if (typeof value !== 'string') {
      this.add(path, 'invalid_value', `"${key}" must be an https:// URL.`, `「${key}」必須是 https:// 開頭的網址。`);
      return;
    }
    if (!/^https:\/\//i.test(value) && !value.startsWith('{{')) {
      this.add(path, 'insecure_url', `"${key}" must be an https:// URL.`, `「${key}」必須是 https:// 開頭的網址。`);
    }
    if (!dynamic(value) && value.length > FLEX_LIMITS.mediaUrl) this.tooLong(path, key, value.length, FLEX_LIMITS.mediaUrl);
  }

  private aspectRatio(value: unknown, path: Path, key: string, capHeight: boolean): void {
    const m = typeof value === 'string' ? ASPECT.exec(value) : null;
    const w = Number(m?.[1]);
    const h = Number(m?.[2]);
    if (!m || w < 1 || h < 1 || w > FLEX_LIMITS.aspectPart || h > FLEX_LIMITS.aspectPart) {
      this.add(
        path,
        'invalid_value',
        `"${key}" must be "width:height" with both between 1 and ${FLEX_LIMITS.aspectPart}, e.g. "20:13".`,
        `「${key}」必須是「寬:高」格式,兩者介於 1 到 ${FLEX_LIMITS.aspectPart},例如 "20:13"。`,
      );
      return;
    }
    if (capHeight && h > FLEX_LIMITS.aspectHeightFactor * w) {
      this.add(
        path,
        'aspect_ratio_too_tall',
        `"${key}" ${value}: the height cannot be more than 3 times the width.`,
        `「${key}」${value}:高度不可超過寬度的 3 倍。`,
      );
    }
  }

  /** Checks the plain properties of an object against a property table; returns nothing, reports unknown keys. */
  private props(obj: Json, path: Path, table: Readonly<Record<string, ValueRule>>, owner: string, skip: readonly string[] = ['type']): void {
    for (const [key, value] of Object.entries(obj)) {
      if (skip.includes(key)) continue;
      const rule = table[key];
      if (!rule) this.unknownProp([...path, key], key, owner);
      else this.value(rule, value, [...path, key], key);
    }
  }

  container(c: unknown, path: Path): void {
    if (!isObject(c)) {
      this.add(
        path,
        'invalid_container',
        'The Flex contents must be a JSON object of type "bubble" or "carousel".',
        'Flex 內容必須是 type 為 "bubble" 或 "carousel" 的 JSON 物件。',
      );
      return;
    }
    const bytes = flexJsonBytes(c);
    if (c.type === 'bubble') {
      this.bubble(c, path, false);
      if (bytes > FLEX_LIMITS.bubbleBytes) this.tooBig(path, bytes, FLEX_LIMITS.bubbleBytes, 'bubble');
    } else if (c.type === 'carousel') {
      this.carousel(c, path);
      if (bytes > FLEX_LIMITS.carouselBytes) this.tooBig(path, bytes, FLEX_LIMITS.carouselBytes, 'carousel');
    } else {
      this.add([...path, 'type'], 'unknown_container', 'The container "type" must be "bubble" or "carousel".', '容器的「type」必須是 "bubble" 或 "carousel"。');
    }
    if (this.animated > FLEX_LIMITS.animatedImages) {
      this.add(
        path,
        'too_many_animated',
        `The message has ${this.animated} animated images; LINE allows at most ${FLEX_LIMITS.animatedImages}.`,
        `此訊息有 ${this.animated} 張動態圖片,LINE 最多允許 ${FLEX_LIMITS.animatedImages} 張。`,
      );
    }
  }

  private tooBig(path: Path, bytes: number, max: number, kind: string): void {
    this.add(
      path,
      'json_too_large',
      `The ${kind} JSON is ${(bytes / 1000).toFixed(1)} KB; LINE allows at most ${max / 1000} KB.`,
      `此 ${kind} 的 JSON 為 ${(bytes / 1000).toFixed(1)} KB,LINE 最多允許 ${max / 1000} KB。`,
    );
  }

  private carousel(c: Json, path: Path): void {
    this.props(c, path, {}, 'a carousel', ['type', 'contents']);
    const bubbles = c.contents;
    if (!Array.isArray(bubbles)) {
      this.add([...path, 'contents'], 'required', 'A carousel needs "contents": a list of bubbles.', '輪播(carousel)必須有「contents」泡泡列表。');
      return;
    }
    if (bubbles.length === 0) this.add([...path, 'contents'], 'required', 'A carousel needs at least one bubble.', '輪播至少需要一個泡泡(bubble)。');
    if (bubbles.length > FLEX_LIMITS.carouselBubbles) {
      this.add(
        [...path, 'contents'],
        'too_many',
        `The carousel has ${bubbles.length} bubbles; LINE allows at most ${FLEX_LIMITS.carouselBubbles}.`,
        `輪播目前有 ${bubbles.length} 個泡泡,LINE 最多允許 ${FLEX_LIMITS.carouselBubbles} 個。`,
      );
    }
    let firstSize: string | undefined;
    bubbles.forEach((b, i) => {
      const at = [...path, 'contents', i];
      if (!isObject(b) || b.type !== 'bubble') {
        this.add(at, 'carousel_item_not_bubble', 'Every item of a carousel must be a bubble.', '輪播中的每一項都必須是泡泡(bubble)。');
        return;
      }
      this.bubble(b, at, true);
      const size = typeof b.size === 'string' ? b.size : DEFAULT_BUBBLE_SIZE;
      if (firstSize === undefined) firstSize = size;
      else if (size !== firstSize) {
        this.add(
          [...at, 'size'],
          'carousel_size_mismatch',
          `All bubbles of a carousel must have the same size: this one is "${size}", the first is "${firstSize}".`,
          `輪播中所有泡泡的尺寸必須相同:此泡泡為「${size}」,第一個為「${firstSize}」。`,
        );
      }
    });
  }

  private bubble(b: Json, path: Path, inCarousel: boolean): void {
    this.props(b, path, BUBBLE_PROPS, 'a bubble');
    const blocks = BUBBLE_BLOCKS.filter((k) => b[k] !== undefined);
    if (blocks.length === 0) {
      this.add(path, 'empty_bubble', 'A bubble needs at least one of header, hero, body or footer.', '泡泡至少需要 header、hero、body 或 footer 其中之一。');
    }
    for (const block of ['header', 'body', 'footer'] as const) {
      if (b[block] !== undefined) this.component(b[block], [...path, block], 'block');
    }
    if (b.hero !== undefined) {
      this.component(b.hero, [...path, 'hero'], 'hero');
      if (isObject(b.hero) && b.hero.type === 'video') {
        const size = typeof b.size === 'string' ? b.size : DEFAULT_BUBBLE_SIZE;
        if (!(VIDEO_BUBBLE_SIZES as readonly string[]).includes(size)) {
          this.add(
            [...path, 'size'],
            'video_bubble_size',
            `A bubble with a video must be of size ${list(VIDEO_BUBBLE_SIZES)} (it is "${size}").`,
            `含影片的泡泡尺寸必須是 ${listZh(VIDEO_BUBBLE_SIZES)}(目前為「${size}」)。`,
          );
        }
        if (inCarousel) {
          this.add([...path, 'hero'], 'video_in_carousel', 'A bubble inside a carousel cannot have a video.', '輪播中的泡泡不能包含影片。');
        }
      }
    }
    if (b.styles !== undefined) this.styles(b.styles, [...path, 'styles']);
    if (b.action !== undefined) this.action(b.action, [...path, 'action'], false);
  }

  private styles(s: unknown, path: Path): void {
    if (!isObject(s)) {
      this.add(path, 'invalid_value', '"styles" must be an object.', '「styles」必須是物件。');
      return;
    }
    for (const [key, style] of Object.entries(s)) {
      if (!(BUBBLE_BLOCKS as readonly string[]).includes(key)) {
        this.unknownProp([...path, key], key, 'bubble styles');
        continue;
      }
      if (!isObject(style)) {
        this.add([...path, key], 'invalid_value', `"styles.${key}" must be an object.`, `「styles.${key}」必須是物件。`);
        continue;
      }
      this.props(style, [...path, key], BLOCK_STYLE_PROPS, 'a block style', []);
    }
  }

  private component(node: unknown, path: Path, slot: Slot): void {
    if (!isObject(node)) {
      this.add(path, 'invalid_component', 'A Flex component must be a JSON object with a "type".', 'Flex 元件必須是含有「type」的 JSON 物件。');
      return;
    }
    const type = node.type;
    if (typeof type !== 'string' || !(COMPONENT_TYPES as readonly string[]).includes(type)) {
      this.add(
        [...path, 'type'],
        'unknown_component',
        `Unknown component type ${JSON.stringify(type)}; use one of ${list(COMPONENT_TYPES)}.`,
        `未知的元件類型 ${JSON.stringify(type)},請使用 ${listZh(COMPONENT_TYPES)}。`,
      );
      return;
    }
    const t = type as ComponentType;
    if (t === 'span') {
      this.add([...path, 'type'], 'component_not_allowed', 'A span can only be placed in the "contents" of a text.', 'span 只能放在 text 的「contents」中。');
    } else if (!ALLOWED_CHILDREN[slot].includes(t)) {
      const where = SLOT_NAMES[slot];
      const allowed = ALLOWED_CHILDREN[slot];
      this.add(
        [...path, 'type'],
        'component_not_allowed',
        `A ${t} cannot be placed in ${where.en}; allowed: ${list(allowed)}.`,
        `${where.zh}中不能放 ${t},只能放 ${listZh(allowed)}。`,
      );
    }
    for (const key of REQUIRED_PROPS[t] ?? []) {
      if (node[key] === undefined || node[key] === '') this.required([...path, key], key);
    }
    this.props(node, path, COMPONENT_PROPS[t], `a ${t}`);

    switch (t) {
      case 'box': {
        const layout = typeof node.layout === 'string' && ['horizontal', 'vertical', 'baseline'].includes(node.layout) ? (node.layout as Slot) : 'vertical';
        if (node.contents !== undefined && !Array.isArray(node.contents)) {
          this.add([...path, 'contents'], 'invalid_value', 'A box\'s "contents" must be a list of components.', 'box 的「contents」必須是元件列表。');
        } else if (Array.isArray(node.contents)) {
          node.contents.forEach((child, i) => {
            this.component(child, [...path, 'contents', i], layout);
          });
        }
        if (node.background !== undefined) this.gradient(node.background, [...path, 'background']);
        break;
      }
      case 'button':
        if (node.action !== undefined) this.action(node.action, [...path, 'action'], true);
        return;
      case 'image':
        if (node.animated === true) this.animated++;
        break;
      case 'video':
        if (node.altContent !== undefined) this.component(node.altContent, [...path, 'altContent'], 'altContent');
        if (isObject(node.action) && node.action.type !== 'uri') {
          this.add([...path, 'action', 'type'], 'action_not_allowed', 'A video can only open a link (a "uri" action).', '影片只能使用開啟連結(uri)動作。');
          return;
        }
        break;
      case 'text': {
        const hasSpans = Array.isArray(node.contents) && node.contents.length > 0;
        if (!hasSpans && (typeof node.text !== 'string' || node.text === '')) this.required([...path, 'text'], 'text');
        if (node.contents !== undefined && !Array.isArray(node.contents)) {
          this.add([...path, 'contents'], 'invalid_value', 'A text\'s "contents" must be a list of spans.', 'text 的「contents」必須是 span 列表。');
        } else if (Array.isArray(node.contents)) {
          node.contents.forEach((span, i) => {
            this.span(span, [...path, 'contents', i]);
          });
        }
        break;
      }
      case 'filler':
        this.add(
          [...path, 'type'],
          'deprecated',
          'LINE has deprecated the filler component; use margins or flex instead.',
          'LINE 已不建議使用 filler 元件,請改用 margin 或 flex。',
          'warning',
        );
        return;
      default:
        break;
    }
    if (node.action !== undefined) this.action(node.action, [...path, 'action'], false);
  }

  private span(node: unknown, path: Path): void {
    if (!isObject(node) || node.type !== 'span') {
      this.add(
        isObject(node) ? [...path, 'type'] : path,
        'component_not_allowed',
        'The "contents" of a text can only hold spans.',
        'text 的「contents」只能放 span。',
      );
      return;
    }
    if (typeof node.text !== 'string' || node.text === '') this.required([...path, 'text'], 'text');
    this.props(node, path, COMPONENT_PROPS.span, 'a span');
  }

  private gradient(g: unknown, path: Path): void {
    if (!isObject(g) || g.type !== 'linearGradient') {
      this.add(
        isObject(g) ? [...path, 'type'] : path,
        'invalid_value',
        'A box background must be {"type": "linearGradient", …}.',
        'box 的背景必須是 {"type": "linearGradient", …}。',
      );
      return;
    }
    for (const key of ['angle', 'startColor', 'endColor']) {
      if (g[key] === undefined) this.required([...path, key], key);
    }
    this.props(g, path, GRADIENT_PROPS, 'a linear gradient');
  }

  private action(a: unknown, path: Path, labelRequired: boolean): void {
    if (!isObject(a)) {
      this.add(path, 'invalid_action', 'An action must be a JSON object with a "type".', '動作必須是含有「type」的 JSON 物件。');
      return;
    }
    const type = a.type;
    if (typeof type === 'string' && type in NON_FLEX_ACTION_TYPES) {
      const where = NON_FLEX_ACTION_TYPES[type];
      this.add(
        [...path, 'type'],
        'action_not_allowed',
        `The "${type}" action only works in a ${where}, not in a Flex Message.`,
        `「${type}」動作只能用於${where === 'quick reply' ? '快速回覆' : '圖文選單'},不能用於 Flex Message。`,
      );
      return;
    }
    if (typeof type !== 'string' || !(FLEX_ACTION_TYPES as readonly string[]).includes(type)) {
      this.add(
        [...path, 'type'],
        'unknown_action',
        `Unknown action type ${JSON.stringify(type)}; use one of ${list(FLEX_ACTION_TYPES)}.`,
        `未知的動作類型 ${JSON.stringify(type)},請使用 ${listZh(FLEX_ACTION_TYPES)}。`,
      );
      return;
    }
    this.text(a, 'label', path, { required: labelRequired, max: FLEX_LIMITS.label, count: 'graphemes' });
    const known: Record<string, readonly string[]> = {
      uri: ['uri', 'altUri'],
      postback: ['data', 'displayText', 'text', 'inputOption', 'fillInText'],
      message: ['text'],
      datetimepicker: ['data', 'mode', 'initial', 'max', 'min'],
      clipboard: ['clipboardText'],
    };
    for (const key of Object.keys(a)) {
      if (key !== 'type' && key !== 'label' && !known[type]?.includes(key)) this.unknownProp([...path, key], key, `a ${type} action`);
    }
    switch (type) {
      case 'uri': {
        const uri = this.text(a, 'uri', path, { required: true, max: FLEX_LIMITS.uri });
        if (uri !== undefined) this.scheme(uri, [...path, 'uri'], 'uri');
        if (a.altUri !== undefined) {
          if (!isObject(a.altUri))
            this.add([...path, 'altUri'], 'invalid_value', '"altUri" must be {"desktop": "https://…"}.', '「altUri」必須是 {"desktop": "https://…"}。');
          else {
            const desktop = this.text(a.altUri, 'desktop', [...path, 'altUri'], { required: true, max: FLEX_LIMITS.uri });
            if (desktop !== undefined) this.scheme(desktop, [...path, 'altUri', 'desktop'], 'desktop');
          }
        }
        break;
      }
      case 'postback':
        this.text(a, 'data', path, { required: true, max: FLEX_LIMITS.postbackData });
        this.text(a, 'displayText', path, { max: FLEX_LIMITS.postbackText, count: 'graphemes' });
        this.text(a, 'text', path, { max: FLEX_LIMITS.postbackText, count: 'graphemes' });
        this.text(a, 'fillInText', path, { max: FLEX_LIMITS.postbackText, count: 'graphemes' });
        if (a.displayText !== undefined && a.text !== undefined) {
          this.add(
            [...path, 'text'],
            'conflicting_properties',
            'A postback action cannot have both "displayText" and "text".',
            'postback 動作不能同時設定「displayText」與「text」。',
          );
        }
        if (a.inputOption !== undefined) this.value({ kind: 'enum', values: POSTBACK_INPUT_OPTIONS }, a.inputOption, [...path, 'inputOption'], 'inputOption');
        break;
      case 'message':
        this.text(a, 'text', path, { required: true, max: FLEX_LIMITS.messageText, count: 'graphemes' });
        break;
      case 'datetimepicker':
        this.text(a, 'data', path, { required: true, max: FLEX_LIMITS.postbackData });
        if (a.mode === undefined) this.required([...path, 'mode'], 'mode');
        else this.value({ kind: 'enum', values: DATETIME_MODES }, a.mode, [...path, 'mode'], 'mode');
        if (typeof a.mode === 'string') this.datetimes(a, path, a.mode);
        break;
      case 'clipboard':
        this.text(a, 'clipboardText', path, { required: true, max: FLEX_LIMITS.clipboardText });
        break;
    }
  }

  private scheme(uri: string, path: Path, key: string): void {
    if (uri.startsWith('{{')) return;
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
    if (!scheme || !(URI_SCHEMES as readonly string[]).includes(scheme)) {
      this.add(
        path,
        'invalid_uri',
        `"${key}" must start with http://, https://, line:// or tel:.`,
        `「${key}」必須以 http://、https://、line:// 或 tel: 開頭。`,
      );
    }
  }

  private datetimes(a: Json, path: Path, mode: string): void {
    const formats: Record<string, { re: RegExp; example: string; min: string; max: string }> = {
      date: { re: /^\d{4}-\d{2}-\d{2}$/, example: '2026-12-24', min: '1900-01-01', max: '2100-12-31' },
      time: { re: /^\d{2}:\d{2}$/, example: '18:30', min: '00:00', max: '23:59' },
      datetime: { re: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, example: '2026-12-24T18:30', min: '1900-01-01T00:00', max: '2100-12-31T23:59' },
    };
    const f = formats[mode];
    if (!f) return;
    for (const key of ['initial', 'min', 'max']) {
      const v = a[key];
      if (v === undefined) continue;
      if (typeof v !== 'string' || !f.re.test(v) || v < f.min || v > f.max) {
        this.add(
          [...path, key],
          'invalid_value',
          `"${key}" must look like "${f.example}" and lie between ${f.min} and ${f.max}.`,
          `「${key}」的格式必須像 "${f.example}",且介於 ${f.min} 與 ${f.max} 之間。`,
        );
      }
    }
    if (typeof a.min === 'string' && typeof a.max === 'string' && a.min > a.max) {
      this.add([...path, 'max'], 'invalid_range', '"max" is earlier than "min".', '「max」早於「min」。');
    }
  }
}

/**
 * Every problem in a Flex container (a bubble or a carousel), following LINE's documented structure and
 * limits. Paths lead from the container, prefixed with `basePath` (a node passes ['contents']).
 */
export function validateFlexContainer(contents: unknown, basePath: (string | number)[] = []): FlexIssue[] {
  const walker = new FlexWalker();
  walker.container(contents, [...basePath]);
  return walker.issues;
}
