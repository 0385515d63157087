import type { AttributeDefinition, BotScope, ChannelKind, FlowKind, LocalizedText, TriggerEventType } from '@omniflow/schemas';
import { BOT_SCOPE_CHANNELS, BOT_SCOPES } from '@omniflow/schemas';
import type { z } from 'zod';
import type { Capability, NodeOutcome, RunContext } from './run-context.ts';
import type { CountMode } from './text-length.ts';

export const NODE_CATEGORIES = ['trigger', 'message', 'logic', 'wait', 'action', 'flow'] as const;
export type NodeCategory = (typeof NODE_CATEGORIES)[number];

/** What an output port means; the studio colours handles by role and the validator treats them by role. */
export type PortRole = 'next' | 'branch' | 'success' | 'failure' | 'timeout' | 'event' | 'skipped';

export interface PortSpec {
  id: string;
  label: LocalizedText;
  role: PortRole;
}

/**
 * A limit as data: the validator enforces it, the studio shows a live counter from it, and the
 * table-driven tests probe its boundary. `path` is a config path where `[]` means "every item".
 */
export interface LimitRule<Config> {
  path: string;
  /** chars: string length (by `count`); items: array length; number: numeric value. */
  measure: 'chars' | 'items' | 'number';
  max?: number;
  min?: number;
  count?: CountMode;
  /** The limit applies when the node's content can go to one of these channels; omitted = every channel. */
  channels?: readonly ChannelKind[];
  /** The limit applies only to configs like this one (e.g. LINE buttons-template text when buttons exist). */
  when?: (config: Config) => boolean;
  /** The field as a marketer calls it. */
  field: LocalizedText;
  /** Where the number comes from: a spec section or a platform reference. */
  source: string;
}

/** Everything a node's checks may know about where the node sits. */
export interface NodeCheckContext {
  flowKind: FlowKind;
  /** Channels this node's content can be delivered on. */
  channels: readonly ChannelKind[];
  /** Chatbot scope, for chatbot cards and triggers. */
  scope?: BotScope;
  /** Custom attribute definitions, when the caller knows them. */
  attributes?: readonly AttributeDefinition[];
}

export interface NodeIssue {
  path: (string | number)[];
  message: LocalizedText;
  severity?: 'error' | 'warning';
  code?: string;
  channel?: ChannelKind;
}

export type PlaceholderField = string | { path: string; response?: boolean; positional?: boolean };

/** Placement rules for chatbot cards inside a module (§2.1 P1–P7). */
export interface Placement {
  /** Must be the module's last card (P1, P2). */
  last?: boolean;
  /** Must be the module's only card (P4). */
  alone?: boolean;
  /** At most this many per module (P5). */
  maxPerModule?: number;
  /** Cannot share a module with these node types (P3). */
  notWith?: readonly string[];
  /** Only inside a bot of this purpose (P5). */
  botPurpose?: 'cart_remarketing';
  /** Warn when the module has other cards (P7). */
  warnIfNotAlone?: LocalizedText;
}

/** Studio form hints; field labels come from the config schema's `.meta()` (see `field`). */
export interface FormHints {
  /** Field order in the side panel; unlisted fields follow. */
  order?: readonly string[];
}

export interface NodeDefinition<Schema extends z.ZodType = z.ZodType> {
  /** Stable id stored in graphs: "category.name" (custom nodes use their own namespace). */
  type: string;
  /** Bump when the config shape or behaviour changes; stored graphs keep the version they were saved with. */
  version: number;
  category: NodeCategory;
  flowKinds: readonly FlowKind[];
  /** Channels the node works on; 'any' for channel-neutral nodes. */
  channels: 'any' | readonly ChannelKind[];
  /** Chatbot scopes whose palette offers this card (§4.0); defaults to scopes sharing a channel with `channels`. */
  botScopes?: readonly BotScope[];
  label: LocalizedText;
  description: LocalizedText;
  /** An icon name from the studio's icon set (lucide names). */
  icon: string;
  config: Schema;
  /** What a freshly dropped node holds; it may still have issues to fill in (e.g. empty text). */
  defaultConfig: z.input<Schema>;
  /** Complete, valid configs: Storybook stories, docs and limit tests start from these. */
  examples: readonly { name: string; config: z.input<Schema> }[];
  /** Output ports, derived from the config (one per button, branch, outcome…). */
  ports: (config: z.output<Schema>, ctx: { flowKind: FlowKind }) => PortSpec[];
  limits?: readonly LimitRule<z.output<Schema>>[];
  /**
   * Config paths where §5 placeholders are allowed ("text", "buttons[].url", "contents.**"); elsewhere they
   * are an error. The object form also allows {{response:…}} (Call-an-API templates) or {{1}} (WhatsApp).
   */
  placeholders?: readonly PlaceholderField[];
  /** Cross-field and per-channel checks that are not plain limits. */
  check?: (config: z.output<Schema>, ctx: NodeCheckContext) => NodeIssue[];
  placement?: Placement;
  /** Pauses the run (timer or inbound event); journey cycles must pass through such a node. */
  waits?: boolean;
  /** Ends the run or the bot session; it has no outgoing edges. */
  terminal?: boolean;
  /** Run-context capabilities `run` uses. */
  needs: readonly Capability[];
  /** Plan / add-on gates (§0); all on in the open-source build. */
  requiredFeatures?: readonly string[];
  form?: FormHints;
  /** Trigger types: the engine events that can fire it. */
  events?: readonly TriggerEventType[];
  /** Executes the node; lands with the engine. Must be idempotent per ctx.idempotencyKey. */
  run?: (ctx: RunContext<z.output<Schema>>) => Promise<NodeOutcome>;
}

/** A node definition with its config type erased, as the catalogue stores it. */
// biome-ignore lint/suspicious/noExplicitAny: the catalogue holds definitions of every config type.
export type AnyNodeDefinition = NodeDefinition<any>;

/** Declares a node type. The returned object is the single source of its form, checks, ports and docs. */
export function defineNode<Schema extends z.ZodType>(definition: NodeDefinition<Schema>): NodeDefinition<Schema> {
  if (!/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/.test(definition.type)) {
    throw new Error(`Node type "${definition.type}" must look like "namespace.name" in lower case`);
  }
  if (!Number.isInteger(definition.version) || definition.version < 1) {
    throw new Error(`Node type "${definition.type}" needs an integer version ≥ 1`);
  }
  return definition;
}

/** Declares a trigger type: a node in the "trigger" category with a single `next` port by default. */
export function defineTrigger<Schema extends z.ZodType>(
  definition: Omit<NodeDefinition<Schema>, 'category' | 'ports'> & {
    events: readonly TriggerEventType[];
    ports?: NodeDefinition<Schema>['ports'];
  },
): NodeDefinition<Schema> {
  return defineNode({ ...definition, category: 'trigger', ports: definition.ports ?? (() => [NEXT_PORT]) });
}

export const NEXT_PORT: PortSpec = { id: 'next', label: { en: 'Next', 'zh-Hant': '下一步' }, role: 'next' };

/** Chatbot scopes that offer a node: its explicit list, or every scope sharing a channel with it. */
export function scopesOf(def: AnyNodeDefinition): readonly BotScope[] {
  if (def.botScopes) return def.botScopes;
  if (def.channels === 'any') return BOT_SCOPES;
  const channels = def.channels;
  return BOT_SCOPES.filter((s) => BOT_SCOPE_CHANNELS[s].some((c) => channels.includes(c)));
}
