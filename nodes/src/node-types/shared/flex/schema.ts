// The Flex Message rules as data: keywords, which component may sit where, which properties each
// component takes and how each property's value is written. Source: LINE Messaging API reference
// "Flex Message" and "Flex Message layout" (PLATFORMS.md §1.3), cross-checked with line/line-openapi
// messaging-api.yml (FlexBubble, FlexBox, FlexButton, FlexImage, FlexVideo, FlexIcon, FlexText, FlexSpan).

export const FLEX_LIMITS = {
  /** Bubbles in a carousel. */
  carouselBubbles: 12,
  /** JSON size of a bubble / a carousel, in bytes of UTF-8 JSON. LINE says "30 KB" / "50 KB"; we read KB as 1000 bytes, the stricter reading. */
  bubbleBytes: 30_000,
  carouselBytes: 50_000,
  /** Action labels (button labels are required), counted in grapheme clusters. */
  label: 40,
  /** Image, icon and video URLs. */
  mediaUrl: 2000,
  /** URI action `uri` and `altUri.desktop`. */
  uri: 1000,
  /** Postback / datetime-picker `data`, postback `displayText` / `fillInText`, message action `text`. */
  postbackData: 300,
  postbackText: 300,
  messageText: 300,
  clipboardText: 1000,
  /** Animated images per message. */
  animatedImages: 10,
  /** Aspect ratio parts, and height ≤ 3 × width. */
  aspectPart: 100_000,
  aspectHeightFactor: 3,
} as const;

export const COMPONENT_TYPES = ['box', 'button', 'image', 'video', 'icon', 'text', 'span', 'separator', 'filler'] as const;
export type ComponentType = (typeof COMPONENT_TYPES)[number];

export const BUBBLE_SIZES = ['nano', 'micro', 'deca', 'hecto', 'kilo', 'mega', 'giga'] as const;
/** The size a bubble has when it names none. */
export const DEFAULT_BUBBLE_SIZE = 'mega';
/** A video hero needs one of these bubble sizes. */
export const VIDEO_BUBBLE_SIZES = ['kilo', 'mega', 'giga'] as const;
export const BUBBLE_BLOCKS = ['header', 'hero', 'body', 'footer'] as const;
export const LAYOUTS = ['horizontal', 'vertical', 'baseline'] as const;

/** Where a component sits: inside a box of some layout, as the hero, as a header/body/footer block, or as a video's alternative. */
export type Slot = 'horizontal' | 'vertical' | 'baseline' | 'hero' | 'block' | 'altContent';

export const ALLOWED_CHILDREN: Readonly<Record<Slot, readonly ComponentType[]>> = {
  horizontal: ['box', 'button', 'image', 'text', 'separator', 'filler'],
  vertical: ['box', 'button', 'image', 'text', 'separator', 'filler'],
  baseline: ['icon', 'text', 'filler'],
  hero: ['box', 'image', 'video'],
  block: ['box'],
  altContent: ['box', 'image'],
};

/** Action types a Flex Message may carry; the others belong to quick replies or rich menus. */
export const FLEX_ACTION_TYPES = ['uri', 'postback', 'message', 'datetimepicker', 'clipboard'] as const;
export const NON_FLEX_ACTION_TYPES: Readonly<Record<string, 'quick reply' | 'rich menu'>> = {
  camera: 'quick reply',
  cameraRoll: 'quick reply',
  location: 'quick reply',
  richmenuswitch: 'rich menu',
};
export const URI_SCHEMES = ['http', 'https', 'line', 'tel'] as const;
export const POSTBACK_INPUT_OPTIONS = ['closeRichMenu', 'openRichMenu', 'openKeyboard', 'openVoice'] as const;
export const DATETIME_MODES = ['date', 'time', 'datetime'] as const;

const SPACING = ['none', 'xs', 'sm', 'md', 'lg', 'xl', 'xxl'] as const;
const FONT_SIZES = ['xxs', 'xs', 'sm', 'md', 'lg', 'xl', 'xxl', '3xl', '4xl', '5xl'] as const;
const IMAGE_SIZES = [...FONT_SIZES, 'full'] as const;
const BORDER_WIDTHS = ['none', 'light', 'normal', 'medium', 'semi-bold', 'bold'] as const;
const GRAVITY = ['top', 'bottom', 'center'] as const;
const ALIGN = ['start', 'end', 'center'] as const;

/** How a property's value is written. */
export type ValueRule =
  | { kind: 'enum'; values: readonly string[] }
  /** A keyword, or a pixel value ("12px") when `px`, or a percentage ("50%") when `percent`. */
  | { kind: 'size'; keywords: readonly string[]; px: boolean; percent: boolean }
  | { kind: 'int'; min: number }
  | { kind: 'bool' }
  | { kind: 'color' }
  | { kind: 'string' }
  | { kind: 'mediaUrl' }
  | { kind: 'aspectRatio'; capHeight: boolean }
  | { kind: 'angle' }
  /** Handled by the walker: child components, actions, backgrounds, alternative content. */
  | { kind: 'structure' };

