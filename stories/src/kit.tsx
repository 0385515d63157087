import { applicableLimits, builtinCatalogue } from '@omniflow/nodes';
import type { ChannelKind } from '@omniflow/schemas';
import { MessagePreview, type MessagePreviewProps, SAMPLE_CONTACTS, type SampleContactId } from '@omniflow/studio/cards';
import type { Meta, StoryObj } from '@storybook/react-vite';

export const catalogue = builtinCatalogue();

/** What a card story renders: the preview's props, with a named fixture contact instead of an object. */
export type CardStoryProps = Omit<MessagePreviewProps, 'contact'> & { contact: SampleContactId };

export function CardStory({ contact, ...props }: CardStoryProps) {
  return <MessagePreview {...props} contact={SAMPLE_CONTACTS[contact]} />;
}

export type CardMeta = Meta<typeof CardStory>;
export type CardStoryObj = StoryObj<typeof CardStory>;

/** A node type's first example config (the catalogue's realistic configs). */
export function example(nodeType: string, name?: string): unknown {
  const def = catalogue.get(nodeType);
  if (!def) throw new Error(`Unknown node type ${nodeType}`);
  const ex = name ? def.examples.find((e) => e.name === name) : def.examples[0];
  if (!ex) throw new Error(`${nodeType} has no example ${name ?? ''}`);
  return structuredClone(ex.config);
}

/**
 * The meta of one node type's stories. `parameters.omniflow.nodeType` is what the coverage test reads;
 * controls edit the channel, the config JSON, the contact and the placeholder mode.
 */
export function cardMeta(nodeType: string, onAction: MessagePreviewProps['onAction']): Omit<CardMeta, 'title'> {
  const def = catalogue.get(nodeType);
  if (!def) throw new Error(`Unknown node type ${nodeType}`);
  const channels = def.channels === 'any' ? ['line', 'messenger', 'instagram', 'whatsapp', 'webchat'] : [...def.channels];
  return {
    component: CardStory,
    parameters: { omniflow: { nodeType } },
    args: {
      nodeType,
      config: example(nodeType),
      channel: channels[0] as ChannelKind,
      contact: 'latin',
      placeholders: 'resolve',
      loadImages: false,
      chrome: true,
      onAction,
    },
    argTypes: {
      nodeType: { control: false },
      channel: { control: 'select', options: channels },
      contact: { control: 'select', options: Object.keys(SAMPLE_CONTACTS) },
      placeholders: { control: 'inline-radio', options: ['resolve', 'chips'] },
      config: { control: 'object' },
      loadImages: { control: 'boolean' },
      chrome: { control: 'boolean' },
      onAction: { action: 'onAction' },
    },
  };
}

/** A story on one channel, optionally with another config. */
export const on = (channel: ChannelKind, config?: unknown, extra: Partial<CardStoryProps> = {}): CardStoryObj => ({
  args: { channel, ...(config === undefined ? {} : { config }), ...extra },
});

/** A string of exactly n copies of a grapheme. */
export const repeat = (unit: string, n: number) => Array.from({ length: n }, () => unit).join('');

/** A limit from the node's own rules (never restated in stories): the strictest max at a path for this config on a channel. */
export function limitOf(nodeType: string, path: string, channel: ChannelKind, config: unknown = example(nodeType)): number {
  const def = catalogue.get(nodeType);
  if (!def) throw new Error(`Unknown node type ${nodeType}`);
  const parsed = def.config.parse(config);
  const rules = applicableLimits(def.limits ?? [], parsed, { channels: [channel] }).filter((r) => r.path === path && r.max !== undefined);
  const max = Math.min(...rules.map((r) => r.max ?? Number.POSITIVE_INFINITY));
  if (!Number.isFinite(max)) throw new Error(`No max limit for ${nodeType} ${path} on ${channel}`);
  return max;
}
