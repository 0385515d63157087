import type { BotScope, ChannelKind, FlowKind } from '@omniflow/schemas';

/** A fixture contact whose fields fill §5 placeholders in previews. */
export interface SampleContact {
  name?: string;
  memberId?: string;
  email?: string;
  phone?: string;
  branchCode?: string;
  salespersonCode?: string;
  points?: { balance?: number; accumulated?: number };
  /** Custom attributes by key ({{attr:key}}). */
  attributes?: Readonly<Record<string, unknown>>;
  /** Run variables ({{run:path}}), e.g. an API response mapping. */
  run?: Readonly<Record<string, unknown>>;
  /** Trigger event fields ({{trigger:field}}). */
  trigger?: Readonly<Record<string, unknown>>;
}

/** How placeholders show: resolved with the sample contact, or as chips naming the field. */
export type PlaceholderMode = 'resolve' | 'chips';

/** What a tap in a preview reports. */
export interface CardAction {
  nodeType: string;
  /** The button / option / area id from the config (for Flex: the action's data or uri, else the component path). */
  id: string;
  kind: 'button' | 'quick_reply' | 'option' | 'area' | 'image' | 'flex' | 'list_open' | 'see_all';
  label: string;
  /** The button action from the config, when it has one. */
  action?: unknown;
}

export interface MessagePreviewProps {
  /** A message node type from the catalogue, e.g. "message.text". */
  nodeType: string;
  /** The node's config (raw, as stored in the graph); it is parsed and validated for the channel. */
  config: unknown;
  channel: ChannelKind;
  contact?: SampleContact;
  placeholders?: PlaceholderMode;
  onAction?: (action: CardAction) => void;
  /** Load remote images; off in offline previews and screenshot tests (a placeholder box shows instead). */
  loadImages?: boolean;
  flowKind?: FlowKind;
  scope?: BotScope;
  /** Show the phone-like channel chrome around the card. */
  chrome?: boolean;
}