const e = (values: readonly string[]): ValueRule => ({ kind: 'enum', values });
const size = (keywords: readonly string[], px: boolean, percent: boolean): ValueRule => ({ kind: 'size', keywords, px, percent });
const INT0: ValueRule = { kind: 'int', min: 0 };
const BOOL: ValueRule = { kind: 'bool' };
const COLOR: ValueRule = { kind: 'color' };
const STRUCT: ValueRule = { kind: 'structure' };
const MARGIN = size(SPACING, true, false);
const OFFSET = size(SPACING, true, true);
const LENGTH = size([], true, true);

const PLACED: Readonly<Record<string, ValueRule>> = {
  margin: MARGIN,
  position: e(['relative', 'absolute']),
  offsetTop: OFFSET,
  offsetBottom: OFFSET,
  offsetStart: OFFSET,
  offsetEnd: OFFSET,
};

/** The properties each component type takes ("type" aside). A property not listed draws a warning. */
export const COMPONENT_PROPS: Readonly<Record<ComponentType, Readonly<Record<string, ValueRule>>>> = {
  box: {
    ...PLACED,
    layout: e(LAYOUTS),
    contents: STRUCT,
    flex: INT0,
    spacing: MARGIN,
    backgroundColor: COLOR,
    borderColor: COLOR,
    borderWidth: size(BORDER_WIDTHS, true, false),
    cornerRadius: size(SPACING, true, false),
    width: LENGTH,
    maxWidth: LENGTH,
    height: LENGTH,
    maxHeight: LENGTH,
    paddingAll: OFFSET,
    paddingTop: OFFSET,
    paddingBottom: OFFSET,
    paddingStart: OFFSET,
    paddingEnd: OFFSET,
    action: STRUCT,
    justifyContent: e(['center', 'flex-start', 'flex-end', 'space-between', 'space-around', 'space-evenly']),
    alignItems: e(['center', 'flex-start', 'flex-end']),
    background: STRUCT,
  },
  button: {
    ...PLACED,
    action: STRUCT,
    flex: INT0,
    color: COLOR,
    style: e(['primary', 'secondary', 'link']),
    gravity: e(GRAVITY),
    height: e(['md', 'sm']),
    adjustMode: e(['shrink-to-fit']),
    scaling: BOOL,
  },
  image: {
    ...PLACED,
    url: { kind: 'mediaUrl' },
    flex: INT0,
    align: e(ALIGN),
    gravity: e(GRAVITY),
    size: size(IMAGE_SIZES, true, true),
    aspectRatio: { kind: 'aspectRatio', capHeight: true },
    aspectMode: e(['fit', 'cover']),
    backgroundColor: COLOR,
    action: STRUCT,
    animated: BOOL,
  },
  video: {
    url: { kind: 'mediaUrl' },
    previewUrl: { kind: 'mediaUrl' },
    altContent: STRUCT,
    aspectRatio: { kind: 'aspectRatio', capHeight: true },
    action: STRUCT,
  },
  icon: {
    ...PLACED,
    url: { kind: 'mediaUrl' },
    size: size(FONT_SIZES, true, false),
    aspectRatio: { kind: 'aspectRatio', capHeight: true },
    scaling: BOOL,
  },
  text: {
    ...PLACED,
    text: { kind: 'string' },
    contents: STRUCT,
    flex: INT0,
    size: size(FONT_SIZES, true, false),
    align: e(ALIGN),
    gravity: e(GRAVITY),
    color: COLOR,
    weight: e(['regular', 'bold']),
    style: e(['normal', 'italic']),
    decoration: e(['none', 'underline', 'line-through']),
    wrap: BOOL,
    lineSpacing: size([], true, false),
    maxLines: INT0,
    action: STRUCT,
    adjustMode: e(['shrink-to-fit']),
    scaling: BOOL,
  },
  span: {
    text: { kind: 'string' },
    size: size(FONT_SIZES, true, false),
    color: COLOR,
    weight: e(['regular', 'bold']),
    style: e(['normal', 'italic']),
    decoration: e(['none', 'underline', 'line-through']),
  },
  separator: { margin: MARGIN, color: COLOR },
  filler: { flex: INT0 },
};

/** Properties LINE requires on each component type. */
export const REQUIRED_PROPS: Readonly<Partial<Record<ComponentType, readonly string[]>>> = {
  box: ['layout', 'contents'],
  button: ['action'],
  image: ['url'],
  video: ['url', 'previewUrl', 'altContent'],
  icon: ['url'],
  span: ['text'],
};

export const BUBBLE_PROPS: Readonly<Record<string, ValueRule>> = {
  size: e(BUBBLE_SIZES),
  direction: e(['ltr', 'rtl']),
  header: STRUCT,
  hero: STRUCT,
  body: STRUCT,
  footer: STRUCT,
  styles: STRUCT,
  action: STRUCT,
};

export const BLOCK_STYLE_PROPS: Readonly<Record<string, ValueRule>> = { backgroundColor: COLOR, separator: BOOL, separatorColor: COLOR };

export const GRADIENT_PROPS: Readonly<Record<string, ValueRule>> = {
  angle: { kind: 'angle' },
  startColor: COLOR,
  endColor: COLOR,
  centerColor: COLOR,
  centerPosition: size([], false, true),
};
