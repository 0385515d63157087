// TypeScript shapes of a LINE Flex Message container (developers.line.biz Messaging API reference,
// "Flex Message"; line/line-openapi messaging-api.yml FlexContainer…FlexFiller). They type the samples
// and the channel adapters; the validator itself takes `unknown`, because the JSON is pasted by hand.

export type FlexBubbleSize = 'nano' | 'micro' | 'deca' | 'hecto' | 'kilo' | 'mega' | 'giga';
export type FlexLayout = 'horizontal' | 'vertical' | 'baseline';
export type FlexPosition = 'relative' | 'absolute';
export type FlexGravity = 'top' | 'bottom' | 'center';
export type FlexAlign = 'start' | 'end' | 'center';

export type FlexAction =
  | { type: 'uri'; label?: string; uri: string; altUri?: { desktop: string } }
  | {
      type: 'postback';
      label?: string;
      data: string;
      displayText?: string;
      inputOption?: 'closeRichMenu' | 'openRichMenu' | 'openKeyboard' | 'openVoice';
      fillInText?: string;
    }
  | { type: 'message'; label?: string; text: string }
  | { type: 'datetimepicker'; label?: string; data: string; mode: 'date' | 'time' | 'datetime'; initial?: string; max?: string; min?: string }
  | { type: 'clipboard'; label?: string; clipboardText: string };

/** Properties every component that sits in a box may carry to place itself. */
interface Placed {
  margin?: string;
  position?: FlexPosition;
  offsetTop?: string;
  offsetBottom?: string;
  offsetStart?: string;
  offsetEnd?: string;
}

export interface FlexLinearGradient {
  type: 'linearGradient';
  angle: string;
  startColor: string;
  endColor: string;
  centerColor?: string;
  centerPosition?: string;
}

export interface FlexBox extends Placed {
  type: 'box';
  layout: FlexLayout;
  contents: FlexComponent[];
  flex?: number;
  spacing?: string;
  backgroundColor?: string;
  borderColor?: string;
  borderWidth?: string;
  cornerRadius?: string;
  width?: string;
  maxWidth?: string;
  height?: string;
  maxHeight?: string;
  paddingAll?: string;
  paddingTop?: string;
  paddingBottom?: string;
  paddingStart?: string;
  paddingEnd?: string;
  action?: FlexAction;
  justifyContent?: 'center' | 'flex-start' | 'flex-end' | 'space-between' | 'space-around' | 'space-evenly';
  alignItems?: 'center' | 'flex-start' | 'flex-end';
  background?: FlexLinearGradient;
}

export interface FlexButton extends Placed {
  type: 'button';
  action: FlexAction;
  flex?: number;
  color?: string;
  style?: 'primary' | 'secondary' | 'link';
  gravity?: FlexGravity;
  height?: 'md' | 'sm';
  adjustMode?: 'shrink-to-fit';
  scaling?: boolean;
}

export interface FlexImage extends Placed {
  type: 'image';
  url: string;
  flex?: number;
  align?: FlexAlign;
  gravity?: FlexGravity;
  size?: string;
  aspectRatio?: string;
  aspectMode?: 'fit' | 'cover';
  backgroundColor?: string;
  action?: FlexAction;
  animated?: boolean;
}

export interface FlexVideo {
  type: 'video';
  url: string;
  previewUrl: string;
  altContent: FlexBox | FlexImage;
  aspectRatio?: string;
  action?: Extract<FlexAction, { type: 'uri' }>;
}

export interface FlexIcon extends Placed {
  type: 'icon';
  url: string;
  size?: string;
  aspectRatio?: string;
  scaling?: boolean;
}

export interface FlexSpan {
  type: 'span';
  text: string;
  size?: string;
  color?: string;
  weight?: 'regular' | 'bold';
  style?: 'normal' | 'italic';
  decoration?: 'none' | 'underline' | 'line-through';
}

export interface FlexText extends Placed {
  type: 'text';
  text?: string;
  contents?: FlexSpan[];
  flex?: number;
  size?: string;
  align?: FlexAlign;
  gravity?: FlexGravity;
  color?: string;
  weight?: 'regular' | 'bold';
  style?: 'normal' | 'italic';
  decoration?: 'none' | 'underline' | 'line-through';
  wrap?: boolean;
  lineSpacing?: string;
  maxLines?: number;
  action?: FlexAction;
  adjustMode?: 'shrink-to-fit';
  scaling?: boolean;
}

export interface FlexSeparator {
  type: 'separator';
  margin?: string;
  color?: string;
}

/** Deprecated by LINE; still accepted. */
export interface FlexFiller {
  type: 'filler';
  flex?: number;
}

export type FlexComponent = FlexBox | FlexButton | FlexImage | FlexVideo | FlexIcon | FlexText | FlexSeparator | FlexFiller;

export interface FlexBlockStyle {
  backgroundColor?: string;
  separator?: boolean;
  separatorColor?: string;
}

export interface FlexBubble {
  type: 'bubble';
  size?: FlexBubbleSize;
  direction?: 'ltr' | 'rtl';
  header?: FlexBox;
  hero?: FlexBox | FlexImage | FlexVideo;
  body?: FlexBox;
  footer?: FlexBox;
  styles?: { header?: FlexBlockStyle; hero?: FlexBlockStyle; body?: FlexBlockStyle; footer?: FlexBlockStyle };
  action?: FlexAction;
}

export interface FlexCarousel {
  type: 'carousel';
  contents: FlexBubble[];
}

export type FlexContainer = FlexBubble | FlexCarousel;

/** A problem in a Flex container; `path` leads from the container (plus the caller's base path) to the value. */
export interface FlexIssue {
  path: (string | number)[];
  code: string;
  message: { en: string; 'zh-Hant': string };
  severity?: 'error' | 'warning';
}
